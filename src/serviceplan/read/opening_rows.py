"""What the day board shows of the waitlist: each opening of the day, its offers, who took it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from serviceplan.domain.opening import OpeningStatus
from serviceplan.read.follower import unstamp
from serviceplan.read.openings import Answer


@attrs.frozen
class BoardOffer:
    """One patient's offer of an opening (by id only), and how they answered, if they did."""

    entry_id: str
    patient_id: str
    batch: int
    made_at: datetime
    expires: datetime
    answer: Answer | None = None
    answered_at: datetime | None = None

    def is_out(self, now: datetime) -> bool:
        """Say whether the offer still waits for an answer at `now` (unanswered, in its window)."""
        return self.answer is None and self.expires > now


@attrs.frozen
class BoardOpening:
    """A freed time of the provider's day, offered to the waitlist, and where it stands."""

    opening_id: str
    start: datetime
    length: int
    visit_type: str | None
    source: str
    """Where the time came from: cancelled, moved, left-delay or reported."""
    status: OpeningStatus
    opened_at: datetime
    freed_by: str | None = None
    """The visit whose time it was, if the time came from one."""
    offers: tuple[BoardOffer, ...] = ()
    accepted_by: str | None = None
    """The patient (by id) who said yes and holds or got the time; None before that."""
    filled_with: str | None = None
    """The visit booked for them."""
    settled_at: datetime | None = None
    """When it was filled or closed."""

    def offers_out(self, now: datetime) -> int:
        """How many offers wait for an answer at `now`, while the time is still offered."""
        if self.status is not OpeningStatus.OFFERING:
            return 0
        return sum(1 for offer in self.offers if offer.is_out(now))


def openings_from(
    openings: Iterable[Mapping[str, Any]], offers: Iterable[Mapping[str, Any]]
) -> tuple[BoardOpening, ...]:
    """Build the day's openings from rows of an opening table and of its offers."""
    by_opening: dict[str, list[BoardOffer]] = defaultdict(list)
    for values in sorted(offers, key=lambda v: v["seq"]):  # in the order they were made
        by_opening[values["opening_id"]].append(_offer(values))
    return tuple(_opening(values, by_opening[values["opening_id"]]) for values in openings)


def _offer(values: Mapping[str, Any]) -> BoardOffer:
    answer = values["answer"]
    return BoardOffer(
        entry_id=values["entry_id"], patient_id=values["patient_id"], batch=values["batch"],
        made_at=datetime.fromisoformat(values["made_at"]),
        expires=datetime.fromisoformat(values["expires"]),
        answer=None if answer is None else Answer(answer),
        answered_at=unstamp(values["answered_at"]),
    )  # fmt: skip


def _opening(values: Mapping[str, Any], offers: list[BoardOffer]) -> BoardOpening:
    claimed = values["claimed_by"]
    accepted = next((o.patient_id for o in offers if o.entry_id == claimed), None)
    return BoardOpening(
        opening_id=values["opening_id"], start=datetime.fromisoformat(values["start"]),
        length=values["length"], visit_type=values["visit_type"], source=values["source"],
        status=OpeningStatus(values["status"]),
        opened_at=datetime.fromisoformat(values["opened_at"]),
        freed_by=values["freed_by"],
        offers=tuple(offers), accepted_by=accepted,
        filled_with=values["filled_with"],
        settled_at=unstamp(values["settled_at"]),
    )  # fmt: skip
