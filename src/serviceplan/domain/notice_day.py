"""Version 0.1's list of the notices of one clinic day, kept so histories written then still load.

Every notice request wrote it, so notices for different patients collided; the day's notices
are now read from the notice index (`serviceplan.app.notice_index`).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

NOTICE_DAY_NAMESPACE = UUID("8d2e4b61-0c7f-4a39-b5e1-6f9a3d7c2b48")


class NoticeDay(Aggregate):
    """The (patient, key) pairs of the notices requested on one day, as version 0.1 listed them."""

    class Opened(Aggregate.Created):
        day: date

    class NoticeListed(Aggregate.Event):
        patient_id: UUID
        key: str

    @staticmethod
    def create_id(day: date) -> UUID:
        """Derive the id from the day, as version 0.1 did."""
        return notice_day_id(day)

    @event(Opened)
    def __init__(self, day: date) -> None:
        self.day = day
        self.notices: tuple[tuple[UUID, str], ...] = ()

    @event(NoticeListed)
    def _notice_listed(self, patient_id: UUID, key: str) -> None:
        self.notices = (*self.notices, (patient_id, key))


def notice_day_id(day: date) -> UUID:
    """Return the id version 0.1 gave a day's notice list."""
    return uuid5(NOTICE_DAY_NAMESPACE, day.isoformat())
