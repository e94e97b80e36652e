"""The words a patient texts back to stop or restart the clinic's texts and calls.

Since 11 April 2025 the FCC's rule (47 CFR 64.1200(a)(10)) names the replies that revoke consent
to automated texts and calls: "stop", "quit", "end", "revoke", "opt out", "cancel" and
"unsubscribe". A reply counts when it is one of these words alone, in any case, with any spacing
and punctuation ("Stop.", "OPT-OUT", "opt out!", " s t o p "): the reply is reduced to its letters
and digits before it is compared. STOPALL, the carriers' own keyword, counts too. "Please stop by
later" is not a keyword; replies that only read as a revocation are the desk's to judge.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum


class Reply(Enum):
    """What a keyword asks for."""

    STOP = "stop"
    START = "start"


STOP_WORDS = frozenset(
    {"STOP", "QUIT", "END", "REVOKE", "OPT OUT", "CANCEL", "UNSUBSCRIBE", "STOPALL"}
)
"""The revoking replies of 47 CFR 64.1200(a)(10), and the carriers' STOPALL."""
START_WORDS = frozenset({"START", "UNSTOP"})
_NOT_WORD = re.compile(r"[\W_]+")


def squeeze(word: str) -> str:
    """Reduce a reply to its letters and digits, in one case: "Opt-Out!" and "OPTOUT" are one."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", word)).casefold()


_STOPS = frozenset(squeeze(word) for word in STOP_WORDS)
_STARTS = frozenset(squeeze(word) for word in START_WORDS)


def reply_of(body: str) -> Reply | None:
    """Return what a reply asks for, or None when it is not a keyword alone."""
    word = squeeze(body)
    if word in _STOPS:
        return Reply.STOP
    if word in _STARTS:
        return Reply.START
    return None
