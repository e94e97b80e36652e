"""Files the command line writes (an export, a report page): whole, the owner's only, or none.

A regular file is written beside its place under a temporary name, readable by its owner only
(0600), and moved into place once complete, so a command that fails or is killed never leaves a
half-written file under the name asked for. A device or a pipe (`/dev/stdout`) is written
directly. A file that cannot be written (a missing folder, a full disk) is a bad output file:
exit code 2, with the reason. An existing file is replaced only when it is what the command
writes (an earlier export, an earlier page) or empty: never a store, never anything else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from serviceplan.cli.failures import BadInputFile
from serviceplan.store.files import PRIVATE


@contextmanager
def written(path: Path, what: str, starts: tuple[bytes, ...]) -> Iterator[TextIO]:
    """Yield a text file to write `path` through; it is in place only if the block ends well.

    An existing regular file at `path` is replaced only when it is empty or begins with one of
    `starts` (what the command writes, named `what`).
    """
    _check_replaceable(path, what, starts)
    try:
        if path.exists() and not path.is_file():
            with path.open("w", encoding="utf8") as direct:
                yield direct
            return
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    except OSError as error:
        raise BadInputFile(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf8") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
    except OSError as error:
        with suppress(OSError):
            partial.unlink()
        raise BadInputFile(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise


def _check_replaceable(path: Path, what: str, starts: tuple[bytes, ...]) -> None:
    """Refuse to write over a file that is not an earlier one of `what` (a store, say)."""
    if not path.is_file():
        return
    try:
        with path.open("rb") as file:
            head = file.read(64).lstrip()
    except OSError as error:
        raise BadInputFile(f"cannot write {path}: {error.strerror or error}") from None
    if head and not head.lower().startswith(tuple(s.lower() for s in starts)):
        msg = f"{path} exists and is not {what}: it is left as it is; give another file"
        raise BadInputFile(msg)
