"""Version 0.1's index of a provider's day, kept so histories written then still load.

Every booking wrote it, so two desks booking one provider's day collided; the day's visits are
now read from the schedule index (`serviceplan.app.schedule`), built from the visits' own events.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

PROVIDER_DAY_NAMESPACE = UUID("0b8f0d4e-2f6a-4c55-8a7e-5e3d9b1c7a20")


class ProviderDay(Aggregate):
    """The visits and delays of one provider on one day, as version 0.1 listed them."""

    class Opened(Aggregate.Created):
        provider: str
        day: date

    class VisitAdded(Aggregate.Event):
        visit_id: UUID

    class DelayAdded(Aggregate.Event):
        delay_id: UUID

    @staticmethod
    def create_id(provider: str, day: date) -> UUID:
        """Derive the id from provider and day, as version 0.1 did."""
        return provider_day_id(provider, day)

    @event(Opened)
    def __init__(self, provider: str, day: date) -> None:
        self.provider = provider
        self.day = day
        self.visit_ids: tuple[UUID, ...] = ()
        self.delay_ids: tuple[UUID, ...] = ()

    @event(VisitAdded)
    def _visit_added(self, visit_id: UUID) -> None:
        self.visit_ids = (*self.visit_ids, visit_id)

    @event(DelayAdded)
    def _delay_added(self, delay_id: UUID) -> None:
        self.delay_ids = (*self.delay_ids, delay_id)


def provider_day_id(provider: str, day: date) -> UUID:
    """Return the id version 0.1 gave a provider's day."""
    return uuid5(PROVIDER_DAY_NAMESPACE, f"{provider}/{day.isoformat()}")
