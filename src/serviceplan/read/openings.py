"""Openings and their offers, followed from the openings' events into a read model's tables.

`OpeningFollowing` is mixed into a follower that names its table in `opening_table`; the offers
go to `<opening_table>_offers`. The tables keep ids, times, codes and counts only: not why an
opening was closed or a claim failed (free text), and no patient but by id, so a view of an
encrypted store shows nothing its events hide.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from serviceplan.domain.opening import Opening, OpeningStatus
from serviceplan.read.follower import AT, on
from serviceplan.read.stored import text_id
from serviceplan.read.writes import Key

OPENED = (
    "provider", "start._data_", "length", "visit_type", "source", "visit_id._data_", AT,
)  # fmt: skip
OFFER = ("entry_id._data_", "patient_id._data_", "batch", "expires._data_", AT)
ANSWER = ("entry_id._data_", AT)
COLUMNS = """opening_id TEXT PRIMARY KEY, provider TEXT, day TEXT, start TEXT, length INTEGER,
    visit_type TEXT, source TEXT, status TEXT, opened_at TEXT, opened_day TEXT, freed_by TEXT,
    claimed_by TEXT, filled_with TEXT, settled_at TEXT"""
OFFER_COLUMNS = """opening_id TEXT, entry_id TEXT, patient_id TEXT, batch INTEGER,
    expires TEXT, made_at TEXT, seq INTEGER, answer TEXT, answered_at TEXT,
    PRIMARY KEY (opening_id, entry_id)"""


class Answer(Enum):
    """How a patient answered an offer, as the read models keep it."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    TOO_LATE = "too-late"
    """They said yes after the time was taken or their window ran out."""
    NOT_BOOKED = "not-booked"
    """They won the time, but the scheduler could not book it."""


def opening_tables(name: str) -> dict[str, str]:
    """Return the CREATE statements of an opening table called `name` and its offers."""
    return {
        name: f"CREATE TABLE IF NOT EXISTS {name} ({COLUMNS})",
        f"{name}_offers": f"CREATE TABLE IF NOT EXISTS {name}_offers ({OFFER_COLUMNS})",
    }


def opening_indexes(name: str) -> tuple[str, ...]:
    """Return the indexes an opening table is read by: the day of its time, the day it opened."""
    return (
        f"CREATE INDEX IF NOT EXISTS {name}_by_day ON {name} (day, provider)",
        f"CREATE INDEX IF NOT EXISTS {name}_by_opened_day ON {name} (opened_day)",
    )


class OpeningFollowing:
    """Handlers that keep an opening table and its offers (mixed into a `Follower`).

    Its methods are all named `_opening_*`, `_offer_*` or `_claim_*`: a follower's own methods
    of the same name would take their place.
    """

    opening_table: ClassVar[str]
    event_position: int

    if TYPE_CHECKING:

        def write(self, statement: str, params: Sequence[object], *rows: Key) -> None:
            """Queue a write (`Follower.write`)."""

        def local_day(self, moment: str) -> str:
            """Return the clinic day of a stored moment (`Follower.local_day`)."""

    @on(Opening.Opened, reads=OPENED)
    def _opening_opened(  # noqa: PLR0913, PLR0917 (the opening's fields, as stored)
        self,
        opening_id: str,
        provider: str,
        start: str,
        length: int,
        visit_type: str | None,
        source: str,
        visit_id: str | None,
        at: str,
    ) -> None:
        self.write(
            f"INSERT OR REPLACE INTO {self.opening_table} VALUES"  # noqa: S608 (our own names)
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
            (
                opening_id, provider, self.local_day(start), start, length, visit_type, source,
                OpeningStatus.OFFERING.value, at, self.local_day(at),
                None if visit_id is None else text_id(visit_id),
            ),
            *self._opening_rows(opening_id),
        )  # fmt: skip

    @on(Opening.OfferMade, reads=OFFER)
    def _offer_made(  # noqa: PLR0913, PLR0917 (the offer's fields, as stored)
        self, opening_id: str, entry_id: str, patient_id: str, batch: int, expires: str, at: str
    ) -> None:
        self.write(
            f"INSERT OR REPLACE INTO {self.opening_table}_offers VALUES"  # noqa: S608
            " (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            (
                opening_id,
                text_id(entry_id),
                text_id(patient_id),
                batch,
                expires,
                at,
                self.event_position,
            ),
            *self._opening_rows(opening_id),
        )

    @on(Opening.Accepted, reads=ANSWER)
    def _offer_accepted(self, opening_id: str, entry_id: str, at: str) -> None:
        self._opening_status(opening_id, OpeningStatus.CLAIMED, "claimed_by = ?", text_id(entry_id))
        self._offer_answer(opening_id, Answer.ACCEPTED, at, "entry_id = ?", text_id(entry_id))

    @on(Opening.Declined, reads=ANSWER)
    def _offer_declined(self, opening_id: str, entry_id: str, at: str) -> None:
        self._offer_answer(opening_id, Answer.DECLINED, at, "entry_id = ?", text_id(entry_id))

    @on(Opening.AnsweredGone, reads=ANSWER)
    def _offer_too_late(self, opening_id: str, entry_id: str, at: str) -> None:
        self._offer_answer(opening_id, Answer.TOO_LATE, at, "entry_id = ?", text_id(entry_id))

    @on(Opening.ClaimFailed, reads=(AT,))
    def _claim_failed(self, opening_id: str, at: str) -> None:
        table = self.opening_table
        claimer = f"entry_id = (SELECT claimed_by FROM {table} WHERE opening_id = ?)"  # noqa: S608
        self._offer_answer(opening_id, Answer.NOT_BOOKED, at, claimer, opening_id)
        self._opening_status(opening_id, OpeningStatus.OFFERING, "claimed_by = ?", None)

    @on(Opening.Filled, reads=("visit_id._data_", AT))
    def _opening_filled(self, opening_id: str, visit_id: str, at: str) -> None:
        assignment = "filled_with = ?, settled_at = ?"
        self._opening_status(opening_id, OpeningStatus.FILLED, assignment, text_id(visit_id), at)

    @on(Opening.Closed, reads=(AT,))
    def _opening_closed(self, opening_id: str, at: str) -> None:
        self._opening_status(opening_id, OpeningStatus.CLOSED, "settled_at = ?", at)

    def _opening_status(
        self, opening_id: str, status: OpeningStatus, assignment: str, *values: str | None
    ) -> None:
        self.write(
            f"UPDATE {self.opening_table} SET status = ?, {assignment}"  # noqa: S608
            " WHERE opening_id = ?",
            (status.value, *values, opening_id),
            *self._opening_rows(opening_id),
        )

    def _offer_answer(
        self, opening_id: str, answer: Answer, at: str, which: str, value: str
    ) -> None:
        self.write(
            f"UPDATE {self.opening_table}_offers SET answer = ?, answered_at = ?"  # noqa: S608
            f" WHERE opening_id = ? AND {which}",
            (answer.value, at, opening_id, value),
            *self._opening_rows(opening_id),
        )

    def _opening_rows(self, opening_id: str) -> tuple[Key, Key]:
        """The rows an opening's writes touch: its own, and its offers (keyed by the opening)."""
        return (self.opening_table, opening_id), (f"{self.opening_table}_offers", opening_id)
