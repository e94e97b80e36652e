"""Patients at the desk: registered, contact points changed, consent given and withdrawn, STOP.

Hypothesis plays random sequences of registration, consent and notice requests, legal and not, by
every role and by one nobody configured. After every step each patient rebuilt from their stored
events equals the one in memory and the desk's file, an automated message may reach a patient on
a channel exactly when the file says so, a notice is owed only where it may reach them, and the
day's list of notices holds each one once, in the order requested. (The offerings ledger moves
only with offerings: `test_offering_machine.py` checks it.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, rule
from props_day import DAY, DESK, STAFF, ClinicMachine, at

from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    Notice,
    NoticeKind,
    NoticeRecord,
    Patient,
    PhoneNumber,
    ServicePlan,
    Staff,
    patient_id_for,
)
from serviceplan.errors import (
    InvalidInput,
    NotAllowedNow,
    NoticeRefused,
    PatientNotFound,
    ServicePlanError,
    VisitNotFound,
)

PHONES = st.none() | st.sampled_from(["+15555550100", "+447700900123"]).map(PhoneNumber)
EMAILS = st.none() | st.sampled_from(["pat@example.org", "r.l@example.com"]).map(EmailAddress)
CONTACTS = st.builds(ContactPoints, PHONES, EMAILS)
CHANNELS = st.sampled_from(Channel)
LANGUAGES = st.sampled_from(["en", "es-MX", "vi"])
CHARTS = st.sampled_from(["MRN-1001", "MRN-1002", "chart 7"])
PHONE_AND_EMAIL = ContactPoints(PhoneNumber("+15555550100"), EmailAddress("pat@example.org"))
KINDS = st.sampled_from(NoticeKind)
WHENS = st.sampled_from([at(14, 45), at(16)])


def _register(plan: ServicePlan, **changes: object) -> None:
    registration: dict[str, Any] = {"contact": ContactPoints(), "preferred": Channel.PORTAL}
    plan.register_patient(**(registration | changes), by=DESK)


MISTAKES: dict[str, tuple[type[ServicePlanError], Callable[[ServicePlan, UUID], object]]] = {
    "consent to a channel by its name": (
        InvalidInput, lambda plan, patient: plan.give_consent(patient, "sms", by=DESK)
    ),
    "text STOP on a channel by its name": (
        InvalidInput, lambda plan, patient: plan.opt_out(patient, "SMS", by=DESK)
    ),
    "a preferred channel by its name": (
        InvalidInput,
        lambda plan, patient: plan.change_contact(
            patient, contact=PHONE_AND_EMAIL, preferred="email", by=DESK
        ),
    ),
    "contact points as a plain phone number": (
        InvalidInput,
        lambda plan, patient: plan.change_contact(
            patient, contact="+15555550100", preferred=Channel.SMS, by=DESK
        ),
    ),
    "register with a language's name": (
        InvalidInput, lambda plan, _: _register(plan, language="English")
    ),
    "register with an empty language": (
        InvalidInput, lambda plan, _: _register(plan, language="")
    ),
    "register with an empty chart number": (
        InvalidInput, lambda plan, _: _register(plan, external_id=" ")
    ),
    "look a patient up by chart number": (
        InvalidInput, lambda plan, _: plan.opt_out("MRN-1001", Channel.SMS, by=DESK)
    ),
    "consent for someone not registered": (
        PatientNotFound, lambda plan, _: plan.give_consent(uuid4(), Channel.SMS, by=DESK)
    ),
    "a notice of a kind by its name": (
        InvalidInput,
        lambda plan, patient: plan.request_notice(patient, kind="delay", when=at(16), by=DESK),
    ),
    "a delay notice that names no time": (
        InvalidInput,
        lambda plan, patient: plan.request_notice(patient, kind=NoticeKind.DELAY, by=DESK),
    ),
    "a notice at a time that names no zone": (
        InvalidInput,
        lambda plan, patient: plan.request_notice(
            patient, kind=NoticeKind.DELAY, when=datetime(2026, 12, 1, 16), by=DESK
        ),
    ),
    "a notice about a visit nobody booked": (
        VisitNotFound,
        lambda plan, patient: plan.request_notice(
            patient, kind=NoticeKind.HEADS_UP, visit_id=uuid4(), by=DESK
        ),
    ),
    "a notice for someone not registered": (
        PatientNotFound,
        lambda plan, _: plan.request_notice(uuid4(), kind=NoticeKind.FOLLOW_UP, by=DESK),
    ),
}  # fmt: skip
EVERY_COMMAND: dict[str, Callable[[ServicePlan, UUID, Staff], object]] = {
    "register": lambda plan, _, by: plan.register_patient(
        contact=PHONE_AND_EMAIL, preferred=Channel.SMS, by=by
    ),
    "change contact": lambda plan, patient, by: plan.change_contact(
        patient, contact=PHONE_AND_EMAIL, preferred=Channel.EMAIL, by=by
    ),
    "give consent": lambda plan, patient, by: plan.give_consent(patient, Channel.SMS, by=by),
    "withdraw consent": lambda plan, patient, by: plan.withdraw_consent(
        patient, Channel.SMS, by=by
    ),
    "opt out": lambda plan, patient, by: plan.opt_out(patient, Channel.SMS, by=by),
    "request a notice": lambda plan, patient, by: plan.request_notice(
        patient, kind=NoticeKind.FOLLOW_UP, by=by
    ),
}


@attrs.define
class PatientFile:
    """The desk's file on one patient: the plain model the record must match."""

    contact: ContactPoints
    preferred: Channel
    language: str
    registered_at: datetime
    consents: frozenset[Channel] = frozenset()
    opted_out: frozenset[Channel] = frozenset()
    notices: tuple[Notice, ...] = ()

    @classmethod
    def of(cls, patient: Patient, notices: list[NoticeRecord]) -> PatientFile:
        """Read the file off a recorded patient and the records of their notices."""
        fields = {
            f.name: getattr(patient, f.name) for f in attrs.fields(cls) if f.name != "notices"
        }
        return cls(**fields, notices=tuple(r.notice for r in notices))

    def may_message(self, channel: Channel) -> bool:
        """Say whether an automated message may go out on `channel`."""
        return (
            channel in self.consents
            and channel not in self.opted_out
            and self.contact.reaches(channel)
        )


