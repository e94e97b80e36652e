"""A patient problem from the first sign to its resolution, command by command.

Hypothesis plays random sequences on incidents: signs observed, causes set, steps taken, errands
opened and done, fault determined, escalations, resolutions and reopenings, and mistakes. After
every step each incident rebuilt from its stored events equals the one in memory and the
manager's own notes of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import attrs
from clinic_day import DESK, MANAGER, STAFF, ClinicMachine, at
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, invariant, multiple, rule

from serviceplan import (
    Channel,
    ContactPoints,
    Fault,
    Incident,
    IncidentStatus,
    Level,
    Observation,
    PhoneNumber,
    ProcessCause,
    ServicePlan,
    Staff,
    Task,
    TaskKind,
    Topic,
)
from serviceplan.errors import (
    IncidentNotFound,
    InvalidInput,
    NotAllowedNow,
    PatientNotFound,
    ServicePlanError,
    TaskNotFound,
    VisitNotFound,
)

OBSERVATIONS = st.builds(Observation, st.sampled_from(Level), st.sampled_from(Topic))
STEPS = st.sampled_from(["acknowledged", "explained-the-wait", "offered-bill-research", "water"])
OWNERS = st.sampled_from(["billing-kim", "desk-ana", "mgr-lee"])
WORDS = st.sampled_from(["called the insurer", "  refund of the overcharge posted  ", "apology"])
NEEDS = st.sampled_from(["needs to know how long the wait is", "a bill that looks wrong"])
SIGN = Observation(Level.UPSET, Topic.WAIT)

MISTAKES_ON_AN_INCIDENT: dict[str, Callable[[ServicePlan, UUID], None]] = {
    "resolve without saying how": lambda plan, i: plan.resolve_incident(i, outcome=" ", by=DESK),
    "resolve with an essay": lambda plan, i: plan.resolve_incident(i, outcome="x" * 301, by=DESK),
    "a step in prose, not a code": lambda plan, i: plan.take_step(i, "called them back", by=DESK),
    "a cause that names a person": lambda plan, i: plan.set_cause(i, "the patient", by=DESK),
    "a cause by name, not a process": lambda plan, i: plan.set_cause(i, "wait", by=DESK),
    "a sign that is only a word": lambda plan, i: plan.add_observation(i, "angry", by=DESK),
    "an errand owned by prose": lambda plan, i: plan.open_task(
        i, kind=TaskKind.CALL_BACK, owner="Kim in billing", due=at(23), by=DESK
    ),
}
MISTAKES_ABOUT_WHO_OR_WHAT: dict[str, tuple[type[ServicePlanError], Callable[..., object]]] = {
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
}  # fmt: skip


@attrs.define
class IncidentNotes:
    """The manager's own notes of one incident: the plain model the record must match."""

    patient_id: UUID
    visit_id: UUID | None
    need: str
    observations: tuple[Observation, ...]
    opened_at: datetime
    status: IncidentStatus = IncidentStatus.OPEN
    cause: ProcessCause | None = None
    fault: Fault | None = None
    steps: tuple[str, ...] = ()
    tasks: tuple[Task, ...] = ()
    escalations: int = 0
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


class PatientProblems(ClinicMachine):
    """Staff notice signs, act, escalate and resolve, for one patient and their visit."""

    incidents = Bundle("incidents")
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

    @rule(target=incidents, sign=OBSERVATIONS, need=NEEDS, about_the_visit=st.booleans())
    def staff_notice_a_sign(self, sign: Observation, need: str, *, about_the_visit: bool) -> UUID:
        visit = self.visit if about_the_visit else None
        incident = self.plan.open_incident(
            self.patient, observation=sign, need=need, visit_id=visit, by=DESK
        )
        self.notes[incident] = IncidentNotes(self.patient, visit, need, (sign,), self.clock.now)
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

    @rule(incident=incidents, cause=st.sampled_from(ProcessCause))
    def a_process_failed(self, incident: UUID, cause: ProcessCause) -> None:
        notes = self.notes[incident]
        if not notes.is_open:
            with self.refused(NotAllowedNow):
                self.plan.set_cause(incident, cause, by=MANAGER)
            return
        self.plan.set_cause(incident, cause, by=MANAGER)
        notes.cause = cause

    @rule(incident=incidents, step=STEPS, by=STAFF)
    def staff_take_a_step(self, incident: UUID, step: str, by: Staff) -> None:
        notes = self.notes[incident]
        if not notes.is_open:
            with self.refused(NotAllowedNow):
                self.plan.take_step(incident, step, by=by)
            return
        self.plan.take_step(incident, step, by=by)
        notes.steps = (*notes.steps, step)

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

    @rule(incident=incidents, reason=WORDS)
    def hand_to_a_manager(self, incident: UUID, reason: str) -> None:
        notes = self.notes[incident]
        if not notes.is_open:
            with self.refused(NotAllowedNow):
                self.plan.escalate(incident, reason=reason, by=DESK)
            return
        self.plan.escalate(incident, reason=reason, by=DESK)
        notes.status, notes.escalations = IncidentStatus.ESCALATED, notes.escalations + 1

    @rule(incident=incidents, outcome=WORDS, by=STAFF)
    def resolve(self, incident: UUID, outcome: str, by: Staff) -> None:
        notes = self.notes[incident]
        if not notes.is_open:
            with self.refused(NotAllowedNow):
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

    @rule(incident=incidents, mistake=st.sampled_from(sorted(MISTAKES_ABOUT_WHO_OR_WHAT)))
    def a_mistake_about_who_or_what(self, incident: UUID, mistake: str) -> None:
        """A patient, visit, incident or errand that does not exist is refused as not found."""
        error, command = MISTAKES_ABOUT_WHO_OR_WHAT[mistake]
        with self.refused(error):
            command(self.plan, incident, self.patient)

    @invariant()
    def every_incident_reads_as_the_manager_noted_it(self) -> None:
        for incident_id, notes in self.notes.items():
            incident = self.live(incident_id)
            assert IncidentNotes.of(incident) == notes
            assert incident.level is notes.observations[-1].level


PatientProblems.TestCase.settings = settings(stateful_step_count=30)
TestPatientProblems = PatientProblems.TestCase
