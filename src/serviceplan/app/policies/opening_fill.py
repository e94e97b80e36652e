"""The first acceptance wins: the patient who took an opening is booked, once, and told.

Whenever an opening is accepted, the accepted patient is booked through the scheduler where one
is installed (else the record is the schedule): a patient who asked for anything earlier than a
visit has that visit moved (a patient-requested move, never the office's fault), so the old
visit stands until the new one is booked. The opening and the entry are then filled, the patient
owed word that they are booked, and everyone else still holding an offer of it owed word that it
is gone; a delay of that day is projected again with the new visit in its queue. A booking
that fails is recorded as the claim failed, and the opening goes on to the
others. Whenever an acceptance comes too late, its patient is owed word that the time is gone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from serviceplan.app.policies.base import FOLLOWER, Policy
from serviceplan.app.policies.moves import carry_out, why_not
from serviceplan.app.policies.queue_changes import reprojected
from serviceplan.app.preparation import prepared
from serviceplan.domain.notice import Notice, NoticeKind, notice_key
from serviceplan.domain.notice_record import NoticeRecord, notice_record_id
from serviceplan.domain.opening import Opening, OpeningStatus
from serviceplan.domain.patient import Patient
from serviceplan.domain.reasons import CancellationReason
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import MoveRequest, Visit
from serviceplan.domain.waitlist import WaitlistEntry
from serviceplan.errors import (
    OpeningNotFound,
    PatientNotFound,
    ServicePlanError,
    VisitInPast,
    VisitNotFound,
    WaitlistEntryNotFound,
)
from serviceplan.plugins.records import Booking

PATIENT_ASKED = CancellationReason("pat")
"""Why a visit moves to a time the patient took from the waitlist: they asked for it."""


def filled_visit_id(opening_id: UUID, entry_id: UUID) -> UUID:
    """Return the id of the visit booked when an entry takes an opening: one claim, one visit."""
    return uuid5(opening_id, f"filled/{entry_id}")


class OpeningFill(Policy):
    """Books the patient who accepted an opening, and tells everyone who must hear of it."""

    name = "opening-fill"
    follows = (Opening.Accepted, Opening.AnsweredGone)

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (one of `follows`)
        """Book an acceptance, or owe a late one word that the time is gone."""
        opening = self.plan.load(Opening, event.originator_id, OpeningNotFound)
        if isinstance(event, Opening.AnsweredGone):
            return self._told_gone(opening, [event.entry_id], now)
        if opening.status is not OpeningStatus.CLAIMED or opening.claimed_by != event.entry_id:
            return []  # booked, or given up, already
        entry = self.plan.load(WaitlistEntry, event.entry_id, WaitlistEntryNotFound)
        if entry.left_at is not None or entry.filled_by is not None:
            opening.fail_claim("the patient left the list or took another time", now, FOLLOWER)
            return [opening]
        records, visit, why = self._book(opening, entry, event.by, now)
        if visit is None:
            opening.fail_claim(why, now, FOLLOWER)
            return [*records, opening]
        opening.fill(visit.id, now, FOLLOWER)
        entry.fill(opening.id, visit.id, now, FOLLOWER)
        others = [o.entry_id for o in opening.live_offers(now) if o.entry_id != entry.id]
        moved = frozenset(v for v in [visit.rescheduled_from] if v is not None)
        delays = reprojected(self.plan, visit, now, joining=True, leaving=moved)
        return [
            *records, opening, entry, *delays,
            *self._booked(entry, visit, now), *self._told_gone(opening, others, now),
        ]  # fmt: skip

    def _book(
        self, opening: Opening, entry: WaitlistEntry, by: Staff, now: datetime
    ) -> tuple[list[Any], Visit | None, str]:
        """Book the entry's patient into the time: a move of their visit, or a new visit."""
        time = opening.time
        if entry.earlier_than is not None:
            old = self.plan.load(Visit, entry.earlier_than, VisitNotFound)
            request = MoveRequest(
                filled_visit_id(opening.id, entry.id), time.start, time.provider, old.length,
                PATIENT_ASKED, None, by,
            )  # fmt: skip
            if old.is_pending and old.move_request is None:
                try:
                    old.request_move(request, now)
                except ServicePlanError as error:
                    return [], None, why_not(error)
                moved = carry_out(self.plan, old, request, now, need_scheduler=False)
                return moved.records, moved.new, moved.refused or ""
        visit_id = filled_visit_id(opening.id, entry.id)
        booking = Booking(
            visit_id, entry.patient_id, time.provider, entry.wants.visit_type, time.start,
            time.length,
        )  # fmt: skip
        try:
            if self.plan.plugins.has_scheduler:
                self.plan.plugins.book_slot(booking)
            visit = Visit.book(
                patient_id=entry.patient_id, provider=time.provider,
                visit_type=entry.wants.visit_type, start=time.start, length=time.length, at=now,
                by=by, visit_id=visit_id,
            )  # fmt: skip
        except VisitInPast as late:
            return [], None, str(late)
        except Exception as error:  # noqa: BLE001 (the failed claim is recorded with its reason)
            return [], None, why_not(error)
        return [visit, *prepared(self.plan, visit, now, by)], visit, ""

    def _booked(self, entry: WaitlistEntry, visit: Visit, now: datetime) -> list[Any]:
        """Owe the patient word of their new time, on the channel they joined with."""
        patient = self.plan.load(Patient, entry.patient_id, PatientNotFound)
        if not patient.can_reach(entry.channel):
            return []
        key = notice_key(NoticeKind.BOOKED, visit.id)
        notice = Notice(
            key, NoticeKind.BOOKED, patient.id, entry.channel, visit.id, visit.start, None,
            visit.start,
        )  # fmt: skip
        return [NoticeRecord.request(notice, now, FOLLOWER, follows=visit.id)]

    def _told_gone(self, opening: Opening, entry_ids: list[UUID], now: datetime) -> list[Any]:
        """Owe each of these entries' patients, once, word that the time is gone."""
        owed = []
        for entry_id in entry_ids:
            offer = opening.offers[entry_id]
            key = notice_key(NoticeKind.OFFER_GONE, opening.id, entry_id)
            if self.plan.find(notice_record_id(key)) is not None:
                continue
            patient = self.plan.load(Patient, offer.patient_id, PatientNotFound)
            entry = self.plan.load(WaitlistEntry, entry_id, WaitlistEntryNotFound)
            if not patient.can_reach(entry.channel):
                continue
            notice = Notice(
                key, NoticeKind.OFFER_GONE, patient.id, entry.channel, None, opening.time.start,
                None, opening.time.start,
            )  # fmt: skip
            owed.append(NoticeRecord.request(notice, now, FOLLOWER, follows=opening.id))
        return owed
