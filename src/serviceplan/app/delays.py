"""Commands and questions about delays: announce, revise, resolve, each with its impact.

Announcing records the delay and its projected impact, and nothing else: the desk's lists are
ready from the impact at once, and the notices it calls for are owed by the `DelayNotices`
policy, which a concurrent write to a patient's record never stops.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import attrs

from serviceplan.app.desk import Desk
from serviceplan.app.permissions import permitted
from serviceplan.app.visits import a_day
from serviceplan.domain import checks, detection
from serviceplan.domain.cascade import Impact, project
from serviceplan.domain.delay import MAX_MINUTES, Delay
from serviceplan.domain.detection import DelaySign
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


class DelayDesk(Desk):
    """A provider running late: the announcement, its revisions and the desk's lists."""

    @permitted("announce-delay")
    def announce_delay(  # noqa: PLR0913 (an announcement has this many facts)
        self,
        *,
        provider: str,
        late_from: datetime,
        minutes: int,
        reason: str,
        by: Staff,
        now: datetime | None = None,
    ) -> UUID:
        """Announce that `provider` is `minutes` late from `late_from`; the impact is recorded."""
        checks.minutes(minutes, "delay", high=MAX_MINUTES)
        impact = self.impact_of(provider, late_from, minutes)
        delay = Delay.announce(
            provider=provider, day=self.plan.day_of(late_from), late_from=late_from,
            minutes=minutes, reason=reason, impact=impact, at=self.plan.now(now), by=by,
        )  # fmt: skip
        self.plan.record(delay)
        return delay.id

    @permitted("revise-delay")
    def revise_delay(
        self, delay_id: UUID, *, minutes: int, by: Staff, now: datetime | None = None
    ) -> None:
        """Record a new estimate; the impact is projected again from the day as it is now."""
        delay = self.get_delay(delay_id)
        checks.minutes(minutes, "delay", low=0, high=MAX_MINUTES)
        impact = self.impact_of(delay.provider, delay.late_from, minutes)
        delay.revise(minutes=minutes, impact=impact, at=self.plan.now(now), by=by)
        self.plan.record(delay)

    @permitted("resolve-delay")
    def resolve_delay(self, delay_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that the provider is back on schedule."""
        delay = self.get_delay(delay_id)
        delay.resolve(at=self.plan.now(now), by=by)
        self.plan.record(delay)

    def get_delay(self, delay_id: UUID) -> Delay:
        """Return the delay as recorded now."""
        return self.plan.load(Delay, delay_id, DelayNotFound)

    def impact_of(self, provider: str, late_from: datetime, minutes: int) -> Impact:
        """Project which of the provider's pending visits slip, and to when."""
        day = self.plan.day_of(checks.aware(late_from, "late from"))
        checks.minutes(minutes, "delay", low=0, high=MAX_MINUTES)
        queue = self.plan.schedule.queue(checks.code(provider, "provider"), day)
        return project(queue, late_from, minutes)

    def open_delays(self, provider: str, day: date) -> list[Delay]:
        """Return the provider's unresolved delays on `day`, oldest first."""
        ids = self.plan.schedule.delay_ids(
            checks.code(provider, "provider"), a_day(day), open_only=True
        )
        return self.plan.load_many(Delay, ids, DelayNotFound)

    def detect_delay(
        self, provider: str, *, by: Staff, now: datetime | None = None
    ) -> DelaySign | None:
        """Look for signs the provider runs late; propose a delay, or announce it if configured.

        Nothing is proposed while the provider already has an open delay that day.
        """
        at = self.plan.now(now)
        day = self.plan.day_of(at)
        if self.open_delays(provider, day):
            return None
        ids = self.plan.schedule.visit_ids(provider, day)
        visits = sorted(
            self.plan.load_many(Visit, ids, VisitNotFound), key=lambda v: (v.start, str(v.id))
        )
        sign = detection.detect(
            visits, at, overrun_after=self.settings.overrun_minutes,
            first_visit_grace=self.settings.first_visit_grace_minutes,
        )  # fmt: skip
        if sign is not None and self.settings.announce_detected_delays:
            self.announce_delay(
                provider=provider, late_from=sign.late_from, minutes=sign.minutes,
                reason=f"detected: {sign.why}", by=by, now=at,
            )  # fmt: skip
        return sign

    def desk_lists(self, delay_id: UUID) -> tuple[list[DeskCall], list[DeskCall]]:
        """Return the delay's waiting room and call list, each earliest first.

        Patients already checked in hear the new estimate at the desk; the others are called with
        the choice to keep their time, come later or reschedule.
        """
        delay = self.get_delay(delay_id)
        slips = list(delay.impact.slips)
        arrived = self.plan.schedule.arrived([s.visit_id for s in slips])
        ids = list(dict.fromkeys(s.patient_id for s in slips))
        patients = dict(zip(ids, self.plan.load_many(Patient, ids, PatientNotFound), strict=True))
        last_told = self.plan.notice_index.last_told_of([s.visit_id for s in slips])
        waiting: list[DeskCall] = []
        to_call: list[DeskCall] = []
        for slip in slips:
            phone = patients[slip.patient_id].contact.phone
            told = last_told.get(slip.visit_id)
            line = DeskCall(
                slip.visit_id, slip.patient_id, slip.booked_start, slip.projected_start,
                phone.e164 if phone else None, told == slip.projected_start,
            )  # fmt: skip
            (waiting if slip.visit_id in arrived else to_call).append(line)
        return waiting, to_call
