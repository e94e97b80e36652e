"""A patient problem from the first sign to its resolution, command by command.

Hypothesis plays random sequences on incidents over a week and more: signs observed (the playbook
proposes steps and calls a manager when signs run high), causes set, steps taken or held for a
manager's decision, errands opened and done, fault determined, escalations, resolutions and
reopenings, and mistakes, by every role and by one nobody configured. After every step each
incident rebuilt from its stored events equals the one in memory and the manager's own notes of
it, deadlines included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from uuid import UUID, uuid4

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, rule
from props_day import (
    ANSWERS,
    CLINIC_ZONE,
    DESK,
    MANAGER,
    OWN_LIMIT,
    STAFF,
    YES,
    ClinicMachine,
    at,
    clinic_plan,
    is_manager,
)

from serviceplan import (
    Channel,
    ContactPoints,
    Fault,
    FixedClock,
    Incident,
    IncidentStatus,
    Level,
    Money,
    Observation,
    PhoneNumber,
    ProcessCause,
    ServicePlan,
    Staff,
    Task,
    TaskKind,
    Topic,
)
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.playbook import ACKNOWLEDGE, ESCALATE, SCRIPTS, Proposal
from serviceplan.domain.step import Step, StepStatus
from serviceplan.errors import (
    IncidentNotFound,
    InvalidInput,
    NotAllowedNow,
    NotPermitted,
    PatientNotFound,
    ServicePlanError,
    TaskNotFound,
    VisitNotFound,
)

OBSERVATIONS = st.builds(Observation, st.sampled_from(Level), st.sampled_from(Topic))
STEPS = st.sampled_from(["acknowledge", "explained-the-wait", "offered-bill-research", "water"])
PRICES = ["0", "5.00", "9.99", "10.00", "10.01", "15.00", "40"]  # around each role's own limit
COSTS = st.none() | st.sampled_from(PRICES).map(Money)
OWNERS = st.sampled_from(["billing-kim", "desk-ana", "mgr-lee"])
WORDS = st.sampled_from(["called the insurer", "  refund of the overcharge posted  ", "apology"])
NEEDS = st.sampled_from(["needs to know how long the wait is", "a bill that looks wrong"])
SIGN = Observation(Level.UPSET, Topic.WAIT)
SATURDAY = 5

MISTAKES_ON_AN_INCIDENT: dict[str, Callable[[ServicePlan, UUID], None]] = {
    "resolve without saying how": lambda plan, i: plan.resolve_incident(i, outcome=" ", by=MANAGER),
    "resolve with an essay": lambda plan, i: plan.resolve_incident(
        i, outcome="x" * 301, by=MANAGER
    ),
    "a step in prose, not a code": lambda plan, i: plan.take_step(i, "called them back", by=DESK),
    "a cause that names a person": lambda plan, i: plan.set_cause(i, "the patient", by=DESK),
    "a cause by name, not a process": lambda plan, i: plan.set_cause(i, "wait", by=DESK),
    "a sign that is only a word": lambda plan, i: plan.add_observation(i, "angry", by=DESK),
    "an errand owned by prose": lambda plan, i: plan.open_task(
        i, kind=TaskKind.CALL_BACK, owner="Kim in billing", due=at(23), by=DESK
    ),
}
MISTAKES_REFUSED_ALIKE: dict[str, tuple[type[ServicePlanError], Callable[..., object]]] = {
    "finish an errand nobody opened": (
        TaskNotFound, lambda plan, i, _: plan.finish_task(i, uuid4(), outcome="done", by=DESK)
    ),
    "open for someone not registered": (
        PatientNotFound,
        lambda plan, _, __: plan.open_incident(uuid4(), observation=SIGN, need="help", by=DESK),
    ),
    "open about a visit nobody booked": (
        VisitNotFound,
        lambda plan, _, patient: plan.open_incident(
            patient, observation=SIGN, need="help", visit_id=uuid4(), by=DESK
        ),
    ),
    "escalate an incident nobody opened": (
        IncidentNotFound, lambda plan, _, __: plan.escalate(uuid4(), reason="overdue", by=DESK)
    ),
    "decide a step nobody took": (
        NotAllowedNow,
        lambda plan, i, _: plan.decide_step(i, uuid4(), approved=True, by=MANAGER),
    ),
    "answer the three questions in words": (
        InvalidInput,
        lambda plan, i, _: plan.take_step(i, "water", by=DESK, check=("yes", "yes", "yes")),
    ),
    "a cost as a plain number": (
        InvalidInput, lambda plan, i, _: plan.take_step(i, "water", by=DESK, check=YES, cost=5)
    ),
}  # fmt: skip
EVERY_COMMAND: dict[str, Callable[[ServicePlan, UUID, UUID, Staff], object]] = {
    "open": lambda plan, _, patient, by: plan.open_incident(
        patient, observation=SIGN, need="help", by=by
    ),
    "observe": lambda plan, i, _, by: plan.add_observation(i, SIGN, by=by),
    "set the cause": lambda plan, i, _, by: plan.set_cause(i, ProcessCause.WAIT, by=by),
    "take a step": lambda plan, i, _, by: plan.take_step(i, "water", by=by),
    "decide a step": lambda plan, i, _, by: plan.decide_step(i, uuid4(), approved=True, by=by),
    "open an errand": lambda plan, i, _, by: plan.open_task(
        i, kind=TaskKind.CALL_BACK, owner="desk-ana", due=at(23), by=by
    ),
    "finish an errand": lambda plan, i, _, by: plan.finish_task(i, uuid4(), outcome="ok", by=by),
    "determine fault": lambda plan, i, _, by: plan.determine_fault(i, Fault.OFFICE, by=by),
    "escalate": lambda plan, i, _, by: plan.escalate(i, reason="overdue", by=by),
    "resolve": lambda plan, i, _, by: plan.resolve_incident(i, outcome="sorted", by=by),
    "reopen": lambda plan, i, _, by: plan.reopen_incident(i, reason="called back", by=by),
}


def close_of_business_after(opened: datetime) -> datetime:
    """The first 17:00, clinic time, on a weekday, after the moment an incident opened."""
    day = opened.astimezone(CLINIC_ZONE).date()
    candidates = (
        datetime.combine(day + timedelta(days=n), time(17), CLINIC_ZONE) for n in range(8)
    )
    return next(c for c in candidates if c.weekday() < SATURDAY and c > opened)


def signs_run_high(observations: tuple[Observation, ...]) -> bool:
    """A manager is called when the patient was ever agitated, or upset twice."""
    levels = [o.level for o in observations]
    return Level.AGITATED in levels or levels.count(Level.UPSET) >= 2


@attrs.define
class IncidentNotes:
    """The manager's own notes of one incident: the plain model the record must match."""

    patient_id: UUID
    visit_id: UUID | None
    need: str
    observations: tuple[Observation, ...]
    opened_at: datetime
    opened_by: Staff
    acknowledge_by: datetime
    respond_by: datetime
    acknowledged_at: datetime | None = None
    status: IncidentStatus = IncidentStatus.OPEN
    cause: ProcessCause | None = None
    fault: Fault | None = None
    proposals: tuple[Proposal, ...] = ()
    steps: tuple[Step, ...] = ()
    tasks: tuple[Task, ...] = ()
    escalations: int = 0
    was_escalated: bool = False
    outcome: str | None = None
    resolved_at: datetime | None = None

    @classmethod
    def of(cls, incident: Incident) -> IncidentNotes:
        """Read the notes off a recorded incident."""
        return cls(**{f.name: getattr(incident, f.name) for f in attrs.fields(cls)})

    @property
    def is_open(self) -> bool:
        """Say whether staff may still add to the incident."""
        return self.status is not IncidentStatus.RESOLVED

    def escalate(self) -> None:
        """Hand the incident to a manager, who from now on is the one to close it."""
        self.status, self.escalations, self.was_escalated = (
            IncidentStatus.ESCALATED, self.escalations + 1, True
        )  # fmt: skip

    def follow_the_playbook(self) -> None:
        """After a sign that is not calm: acknowledge, the topic's steps, a manager if high."""
        latest = self.observations[-1]
        if latest.level is Level.CALM:
            return
        high = signs_run_high(self.observations)
        self.proposals = (ACKNOWLEDGE, *SCRIPTS[latest.topic], *([ESCALATE] if high else []))
        if high and self.status is IncidentStatus.OPEN:
            self.escalate()

    def went_ahead(self, at: datetime) -> None:
        """The first step that goes ahead acknowledges the patient's problem."""
        if self.acknowledged_at is None:
            self.acknowledged_at = at

    def is_overdue(self, now: datetime) -> bool:
        """Say whether a deadline passed unmet: no acknowledgement by it, or no response in time."""
        if not self.is_open:
            return False
        return (self.acknowledged_at is None and now > self.acknowledge_by) or now > self.respond_by


