"""A provider's day: which visits are on it, so a delay can find them in one read."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks

PROVIDER_DAY_NAMESPACE = UUID("0b8f0d4e-2f6a-4c55-8a7e-5e3d9b1c7a20")


class ProviderDay(Aggregate):
    """The list of visits booked with one provider on one day, in the order they were booked.

    The ids are kept in lists that each event appends to, so replaying a day of n visits takes
    time in proportion to n (a new tuple per event would copy n²/2 ids); `visit_ids` and
    `delay_ids` hand out tuples, made when asked for.
    """

    @staticmethod
    def create_id(provider: str, day: date) -> UUID:
        """Derive the id from provider and day, so there is exactly one per pair."""
        return provider_day_id(provider, day)

    @event("Opened")
    def __init__(self, provider: str, day: date) -> None:
        self.provider = checks.code(provider, "provider")
        self.day = day
        self._visit_ids: list[UUID] = []
        self._delay_ids: list[UUID] = []

    @property
    def visit_ids(self) -> tuple[UUID, ...]:
        """The visits on the day, in the order they were booked."""
        return tuple(self._visit_ids)

    @property
    def delay_ids(self) -> tuple[UUID, ...]:
        """The delays announced on the day, in order."""
        return tuple(self._delay_ids)

    @event("VisitAdded")
    def add_visit(self, visit_id: UUID) -> None:
        """Put a newly booked visit on the day."""
        self._visit_ids.append(checks.an_id(visit_id, "visit id"))

    @event("DelayAdded")
    def add_delay(self, delay_id: UUID) -> None:
        """Put an announced delay on the day, so the desk and detection can find it."""
        self._delay_ids.append(checks.an_id(delay_id, "delay id"))


def provider_day_id(provider: str, day: date) -> UUID:
    """Return the id of the provider's day."""
    return uuid5(PROVIDER_DAY_NAMESPACE, f"{provider}/{day.isoformat()}")
