"""The waitlist, told as the clinic's day: freed time offered, the first yes wins, delays shrink.

Dr. Patel's morning is DOMAIN.md's (8:00 to 11:30). Patients on the list want a follow-up that
day; when the 9:50 follow-up frees up at 7:30, it is offered to them in rounds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpers import DAY, at, refused
from serviceplan import (
    Channel,
    ContactPoints,
    DelayChoice,
    DelayedTime,
    Fault,
    NoticeKind,
    OfferAnswer,
    OfferRules,
    OpeningStatus,
    PhoneNumber,
    ServicePlan,
    Settings,
    Wants,
    hookimpl,
)
from serviceplan.errors import NotAllowedNow, NoticeRefused, SlotUnavailable
from serviceplan.testing import expect
from waitlisted import FOLLOW_UP, MORNING, PATIENT_ASKED, book_morning, join_list, texted

DR_PATELS_MORNING = MORNING


@pytest.fixture
def morning(plan, desk):
    """Dr. Patel's morning, each visit its own patient's."""
    return book_morning(plan, desk)


@pytest.fixture
def waiting(plan, desk):
    """Four patients on the list for a follow-up with Dr. Patel today, in the order they joined."""
    return join_list(plan, desk)


def offers_owed(plan: ServicePlan) -> list:
    return [r for r in plan.notices_on(DAY) if r.notice.kind is NoticeKind.OFFER]


# 1. A waitlist ------------------------------------------------------------------------------


def test_a_patient_joins_the_list_with_what_would_suit_them(scenario, plan, desk):
    patient = texted(plan, desk, 1)
    scenario.when(lambda plan: plan.join_waitlist(patient, wants=FOLLOW_UP, by=desk)).then(
        expect("Joined", wants=FOLLOW_UP, channel=Channel.SMS, earlier_than=None)
    )
    entry = plan.get_waitlist_entry(scenario.result)
    assert entry.is_open(at(8))
    assert entry.expires == at(7) + timedelta(days=30)  # OfferRules.entry_days
    assert [e.id for e in plan.waitlist_of(patient)] == [entry.id]


def test_joining_needs_consent_on_the_channel_offers_go_on(plan, desk):
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550001")), preferred=Channel.SMS, by=desk
    )
    with refused(plan, NoticeRefused, "offers need consent"):
        plan.join_waitlist(patient, wants=FOLLOW_UP, by=desk)


def test_a_patient_may_ask_for_anything_earlier_than_their_own_visit(plan, desk):
    patient = texted(plan, desk, 1)
    visit = plan.book_visit(
        patient, provider="dr-patel", visit_type="follow-up", start=at(16), by=desk
    )
    entry = plan.get_waitlist_entry(plan.join_waitlist(patient, earlier_than=visit, by=desk))
    assert entry.wants == Wants(
        visit_type="follow-up", first_day=DAY, last_day=DAY, provider="dr-patel"
    )
    assert entry.expires == at(16)  # never past the visit it wants to beat


def test_a_patient_who_leaves_the_list_is_offered_nothing(plan, desk, morning, waiting):
    for entry in waiting:
        plan.leave_waitlist(entry, by=desk)
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    assert plan.open_openings() == []  # nobody listed could take it: no opening at all
    assert offers_owed(plan) == []


# 2. Freed time becomes offers ---------------------------------------------------------------


def test_a_cancellation_is_offered_to_the_first_three_on_the_list(
    scenario, plan, desk, clock, morning, waiting
):
    clock.set(at(7, 30))
    scenario.when(lambda plan: plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)).then(
        expect("Cancelled"),
        expect("SchedulerTold", change="cancelled"),
        expect("Opened", start=at(9, 50), length=20, visit_type="follow-up", source="cancelled"),
        *[expect("OfferMade", batch=1, expires=at(7, 45))] * 3,  # a 15-minute window
        *[expect("Offered"), expect("NoticeRecord.Requested")] * 3,
    )
    [opening] = plan.open_openings()
    assert sorted(o.entry_id for o in opening.offers.values()) == sorted(waiting[:3])
    offer = offers_owed(plan)[0].notice
    assert (offer.when, offer.expires, offer.channel) == (at(9, 50), at(7, 45), Channel.SMS)


def test_when_the_window_runs_out_the_next_round_goes_to_the_next_patient(
    plan, desk, clock, morning, waiting
):
    clock.set(at(7, 30))
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    clock.set(at(7, 45))
    plan.follow()
    assert len(offers_owed(plan)) == 3  # the window ran out, but the pause has not
    clock.set(at(7, 50))
    plan.follow()
    [opening] = plan.open_openings()
    assert opening.batches == 2
    assert [o.entry_id for o in opening.offers.values() if o.batch == 2] == [waiting[3]]


def test_a_no_from_everyone_in_a_round_starts_the_next_after_the_pause(
    plan, desk, clock, morning, waiting
):
    clock.set(at(7, 30))
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()
    for entry in waiting[:3]:
        plan.decline_offer(opening.id, entry, by=desk)
    assert plan.get_opening(opening.id).batches == 1
    clock.set(at(7, 35))
    plan.offer_openings()
    assert plan.get_opening(opening.id).batches == 2


@pytest.mark.usefixtures("waiting")
def test_no_time_is_offered_within_the_last_call_before_it_starts(plan, desk, clock, morning):
    clock.set(at(8, 55))  # 55 minutes before 9:50: inside the default last call of 60
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    assert plan.open_openings() == []


@pytest.mark.usefixtures("waiting")
def test_an_opening_nobody_took_closes_at_the_last_call(plan, desk, clock, morning):
    clock.set(at(7, 30))
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()
    clock.set(at(8, 50))
    plan.follow()
    closed = plan.get_opening(opening.id)
    assert closed.status is OpeningStatus.CLOSED
    assert all(o.expires <= at(8, 50) for o in closed.offers.values())
    assert plan.open_openings() == []


def test_a_patient_is_offered_a_time_at_most_once_a_day(plan, desk, clock, morning, waiting):
    clock.set(at(7, 30))
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)  # 9:50 to the first three
    plan.cancel_visit(morning[5], reason=PATIENT_ASKED, by=desk)  # a follow-up at 11:30 too
    second = next(o for o in plan.open_openings() if o.time.start == at(11, 30))
    assert [o.entry_id for o in second.offers.values()] == [waiting[3]]


def test_every_figure_of_the_rounds_is_the_clinics(store, clock, desk):
    rules = OfferRules(batch=1, window=5, pause=1, last_call=20)
    plan = ServicePlan(store, clock=clock, settings=Settings(timezone=at(8).tzinfo, offers=rules))
    visit = plan.book_visit(
        texted(plan, desk, 1), provider="dr-patel", visit_type="follow-up", start=at(9),
        by=desk,
    )  # fmt: skip
    entries = [plan.join_waitlist(texted(plan, desk, 10 + n), wants=FOLLOW_UP, by=desk)
               for n in range(2)]  # fmt: skip
    clock.set(at(8, 30))
    plan.cancel_visit(visit, reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()
    assert [(o.entry_id, o.expires) for o in opening.offers.values()] == [
        (entries[0], at(8, 35))  # one at a time, 5 minutes to answer
    ]
    clock.set(at(8, 35) + timedelta(seconds=30))
    plan.follow()
    assert plan.get_opening(opening.id).batches == 1  # a minute's pause after the window
    clock.set(at(8, 36))
    plan.follow()
    later = plan.get_opening(opening.id).offers[entries[1]]
    assert later.expires == at(8, 40)  # never past the last call, 20 minutes before 9:00
    clock.set(at(8, 40))
    plan.follow()
    assert plan.get_opening(opening.id).status is OpeningStatus.CLOSED
    plan.close()


@pytest.mark.usefixtures("waiting")
def test_a_time_the_scheduler_reports_free_is_offered_too(scenario, desk, clock):
    clock.set(at(7, 30))
    scenario.when(
        lambda plan: plan.report_free_time(
            provider="dr-patel", start=at(11), length=20, visit_type="follow-up", by=desk
        )
    ).then(
        expect("Opened", source="reported", start=at(11)),
        *[expect("OfferMade")] * 3,
        *["Offered", "NoticeRecord.Requested"] * 3,
    )


@pytest.mark.usefixtures("waiting")
def test_a_moved_visit_frees_its_old_time(plan, desk, clock, morning):
    clock.set(at(7, 30))
    plan.move_visit(morning[3], start=at(14), reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()
    assert (opening.time.start, opening.source) == (at(9, 50), "moved")


def test_an_offer_never_goes_to_a_patient_who_cannot_be_texted_any_more(
    plan, desk, clock, morning, waiting
):
    first = plan.get_waitlist_entry(waiting[0]).patient_id
    plan.opt_out(first, Channel.SMS, by=desk)
    clock.set(at(7, 30))
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()
    assert sorted(opening.offers) == sorted(waiting[1:4])


# 3. The first acceptance wins, exactly once -------------------------------------------------


@pytest.fixture
def offered(plan, desk, clock, morning, waiting):  # noqa: ARG001 (the list must exist first)
    """9:50 freed at 7:30 and offered to the first three on the list."""
    clock.set(at(7, 30))
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()
    return opening.id


def test_the_first_yes_books_the_time_and_everyone_else_hears_it_is_gone(
    scenario, plan, desk, clock, waiting, offered
):
    clock.set(at(7, 35))
    scenario.when(lambda plan: plan.accept_offer(offered, waiting[1], by=desk)).then(
        expect("Accepted", entry_id=waiting[1]),
        expect("Booked", start=at(9, 50), visit_type="follow-up"),
        expect("Filled"),  # the opening
        expect("Filled"),  # the entry
        expect("NoticeRecord.Requested"),  # booked
        expect("NoticeRecord.Requested"),  # gone, to the first
        expect("NoticeRecord.Requested"),  # gone, to the third
    )
    assert scenario.result is OfferAnswer.BOOKED
    opening = plan.get_opening(offered)
    assert opening.status is OpeningStatus.FILLED
    visit = plan.get_visit(opening.filled_with)
    assert visit.patient_id == plan.get_waitlist_entry(waiting[1]).patient_id
    kinds = [r.notice.kind for r in plan.notices_on(DAY)][-3:]
    assert kinds == [NoticeKind.BOOKED, NoticeKind.OFFER_GONE, NoticeKind.OFFER_GONE]

    assert plan.accept_offer(offered, waiting[0], by=desk) is OfferAnswer.GONE
    assert plan.get_opening(offered).filled_with == visit.id  # one booking, ever


def test_a_yes_after_the_window_hears_the_time_is_gone(plan, desk, clock, waiting, offered):
    clock.set(at(7, 46))
    assert plan.accept_offer(offered, waiting[0], by=desk) is OfferAnswer.GONE
    assert plan.get_opening(offered).status is OpeningStatus.OFFERING
    [gone] = [r for r in plan.notices_on(DAY) if r.notice.kind is NoticeKind.OFFER_GONE]
    assert gone.patient_id == plan.get_waitlist_entry(waiting[0]).patient_id


def test_a_patient_who_wanted_earlier_is_moved_and_their_old_visit_stands_until_then(
    plan, desk, clock, morning
):
    patient = texted(plan, desk, 50)
    own = plan.book_visit(
        patient, provider="dr-patel", visit_type="follow-up", start=at(15), by=desk
    )
    entry = plan.join_waitlist(patient, earlier_than=own, by=desk)
    clock.set(at(7, 30))
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()

    assert plan.accept_offer(opening.id, entry, by=desk) is OfferAnswer.BOOKED

    old = plan.get_visit(own)
    new = plan.get_visit(plan.get_opening(opening.id).filled_with)
    assert (new.start, new.rescheduled_from) == (at(9, 50), own)
    assert old.rescheduled_to == new.id
    assert old.cancellation == PATIENT_ASKED
    assert old.cancellation.fault is Fault.PATIENT  # never the office's fault


class FullScheduler:
    """A scheduler that finds every slot taken."""

    @hookimpl(tryfirst=True)
    def serviceplan_book_slot(self, booking):
        del booking
        raise SlotUnavailable("that slot is taken in the scheduler")


def test_a_yes_the_scheduler_cannot_book_goes_back_to_the_others(store, clock, desk):
    plan = ServicePlan(
        store, clock=clock, settings=Settings(timezone=at(8).tzinfo), plugins=[FullScheduler()]
    )
    visit = plan.book_visit(
        texted(plan, desk, 1), provider="dr-patel", visit_type="follow-up", start=at(11),
        by=desk,
    )  # fmt: skip
    entries = [plan.join_waitlist(texted(plan, desk, 10 + n), wants=FOLLOW_UP, by=desk)
               for n in range(2)]  # fmt: skip
    clock.set(at(7, 30))
    plan.cancel_visit(visit, reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()

    assert plan.accept_offer(opening.id, entries[0], by=desk) is OfferAnswer.NOT_BOOKED
    reopened = plan.get_opening(opening.id)
    assert reopened.status is OpeningStatus.OFFERING
    assert reopened.failed == frozenset({entries[0]})
    plan.close()


# 4. Delays shrink when patients leave -------------------------------------------------------


def test_domains_cascade_the_950_patient_leaving_at_905_brings_1010_forward_20_minutes(
    plan, desk, clock, morning
):
    """DOMAIN.md: at 8:00 Dr. Patel is 45 late, at 9:00 60; at 9:05 the 9:50 patient leaves."""
    clock.set(at(8))
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )
    clock.set(at(9))
    plan.revise_delay(delay, minutes=60, by=desk)
    assert plan.get_delay(delay).impact.for_visit(morning[4]).projected_start == at(11, 10)

    clock.set(at(9, 5))
    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.RESCHEDULE, by=desk)

    impact = plan.get_delay(delay).impact
    assert impact.for_visit(morning[3]) is None
    assert impact.for_visit(morning[4]).projected_start == at(10, 50)  # 20 minutes better
    told = [r.notice for r in plan.notices_on(DAY) if r.notice.visit_id == morning[4]]
    assert [n.when for n in told] == [at(10, 55), at(11, 10), at(10, 50)]
    assert plan.open_openings() == []  # 9:50 is inside the last call: nobody is offered it


def test_a_patient_leaving_changes_nothing_for_those_ahead_even_with_the_first_one_in_the_room(
    plan, desk, clock, morning
):
    """The 8:00 patient is with Dr. Patel at 9:05: her time still counts for everyone after."""
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=60, reason="surgery ran over", by=desk
    )
    before = plan.get_delay(delay).impact
    clock.set(at(9))
    plan.check_in(morning[0], by=desk)
    plan.check_in(morning[1], by=desk)
    plan.start_visit(morning[0], by=desk)
    told_before = len(plan.notices_on(DAY))

    clock.set(at(9, 5))
    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.RESCHEDULE, by=desk)

    after = plan.get_delay(delay).impact
    for ahead in morning[:3]:
        assert after.for_visit(ahead) == before.for_visit(ahead)
    assert after.for_visit(morning[4]).projected_start == at(10, 50)
    told = [r.notice for r in plan.notices_on(DAY)[told_before:]]
    assert {n.visit_id for n in told if n.kind is NoticeKind.DELAY} == {morning[4]}


@pytest.fixture
def left_for_later(plan, desk, clock, morning, waiting):  # noqa: ARG001 (the list comes first)
    """Dr. Patel is 45 late from 8:00; at 7:30 the 9:50 patient will come later: 9:50 is offered."""
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )
    clock.set(at(7, 30))
    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.COME_LATER, by=desk)
    [opening] = plan.open_openings()
    return delay, opening


def test_a_patient_who_left_and_waits_after_all_takes_back_a_time_still_offered(
    plan, desk, morning, waiting, left_for_later
):
    delay, opening = left_for_later

    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.WAIT, by=desk)

    assert plan.get_opening(opening.id).status is OpeningStatus.CLOSED
    assert plan.accept_offer(opening.id, waiting[0], by=desk) is OfferAnswer.GONE
    assert plan.get_visit(morning[3]).choice_for(delay) is DelayChoice.WAIT
    assert plan.get_delay(delay).impact.for_visit(morning[4]).projected_start == at(10, 55)


def test_a_patient_who_left_cannot_take_back_a_time_another_patient_took(
    plan, desk, morning, waiting, left_for_later
):
    delay, opening = left_for_later
    plan.accept_offer(opening.id, waiting[0], by=desk)
    before = plan.event_count

    with pytest.raises(NotAllowedNow, match="another patient"):
        plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.WAIT, by=desk)

    assert plan.event_count == before
    assert plan.get_visit(morning[3]).choice_for(delay) is DelayChoice.COME_LATER


@pytest.mark.usefixtures("waiting")
def test_a_delayed_patient_who_asked_for_earlier_is_offered_the_freed_time_first(
    plan, desk, clock, morning
):
    tenten = plan.get_visit(morning[4]).patient_id
    hurt = plan.join_waitlist(
        tenten, earlier_than=morning[4],
        wants=Wants(visit_type="follow-up", first_day=DAY, last_day=DAY), by=desk,
    )  # fmt: skip
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )
    clock.set(at(7, 30))
    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.RESCHEDULE, by=desk)
    [opening] = plan.open_openings()
    assert (opening.source, opening.delay_id) == ("left-delay", delay)
    first = sorted(opening.offers.values(), key=lambda o: o.entry_id != hurt)
    assert first[0].entry_id == hurt


@pytest.mark.parametrize("rule", [DelayedTime.NOBODY])
def test_the_clinic_may_keep_time_freed_in_a_delay_for_the_provider_to_catch_up(
    store, clock, desk, rule
):
    settings = Settings(timezone=at(8).tzinfo, offers=OfferRules(delayed_time=rule))
    plan = ServicePlan(store, clock=clock, settings=settings)
    visits = [
        plan.book_visit(texted(plan, desk, n), provider="dr-patel", visit_type=kind,
                        start=at(h, m), by=desk)
        for n, (h, m, kind) in enumerate(DR_PATELS_MORNING)
    ]  # fmt: skip
    plan.join_waitlist(texted(plan, desk, 99), wants=FOLLOW_UP, by=desk)
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )
    clock.set(at(7, 30))
    plan.record_choice(visits[3], delay_id=delay, choice=DelayChoice.RESCHEDULE, by=desk)
    assert plan.open_openings() == []
    assert plan.get_delay(delay).impact.for_visit(visits[4]).projected_start == at(10, 35)
    plan.close()


def test_filling_a_freed_time_in_a_delayed_queue_projects_the_delay_again(
    plan, desk, clock, morning, waiting
):
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )
    clock.set(at(7, 30))
    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.RESCHEDULE, by=desk)
    assert plan.get_delay(delay).impact.for_visit(morning[4]).projected_start == at(10, 35)
    [opening] = plan.open_openings()
    plan.accept_offer(opening.id, waiting[0], by=desk)
    new = plan.get_opening(opening.id).filled_with
    impact = plan.get_delay(delay).impact
    assert impact.for_visit(new).projected_start == at(10, 35)  # the queue is full again
    assert impact.for_visit(morning[4]).projected_start == at(10, 55)
