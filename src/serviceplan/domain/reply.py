"""A patient's reply by text: what they wrote, and what it was taken to mean.

A reply answers the question the patient was last asked (a delay's choices, an offer's yes or
no), revokes consent (STOP and its kin, 47 CFR 64.1200(a)(10)), or goes to the desk with its
words. `meaning` reads a reply's words; the record keeps the words themselves (encrypted with
the rest of the event in an encrypted store) and what was done with them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import Enum
from itertools import pairwise
from typing import TYPE_CHECKING
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.errors import NotAllowedNow

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff

REPLY_NAMESPACE = UUID("c2a7d91e-3f44-4b0a-9e61-7d5b0c8f2e13")
MAX_REPLY = 1600
MAX_WHY = 200


class Meaning(Enum):
    """What a reply's words say, read alone."""

    STOP = "stop"
    """Revoke consent to automated texts and calls."""
    START = "start"
    YES = "yes"
    NO = "no"
    KEEP = "1"
    LATER = "2"
    ANOTHER_DAY = "3"
    OTHER = "other"


REVOKING = frozenset(
    {"stop", "stopall", "quit", "end", "revoke", "optout", "cancel", "unsubscribe"}
)
"""Whole-message replies that revoke consent: the FCC's list in force since 11 April 2025 (47 CFR
64.1200(a)(10)), and STOPALL, which carriers treat alike. Spacing, case, punctuation and the
width of the characters do not matter. The one list: the SMS adapter reads replies with it too."""
STARTING = frozenset({"start", "unstop"})
YESES = frozenset({"yes", "y", "ok", "okay", "sure", "yeah", "yep"})
NOES = frozenset({"no", "n", "nope"})
POLITE = frozenset({"please", "pls", "thanks", "thank", "you", "thx", "ty"})
"""Words a yes or a no may carry without changing it: "Yes please", "no thank you"."""
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
_WORDS = re.compile(r"[a-z0-9]+")


def meaning(words: str) -> Meaning:
    """Read what a reply says on its own: a keyword, a yes or no, a choice, or something else.

    A keyword counts only as the whole reply (spacing, case and stops aside); a yes or a no may
    come with a please or a thanks; anything more is for a person to read.
    """
    text = _plain(words)
    plain = _NOT_LETTERS.sub("", text)
    if plain in REVOKING:
        return Meaning.STOP
    if plain in STARTING:
        return Meaning.START
    if plain in {"1", "2", "3"}:
        return Meaning(plain)
    tokens = _WORDS.findall(text)
    if tokens and all(t in POLITE for t in tokens[1:]):
        if tokens[0] in YESES:
            return Meaning.YES
        if tokens[0] in NOES:
            return Meaning.NO
    return Meaning.OTHER


def may_revoke(words: str) -> bool:
    """Say whether a reply that is more than a keyword still uses a word that revokes consent.

    Such a reply goes to a person, who records the opt-out if that is what it asks.
    """
    tokens = _WORDS.findall(_plain(words))
    joined = {a + b for a, b in pairwise(tokens)}  # "opt out"
    return bool(REVOKING & (set(tokens) | joined))


def _plain(words: str) -> str:
    """Return the words in one case and one form: a STOP in full-width letters is a STOP too."""
    return unicodedata.normalize("NFKC", words).casefold()


def reply_id_for(channel: Channel, reference: str) -> UUID:
    """Return the id of the reply the channel knows by `reference`: one message, one reply."""
    return uuid5(REPLY_NAMESPACE, f"{channel.value}/{reference}")


class Reply(Aggregate):
    """One message a patient sent back, and what came of it.

    Its own aggregate because a reply is dealt with once: answered, too late, or the desk's.
    """

    class Received(Aggregate.Created):
        patient_id: UUID
        channel: Channel
        words: str
        reference: str
        at: datetime
        by: Staff

    class Answered(Aggregate.Event):
        question: str
        answer: Meaning
        at: datetime
        by: Staff

    class TooLate(Aggregate.Event):
        question: str
        at: datetime
        by: Staff

    class ForDesk(Aggregate.Event):
        why: str
        at: datetime
        by: Staff

    class Settled(Aggregate.Event):
        at: datetime
        by: Staff

    @event(Received)
    def __init__(  # noqa: PLR0913 (a reply has this many facts)
        self,
        *,
        patient_id: UUID,
        channel: Channel,
        words: str,
        reference: str,
        at: datetime,
        by: Staff,
    ) -> None:
        del by
        self.patient_id = patient_id
        self.channel = channel
        self.words = words
        self.reference = reference
        self.received_at = at
        self.outcome: str | None = None
        self.for_desk = False
        self.settled_at: datetime | None = None

    @classmethod
    def receive(  # noqa: PLR0913 (a reply has this many facts)
        cls,
        *,
        patient_id: UUID,
        channel: Channel,
        words: str,
        reference: str,
        at: datetime,
        by: Staff,
    ) -> Reply:
        """Record a message the patient sent, known by the channel's own reference for it."""
        channel = checks.member(channel, Channel, "channel")
        reference = checks.code(reference, "reference")
        return cls._create(
            cls.Received, id=reply_id_for(channel, reference),
            patient_id=checks.an_id(patient_id, "patient id"), channel=channel,
            words=checks.text(words, "reply", max_length=MAX_REPLY, empty=True),
            reference=reference, at=checks.aware(at, "at"), by=checks.staff(by),
        )  # fmt: skip

    def answer(self, question: str, answer: Meaning, at: datetime, by: Staff) -> None:
        """Record the answer the reply gave to the question (a notice's key)."""
        self._check_open(at, by)
        self._answered(
            question=checks.code(question, "question"),
            answer=checks.member(answer, Meaning, "answer"), at=at, by=by,
        )  # fmt: skip

    @event(Answered)
    def _answered(self, question: str, answer: Meaning, at: datetime, by: Staff) -> None:
        del at, by
        self.outcome = f"{answer.value} to {question}"

    def came_too_late(self, question: str, at: datetime, by: Staff) -> None:
        """Record that the question the reply answers had closed."""
        self._check_open(at, by)
        self._too_late(question=checks.code(question, "question"), at=at, by=by)

    @event(TooLate)
    def _too_late(self, question: str, at: datetime, by: Staff) -> None:
        del at, by
        self.outcome = f"too late for {question}"

    def hand_to_desk(self, why: str, at: datetime, by: Staff) -> None:
        """Record that a person must read the reply (it answers nothing the plan asked)."""
        self._check_open(at, by)
        self._for_desk(why=checks.text(why, "why", max_length=MAX_WHY), at=at, by=by)

    @event(ForDesk)
    def _for_desk(self, why: str, at: datetime, by: Staff) -> None:
        del at, by
        self.outcome = why
        self.for_desk = True

    def settle(self, at: datetime, by: Staff) -> None:
        """Record that the desk dealt with the reply."""
        checks.aware(at, "at")
        checks.staff(by)
        if not self.for_desk or self.settled_at is not None:
            raise NotAllowedNow("reply", "not on the desk's list", "settle it")
        self._settled(at=at, by=by)

    @event(Settled)
    def _settled(self, at: datetime, by: Staff) -> None:
        del by
        self.settled_at = at

    def _check_open(self, at: datetime, by: Staff) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if self.outcome is not None:
            raise NotAllowedNow("reply", "dealt with", "deal with it again")
