"""Commands and queries about patients: registration, contact points and consent."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from serviceplan.app.base import Base
from serviceplan.app.permissions import permitted
from serviceplan.domain.contact import Channel, ContactPoints
from serviceplan.domain.patient import Patient, patient_id_for
from serviceplan.domain.staff import Staff
from serviceplan.errors import InvalidInput, PatientNotFound


class Patients(Base):
    """The patient commands of `ServicePlan`."""

    @permitted("register-patient")
    def register_patient(  # noqa: PLR0913 (a registration has this many facts)
        self,
        *,
        contact: ContactPoints,
        preferred: Channel,
        by: Staff,
        language: str = "en",
        external_id: str | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Register a patient; with `external_id` (a chart number) the id is stable across feeds."""
        at = self._now(now)
        if external_id is None:
            patient = Patient(contact=contact, preferred=preferred, language=language, at=at, by=by)
        else:
            patient_id = patient_id_for(external_id)
            if self._recorded(patient_id):
                raise InvalidInput("a patient with that external id is already registered")
            patient = Patient._create(  # noqa: SLF001 (eventsourcing's way to choose the id)
                Patient.Registered,  # type: ignore[attr-defined]  # made by @event
                id=patient_id, contact=contact, preferred=preferred,
                language=language, at=at, by=by,
            )  # fmt: skip
        self._save(patient)
        return patient.id

    def get_patient(self, patient_id: UUID) -> Patient:
        """Return the patient as recorded now."""
        return self._load(Patient, patient_id, PatientNotFound)

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
        patient.change_contact(contact=contact, preferred=preferred, at=self._now(now), by=by)
        self._save(patient)

    @permitted("give-consent")
    def give_consent(
        self, patient_id: UUID, channel: Channel, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record the patient's consent to messages on `channel`."""
        patient = self.get_patient(patient_id)
        patient.give_consent(channel=channel, at=self._now(now), by=by)
        self._save(patient)

    @permitted("withdraw-consent")
    def withdraw_consent(
        self, patient_id: UUID, channel: Channel, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record that the patient withdrew consent for `channel`."""
        patient = self.get_patient(patient_id)
        patient.withdraw_consent(channel=channel, at=self._now(now), by=by)
        self._save(patient)

    @permitted("opt-out")
    def opt_out(
        self, patient_id: UUID, channel: Channel, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record a STOP: no automated messages on `channel` from now on."""
        patient = self.get_patient(patient_id)
        patient.opt_out(channel=channel, at=self._now(now), by=by)
        self._save(patient)
