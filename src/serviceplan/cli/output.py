"""Files the command line writes (an export, a report page): whole, the owner's only, or none.

A regular file is written beside its place under a temporary name, readable by its owner only
(0600), and moved into place once complete, so a command that fails or is killed never leaves a
half-written file under the name asked for. A device or a pipe (`/dev/stdout`) is written
directly. A file that cannot be written (a missing folder, a full disk) is a bad output file:
exit code 2, with the reason.
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
def written(path: Path) -> Iterator[TextIO]:
    """Yield a text file to write `path` through; it is in place only if the block ends well."""
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
