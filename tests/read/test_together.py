"""Followers caught up together agree with followers caught up one by one."""

from __future__ import annotations

import pytest
from morning import book_morning

from helpers import CLINIC_ZONE, at
from serviceplan import FixedClock, ServicePlan, Settings, memory_store
from serviceplan.read import (
    AuditTrail,
    DayBoard,
    OpenIncidents,
    Recovery,
    Views,
    as_of,
    catch_up_together,
)

MODELS = (DayBoard, OpenIncidents, Recovery, AuditTrail)


@pytest.fixture
def busy_plan(plan, desk, patient):
    visits = book_morning(plan, desk, patient)
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)
    plan.check_in(visits[0], by=desk)
    return plan


def _alone(plan, model, **kwargs):
    follower = model(plan, **kwargs)
    follower.catch_up()
    return follower.dump()


def test_together_they_build_what_each_builds_alone(busy_plan):
    views = Views()
    followers = [model(busy_plan, views, page=4) for model in MODELS]
    told = []

    applied = catch_up_together(followers, lambda done, last: told.append((done, last)))

    assert applied == sum(model(busy_plan).catch_up() for model in MODELS)
    for follower, model in zip(followers, MODELS, strict=True):
        assert follower.dump() == _alone(busy_plan, model)
        assert follower.position == busy_plan.event_count
    assert told[-1] == (busy_plan.event_count, busy_plan.event_count)
    assert catch_up_together(followers) == 0


def test_a_follower_ahead_of_the_others_is_not_given_an_event_twice(busy_plan, desk):
    board = DayBoard(busy_plan, page=3)
    board.catch_up()
    busy_plan.announce_delay(
        provider="dr-okafor", late_from=at(9), minutes=10, reason="late", by=desk
    )
    trail = AuditTrail(busy_plan, page=3)

    catch_up_together([board, trail])

    assert board.dump() == _alone(busy_plan, DayBoard)
    assert trail.dump() == _alone(busy_plan, AuditTrail)


def test_each_keeps_its_own_moment(busy_plan):
    board = DayBoard(busy_plan, until=at(7, 30))
    trail = AuditTrail(busy_plan)

    catch_up_together([board, trail])

    assert board.dump() == as_of(busy_plan, DayBoard, at(7, 30)).dump()
    assert trail.dump() == _alone(busy_plan, AuditTrail)


def test_followers_of_two_applications_cannot_go_together(busy_plan):
    other = ServicePlan(memory_store(), clock=FixedClock(at(7)), settings=Settings(CLINIC_ZONE))

    with pytest.raises(ValueError, match="same application"):
        catch_up_together([DayBoard(busy_plan), DayBoard(other)])
    assert catch_up_together([]) == 0
