"""Exit codes that tell the cause, and what the user reads when a command cannot go on.

| code | cause |
|---|---|
| 0 | all went well |
| 1 | the clinic's rules refused something (a domain refusal) |
| 2 | bad usage, or a file given on the command line that is wrong or cannot be written |
| 3 | the store: unreachable, unreadable, damaged, or written by a newer serviceplan |
| 4 | the key: missing, malformed, or not the store's |
| 5 | a plugin: broken (failed to load), missing, or breaking its contract |
| 6 | the configuration: a file, key or setting that cannot be used; a zone unlike the store's |
| 7 | a follower (deliver, follow) gave up after its failed passes in a row |
| 8 | an unexpected error: a bug (run again with --debug, and report it) |
| 130 | stopped by Ctrl-C before it finished (the usual code for SIGINT) |

No traceback reaches the user but with `--debug`. Messages name places, settings and the type of
an error, never patients' data.
"""

from __future__ import annotations

import sqlite3

import click
from eventsourcing.persistence import (
    InfrastructureFactoryError,
    MapperDeserialisationError,
    PersistenceError,
)

from serviceplan.errors import (
    BadHistoryFile,
    BadKey,
    BadStoreSetting,
    ConfigProblem,
    FollowerGaveUp,
    InvalidInput,
    PluginProblem,
    ServicePlanError,
    StoreProblem,
    ZoneChanged,
)

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_STORE = 3
EXIT_KEY = 4
EXIT_PLUGIN = 5
EXIT_CONFIGURATION = 6
EXIT_GAVE_UP = 7
EXIT_INTERNAL = 8
EXIT_INTERRUPTED = 130
MAX_DETAIL = 300


class BadInputFile(click.ClickException):
    """A file named on the command line is wrong, or cannot be read or written: exit code 2."""

    exit_code = EXIT_USAGE


def classify(error: BaseException) -> tuple[int, str]:
    """Return the exit code for `error` and the line to show the user."""
    served = _ours(error)
    if served is not None:
        return served
    if isinstance(error, InfrastructureFactoryError):
        return EXIT_CONFIGURATION, f"Error: the store cannot be set up: {_detail(error)}"
    if isinstance(error, MapperDeserialisationError):
        return EXIT_STORE, "Error: a stored event cannot be read (damaged, or a wrong key)"
    if isinstance(error, PersistenceError | sqlite3.Error):
        return EXIT_STORE, f"Error: the store failed: {type(error).__name__}: {_detail(error)}"
    if isinstance(error, OSError):
        return EXIT_STORE, f"Error: {type(error).__name__}: {_detail(error)}"
    name = type(error).__name__
    return EXIT_INTERNAL, (
        f"Error: an unexpected error ({name}) stopped the command; run it again with --debug to"
        " see where, and report it"
    )


def _ours(error: BaseException) -> tuple[int, str] | None:
    """Return the code and line for one of serviceplan's own errors (None for another)."""
    if not isinstance(error, ServicePlanError):
        return None
    code = EXIT_REFUSED
    if isinstance(error, BadKey):
        code = EXIT_KEY
    elif isinstance(error, BadStoreSetting | ConfigProblem | ZoneChanged):
        code = EXIT_CONFIGURATION
    elif isinstance(error, InvalidInput | BadHistoryFile):
        code = EXIT_USAGE
    elif isinstance(error, StoreProblem):
        code = EXIT_STORE
    elif isinstance(error, PluginProblem):
        code = EXIT_PLUGIN
    elif isinstance(error, FollowerGaveUp):
        code = EXIT_GAVE_UP
    return code, f"{'Refused' if code == EXIT_REFUSED else 'Error'}: {error}"


def _detail(error: BaseException) -> str:
    """Return the first line of an error's message, shortened."""
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:MAX_DETAIL]
