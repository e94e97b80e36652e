"""Rounds of offers: an opening offered to the best-fitting patients on the list, a batch at a time.

Whenever an opening is opened, or an offer of it declined or a booking for it failed, the next
round goes out if it is due; each delivery pass (`Plan.follow`) looks at every opening still
offered, so rounds follow the clock too: a window that ran out starts the next round, and an
opening too close to its start is closed. An offer is a notice like any other (consent, quiet
hours, the daily and weekly limits), owed to the patient on the channel they joined with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from serviceplan.app.policies.base import FOLLOWER, Policy
from serviceplan.domain.delay import Delay
from serviceplan.domain.notice import Notice, NoticeKind, notice_key
from serviceplan.domain.notice_record import NoticeRecord
from serviceplan.domain.offer_rounds import (
    Candidate,
    next_round_due,
    offer_expires,
    ranked,
    too_late,
)
from serviceplan.domain.opening import Offer, Opening
from serviceplan.domain.patient import Patient
from serviceplan.domain.visit import Visit
from serviceplan.domain.waitlist import WaitlistEntry
from serviceplan.errors import (
    ConcurrentUpdate,
    DelayNotFound,
    OpeningNotFound,
    PatientNotFound,
    VisitNotFound,
    WaitlistEntryNotFound,
)

CLOSE_TO_START = "too close to its start to offer"


class OfferRounds(Policy):
    """Sends each opening's next round of offers when it is due, and closes it at the last call."""

    name = "offer-rounds"
    follows = (Opening.Opened, Opening.Declined, Opening.ClaimFailed)

    def catch_up(self, now: datetime) -> int:
        """Act on new events, then on every opening whose next round the clock made due."""
        return super().catch_up(now) + self.tick(now)

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (one of `follows`)
        """Send the opening's next round if it is due now."""
        return self.next_round(self.plan.load(Opening, event.originator_id, OpeningNotFound), now)

    def tick(self, now: datetime) -> int:
        """Send the rounds the clock made due, and close what is too close to its start."""
        acted = 0
        for opening_id in self.plan.waitlist.open_openings():
            try:
                acted += self._tick_one(opening_id, now)
            except ConcurrentUpdate:
                continue  # someone answered or another process sent the round: next pass
        return acted

    def _tick_one(self, opening_id: UUID, now: datetime) -> int:
        opening = self.plan.load(Opening, opening_id, OpeningNotFound)
        records = self.next_round(opening, now)
        if records:
            self.plan.record(*records, follow=False)
        return int(bool(records))

    def next_round(self, opening: Opening, now: datetime) -> list[Any]:
        """Return the records of the opening's next round (or of its closing), if due now."""
        rules = self.plan.settings.offers
        if not opening.is_offering:
            return []
        if too_late(opening.time, now, rules):
            opening.close(CLOSE_TO_START, now, FOLLOWER)
            return [opening]
        if not next_round_due(opening.last_batch_at, opening.round_ended(now), now, rules):
            return []
        chosen = self._chosen(opening, now)
        if not chosen:
            return []
        batch, expires = opening.batches + 1, offer_expires(opening.time, now, rules)
        records: list[Any] = [opening]
        for candidate, entry in chosen:
            key = notice_key(NoticeKind.OFFER, opening.id, entry.id)
            offer = Offer(entry.id, entry.patient_id, key, batch, expires)
            opening.make_offer(offer, now, FOLLOWER)
            entry.offer(opening.id, now, FOLLOWER)
            notice = Notice(
                key, NoticeKind.OFFER, candidate.patient_id, entry.channel, None,
                opening.time.start, None, expires,
            )  # fmt: skip
            records += [entry, NoticeRecord.request(notice, now, FOLLOWER, follows=opening.id)]
        return records

    def _chosen(self, opening: Opening, now: datetime) -> list[tuple[Candidate, WaitlistEntry]]:
        """Return this round's patients, best first, one entry each, never offered it before."""
        entries = {e.id: e for e in self._entries(opening, now)}
        candidates = self._candidates(opening, list(entries.values()))
        zone, rules = self.plan.settings.timezone, self.plan.settings.offers
        chosen: dict[UUID, tuple[Candidate, WaitlistEntry]] = {}
        for candidate in ranked(opening.time, candidates, now, zone, rules):
            if candidate.patient_id not in chosen:
                chosen[candidate.patient_id] = (candidate, entries[candidate.entry_id])
        return list(chosen.values())[: rules.batch]

    def _entries(self, opening: Opening, now: datetime) -> list[WaitlistEntry]:
        """Return the open entries that might take the time, but not the patient who freed it."""
        time = opening.time
        ids = self.plan.waitlist.entries_for(
            time.visit_type, self.plan.day_of(time.start), time.provider
        )
        entries = self.plan.load_many(WaitlistEntry, ids, WaitlistEntryNotFound)
        freed_by = None
        if opening.freed_by is not None:
            freed_by = self.plan.load(Visit, opening.freed_by, VisitNotFound).patient_id
        return [
            e
            for e in entries
            if e.is_open(now) and e.patient_id != freed_by and not opening.offered_to(e.patient_id)
        ]

    def _candidates(self, opening: Opening, entries: list[WaitlistEntry]) -> list[Candidate]:
        """Return the entries whose patients can be reached, as the ranking sees them."""
        ids = list(dict.fromkeys(e.patient_id for e in entries))
        patients = dict(zip(ids, self.plan.load_many(Patient, ids, PatientNotFound), strict=True))
        last = self.plan.waitlist.last_offered(ids)
        booked = self._booked(entries)
        hurt = self._hurt(opening)
        return [
            Candidate(
                e.id,
                e.patient_id,
                e.wants,
                e.joined_at,
                last_offered_at=last.get(e.patient_id),
                booked=booked.get(e.earlier_than) if e.earlier_than else None,
                hurt_by_delay=e.earlier_than in hurt,
            )
            for e in entries
            if patients[e.patient_id].can_reach(e.channel)
            and (e.earlier_than is None or e.earlier_than in booked)
        ]

    def _booked(self, entries: list[WaitlistEntry]) -> dict[UUID, datetime]:
        """Return the start of each visit an entry wants to beat, if it is still to come."""
        ids = [e.earlier_than for e in entries if e.earlier_than is not None]
        visits = self.plan.load_many(Visit, ids, VisitNotFound, present_only=True)
        return {v.id: v.start for v in visits if v.is_pending}

    def _hurt(self, opening: Opening) -> frozenset[UUID | None]:
        """Return the visits that slip in the delay whose queue freed the time, if one did."""
        if opening.delay_id is None:
            return frozenset()
        delay = self.plan.load(Delay, opening.delay_id, DelayNotFound)
        return frozenset(s.visit_id for s in delay.impact.slips)
