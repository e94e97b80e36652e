"""Workload 1, the clinic day: book, check in, start and complete N visits, one command a time.

Three contenders do the same work: serviceplan's `ServicePlan`, a bare eventsourcing application
(`bench.bare`) recording the same number and size of events, and raw inserts of serviceplan's own
stored rows into the same table shape, one transaction per command. serviceplan's run also
times, apart from the writes, its schedule index catching up with the day afterwards: the
provider's day is a read model now, paid for when it is first asked about, not at each booking.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from bench.bare import COUNTERPARTS, BareClinic
from bench.harness import Took, stopwatch
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
)
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
COMMANDS = frozenset({"Visit.Booked", "Visit.CheckedIn", "Visit.Started", "Visit.Completed"})
"""The events that open a command's rows; any other event (a flag, a notice) joins them."""


@dataclass
class DayRun:
    """What serviceplan's day took: the writes, the schedule index catching up, its rows."""

    writes: Took
    index: Took
    groups: Groups = field(default_factory=list)


def _ready() -> None:
    """Start at once (writers running side by side wait for each other here instead)."""


def serviceplan_day(
    env: Mapping[str, str],
    slots: Sequence[Slot],
    go: Callable[[], object] = _ready,
    *,
    index: bool = True,
) -> DayRun:
    """Run the day through `ServicePlan`; return what the writes and the index took, and the rows.

    Patients are registered first, outside the figures: the day is the four commands a visit.
    Then, timed apart and unless `index` is false (writers sharing a server leave it out), the
    schedule index catches up with the day, as the first question about it would make it, and
    must have applied every event of the day.
    """
    clock = FixedClock(DAY - timedelta(days=1))
    plan = ServicePlan(env, clock=clock, settings=Settings(timezone=UTC))
    patients = [
        plan.register_patient(contact=CONTACT, preferred=Channel.SMS, by=DESK) for _ in slots
    ]
    first = plan.event_count
    go()
    with stopwatch() as writes:
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
    caught_up = Took()
    if index:
        with stopwatch() as caught_up:
            applied = plan.schedule.catch_up()
        if applied != 4 * len(visits):
            msg = f"the schedule index applied {applied} events, not {4 * len(visits)}"
            raise RuntimeError(msg)
    groups = commands_of(plan, first)
    plan.close()
    return DayRun(writes, caught_up, groups)


def commands_of(plan: ServicePlan, after: int) -> Groups:
    """Read back the rows the day's commands wrote after position `after`, grouped by command.

    Each command's rows are consecutive in the log and open with one of `COMMANDS`; an event of
    another kind (a long visit's flag, a notice owed at booking) belongs to the command before.
    """
    groups: Groups = []
    while page := plan.recorder.select_notifications(after, 1000, inclusive_of_start=False):
        for notification in page:
            if kind(notification.topic) in COMMANDS or not groups:
                groups.append([])
            groups[-1].append(notification)
        after = page[-1].id
    return groups


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
