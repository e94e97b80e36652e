"""The rules for rounds of offers, as pure functions, for any figures a clinic may set."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import uuid4

from clinic_values import MOMENTS
from hypothesis import given
from hypothesis import strategies as st
from props_day import CLINIC_ZONE, DAY

from serviceplan import DelayedTime, OfferRules, Wants
from serviceplan.domain.offer_rounds import (
    Candidate,
    next_round_due,
    offer_expires,
    ranked,
    too_late,
)
from serviceplan.domain.waitlist import FreeTime, fit

MINUTES = st.integers(1, 24 * 60)
RULES = st.builds(
    OfferRules, batch=st.integers(1, 10), window=MINUTES, pause=MINUTES, last_call=MINUTES,
    every_hours=st.integers(1, 72), delayed_time=st.sampled_from(DelayedTime),
)  # fmt: skip
TIMES = st.builds(
    FreeTime, st.sampled_from(["dr-patel", "dr-osei"]), MOMENTS, st.integers(5, 120),
    st.none() | st.sampled_from(["exam", "follow-up"]),
)  # fmt: skip


@given(TIMES, st.integers(0, 4 * 24 * 60), RULES)
def test_an_offer_made_before_the_last_call_ends_by_it_and_within_its_window(
    free: FreeTime, minutes_before: int, rules: OfferRules
) -> None:
    now = free.start - timedelta(minutes=minutes_before)
    if too_late(free, now, rules):
        assert now >= free.start - timedelta(minutes=rules.last_call)
        return
    expires = offer_expires(free, now, rules)
    assert now < expires <= free.start - timedelta(minutes=rules.last_call)
    assert expires <= now + timedelta(minutes=rules.window)


@given(MOMENTS, st.integers(0, 3000), RULES)
def test_the_next_round_waits_for_the_last_to_end_and_then_the_pause(
    last: datetime, minutes_later: int, rules: OfferRules
) -> None:
    now = last + timedelta(minutes=minutes_later)
    assert next_round_due(None, None, now, rules)
    assert not next_round_due(last, None, now, rules)  # an offer of the last round is open
    due = next_round_due(last, last, now, rules)
    assert due == (minutes_later >= rules.pause)


WISH = Wants(visit_type="follow-up", first_day=DAY, last_day=DAY)


@st.composite
def candidate(draw: st.DrawFn, joined: datetime) -> Candidate:
    return Candidate(
        uuid4(), uuid4(), WISH, joined, last_offered_at=draw(st.none() | MOMENTS),
        booked=draw(st.none() | MOMENTS), hurt_by_delay=draw(st.booleans()),
    )  # fmt: skip


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    joined = sorted(draw(st.lists(MOMENTS, min_size=1, max_size=8)))
    return [draw(candidate(moment)) for moment in joined]


@given(candidates(), RULES, st.integers(8 * 60, 17 * 60 - 1), MOMENTS)
def test_the_rounds_offer_only_what_fits_to_the_rested_best_first(
    found: list[Candidate], rules: OfferRules, minute: int, now: datetime
) -> None:
    start = datetime.combine(DAY, time(minute // 60, minute % 60), tzinfo=CLINIC_ZONE)
    free = FreeTime("dr-patel", start, 20, "follow-up")
    order = ranked(free, found, now, CLINIC_ZONE, rules)
    rest = timedelta(hours=rules.every_hours)
    assert all(fit(c.wants, free, CLINIC_ZONE, c.booked) is not None for c in order)
    assert all(c.last_offered_at is None or now - c.last_offered_at >= rest for c in order)
    left_out = [c for c in found if c not in order]
    assert all(
        fit(c.wants, free, CLINIC_ZONE, c.booked) is None
        or (c.last_offered_at is not None and now - c.last_offered_at < rest)
        for c in left_out
    )
    if rules.delayed_time is DelayedTime.DELAYED_FIRST:
        hurt = [c.hurt_by_delay for c in order]
        assert hurt == sorted(hurt, reverse=True)  # the delayed patients who asked, first
