"""See it coming: who hears about a delay, and when they hear again.

Every patient whose visit slips by at least the material amount (`Settings.material_slip_minutes`,
15 by default) is owed a delay notice naming the new estimate; after a revision a patient hears
again only when their estimate moved by that much since what they were last told. A patient who
cannot be reached on their channel is not messaged: they are on the desk's lists. Nor is one
already checked in: they are in the waiting room and hear it at the desk.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import attrs
from eventsourcing.domain import Aggregate

from serviceplan.app.notices import Notices
from serviceplan.domain.cascade import Slip
from serviceplan.domain.delay import Delay
from serviceplan.domain.notice import Notice, NoticeKind, notice_key
from serviceplan.domain.notice_day import NoticeDay
from serviceplan.domain.patient import Patient
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import Visit
from serviceplan.errors import DelayNotFound, PatientNotFound, VisitNotFound


@attrs.frozen
class DeskCall:
    """One line of a desk's list: whose visit slips, to when, and whether a message went."""

    visit_id: UUID
    patient_id: UUID
    booked_start: datetime
    projected_start: datetime
    phone: str | None
    messaged: bool


class DelayNotices(Notices):
    """Owed delay notices, recorded in the same transaction as the delay they follow."""

    def _tell_slipped(
        self, delay: Delay, at: datetime, by: Staff, arrived: frozenset[UUID]
    ) -> list[Aggregate]:
        """Owe a notice to each reachable patient not yet `arrived` whose estimate moved materially.

        Returns the aggregates to save with the delay (patients and the day's notice index). The
        patients are read in one query, since a cascade may reach thousands.
        """
        slips = [s for s in delay.impact.slips if s.visit_id not in arrived]
        if not slips:
            return []
        ids = list(dict.fromkeys(s.patient_id for s in slips))
        patients = dict(zip(ids, self._load_many(Patient, ids, PatientNotFound), strict=True))
        day = self._notice_day(at)
        touched: dict[UUID, Patient] = {}
        for slip in slips:
            if self._tell(patients[slip.patient_id], slip, day, at, by):
                touched[slip.patient_id] = patients[slip.patient_id]
        return [*touched.values(), day] if touched else []

    def _tell(self, patient: Patient, slip: Slip, day: NoticeDay, at: datetime, by: Staff) -> bool:
        told = self._last_told(patient, slip)
        if abs(slip.projected_start - told) < self._material:
            return False
        if not patient.can_reach(patient.preferred):
            return False
        channel, when = patient.preferred, slip.projected_start
        key = notice_key(NoticeKind.DELAY, patient.id, channel, slip.visit_id, when)
        notice = Notice(key, NoticeKind.DELAY, patient.id, channel, slip.visit_id, when, None, when)
        return self._owe(patient, notice, day, at, by)

    def _last_told(self, patient: Patient, slip: Slip) -> datetime:
        """Return the start the patient was last told for the visit (its booking if never told)."""
        told = [
            r.notice.when
            for r in patient.notices
            if r.notice.visit_id == slip.visit_id
            and r.notice.kind is NoticeKind.DELAY
            and r.notice.when is not None
        ]
        return told[-1] if told else slip.booked_start

    @property
    def _material(self) -> timedelta:
        return timedelta(minutes=self.settings.material_slip_minutes)

    def desk_lists(self, delay_id: UUID) -> tuple[list[DeskCall], list[DeskCall]]:
        """Return the delay's waiting room and call list, each earliest first.

        Patients already checked in hear the new estimate at the desk; the others are called with
        the choice to keep their time, come later or reschedule.
        """
        delay = self._load(Delay, delay_id, DelayNotFound)
        waiting: list[DeskCall] = []
        to_call: list[DeskCall] = []
        for slip in delay.impact.slips:
            visit = self._load(Visit, slip.visit_id, VisitNotFound)
            patient = self._load(Patient, slip.patient_id, PatientNotFound)
            phone = patient.contact.phone.e164 if patient.contact.phone else None
            messaged = self._last_told(patient, slip) == slip.projected_start
            line = DeskCall(slip.visit_id, slip.patient_id, slip.booked_start,
                            slip.projected_start, phone, messaged)  # fmt: skip
            (waiting if visit.checked_in_at is not None else to_call).append(line)
        return waiting, to_call
