"""Read models caught up step by step equal a fresh rebuild, after any sequence of commands."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    Fault,
    FixedClock,
    Level,
    Money,
    Observation,
    OfferingKind,
    PhoneNumber,
    ProcessCause,
    Receipt,
    ServicePlan,
    Settings,
    Staff,
    TaskKind,
    Topic,
    Wants,
    hookimpl,
    memory_store,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.domain.visit import DelayChoice
from serviceplan.errors import ServicePlanError
from serviceplan.plugins import Envelope, RegisterChannel
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Recovery

DESK = Staff("desk-ana", "front-desk")
MANAGER = Staff("mgr-lee", "manager")
MODELS = (DayBoard, OpenIncidents, Recovery, AuditTrail)
providers = st.sampled_from(["dr-patel", "dr-okafor"])
minutes = st.integers(min_value=1, max_value=90)


class Gateway:
    """An SMS channel the machine turns off and on: a down gateway fails every try."""

    def __init__(self) -> None:
        self.up = True

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:  # noqa: ARG002
        if not self.up:
            raise ConnectionError("gateway down")
        return Receipt(key=key, via="gateway", reference=f"msg-{key}")


class Clinic(RuleBasedStateMachine):
    """Random clinic commands, refused ones included; the followers keep up after each."""

    patients = Bundle("patients")
    visits = Bundle("visits")
    delays = Bundle("delays")
    incidents = Bundle("incidents")
    offerings = Bundle("offerings")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(at(7))
        self.gateway = Gateway()
        self.plan = ServicePlan(
            memory_store(), clock=self.clock, settings=Settings(timezone=CLINIC_ZONE),
            plugins=[self.gateway], entry_points=False,
        )  # fmt: skip
        rules = DeliverySettings(automated=frozenset(), tries=1)  # a down gateway: given up
        self.worker = DeliveryWorker(self.plan, rules)  # no quiet hours: texts go out at 7:00
        self.followers = [model(self.plan, page=7) for model in MODELS]

    def attempt(self, command, *args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ServicePlanError:
            return None

    @rule(target=patients, n=st.integers(min_value=100, max_value=999))
    def register(self, n):
        """Register a patient; two in three agree to texts, so delays owe them notices."""
        contact = ContactPoints(PhoneNumber(f"+1555555{n:04d}"))
        patient = self.plan.register_patient(contact=contact, preferred=Channel.SMS, by=DESK)
        if n % 3:
            self.plan.give_consent(patient, Channel.SMS, by=DESK)
        return patient

    @rule(target=visits, patient=patients, provider=providers, start=st.integers(0, 20),
          length=minutes)  # fmt: skip
    def book(self, patient, provider, start, length):
        when = max(self.clock(), at(8)) + timedelta(minutes=15 * start)
        return self.plan.book_visit(
            patient, provider=provider, visit_type="exam", start=when, length=length, by=DESK
        )

    @rule(visit=visits, step=st.sampled_from(["check_in", "start_visit", "complete_visit",
                                              "mark_no_show"]))  # fmt: skip
    def move_on(self, visit, step):
        self.attempt(getattr(self.plan, step), visit, by=DESK)

    @rule(visit=visits, office=st.booleans(), later=st.integers(1, 40))
    def move_or_cancel(self, visit, office, later):
        reason = CancellationReason("prov-hosp" if office else "pat-crs")
        if later % 2:
            self.attempt(self.plan.cancel_visit, visit, reason=reason, by=DESK)
        else:
            start = self.clock() + timedelta(minutes=15 * later)
            self.attempt(self.plan.reschedule_visit, visit, start=start, reason=reason, by=DESK)

    @rule(target=delays, visit=visits, late=minutes, earlier=st.integers(0, 4))
    def announce(self, visit, late, earlier):
        """The provider of a booked visit runs late from that visit's start, or a little before."""
        booked = self.plan.get_visit(visit)
        late_from = max(booked.start - timedelta(minutes=15 * earlier), at(8))
        return self.plan.announce_delay(
            provider=booked.provider, late_from=late_from, minutes=late, reason="late", by=DESK
        )

    @rule(delay=delays, late=st.integers(0, 120), resolve=st.booleans())
    def revise_or_resolve(self, delay, late, resolve):
        if resolve:
            self.attempt(self.plan.resolve_delay, delay, by=DESK)
        else:
            self.attempt(self.plan.revise_delay, delay, minutes=late, by=DESK)

    @rule(visit=visits, delay=delays, choice=st.sampled_from(DelayChoice))
    def answer(self, visit, delay, choice):
        self.attempt(self.plan.record_choice, visit, delay_id=delay, choice=choice, by=DESK)

    @rule(up=st.booleans())
    def deliver(self, up):
        self.gateway.up = up
        self.worker.run_once()

    @rule(target=incidents, patient=patients, topic=st.sampled_from(Topic))
    def open_incident(self, patient, topic):
        observation = Observation(Level.UPSET, topic)
        return self.plan.open_incident(patient, observation=observation, need="help", by=DESK)

    @rule(incident=incidents, cause=st.sampled_from(ProcessCause), choice=st.integers(0, 5))
    def work_on(self, incident, cause, choice):
        plan = self.plan
        steps = [
            lambda: plan.take_step(incident, "acknowledge", by=DESK),
            lambda: plan.set_cause(incident, cause, by=DESK),
            lambda: plan.determine_fault(incident, Fault.OFFICE, by=MANAGER),
            lambda: plan.open_task(
                incident,
                kind=TaskKind.CALL_BACK,
                owner="desk-ana",
                due=self.clock() + timedelta(hours=2),
                by=DESK,
            ),
            lambda: plan.resolve_incident(incident, outcome="done", by=DESK),
            lambda: plan.reopen_incident(incident, reason="again", by=DESK),
        ]
        self.attempt(steps[choice])

    @rule(target=offerings, incident=incidents, value=st.integers(0, 20))
    def propose(self, incident, value):
        return self.attempt(
            self.plan.propose_offering, incident, kind=OfferingKind.SWAG,
            value=Money(f"{value}.00"), item="mug", by=DESK,
        )  # fmt: skip

    @rule(offering=offerings, step=st.sampled_from(["approve", "issue", "decline"]))
    def settle(self, offering, step):
        if offering is not None:
            self.attempt(getattr(self.plan, f"{step}_offering"), offering, by=MANAGER)

    @initialize(target=patients)
    def on_the_waitlist(self):
        """The day starts with a patient on the list, so freed time has somebody to go to."""
        patient = self.register(101)
        self.join_waitlist(patient, None)
        return patient

    @rule(patient=patients, provider=st.sampled_from([None, "dr-patel"]))
    def join_waitlist(self, patient, provider):
        """A patient waits for an exam today: cancelled and moved exams become openings."""
        wants = Wants(visit_type="exam", first_day=DAY, last_day=DAY, provider=provider)
        self.attempt(self.plan.join_waitlist, patient, wants=wants, by=DESK)

    @rule(provider=providers, start=st.integers(5, 20), length=minutes)
    def free_time(self, provider, start, length):
        """The scheduler reports a time free: it is offered to whoever on the list fits."""
        when = max(self.clock(), at(8)) + timedelta(minutes=15 * start)
        self.attempt(
            self.plan.report_free_time, provider=provider, start=when, length=length, by=DESK
        )

    @rule(step=st.sampled_from(["accept", "decline", "close"]), pick=st.integers(0, 7))
    def answer_an_offer(self, step, pick):
        """Someone offered an open opening says yes or no, or the desk withdraws it."""
        openings = self.plan.open_openings()
        if not openings:
            return
        opening = openings[pick % len(openings)]
        entries = sorted(opening.offers)
        if step == "close" or not entries:
            self.attempt(self.plan.close_opening, opening.id, why="withdrawn", by=DESK)
            return
        command = self.plan.accept_offer if step == "accept" else self.plan.decline_offer
        self.attempt(command, opening.id, entries[pick % len(entries)], by=DESK)

    @rule(minutes_later=st.integers(1, 60))
    def time_passes(self, minutes_later):
        self.clock.advance(minutes_later)

    @invariant()
    def followers_equal_a_fresh_rebuild(self):
        for follower in self.followers:
            follower.catch_up()
            fresh = type(follower)(self.plan)
            fresh.catch_up()
            assert follower.dump() == fresh.dump(), follower.name
            assert follower.position == self.plan.event_count


TestClinic = Clinic.TestCase
# Each step rebuilds four read models from the start: half the profile's examples is plenty.
TestClinic.settings = settings(
    stateful_step_count=20, max_examples=max(10, settings.default.max_examples // 2)
)
