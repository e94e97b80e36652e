"""A plugin that raises in every hook never loses or alters a recorded event."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from eventsourcing.utils import get_topic

from serviceplan import (
    Channel,
    Level,
    NoticeKind,
    NoticeRecord,
    Observation,
    ServicePlan,
    Topic,
    hookimpl,
)
from serviceplan.delivery import DeliveryWorker, Tally
from serviceplan.plugins import Booking, hook_names


class RaisesEverywhere:
    """Implements every hook, first in line, and raises in each."""

    def __init__(self) -> None:
        for name in hook_names():
            setattr(self, name, hookimpl(tryfirst=True)(raising()))


def raising():
    def hook():
        raise RuntimeError("plugin failure")

    return hook


class RaisingGateway:
    @hookimpl
    def serviceplan_channels(self, register):
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        raise RuntimeError(f"gateway failure for {key}")


def stored(plan: ServicePlan) -> list[tuple]:
    return [
        (n.id, n.originator_id, n.originator_version, n.topic, n.state)
        for n in plan.recorder.select_notifications(1, 100_000)
    ]


def test_a_raising_plugin_never_loses_or_alters_a_recorded_event(plan, desk, contact, clock):
    plan.plugins.register(RaisesEverywhere(), "raises")
    plan.plugins.register(RaisingGateway(), "gateway")
    patient = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.give_consent(patient, Channel.SMS, by=desk)
    start = clock() + timedelta(hours=3)
    visit = plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=start, length=30, by=desk
    )
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="to know when", by=desk
    )
    delay = plan.announce_delay(
        provider="dr-patel", late_from=start, minutes=30, reason="surgery ran over", by=desk
    )
    plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    before = stored(plan)

    booking = Booking(visit, patient, "dr-patel", "exam", start, 30)
    for call in (
        lambda: plan.plugins.free_slots("dr-patel", start, start),
        lambda: plan.plugins.first_slot_of_morning("dr-patel", start.date()),
        lambda: plan.plugins.book_slot(booking),
        lambda: plan.plugins.move_booking(booking, start),
        lambda: plan.plugins.cancel_booking(booking),
        plan.plugins.offering_stock,
        lambda: plan.plugins.reserve_stock("pen", uuid4()),
        lambda: plan.plugins.release_stock(uuid4()),
        lambda: plan.plugins.issue_stock(uuid4()),
        lambda: plan.plugins.preparation("exam", "en"),
    ):
        with pytest.raises(RuntimeError, match="plugin failure"):
            call()
    assert plan.plugins.incident_steps(plan.get_incident(incident))  # the others are heard
    assert plan.plugins.delay_steps(plan.get_delay(delay))
    # the heads-up and the delay notice the announcement owed both fail on the raising gateway
    assert DeliveryWorker(plan).run_once() == Tally(failed=2, waiting=2)

    after = stored(plan)
    assert after[: len(before)] == before
    outcomes = {
        get_topic(NoticeRecord.Attempted),  # saved before the gateway was called
        get_topic(NoticeRecord.Failed),
        get_topic(NoticeRecord.RetryScheduled),
    }
    assert {topic for _, _, _, topic, _ in after[len(before) :]} == outcomes
    plan.check_in(visit, by=desk)  # and the clinic's day goes on
    assert stored(plan)[: len(after)] == after
