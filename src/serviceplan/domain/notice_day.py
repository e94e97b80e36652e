"""The notices of one clinic day: which patients were owed which notices, found in one read."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.errors import InvalidInput

NOTICE_DAY_NAMESPACE = UUID("8d2e4b61-0c7f-4a39-b5e1-6f9a3d7c2b48")


class NoticeDay(Aggregate):
    """The (patient, key) pairs of the notices requested on one day, in the order requested."""

    @staticmethod
    def create_id(day: date) -> UUID:
        """Derive the id from the day, so there is exactly one per day."""
        return notice_day_id(day)

    @event("Opened")
    def __init__(self, day: date) -> None:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise InvalidInput("day must be a date")
        self.day = day
        self.notices: tuple[tuple[UUID, str], ...] = ()

    @event("NoticeListed")
    def list_notice(self, patient_id: UUID, key: str) -> None:
        """Put a newly requested notice on the day."""
        entry = (checks.an_id(patient_id, "patient id"), checks.code(key, "notice key"))
        self.notices = (*self.notices, entry)


def notice_day_id(day: date) -> UUID:
    """Return the id of the day's notice list."""
    return uuid5(NOTICE_DAY_NAMESPACE, day.isoformat())