class PatientProblems(ClinicMachine):
    """Staff notice signs, act, escalate and resolve, for one patient and their visit."""

    incidents = Bundle("incidents")
    held = Bundle("held")
    tasks = Bundle("tasks")

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[UUID, IncidentNotes] = {}
        self.patient = self.plan.register_patient(
            contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=DESK
        )
        self.visit = self.plan.book_visit(
            self.patient, provider="dr-patel", visit_type="exam", start=at(9), length=30, by=DESK
        )

    @initialize(days=st.integers(0, 6), minutes=st.integers(0, 13 * 60))
    def any_day_of_the_week(self, days: int, minutes: int) -> None:
        """Start on any day and at any hour: evenings and weekends move the first deadline."""
        self.clock.advance(days * 24 * 60 + minutes)

    @rule(target=incidents, sign=OBSERVATIONS, need=NEEDS, by=STAFF, about_the_visit=st.booleans())
    def staff_notice_a_sign(
        self, sign: Observation, need: str, by: Staff, *, about_the_visit: bool
    ) -> UUID:
        """Open an incident with its deadlines; the playbook reads the first sign at once."""
        visit, now = (self.visit if about_the_visit else None), self.clock.now
        incident = self.plan.open_incident(
            self.patient, observation=sign, need=need, visit_id=visit, by=by
        )
        notes = IncidentNotes(
            self.patient, visit, need, (sign,), now, by,
            acknowledge_by=close_of_business_after(now), respond_by=now + timedelta(days=7),
        )  # fmt: skip
        notes.follow_the_playbook()
        self.notes[incident] = notes
        return incident

    @rule(incident=incidents, sign=OBSERVATIONS, by=STAFF)
    def another_sign(self, incident: UUID, sign: Observation, by: Staff) -> None:
        notes = self.notes[incident]
        if not notes.is_open:
            with self.refused(NotAllowedNow):
                self.plan.add_observation(incident, sign, by=by)
            return
        self.plan.add_observation(incident, sign, by=by)
        notes.observations = (*notes.observations, sign)
        notes.follow_the_playbook()

    @rule(incident=incidents, cause=st.sampled_from(ProcessCause))
    def a_process_failed(self, incident: UUID, cause: ProcessCause) -> None:
        notes = self.notes[incident]
        if not notes.is_open:
            with self.refused(NotAllowedNow):
                self.plan.set_cause(incident, cause, by=MANAGER)
            return
        self.plan.set_cause(incident, cause, by=MANAGER)
        notes.cause = cause

    def take_a_step(
        self, incident: UUID, step: str, by: Staff, check: EmpowermentCheck | None,
        cost: Money | None,
    ) -> object:  # fmt: skip
        """A step goes ahead unless its answers hold a no or it costs more than the role's limit.

        Return the step if it waits for a manager's decision.
        """
        notes = self.notes[incident]
        if not notes.is_open:
            with self.refused(NotAllowedNow):
                self.plan.take_step(incident, step, by=by, check=check, cost=cost)
            return multiple()
        step_id = self.plan.take_step(incident, step, by=by, check=check, cost=cost)
        within = cost is None or cost <= OWN_LIMIT[by.role]
        empowered = check is None or (check.all_yes and within)
        status = StepStatus.TAKEN if empowered else StepStatus.AWAITING_APPROVAL
        notes.steps = (*notes.steps, Step(step_id, step, by, self.clock.now, check, status))
        if empowered:
            notes.went_ahead(self.clock.now)
            return multiple()
        return (incident, step_id)

    @rule(incident=incidents, step=STEPS, by=STAFF, cost=COSTS)
    def staff_take_a_step(self, incident: UUID, step: str, by: Staff, cost: Money | None) -> None:
        """Without the three answers a step simply goes ahead, whatever it costs."""
        self.take_a_step(incident, step, by, None, cost)

    @rule(
        target=held, incident=incidents, step=STEPS, by=STAFF, check=ANSWERS, cost=COSTS,
        manager_says=st.sampled_from([True, False, None]),
    )  # fmt: skip
    def staff_ask_the_three_questions(
        self, incident: UUID, step: str, by: Staff, check: EmpowermentCheck, cost: Money | None,
        *, manager_says: bool | None,
    ) -> object:  # fmt: skip
        """Three yeses within the role's limit go ahead; anything else waits for a manager.

        The manager may decide at once (`manager_says`), or later (`a_manager_decides`).
        """
        waiting = self.take_a_step(incident, step, by, check, cost)
        if manager_says is not None and isinstance(waiting, tuple):
            self.decide(waiting, MANAGER, approved=manager_says)
        return waiting

    @rule(step=held, by=STAFF, approved=st.booleans())
    def a_manager_decides(self, step: tuple[UUID, UUID], by: Staff, *, approved: bool) -> None:
        self.decide(step, by, approved=approved)

    def decide(self, step: tuple[UUID, UUID], by: Staff, *, approved: bool) -> None:
        """Only a manager decides, once, and only on an incident still open.

        A step approved goes ahead, and acknowledges the problem if nothing did before.
        """
        incident, step_id = step
        notes = self.notes[incident]
        (held,) = (s for s in notes.steps if s.step_id == step_id)
        waiting = notes.is_open and held.status is StepStatus.AWAITING_APPROVAL
        refusal = (
            NotPermitted if not is_manager(by) else NotAllowedNow if not waiting else None
        )  # fmt: skip
        if refusal is not None:
            with self.refused(refusal):
                self.plan.decide_step(incident, step_id, approved=approved, by=by)
            return
        self.plan.decide_step(incident, step_id, approved=approved, by=by)
        decided = attrs.evolve(
            held, status=StepStatus.APPROVED if approved else StepStatus.DECLINED, decided_by=by
        )
        notes.steps = tuple(decided if s.step_id == step_id else s for s in notes.steps)
        if approved:
            notes.went_ahead(self.clock.now)

    @rule(
        target=tasks, incident=incidents, kind=st.sampled_from(TaskKind), owner=OWNERS,
        hours=st.integers(min_value=-2, max_value=72),
    )  # fmt: skip
    def an_errand_for_the_patient(
        self, incident: UUID, kind: TaskKind, owner: str, hours: int
    ) -> object:
        """Open a task due in `hours`; one due before now, or on a closed incident, is refused."""
        notes, due = self.notes[incident], self.clock.now + timedelta(hours=hours)
        if not notes.is_open or due < self.clock.now:
            with self.refused(NotAllowedNow if not notes.is_open else InvalidInput):
                self.plan.open_task(incident, kind=kind, owner=owner, due=due, by=MANAGER)
            return multiple()
        task = self.plan.open_task(incident, kind=kind, owner=owner, due=due, by=MANAGER)
        notes.tasks = (*notes.tasks, Task(task, kind, owner, due))
        return (incident, task)

    @rule(task=tasks, outcome=WORDS)
    def errand_done(self, task: tuple[UUID, UUID], outcome: str) -> None:
        """Finish a task once; its outcome is kept even on a resolved incident."""
        incident, task_id = task
        notes = self.notes[incident]
        (errand,) = (t for t in notes.tasks if t.task_id == task_id)
        if errand.is_done:
            with self.refused(NotAllowedNow):
                self.plan.finish_task(incident, task_id, outcome=outcome, by=DESK)
            return
        self.plan.finish_task(incident, task_id, outcome=outcome, by=DESK)
        done = errand.finish(outcome.strip(), self.clock.now)
        notes.tasks = tuple(done if t.task_id == task_id else t for t in notes.tasks)

    @rule(incident=incidents, fault=st.sampled_from(Fault))
    def whose_fault(self, incident: UUID, fault: Fault) -> None:
        self.plan.determine_fault(incident, fault, by=MANAGER)
        self.notes[incident].fault = fault

    @rule(incident=incidents, reason=WORDS, by=STAFF)
    def hand_to_a_manager(self, incident: UUID, reason: str, by: Staff) -> None:
        notes = self.notes[incident]
        if not notes.is_open:
            with self.refused(NotAllowedNow):
                self.plan.escalate(incident, reason=reason, by=by)
            return
        self.plan.escalate(incident, reason=reason, by=by)
        notes.escalate()

    @rule(incident=incidents, outcome=WORDS, by=STAFF)
    def resolve(self, incident: UUID, outcome: str, by: Staff) -> None:
        """Close an open incident; once it was ever escalated, only a manager may."""
        notes = self.notes[incident]
        refusal = (
            NotPermitted if notes.was_escalated and not is_manager(by)
            else NotAllowedNow if not notes.is_open
            else None
        )  # fmt: skip
        if refusal is not None:
            with self.refused(refusal):
                self.plan.resolve_incident(incident, outcome=outcome, by=by)
            return
        self.plan.resolve_incident(incident, outcome=outcome, by=by)
        notes.status, notes.outcome = IncidentStatus.RESOLVED, outcome.strip()
        notes.resolved_at = self.clock.now

    @rule(incident=incidents, reason=WORDS)
    def patient_calls_back(self, incident: UUID, reason: str) -> None:
        """Reopen a resolved incident, keeping all before; an open one cannot be reopened."""
        notes = self.notes[incident]
        if notes.is_open:
            with self.refused(NotAllowedNow):
                self.plan.reopen_incident(incident, reason=reason, by=MANAGER)
            return
        self.plan.reopen_incident(incident, reason=reason, by=MANAGER)
        notes.status, notes.resolved_at = IncidentStatus.OPEN, None

    @rule(incident=incidents, mistake=st.sampled_from(sorted(MISTAKES_ON_AN_INCIDENT)))
    def a_mistake_on_an_incident(self, incident: UUID, mistake: str) -> None:
        """Bad input is refused as such on an open incident; a resolved one refuses it as closed."""
        command = MISTAKES_ON_AN_INCIDENT[mistake]
        with self.refused(InvalidInput if self.notes[incident].is_open else NotAllowedNow):
            command(self.plan, incident)

    @rule(incident=incidents, mistake=st.sampled_from(sorted(MISTAKES_REFUSED_ALIKE)))
    def a_mistake_refused_alike(self, incident: UUID, mistake: str) -> None:
        """Unknown records, unknown steps and answers that are not yes or no, in any state."""
        error, command = MISTAKES_REFUSED_ALIKE[mistake]
        with self.refused(error):
            command(self.plan, incident, self.patient)

    @rule(incident=incidents, command=st.sampled_from(sorted(EVERY_COMMAND)))
    def a_role_nobody_configured(self, incident: UUID, command: str) -> None:
        self.refused_to_a_volunteer(
            lambda by: EVERY_COMMAND[command](self.plan, incident, self.patient, by)
        )

    @rule(hours=st.integers(min_value=1, max_value=96))
    def the_week_goes_on(self, hours: int) -> None:
        """Hours and days pass, for two weeks at most: evenings, weekends, the week to respond."""
        self.advance_until(hours * 60, at(7) + timedelta(days=14))

    @invariant()
    def every_incident_reads_as_the_manager_noted_it(self) -> None:
        now = self.clock.now
        for incident_id, notes in self.notes.items():
            incident = self.live(incident_id)
            assert IncidentNotes.of(incident) == notes
            assert incident.level is notes.observations[-1].level
            assert incident.step_codes == tuple(
                s.code for s in notes.steps if s.status in {StepStatus.TAKEN, StepStatus.APPROVED}
            )
            assert incident.is_overdue(now) == notes.is_overdue(now)
            assert incident.overdue_tasks(now) == tuple(
                t for t in notes.tasks if t.done_at is None and t.due < now
            )


