"""Random days of the waitlist: openings, offers, answers, expiries, cancellations, races.

Visits are booked and cancelled, patients join and leave the list or stop texts, the clock runs
on, and patients answer their offers, sometimes two at the same moment. Whatever the order:
an opening is booked at most once, no offer is made outside the clinic's rules, and every yes is
either booked, handed back (the scheduler could not book it), or told the time is gone.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.utils import get_topic
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, rule
from props_day import DAY, DESK, ClinicMachine, at

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    NoticeKind,
    OfferAnswer,
    OfferRules,
    Opening,
    OpeningStatus,
    PhoneNumber,
    Wants,
    notice_key,
)
from serviceplan.app.policies.opening_fill import filled_visit_id
from serviceplan.domain.notice_record import notice_record_id
from serviceplan.domain.visit import moved_visit_id
from serviceplan.domain.waitlist import fit
from serviceplan.errors import NoticeRefused

RULES = OfferRules(batch=2, window=10, pause=2, last_call=30, every_hours=1)
TIMES = st.integers(0, 8 * 6 - 1).map(lambda n: at(8) + timedelta(minutes=10 * n))
"""Visit times from 8:00 to 15:50, every 10 minutes."""
WISHES = [
    Wants(visit_type="follow-up", first_day=DAY, last_day=DAY, provider="dr-patel"),
    Wants(visit_type="follow-up", first_day=DAY, last_day=DAY),
    Wants(visit_type="exam", first_day=DAY, last_day=DAY),
]
WANTS = st.sampled_from(WISHES)


class WaitlistDay(ClinicMachine):
    """A day of freed time and the patients waiting for it."""

    visits = Bundle("visits")
    patients = Bundle("patients")
    entries = Bundle("entries")

    clinic_rules: ClassVar[dict[str, Any]] = {"offers": RULES}

    def __init__(self) -> None:
        super().__init__()
        self.phones = 0
        self.answers: list[tuple[UUID, UUID, OfferAnswer]] = []

    @initialize(target=visits)
    def a_morning_with_patients_waiting(self) -> Any:
        """Dr. Patel's follow-ups every 20 minutes from 8:00, and three patients on the list."""
        starts = [at(8) + timedelta(minutes=20 * n) for n in range(12)]
        booked = [self.follow_up_at(start) for start in starts]
        for wants in WISHES:
            self.plan.join_waitlist(self.a_patient_registers(), wants=wants, by=DESK)
        return multiple(*booked)

    def follow_up_at(self, start: datetime) -> UUID:
        """Book a 20-minute follow-up with Dr. Patel for a new patient."""
        patient = self.a_patient_registers()
        return self.plan.book_visit(
            patient, provider="dr-patel", visit_type="follow-up", start=start, length=20, by=DESK
        )

    @rule(target=patients)
    def a_patient_registers(self) -> UUID:
        self.phones += 1
        patient = self.plan.register_patient(
            contact=ContactPoints(PhoneNumber(f"+1555555{self.phones:04d}")),
            preferred=Channel.SMS, by=DESK,
        )  # fmt: skip
        self.plan.give_consent(patient, Channel.SMS, by=DESK)
        return patient

    @rule(
        target=visits, patient=patients, start=TIMES, kind=st.sampled_from(["follow-up", "exam"]),
        provider=st.sampled_from(["dr-patel", "dr-osei"]),
    )  # fmt: skip
    def a_visit_is_booked(self, patient: UUID, start: datetime, kind: str, provider: str) -> Any:
        if start <= self.clock.now:
            return multiple()
        return self.plan.book_visit(
            patient, provider=provider, visit_type=kind, start=start, length=20, by=DESK
        )

    @rule(target=entries, patient=patients, wants=WANTS)
    def a_patient_joins_the_list(self, patient: UUID, wants: Wants) -> Any:
        """Only a patient who may be texted joins: offers go by text."""
        if not self.plan.get_patient(patient).can_reach(Channel.SMS):
            with self.refused(NoticeRefused):
                self.plan.join_waitlist(patient, wants=wants, by=DESK)
            return multiple()
        return self.plan.join_waitlist(patient, wants=wants, by=DESK)

    @rule(target=entries, visit=visits)
    def a_patient_asks_for_anything_earlier(self, visit: UUID) -> Any:
        booked = self.plan.get_visit(visit)
        if not booked.is_pending or booked.start <= self.clock.now:
            return multiple()
        if not self.plan.get_patient(booked.patient_id).can_reach(Channel.SMS):
            with self.refused(NoticeRefused):
                self.plan.join_waitlist(booked.patient_id, earlier_than=visit, by=DESK)
            return multiple()
        return self.plan.join_waitlist(booked.patient_id, earlier_than=visit, by=DESK)

    @rule(entry=entries)
    def a_patient_leaves_the_list(self, entry: UUID) -> None:
        if self.plan.get_waitlist_entry(entry).is_open(self.clock.now):
            self.plan.leave_waitlist(entry, by=DESK)

    @rule(patient=patients)
    def a_patient_stops_texts(self, patient: UUID) -> None:
        self.plan.opt_out(patient, Channel.SMS, by=DESK)

    @rule(visit=visits)
    def a_visit_is_cancelled(self, visit: UUID) -> None:
        if self.plan.get_visit(visit).is_pending:
            self.plan.cancel_visit(visit, reason=CancellationReason("pat"), by=DESK)

    @rule(minutes=st.integers(1, 25))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes)
        self.plan.follow()

    @rule(data=st.data(), yes=st.booleans())
    def a_patient_answers(self, data: st.DataObject, yes: bool) -> None:  # noqa: FBT001
        offers = self.offers_out()
        if not offers:
            return
        opening, entry = data.draw(st.sampled_from(offers))
        if yes:
            answer = self.plan.accept_offer(opening, entry, by=DESK)
            event(f"a yes: {answer.value}")
            self.answers.append((opening, entry, answer))
        elif self.plan.get_opening(opening).is_offering and entry not in self.answered(opening):
            self.plan.decline_offer(opening, entry, by=DESK)

    @rule(data=st.data())
    def two_patients_say_yes_at_the_same_moment(self, data: st.DataObject) -> None:
        by_opening: dict[UUID, list[UUID]] = {}
        for opening, entry in self.offers_out():
            by_opening.setdefault(opening, []).append(entry)
        pairs = [(o, e) for o, e in by_opening.items() if len(e) >= 2]
        if not pairs:
            return
        opening, entries = data.draw(st.sampled_from(pairs))
        both = entries[:2]
        start = threading.Barrier(2)
        said: dict[UUID, OfferAnswer] = {}

        def answer(entry: UUID) -> None:
            start.wait()
            said[entry] = self.plan.accept_offer(opening, entry, by=DESK)

        threads = [threading.Thread(target=answer, args=(e,)) for e in both]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.answers += [(opening, e, said[e]) for e in both]
        event(f"two at once: {sorted(a.value for a in said.values())}")
        assert sorted(a.value for a in said.values()).count(OfferAnswer.BOOKED.value) <= 1

    # -- what the record must show, whatever happened ---------------------------------------

    def openings(self) -> list[Opening]:
        topic = get_topic(Opening.Opened)
        opened = self.plan.recorder.select_notifications(1, 100_000, topics=[topic])
        return [self.plan.get_opening(n.originator_id) for n in opened]

    def offers_out(self) -> list[tuple[UUID, UUID]]:
        return [(o.id, e) for o in self.openings() for e in o.offers]

    def answered(self, opening: UUID) -> frozenset[UUID]:
        found = self.plan.get_opening(opening)
        return found.declined | found.failed

    @invariant()
    def an_opening_is_booked_at_most_once(self) -> None:
        for opening in self.openings():
            booked = []
            for entry in opening.offers:
                claim = filled_visit_id(opening.id, entry)
                booked += [v for v in (claim, moved_visit_id(claim)) if self.plan.find(v)]
            assert len(booked) <= 1, f"{opening.id} booked {len(booked)} times"
            if opening.status is OpeningStatus.FILLED:
                assert booked == [opening.filled_with]

    @invariant()
    def every_offer_keeps_the_clinics_rules(self) -> None:
        zone = self.plan.settings.timezone
        made: dict[UUID, list[datetime]] = {}
        for opening in self.openings():
            made_offers = [
                e for e in self.plan.events.get(opening.id) if type(e).__name__ == "OfferMade"
            ]
            batches: dict[int, int] = {}
            for offer in made_offers:
                start = opening.time.start
                assert offer.at < start - timedelta(minutes=RULES.last_call)
                assert offer.expires <= start - timedelta(minutes=RULES.last_call)
                assert offer.expires <= offer.at + timedelta(minutes=RULES.window)
                batches[offer.batch] = batches.get(offer.batch, 0) + 1
                entry = self.plan.get_waitlist_entry(offer.entry_id)
                assert entry.joined_at <= offer.at < entry.expires
                booked = None
                if entry.earlier_than is not None:
                    booked = self.plan.get_visit(entry.earlier_than).start
                assert fit(entry.wants, opening.time, zone, booked) is not None
                made.setdefault(offer.patient_id, []).append(offer.at)
            assert all(n <= RULES.batch for n in batches.values())
            assert sorted(batches) == list(range(1, len(batches) + 1))
        for times in made.values():
            ordered = sorted(times)
            gaps = [b - a for a, b in pairwise(ordered)]
            assert all(g >= timedelta(hours=RULES.every_hours) for g in gaps)

    @invariant()
    def every_yes_is_booked_handed_back_or_told_gone(self) -> None:
        for opening_id, entry_id, answer in self.answers:
            opening = self.plan.get_opening(opening_id)
            entry = self.plan.get_waitlist_entry(entry_id)
            if answer is OfferAnswer.BOOKED:
                assert opening.claimed_by == entry_id
                visit = self.plan.get_visit(opening.filled_with)
                assert (visit.patient_id, visit.start) == (entry.patient_id, opening.time.start)
                assert entry.filled_by == visit.id
            elif answer is OfferAnswer.NOT_BOOKED:
                assert entry_id in opening.failed
            else:
                assert answer is OfferAnswer.GONE
                told = notice_key(NoticeKind.OFFER_GONE, opening_id, entry_id)
                reachable = self.plan.get_patient(entry.patient_id).can_reach(entry.channel)
                assert self.plan.find(notice_record_id(told)) is not None or not reachable


WaitlistDay.TestCase.settings = settings(stateful_step_count=30, deadline=None)
TestWaitlistDay = WaitlistDay.TestCase
