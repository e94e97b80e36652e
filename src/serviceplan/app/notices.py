"""Commands and questions about notices: what the clinic owes its patients, and what became of it.

A command only records that a notice is owed, as a record of its own. Sending happens after, in
the delivery follower (`serviceplan.delivery`), which records each outcome on that record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from serviceplan.app.desk import Desk
from serviceplan.app.permissions import permitted
from serviceplan.app.visits import a_day
from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Notice, NoticeKind
from serviceplan.domain.notice_record import NoticeRecord, NoticeStatus, notice_record_id
from serviceplan.domain.patient import Patient
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import Visit
from serviceplan.errors import (
    InvalidInput,
    NoticeNotFound,
    NoticeRefused,
    PatientNotFound,
    VisitNotFound,
)

MAX_DAYS = 366


class NoticeDesk(Desk):
    """Owing patients notices, and finding out what became of them."""

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
        """Record that the patient is owed a notice and return its key.

        The channel defaults to the patient's preferred one. A notice ahead of a visit (all but a
        follow-up) names the visit's start unless `when` is given, and expires at that time
        unless `expires` is given. A key names one request: without `key` a new one is made, so
        asking twice owes two notices; the same `key` again owes it once (and must name the
        same notice).
        """
        at = self.plan.now(now)
        patient = self.plan.load(Patient, patient_id, PatientNotFound)
        visit = self._visit_of(patient, visit_id)
        if visit is not None and kind is not NoticeKind.FOLLOW_UP:
            when = when or visit.start
            expires = expires or when
        channel = channel or patient.preferred
        kind = checks.member(kind, NoticeKind, "kind")
        key = key or f"{kind.value}-{uuid4().hex}"
        notice = Notice(key, kind, patient.id, channel, visit_id, when, not_before, expires)
        if not patient.can_reach(notice.channel):
            msg = f"no consent, an opt-out or no contact point for {notice.channel.value}"
            raise NoticeRefused(msg)
        existing = self.plan.find(notice_record_id(key))
        if isinstance(existing, NoticeRecord):
            if existing.notice != notice:
                raise InvalidInput(f"notice key {key} is already used for a different notice")
            return key
        self.plan.record(NoticeRecord.request(notice, at, by))
        return key

    def get_notice(self, key: str) -> NoticeRecord:
        """Return the record of the notice with idempotency key `key`."""
        if not isinstance(key, str):
            raise InvalidInput(f"a notice key is text, not {type(key).__name__}")
        found = self.plan.find(notice_record_id(key))
        if not isinstance(found, NoticeRecord):
            raise NoticeNotFound(key)
        return found

    def notices_of(self, patient_id: UUID) -> list[NoticeRecord]:
        """Return every notice the patient was owed, in the order requested."""
        self.plan.exists(Patient, patient_id, PatientNotFound)
        return self._records(self.plan.notice_index.keys_of(patient_id))

    def notices_on(self, day: date) -> list[NoticeRecord]:
        """Return the notices requested on `day` (in the clinic's zone), in the order requested."""
        return self._records(self.plan.notice_index.keys_on(a_day(day)))

    def notices_owed(self, *, days: int = 7, now: datetime | None = None) -> list[NoticeRecord]:
        """Return the notices of the last `days` days still to go out, earliest due first."""
        owed = self._recent(NoticeStatus.OWED, days, now)
        return sorted(owed, key=lambda r: (r.due, r.requested_at))

    def notices_given_up(self, *, days: int = 7, now: datetime | None = None) -> list[NoticeRecord]:
        """Return the notices of the last `days` days the front desk must take over."""
        return self._recent(NoticeStatus.GIVEN_UP, days, now)

    def _recent(self, status: NoticeStatus, days: int, now: datetime | None) -> list[NoticeRecord]:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise InvalidInput(f"days must be a whole number from 1 to {MAX_DAYS}")
        today = self.plan.day_of(self.plan.now(now))
        first = today - timedelta(days=days - 1)
        return self._records(self.plan.notice_index.keys_between(first, today, status))

    def _records(self, keys: list[str]) -> list[NoticeRecord]:
        """Return the records of these keys (those a record of its own holds), in order."""
        ids = [notice_record_id(k) for k in keys]
        return self.plan.load_many(NoticeRecord, ids, NoticeNotFound, present_only=True)

    def _visit_of(self, patient: Patient, visit_id: UUID | None) -> Visit | None:
        if visit_id is None:
            return None
        visit = self.plan.load(Visit, visit_id, VisitNotFound)
        if visit.patient_id != patient.id:
            raise InvalidInput("the visit is another patient's")
        return visit