PatientProblems.TestCase.settings = settings(stateful_step_count=40)
TestPatientProblems = PatientProblems.TestCase

FORTNIGHT = 14 * 24 * 60
MINUTES = st.integers(0, FORTNIGHT) | st.integers(0, FORTNIGHT // 60).map(lambda h: h * 60)
"""Minutes within two weeks, often on the hour, where the deadlines fall."""


@given(opened=MINUTES, acknowledged=st.none() | MINUTES, looked=MINUTES)
def test_an_incident_is_overdue_while_a_passed_deadline_is_not_met(
    opened: int, acknowledged: int | None, looked: int
) -> None:
    """Acknowledge by 17:00 on a business day, respond within the week; a first step acknowledges.

    Minutes from Tuesday 7:00 say when the incident opened, was acknowledged (or not) after that,
    and when someone looks at it after that again.
    """
    clock = FixedClock(at(7) + timedelta(minutes=opened))
    plan = clinic_plan(clock)
    patient = plan.register_patient(contact=ContactPoints(), preferred=Channel.PORTAL, by=DESK)
    opened_at = clock.now
    incident = plan.open_incident(
        patient, observation=Observation(Level.CALM, Topic.BALANCE), need="a bill", by=DESK
    )
    if acknowledged is not None:
        clock.advance(acknowledged)
        plan.take_step(incident, "acknowledge", by=DESK)
    now = clock.advance(looked)
    recorded = plan.get_incident(incident)
    assert recorded.acknowledge_by == close_of_business_after(opened_at)
    assert recorded.respond_by == opened_at + timedelta(days=7)
    unacknowledged = acknowledged is None and now > recorded.acknowledge_by
    assert recorded.is_overdue(now) == (unacknowledged or now > recorded.respond_by)
