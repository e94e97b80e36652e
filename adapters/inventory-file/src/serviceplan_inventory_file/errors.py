"""Why the stock file the office edits could not be read.

It is a `serviceplan.errors.InvalidInput`, so a caller can catch the whole family. A
message names the file, the line or item and the field, so the office can fix its edit.
"""

from __future__ import annotations

from serviceplan.errors import InvalidInput


class StockFileError(InvalidInput):
    """The stock file cannot be read: a broken line, a missing field, a value out of range."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        super().__init__(f"{file}, {where}: {problem}")
