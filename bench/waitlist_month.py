"""Workload 8, a seeded month of the waitlist: how much freed time comes back, with and without it.

A clinic month is played twice from one seed: working days of follow-ups, patients who cancel
and patients who leave a delayed queue for another day, each with a set chance, at moments drawn
from the seed. Once with patients on the waitlist, who answer each offer they are texted yes, no
or not at all with set chances, by text (`receive_reply`) a drawn number of minutes later; once
with nobody on the list. The clock is pinned and set to each simulated moment, and the delivery
worker passes every few minutes of the working day, as it would in a clinic, delivering through
the demo's console channel. What comes out is what the clinic would see: minutes freed, minutes
recovered, the fill rate, the median time to fill. Random numbers come from the seed alone, drawn
in an order that no id decides, so one seed gives the same month every time.
"""

from __future__ import annotations

import heapq
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from uuid import UUID

from eventsourcing.utils import get_topic

from bench.harness import Row, Took, row, stopwatch
from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    DelayChoice,
    FixedClock,
    NoticeStatus,
    Opening,
    OpeningStatus,
    PhoneNumber,
    ServicePlan,
    Staff,
    Wants,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.plugins import with_stand_ins
from serviceplan.store.config import memory_store

NAME = "waitlist month"
FIRST_DAY = date(2030, 1, 7)
"""A Monday."""
DESK = Staff("desk-ana", "front-desk")
INBOUND = Staff("sms-inbound", "system")
PATIENT_ASKED = CancellationReason("pat")
OPENS, CLOSES = time(8), time(18)
"""The working day: when the desk and the delivery worker are at work."""
FIRST_VISIT = time(9)
LENGTH = 20
PASS_EVERY = 5
"""Minutes between the delivery worker's passes."""
TEXTS = DeliverySettings(quiet_from=time(20), quiet_until=time(8), per_day=3, per_week=9)
"""A clinic that texts from 8:00 to 20:00, up to 3 texts a patient a day and 9 a week."""


@dataclass(frozen=True)
class Month:
    """The clinic's month, and the chances its patients take."""

    days: int = 20
    """Working days (Monday to Friday)."""
    providers: int = 2
    visits_a_day: int = 12
    """Each provider's follow-ups from 9:00, 20 minutes each."""
    listed: int = 30
    """Patients on the waitlist, for a follow-up any day of the month with anyone."""
    seed: int = 2030
    cancel: float = 0.08
    """The chance a booked visit is cancelled, 30 minutes to a working day before it."""
    delay: float = 0.2
    """The chance a provider's day runs 20 to 60 minutes late from the first visit."""
    leave: float = 0.25
    """The chance a patient a delay reaches chooses another day instead."""
    yes: float = 0.35
    no: float = 0.25
    """The chances a patient answers an offer yes, or no; else they do not answer."""
    answer_within: int = 20
    """Answers come 1 to this many minutes after the offer is delivered (the window is 15)."""


@dataclass
class Outcome:
    """What the month came to."""

    freed: int = 0
    """Minutes of visits cancelled, or left by a patient for another day, before they started."""
    openings: int = 0
    recovered: int = 0
    """Minutes of openings filled from the list."""
    to_fill: list[float] = field(default_factory=list)
    """Minutes from each filled opening's opening to its filling."""
    answers: dict[str, int] = field(default_factory=lambda: {"yes": 0, "no": 0, "none": 0})
    took: Took = field(default_factory=Took)

    @property
    def fill_rate(self) -> float:
        """The share of freed minutes recovered."""
        return self.recovered / self.freed if self.freed else 0.0


Action = Callable[[], None]


