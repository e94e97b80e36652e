"""Commands and queries about notices: what the clinic owes its patients, and what became of it.

A command only records that a notice is owed. Sending happens after the save, in the delivery
follower (`serviceplan.delivery`), which records each outcome on the patient.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from serviceplan.app.base import Base
from serviceplan.app.permissions import permitted
from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Notice, NoticeKind, notice_key
from serviceplan.domain.notice_day import NoticeDay, notice_day_id
from serviceplan.domain.notice_record import NoticeRecord, NoticeStatus
from serviceplan.domain.patient import Patient
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import Visit
from serviceplan.errors import InvalidInput, NoticeNotFound, PatientNotFound, VisitNotFound


class Notices(Base):
    """The notice commands and queries of `ServicePlan`."""

    @permitted("request-notice")
    def request_notice(  # noqa: PLR0913 (a notice has this many facts, most optional)
        self,
        patient_id: UUID,
        *,
        kind: NoticeKind,
        by: Staff,
        channel: Channel | None = None,
        visit_id: UUID | None = None,
        when: datetime | None = None,
        not_before: datetime | None = None,
        expires: datetime | None = None,
        key: str | None = None,
        now: datetime | None = None,
    ) -> str:
        """Record that the patient is owed a notice and return its key; the same key twice is one.

        The channel defaults to the patient's preferred one. A notice ahead of a visit (all but a
        follow-up) names the visit's start unless `when` is given, and expires at that time
        unless `expires` is given. Without `key`, one is derived from the notice's facts.
        """
        at = self._now(now)
        patient = self._load(Patient, patient_id, PatientNotFound)
        visit = self._visit_of(patient, visit_id)
        if visit is not None and kind is not NoticeKind.FOLLOW_UP:
            when = when or visit.start
            expires = expires or when
        channel = channel or patient.preferred
        key = key or notice_key(kind, patient.id, channel, visit_id, when)
        notice = Notice(key, kind, patient.id, channel, visit_id, when, not_before, expires)
        existing = patient.notice(key)
        if existing is not None:
            if existing.notice != notice:
                raise InvalidInput(f"notice key {key} is already used for a different notice")
            return key
        patient.request_notice(notice=notice, at=at, by=by)
        day = self._notice_day(at)
        day.list_notice(patient_id=patient.id, key=key)
        self._save(patient, day)
        return key

    def get_notice(self, patient_id: UUID, key: str) -> NoticeRecord:
        """Return the record of one of the patient's notices."""
        record = self._load(Patient, patient_id, PatientNotFound).notice(key)
        if record is None:
            raise NoticeNotFound(key)
        return record

    def notices_on(self, day: date) -> list[NoticeRecord]:
        """Return the notices requested on `day` (in the clinic's zone), in the order requested."""
        index = self._find_notice_day(day)
        if index is None:
            return []
        patients: dict[UUID, Patient] = {}
        records = []
        for patient_id, key in index.notices:
            if patient_id not in patients:
                patients[patient_id] = self._load(Patient, patient_id, PatientNotFound)
            record = patients[patient_id].notice(key)
            if record is not None:
                records.append(record)
        return records

    def notices_owed(self, *, days: int = 7, now: datetime | None = None) -> list[NoticeRecord]:
        """Return the notices of the last `days` days still to go out, earliest due first."""
        owed = self._recent(NoticeStatus.OWED, days, now)
        return sorted(owed, key=lambda r: (r.due, r.requested_at))

    def notices_given_up(self, *, days: int = 7, now: datetime | None = None) -> list[NoticeRecord]:
        """Return the notices of the last `days` days the front desk must take over."""
        return self._recent(NoticeStatus.GIVEN_UP, days, now)

    def _recent(self, status: NoticeStatus, days: int, now: datetime | None) -> list[NoticeRecord]:
        today = self._now(now).astimezone(self.settings.timezone).date()
        found = []
        for back in range(days - 1, -1, -1):
            found += [
                r for r in self.notices_on(today - timedelta(days=back)) if r.status is status
            ]
        return found

    def _visit_of(self, patient: Patient, visit_id: UUID | None) -> Visit | None:
        if visit_id is None:
            return None
        visit = self._load(Visit, visit_id, VisitNotFound)
        if visit.patient_id != patient.id:
            raise InvalidInput("the visit is another patient's")
        return visit

    def _notice_day(self, at: datetime) -> NoticeDay:
        day = at.astimezone(self.settings.timezone).date()
        return self._find_notice_day(day) or NoticeDay(day=day)

    def _find_notice_day(self, day: date) -> NoticeDay | None:
        try:
            found: object = self.repository.get(notice_day_id(day))
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, NoticeDay) else None
