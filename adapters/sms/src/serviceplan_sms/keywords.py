"""The words a patient texts back to stop or restart the clinic's texts, as carriers know them.

A reply counts only when it is the keyword alone (any case, surrounding spaces or a full stop
allowed): "stop" is a STOP, "please don't stop reminding me" is not.
"""

from __future__ import annotations

from enum import Enum


class Reply(Enum):
    """What a keyword asks for."""

    STOP = "stop"
    START = "start"


STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})


def reply_of(body: str) -> Reply | None:
    """Return what a reply asks for, or None when it is not a keyword."""
    word = body.strip().rstrip(".!").strip().upper()
    if word in STOP_WORDS:
        return Reply.STOP
    if word in START_WORDS:
        return Reply.START
    return None
