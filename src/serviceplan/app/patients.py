"""Commands and questions about patients: registration, contact points and consent."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from serviceplan.app.desk import Desk
from serviceplan.app.permissions import permitted
from serviceplan.domain.contact import Channel, ContactPoints
from serviceplan.domain.patient import Patient, patient_id_for
from serviceplan.domain.staff import Staff
from serviceplan.errors import InvalidInput, PatientNotFound


class PatientDesk(Desk):
    """Registering patients, and how and whether they may be reached."""

    @permitted("register-patient")
    def register_patient(  # noqa: PLR0913 (a registration has this many facts)
        self,
        *,
        contact: ContactPoints,
        preferred: Channel,
        by: Staff,
        language: str | None = None,
        external_id: str | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Register a patient; with `external_id` (a chart number) the id is stable across feeds.

        Without `language`, the patient's messages are in the clinic's (`Settings.language`).
        """
        patient_id = None if external_id is None else patient_id_for(external_id)
        if patient_id is not None and self.plan.recorded(patient_id):
            raise InvalidInput("a patient with that external id is already registered")
        spoken = self.plan.settings.language if language is None else language
        patient = Patient.register(
            contact=contact, preferred=preferred, language=spoken, at=self.plan.now(now),
            by=by, patient_id=patient_id,
        )  # fmt: skip
        self.plan.record(patient)
        return patient.id

    def get_patient(self, patient_id: UUID) -> Patient:
        """Return the patient as recorded now."""
        return self.plan.load(Patient, patient_id, PatientNotFound)

    @permitted("change-contact")
    def change_contact(
        self,
        patient_id: UUID,
        *,
        contact: ContactPoints,
        preferred: Channel,
        by: Staff,
        now: datetime | None = None,
    ) -> None:
        """Record new contact points and preferred channel."""
        patient = self.get_patient(patient_id)
        patient.change_contact(contact=contact, preferred=preferred, at=self.plan.now(now), by=by)
        self.plan.record(patient)

    @permitted("give-consent")
    def give_consent(
        self, patient_id: UUID, channel: Channel, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record the patient's consent to messages on `channel`."""
        patient = self.get_patient(patient_id)
        patient.give_consent(channel=channel, at=self.plan.now(now), by=by)
        self.plan.record(patient)

    @permitted("withdraw-consent")
    def withdraw_consent(
        self, patient_id: UUID, channel: Channel, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record that the patient withdrew consent for `channel`."""
        patient = self.get_patient(patient_id)
        patient.withdraw_consent(channel=channel, at=self.plan.now(now), by=by)
        self.plan.record(patient)

    @permitted("opt-out")
    def opt_out(
        self, patient_id: UUID, channel: Channel, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record a STOP: no automated messages on `channel` from now on."""
        patient = self.get_patient(patient_id)
        patient.opt_out(channel=channel, at=self.plan.now(now), by=by)
        self.plan.record(patient)