class Simulation:
    """One month on one plan: the moments things happen, in order, and what they did."""

    def __init__(self, month: Month, *, waitlist: bool) -> None:
        self.month = month
        self.rng = random.Random(month.seed)  # noqa: S311 (a simulation, not a secret)
        self.answers = random.Random(f"{month.seed}/answers")  # noqa: S311
        """Answers draw from their own stream: the month without the list draws the same rest."""
        self.clock = FixedClock(_at(FIRST_DAY - timedelta(days=3), time(12)))
        self.plan = ServicePlan(with_stand_ins(memory_store()), clock=self.clock)
        self.worker = DeliveryWorker(self.plan, TEXTS)
        self.queue: list[tuple[datetime, int, Action]] = []
        self.order = count()
        self.numbers = count()
        self.listed: dict[UUID, int] = {}
        self.booked: dict[UUID, int] = {}
        """The month's own visits, by the order they were booked in."""
        self.seen: set[str] = set()
        self.outcome = Outcome()
        self.waitlist = waitlist

    def run(self) -> Outcome:
        """Set the month up, then play every moment in order; return the outcome."""
        days = _working_days(self.month.days)
        visits = self._book(days)
        self._join(days)
        self._plan_moments(days, visits)
        with stopwatch() as took:
            while self.queue:
                moment, _, act = heapq.heappop(self.queue)
                self.clock.set(moment)
                act()
        self._count()
        self.outcome.took = took
        self.worker.close()
        self.plan.close()
        return self.outcome

    # -- set-up -------------------------------------------------------------------------------

    def _book(self, days: list[date]) -> list[tuple[UUID, datetime, str]]:
        booked: list[tuple[UUID, datetime, str]] = []
        for day in days:
            for n in range(self.month.providers * self.month.visits_a_day):
                provider = f"dr-{n % self.month.providers}"
                start = _at(day, FIRST_VISIT) + timedelta(
                    minutes=LENGTH * (n // self.month.providers)
                )
                visit = self.plan.book_visit(
                    self._texted(), provider=provider, visit_type="follow-up", start=start,
                    length=LENGTH, by=DESK,
                )  # fmt: skip
                self.booked[visit] = len(booked)
                booked.append((visit, start, provider))
        return booked

    def _join(self, days: list[date]) -> None:
        """Put the listed patients on the list a minute apart, so their order is the seed's."""
        if not self.waitlist:
            return
        wants = Wants(visit_type="follow-up", first_day=days[0], last_day=days[-1])
        for n in range(self.month.listed):
            patient = self._texted()
            self.listed[patient] = n
            self.clock.set(self.clock() + timedelta(minutes=1))
            self.plan.join_waitlist(patient, wants=wants, by=DESK)

    def _texted(self) -> UUID:
        number = next(self.numbers)
        patient = self.plan.register_patient(
            contact=ContactPoints(PhoneNumber(f"+1555{number:07d}")), preferred=Channel.SMS,
            by=DESK,
        )  # fmt: skip
        self.plan.give_consent(patient, Channel.SMS, by=DESK)
        return patient

    def _plan_moments(self, days: list[date], visits: list[tuple[UUID, datetime, str]]) -> None:
        """Draw, in a fixed order, who cancels when and which days run late; add the passes."""
        month, rng = self.month, self.rng
        for visit, start, _ in visits:
            if rng.random() < month.cancel:
                self._at(self._cancel_moment(start, days), self._cancel(visit, start))
        for day in days:
            for n in range(month.providers):
                if rng.random() < month.delay:
                    minutes = rng.randint(20, 60)
                    self._at(_at(day, FIRST_VISIT), self._delay(f"dr-{n}", day, minutes))
            moment = _at(day, OPENS)
            while moment <= _at(day, CLOSES):
                self._at(moment, self._pass)
                moment += timedelta(minutes=PASS_EVERY)

    def _cancel_moment(self, start: datetime, days: list[date]) -> datetime:
        """A moment of the working day of the visit, or the one before, 30 minutes before it."""
        index = days.index(start.date())
        day = days[max(0, index - self.rng.randint(0, 1))]
        latest = min(_at(day, CLOSES), start - timedelta(minutes=30))
        earliest = _at(day, OPENS)
        span = max(0, int((latest - earliest).total_seconds() // 60))
        return earliest + timedelta(minutes=self.rng.randint(0, span))

    def _at(self, moment: datetime, act: Action) -> None:
        heapq.heappush(self.queue, (moment, next(self.order), act))

    # -- what happens -------------------------------------------------------------------------

    def _cancel(self, visit: UUID, start: datetime) -> Action:
        def act() -> None:
            if self.plan.get_visit(visit).is_pending and self.clock() < start:
                self.plan.cancel_visit(visit, reason=PATIENT_ASKED, by=DESK)
                self.outcome.freed += LENGTH

        return act

    def _delay(self, provider: str, day: date, minutes: int) -> Action:
        """Announce the delay; each patient it reaches may leave for another day, then resolve."""

        def act() -> None:
            late_from = _at(day, FIRST_VISIT)
            delay = self.plan.announce_delay(
                provider=provider, late_from=late_from, minutes=minutes, reason="surgery ran over",
                by=DESK,
            )  # fmt: skip
            for slip in self.plan.get_delay(delay).impact.slips:
                booked = self.booked.get(slip.visit_id)
                if booked is None:
                    continue  # booked from the list this month: only the month's own visits leave
                chances = random.Random(f"{self.month.seed}/leave/{booked}")  # noqa: S311 (a simulation)
                if chances.random() < self.month.leave:
                    leaves = late_from + timedelta(minutes=chances.randint(5, 60))
                    self._at(leaves, self._leave(slip.visit_id, delay))
            self._at(_at(day, time(14)), lambda: self.plan.resolve_delay(delay, by=DESK))

        return act

    def _leave(self, visit_id: UUID, delay: UUID) -> Action:
        def act() -> None:
            visit = self.plan.get_visit(visit_id)
            if not visit.is_pending or visit.start <= self.clock():
                return
            self.plan.record_choice(
                visit_id, delay_id=delay, choice=DelayChoice.RESCHEDULE, by=DESK
            )
            self.outcome.freed += visit.length

        return act

    def _pass(self) -> None:
        """The delivery worker's pass; then each offer newly delivered draws its answer."""
        self.worker.run_once()
        delivered = []
        for opening in self.plan.open_openings():
            for offer in opening.offers.values():
                if offer.key in self.seen:
                    continue
                status = self.plan.get_notice(offer.key).status
                if status is NoticeStatus.OWED:
                    continue
                self.seen.add(offer.key)
                if status is NoticeStatus.DELIVERED:
                    delivered.append((opening.time.start, self.listed[offer.patient_id], offer))
        for _, _, offer in sorted(delivered, key=lambda d: d[:2]):
            self._answer(offer.patient_id)

    def _answer(self, patient: UUID) -> None:
        draw, month = self.answers.random(), self.month
        said = "yes" if draw < month.yes else "no" if draw < month.yes + month.no else "none"
        self.outcome.answers[said] += 1
        if said == "none":
            return
        after = timedelta(minutes=self.answers.randint(1, month.answer_within))
        reference = f"SM{next(self.order)}"

        def act() -> None:
            self.plan.receive_reply(
                patient, channel=Channel.SMS, words=said, reference=reference, by=INBOUND
            )

        self._at(self.clock() + after, act)

    # -- what came of it ----------------------------------------------------------------------

    def _count(self) -> None:
        """Read every opening of the month from the log: how many, which were filled, how fast."""
        topics = [get_topic(Opening.Opened)]
        after = 0
        while page := self.plan.recorder.select_notifications(
            after, 500, topics=topics, inclusive_of_start=False
        ):
            for notification in page:
                opening = self.plan.get_opening(UUID(str(notification.originator_id)))
                self.outcome.openings += 1
                if opening.status is OpeningStatus.FILLED and opening.settled_at is not None:
                    self.outcome.recovered += opening.time.length
                    waited = opening.settled_at - opening.opened_at
                    self.outcome.to_fill.append(waited.total_seconds() / 60)
            after = page[-1].id


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=UTC)


def _working_days(days: int) -> list[date]:
    found: list[date] = []
    day = FIRST_DAY
    while len(found) < days:
        if day.weekday() < 5:  # noqa: PLR2004 (Monday to Friday)
            found.append(day)
        day += timedelta(days=1)
    return found


def simulate(month: Month, *, waitlist: bool) -> Outcome:
    """Play the month once, with patients on the waitlist or with nobody on it."""
    return Simulation(month, waitlist=waitlist).run()


def rows(month: Month) -> list[Row]:
    """Return what the month came to with the waitlist and without, and what playing it took."""
    found = {"with": simulate(month, waitlist=True), "without": simulate(month, waitlist=False)}
    visits = month.days * month.providers * month.visits_a_day
    what = (
        f"{NAME}, seed {month.seed}, {month.days} working days, {visits:,} visits,"
        f" {month.listed} patients listed"
    )
    out = [row(f"{what}: minutes freed (cancelled, or left a delay for another day)",
               found["with"].freed, "minutes")]  # fmt: skip
    for name, outcome in found.items():
        out += [
            row(f"{what}: minutes recovered {name} the waitlist", outcome.recovered, "minutes"),
            row(f"{what}: fill rate {name} the waitlist", outcome.fill_rate, "share"),
        ]
    with_list = found["with"]
    if with_list.to_fill:
        out.append(row(f"{what}: median time to fill with the waitlist, from opening to booked",
                       statistics.median(with_list.to_fill), "minutes"))  # fmt: skip
    out.append(
        row(f"{what}: playing the month with the waitlist vs without (set-up apart)",
            with_list.took.wall, "s", found["without"].took.wall)
    )  # fmt: skip
    return out
