"""Workload 1, the clinic day: book, check in, start and complete N visits, one command a time.

Three contenders do the same work: serviceplan's `ServicePlan`, a bare eventsourcing application
(`bench.bare`) recording the same number and size of events, and raw inserts of serviceplan's own
stored rows into the same table shape, one transaction per command.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from bench.bare import COUNTERPARTS, BareClinic
from bench.harness import Took, stopwatch
from serviceplan import Channel, ContactPoints, FixedClock, PhoneNumber, ServicePlan, Staff
from serviceplan.domain.provider_day import provider_day_id
from serviceplan.store.config import memory_store

DAY = datetime(2030, 1, 7, tzinfo=UTC)
"""A Monday, far enough ahead that every booking is in the future."""
DESK = Staff("desk-ana", "front-desk")
BY = f"{DESK.id}/{DESK.role}"
"""The bare baseline's actor: the same staff member, as plain text."""
CONTACT = ContactPoints(PhoneNumber("+15555550100"))
VISIT_LENGTH = 20


@dataclass(frozen=True)
class Slot:
    """One visit to book: with whom, when, for how long."""

    provider: str
    start: datetime
    length: int = VISIT_LENGTH


def schedule(visits: int, providers: int, prefix: str = "dr") -> list[Slot]:
    """Return a day of back-to-back visits from 08:00, dealt round the providers."""
    return [
        Slot(
            f"{prefix}-{n % providers}",
            DAY + timedelta(hours=8, minutes=VISIT_LENGTH * (n // providers)),
        )
        for n in range(visits)
    ]


Groups = list[list[StoredEvent]]
"""The stored events of a clinic day, one list per command (that is, per transaction)."""


def _ready() -> None:
    """Start at once (writers running side by side wait for each other here instead)."""


def serviceplan_day(
    env: Mapping[str, str], slots: Sequence[Slot], go: Callable[[], object] = _ready
) -> tuple[Took, Groups]:
    """Run the day through `ServicePlan`; return the seconds it took and its rows by command.

    Patients are registered first, outside the figure: the day is the four commands a visit.
    """
    clock = FixedClock(DAY - timedelta(days=1))
    plan = ServicePlan(env, clock=clock)
    patients = [
        plan.register_patient(contact=CONTACT, preferred=Channel.SMS, by=DESK) for _ in slots
    ]
    go()
    with stopwatch() as took:
        visits = [
            plan.book_visit(
                patient,
                provider=s.provider,
                visit_type="exam",
                start=s.start,
                length=s.length,
                by=DESK,
            )
            for patient, s in zip(patients, slots, strict=True)
        ]
        clock.set(DAY + timedelta(hours=8))
        for visit in visits:
            plan.check_in(visit, by=DESK)
            plan.start_visit(visit, by=DESK)
            plan.complete_visit(visit, by=DESK)
    groups = commands_of(plan, visits, slots)
    plan.close()
    return took, groups


def commands_of(plan: ServicePlan, visits: Sequence[UUID], slots: Sequence[Slot]) -> Groups:
    """Read back the rows each command wrote, grouped by command.

    A booking wrote the visit's first event and its day's new events; each later command wrote
    one event of the visit.
    """
    recorder = plan.events.recorder
    rows = {v: list(recorder.select_events(v)) for v in visits}
    days: dict[UUID, list[StoredEvent]] = {}
    seen: dict[UUID, int] = defaultdict(int)
    bookings: Groups = []
    for visit, slot in zip(visits, slots, strict=True):
        day_id = provider_day_id(slot.provider, slot.start.date())
        day = days.setdefault(day_id, list(recorder.select_events(day_id)))
        seen[day_id] += 1
        opened = [day[0]] if seen[day_id] == 1 else []
        bookings.append([rows[visit][0], *opened, day[seen[day_id]]])
    later = [[rows[v][n]] for v in visits for n in (1, 2, 3)]
    return bookings + later


def bare_day(
    env: Mapping[str, str],
    slots: Sequence[Slot],
    pads: Mapping[str, str],
    go: Callable[[], object] = _ready,
) -> Took:
    """Run the same day through the bare eventsourcing application; return the seconds."""
    app = BareClinic(env, pads)
    patients = [UUID(int=n + 1) for n in range(len(slots))]
    at, by = DAY - timedelta(days=1), BY
    go()
    with stopwatch() as took:
        visits = [
            app.book(patient, s.provider, s.start, s.length, at=at, by=by)
            for patient, s in zip(patients, slots, strict=True)
        ]
        at = DAY + timedelta(hours=8)
        for visit in visits:
            app.check_in(visit, at, by)
            app.begin(visit, at, by)
            app.complete(visit, at, by)
    app.close()
    return took


def kind(topic: str) -> str:
    """Return an event's class path without its module: `Visit.Booked`."""
    return topic.partition(":")[2]


def sizes(groups: Groups) -> dict[str, float]:
    """Return the mean stored size of each kind of event."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for group in groups:
        for stored in group:
            by_kind[kind(stored.topic)].append(len(stored.state))
    return {k: statistics.fmean(v) for k, v in by_kind.items()}


def pads_matching(target: Mapping[str, float]) -> dict[str, str]:
    """Return the padding that makes each bare event as big as serviceplan's on average."""
    unpadded = dict.fromkeys(COUNTERPARTS.values(), "")
    app = BareClinic(memory_store(), unpadded)
    slot = schedule(1, 1)[0]
    visit = app.book(UUID(int=1), slot.provider, slot.start, slot.length, at=DAY, by=BY)
    app.check_in(visit, DAY, BY)
    app.begin(visit, DAY, BY)
    app.complete(visit, DAY, BY)
    pads = {}
    for notification in app.notification_log.select(start=1, limit=10):
        theirs = COUNTERPARTS[kind(notification.topic)]
        pads[theirs] = "x" * max(0, round(target[theirs]) - len(notification.state))
    return pads
