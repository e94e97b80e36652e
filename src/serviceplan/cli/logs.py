"""Where the command line's log goes: standard error, at the level the user chose.

Warnings and errors are shown by default (a plugin that failed to load, a follower's failed
pass); `-q` keeps errors only, `-v` adds what serviceplan does (info), `-vv` the details (debug).
Other libraries' lines are shown from warnings up only. serviceplan's log lines name notices by
key and plugins by name, never a patient's name, number, address or words.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

OURS = ("serviceplan", "serviceplan.", "serviceplan_")
"""serviceplan's loggers, and its adapters' (`serviceplan_sms`, ...)."""
FORMAT = "%(levelname)s %(name)s: %(message)s"


class _Stderr(logging.StreamHandler[TextIO]):
    """A handler writing to whatever `sys.stderr` is at the moment of each line."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        """Keep following `sys.stderr` (the base class sets a stream once)."""


class _Chosen(logging.Filter):
    """Let serviceplan's lines through from `level`, other libraries' from warnings."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name == OURS[0] or record.name.startswith(OURS[1:])
        return record.levelno >= (self.level if ours else max(self.level, logging.WARNING))


def level_for(verbose: int, *, quiet: bool) -> int:
    """Return the level of serviceplan's lines for `-v` given `verbose` times, or `-q`."""
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


@contextmanager
def logging_to_stderr(level: int = logging.WARNING) -> Iterator[None]:
    """Send log lines to standard error for the length of a command, then put things back."""
    root = logging.getLogger()
    handler = _Stderr()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_Chosen(level))
    before = root.level
    root.addHandler(handler)
    root.setLevel(min(level, logging.WARNING))
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


@contextmanager
def told_otherwise(logger: str) -> Iterator[None]:
    """Keep `logger`'s warnings off stderr for a block that tells the same in its own words.

    At `-v` or more nothing is kept back. Errors always show.
    """
    found = logging.getLogger(logger)
    before = found.level
    if _chosen_level() >= logging.WARNING:
        found.setLevel(logging.ERROR)
    try:
        yield
    finally:
        found.setLevel(before)


def _chosen_level() -> int:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _Stderr):
            for found in handler.filters:
                if isinstance(found, _Chosen):
                    return found.level
    return logging.WARNING


def choose(level: int) -> None:
    """Change the level of the handler installed by `logging_to_stderr` (options are read late)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, _Stderr):
            for found in handler.filters:
                if isinstance(found, _Chosen):
                    found.level = level
    root.setLevel(min(level, logging.WARNING))
