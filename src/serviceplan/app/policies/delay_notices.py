"""See it coming: who hears about a delay, and when they hear again.

Whenever a delay is announced or revised, or projected again because a patient left the queue
(`Delay.Reprojected`), every patient whose estimate moved by at least the
material amount (`Settings.material_slip_minutes`, 15 by default) since what they were last told,
later or earlier, is owed a notice naming the new estimate: a delay notice, or word that they are
back on time when their visit no longer slips. A patient not reachable on their channel is not
messaged (they are on the desk's lists), nor one already checked in (they hear it at the desk),
nor one whose visit is no longer to come, nor one who chose to come later or on another day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import attrs

from serviceplan.app.policies.base import Policy
from serviceplan.domain.delay import Delay
from serviceplan.domain.notice import Notice, NoticeKind, notice_key
from serviceplan.domain.notice_record import NoticeRecord
from serviceplan.domain.patient import Patient
from serviceplan.domain.visit import Visit
from serviceplan.errors import DelayNotFound, PatientNotFound, VisitNotFound


@attrs.frozen
class Estimate:
    """What a visit's patient should hear now: its booked and its projected start."""

    visit_id: UUID
    patient_id: UUID
    booked_start: datetime
    projected_start: datetime


class DelayNotices(Policy):
    """Owes the notices a delay's announcement or revision calls for."""

    name = "delay-notices"
    follows = (Delay.Announced, Delay.Revised, Delay.Reprojected)

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (Announced or Revised)
        """Owe each patient whose estimate moved materially a notice naming the new one."""
        del now  # the notices are owed from the moment of the announcement
        delay = self.plan.load(Delay, event.originator_id, DelayNotFound)
        estimates = self._estimates(delay.id, event.impact)
        material = timedelta(minutes=self.plan.settings.material_slip_minutes)
        told = self.plan.notice_index.last_told_of([e.visit_id for e in estimates])
        news = [
            e
            for e in estimates
            if abs(e.projected_start - (told.get(e.visit_id) or e.booked_start)) >= material
        ]
        if not news:
            return []
        ids = list(dict.fromkeys(e.patient_id for e in news))
        loaded = self.plan.load_many(Patient, ids, PatientNotFound)
        patients = dict(zip(ids, loaded, strict=True))
        owed = []
        for estimate in news:
            patient = patients[estimate.patient_id]
            if patient.can_reach(patient.preferred):
                notice = self._notice(patient, estimate, event.originator_version, delay.id)
                owed.append(NoticeRecord.request(notice, event.at, event.by, follows=delay.id))
        return owed

    def _estimates(self, delay_id: UUID, impact: Any) -> list[Estimate]:  # noqa: ANN401 (an Impact)
        """Return the estimate of each visit the delay touches now or touched before.

        A visit told of this delay that no longer slips is back on its booked time; only
        visits still to come, whose patients are not yet here and still in the queue, are
        counted.
        """
        found = {
            s.visit_id: Estimate(s.visit_id, s.patient_id, s.booked_start, s.projected_start)
            for s in impact.slips
        }
        earlier = [v for v in self.plan.notice_index.told_of(delay_id) if v not in found]
        for visit in self.plan.load_many(Visit, earlier, VisitNotFound):
            found[visit.id] = Estimate(visit.id, visit.patient_id, visit.start,
                                             visit.start)  # fmt: skip
        waiting = self.plan.schedule.waiting(list(found))
        return [e for e in found.values() if e.visit_id in waiting]

    @staticmethod
    def _notice(patient: Patient, estimate: Estimate, revision: int, delay_id: UUID) -> Notice:
        later = estimate.projected_start > estimate.booked_start
        kind = NoticeKind.DELAY if later else NoticeKind.ON_TIME
        when, channel = estimate.projected_start, patient.preferred
        key = notice_key(kind, delay_id, revision, estimate.visit_id)
        return Notice(key, kind, patient.id, channel, estimate.visit_id, when, None, when)
