"""The bare eventsourcing baseline: a visit, nothing else.

It records the same events as serviceplan's clinic day (same number, same kinds, padded to the
same stored size), with eventsourcing's stock JSON transcoder, and no checks, no settings, no
patient lookup: what any eventsourcing application pays for the same history. Since serviceplan
0.2 a booking writes the visit alone (a provider's day is a read model, `ScheduleIndex`), so the
baseline no longer keeps the day aggregate it kept beside serviceplan's `ProviderDay`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

# Which serviceplan event each bare event stands in for, by the event's class path.
COUNTERPARTS = {
    "BareVisit.Booked": "Visit.Booked",
    "BareVisit.CheckedIn": "Visit.CheckedIn",
    "BareVisit.Started": "Visit.Started",
    "BareVisit.Completed": "Visit.Completed",
}


class BareVisit(Aggregate):
    """An appointment with the same facts as serviceplan's Visit, held as plain values."""

    @event("Booked")
    def __init__(  # noqa: PLR0913 (the same facts as serviceplan's booking)
        self,
        *,
        patient_id: UUID,
        provider: str,
        visit_type: str,
        start: datetime,
        length: int,
        at: datetime,
        by: str,
        pad: str,
    ) -> None:
        self.patient_id = patient_id
        self.provider = provider
        self.visit_type = visit_type
        self.start = start
        self.length = length
        self.booked_at = at
        self.booked_by = by
        self.pad = pad
        self.status = "booked"

    @event("CheckedIn")
    def check_in(self, at: datetime, by: str, pad: str) -> None:
        """Record the arrival."""
        self.status, self.pad, self.checked_in = "checked-in", pad, (at, by)

    @event("Started")
    def begin(self, at: datetime, by: str, pad: str) -> None:
        """Record the start."""
        self.status, self.pad, self.started = "started", pad, (at, by)

    @event("Completed")
    def complete(self, at: datetime, by: str, pad: str) -> None:
        """Record the end."""
        self.status, self.pad, self.completed = "completed", pad, (at, by)


class BareClinic(Application[UUID]):
    """The baseline application: load, command, save; one transaction per command."""

    name = "BareClinic"

    def __init__(self, env: Mapping[str, str], pads: Mapping[str, str]) -> None:
        super().__init__(dict(env))
        self.pads = pads

    def book(  # noqa: PLR0913 (the same facts as serviceplan's booking)
        self,
        patient_id: UUID,
        provider: str,
        start: datetime,
        length: int,
        *,
        at: datetime,
        by: str,
    ) -> UUID:
        """Book an exam: one new visit, saved."""
        visit = BareVisit(
            patient_id=patient_id, provider=provider, visit_type="exam", start=start,
            length=length, at=at, by=by, pad=self.pads["Visit.Booked"],
        )  # fmt: skip
        self.save(visit)
        return visit.id

    def check_in(self, visit_id: UUID, at: datetime, by: str) -> None:
        """Load the visit, record the arrival, save."""
        visit: BareVisit = self.repository.get(visit_id)
        visit.check_in(at, by, self.pads["Visit.CheckedIn"])
        self.save(visit)

    def begin(self, visit_id: UUID, at: datetime, by: str) -> None:
        """Load the visit, record the start, save."""
        visit: BareVisit = self.repository.get(visit_id)
        visit.begin(at, by, self.pads["Visit.Started"])
        self.save(visit)

    def complete(self, visit_id: UUID, at: datetime, by: str) -> None:
        """Load the visit, record the end, save."""
        visit: BareVisit = self.repository.get(visit_id)
        visit.complete(at, by, self.pads["Visit.Completed"])
        self.save(visit)