class RegistrationDesk(ClinicMachine):
    """Patients register, change how to reach them, consent, withdraw and text STOP."""

    patients = Bundle("patients")

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[UUID, PatientFile] = {}
        self.charts: set[str] = set()
        self.keys: dict[str, tuple[UUID, NoticeKind, Channel, datetime]] = {}
        self.todays_notices: list[tuple[UUID, str]] = []

    @initialize(target=patients)
    def a_patient_who_said_yes_to_texts(self) -> UUID:
        patient = self.plan.register_patient(
            contact=PHONE_AND_EMAIL, preferred=Channel.SMS, by=DESK
        )
        self.plan.give_consent(patient, Channel.SMS, by=DESK)
        file = PatientFile(PHONE_AND_EMAIL, Channel.SMS, "en", self.clock.now)
        file.consents = frozenset({Channel.SMS})
        self.files[patient] = file
        return patient

    @rule(target=patients, contact=CONTACTS, preferred=CHANNELS, language=LANGUAGES, by=STAFF)
    def register(
        self, contact: ContactPoints, preferred: Channel, language: str, by: Staff
    ) -> object:
        """Register a patient; a preferred channel with no contact point is refused."""
        register = {"contact": contact, "preferred": preferred, "language": language, "by": by}
        if not contact.reaches(preferred):
            with self.refused(InvalidInput):
                self.plan.register_patient(**register)
            return multiple()
        patient = self.plan.register_patient(**register)
        self.files[patient] = PatientFile(contact, preferred, language, self.clock.now)
        return patient

    @rule(target=patients, chart=CHARTS, contact=CONTACTS)
    def register_from_the_chart(self, chart: str, contact: ContactPoints) -> object:
        """A chart number gives a stable id; the same chart cannot register twice."""
        register = {"contact": contact, "preferred": Channel.PORTAL, "by": DESK}
        if chart in self.charts:
            with self.refused(InvalidInput):
                self.plan.register_patient(**register, external_id=chart)
            return multiple()
        patient = self.plan.register_patient(**register, external_id=chart)
        assert patient == patient_id_for(chart)
        self.charts.add(chart)
        self.files[patient] = PatientFile(contact, Channel.PORTAL, "en", self.clock.now)
        return patient

    @rule(patient=patients, contact=CONTACTS, preferred=CHANNELS)
    def contact_changes(self, patient: UUID, contact: ContactPoints, preferred: Channel) -> None:
        """New contact points; consent for a channel they no longer reach lapses."""
        file = self.files[patient]
        if not contact.reaches(preferred):
            with self.refused(InvalidInput):
                self.plan.change_contact(patient, contact=contact, preferred=preferred, by=DESK)
            return
        self.plan.change_contact(patient, contact=contact, preferred=preferred, by=DESK)
        file.contact, file.preferred = contact, preferred
        file.consents = frozenset(c for c in file.consents if contact.reaches(c))

    @rule(patient=patients, channel=CHANNELS, by=STAFF)
    def patient_consents(self, patient: UUID, channel: Channel, by: Staff) -> None:
        """Consent needs a contact point on the channel; it lifts an earlier STOP."""
        file = self.files[patient]
        if not file.contact.reaches(channel):
            with self.refused(InvalidInput):
                self.plan.give_consent(patient, channel, by=by)
            return
        self.plan.give_consent(patient, channel, by=by)
        file.consents |= {channel}
        file.opted_out -= {channel}

    @rule(patient=patients, channel=CHANNELS)
    def patient_withdraws_consent(self, patient: UUID, channel: Channel) -> None:
        file = self.files[patient]
        if channel not in file.consents:
            with self.refused(NotAllowedNow):
                self.plan.withdraw_consent(patient, channel, by=DESK)
            return
        self.plan.withdraw_consent(patient, channel, by=DESK)
        file.consents -= {channel}

    @rule(patient=patients, channel=CHANNELS)
    def patient_texts_stop(self, patient: UUID, channel: Channel) -> None:
        """A STOP is honoured at once, whatever came before."""
        self.plan.opt_out(patient, channel, by=DESK)
        file = self.files[patient]
        file.consents -= {channel}
        file.opted_out |= {channel}

    @rule(
        patient=patients, kind=KINDS, channel=st.none() | CHANNELS, when=WHENS, by=STAFF,
        key=st.none() | st.sampled_from(["k-1", "k-2", "k-3"]),
    )  # fmt: skip
    def the_clinic_owes_a_notice(
        self,
        patient: UUID,
        kind: NoticeKind,
        channel: Channel | None,
        when: datetime,
        by: Staff,
        key: str | None,
    ) -> None:
        """Owe a notice on a channel (the preferred one by default) only if it may reach them.

        A key names one request: the same key with the same facts is the notice already owed
        (nothing recorded), with other facts it is refused; no key is a new request each time.
        """
        file, request = self.files[patient], {"kind": kind, "channel": channel, "when": when}
        on = channel or file.preferred
        facts = (patient, kind, on, when)
        if not file.may_message(on):
            with self.refused(NoticeRefused):
                self.plan.request_notice(patient, **request, key=key, by=by)
            return
        if key is not None and key in self.keys:
            before = self.plan.event_count
            if self.keys[key] == facts:
                assert self.plan.request_notice(patient, **request, key=key, by=by) == key
            else:
                with self.refused(InvalidInput):
                    self.plan.request_notice(patient, **request, key=key, by=by)
            assert self.plan.event_count == before, "a notice already owed was recorded again"
            return
        key = self.plan.request_notice(patient, **request, key=key, by=by)
        file.notices = (*file.notices, Notice(key, kind, patient, on, when=when))
        self.keys[key] = facts
        self.todays_notices.append((patient, key))

    @rule(patient=patients, command=st.sampled_from(sorted(EVERY_COMMAND)))
    def a_role_nobody_configured(self, patient: UUID, command: str) -> None:
        self.refused_to_a_volunteer(lambda by: EVERY_COMMAND[command](self.plan, patient, by))

    @rule(patient=patients, mistake=st.sampled_from(sorted(MISTAKES)))
    def a_mistake_at_registration(self, patient: UUID, mistake: str) -> None:
        """Channels by name, languages by name, ids that are not ids: refused, nothing recorded."""
        error, command = MISTAKES[mistake]
        with self.refused(error):
            command(self.plan, patient)

    @invariant()
    def every_patient_reads_as_the_desk_filed_them(self) -> None:
        for patient_id, file in self.files.items():
            patient = self.live(patient_id)
            assert PatientFile.of(patient, self.plan.notices_of(patient_id)) == file
            assert patient.ledger == ()
            for channel in Channel:
                assert patient.can_reach(channel) == file.may_message(channel)

    @invariant()
    def the_days_notices_are_listed_once_each_in_the_order_requested(self) -> None:
        listed = [(r.notice.patient_id, r.key) for r in self.plan.notices_on(DAY)]
        assert listed == self.todays_notices


RegistrationDesk.TestCase.settings = settings(stateful_step_count=25)
TestRegistrationDesk = RegistrationDesk.TestCase
