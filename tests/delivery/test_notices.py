"""Requesting notices: the domain records what is owed, on a channel that may reach the patient."""

from __future__ import annotations

from uuid import uuid4

import pytest

from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    Notice,
    NoticeKind,
    NoticeRecord,
    NoticeStatus,
    PhoneNumber,
    Receipt,
    Staff,
    notice_key,
)
from serviceplan.app import notice_index
from serviceplan.errors import (
    InvalidInput,
    NotAllowedNow,
    NoticeNotFound,
    NoticeRefused,
    PatientNotFound,
)


def test_a_heads_up_for_a_visit_is_owed_at_once_and_expires_when_the_visit_starts(
    plan, patient, visit, desk, at
):
    before = plan.event_count
    key = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    record = plan.get_notice(key)
    assert record.status is NoticeStatus.OWED
    assert record.notice.channel is Channel.SMS
    assert record.notice.when == at(14)
    assert record.notice.expires == at(14)
    assert record.due == at(10)
    assert plan.event_count == before + 1  # the notice's own record, nothing else
    assert [r.key for r in plan.notices_owed()] == [key]


def test_a_follow_up_after_a_visit_does_not_expire_with_it(plan, patient, visit, desk, at):
    key = plan.request_notice(
        patient, kind=NoticeKind.FOLLOW_UP, visit_id=visit, not_before=at(16), by=desk
    )
    notice = plan.get_notice(key).notice
    assert (notice.when, notice.expires, notice.not_before) == (None, None, at(16))


def test_the_same_key_requested_twice_is_owed_once(plan, patient, visit, desk):
    key = plan.request_notice(
        patient, kind=NoticeKind.HEADS_UP, visit_id=visit, key="heads-up-1", by=desk
    )
    before = plan.event_count
    again = plan.request_notice(
        patient, kind=NoticeKind.HEADS_UP, visit_id=visit, key="heads-up-1", by=desk
    )
    assert again == key
    assert plan.event_count == before
    assert len(plan.notices_of(patient)) == 1


def test_a_key_names_one_request_not_one_text(plan, patient, visit, desk):
    """Two requests without a key are two notices, though they would say the same words."""
    first = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    second = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    assert first != second
    assert [r.key for r in plan.notices_of(patient)] == [first, second]


def test_a_key_used_for_another_notice_is_refused(plan, patient, visit, desk, at):
    plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, key="k-1", by=desk)
    before = plan.event_count
    with pytest.raises(InvalidInput, match="already used"):
        plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(15), key="k-1", by=desk)
    assert plan.event_count == before


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.VOICE])
def test_no_notice_on_a_channel_without_consent(plan, patient, desk, at, channel):
    before = plan.event_count
    with pytest.raises(NoticeRefused):
        plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(15), channel=channel, by=desk)
    assert plan.event_count == before


def test_no_notice_after_a_stop(plan, patient, desk, at):
    plan.opt_out(patient, Channel.SMS, by=desk)
    before = plan.event_count
    with pytest.raises(NoticeRefused):
        plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(15), by=desk)
    assert plan.event_count == before


def test_no_notice_where_the_patient_has_no_address(plan, desk):
    patient = plan.register_patient(
        contact=ContactPoints(email=EmailAddress("pat@example.org")),
        preferred=Channel.EMAIL,
        by=desk,
    )
    plan.give_consent(patient, Channel.EMAIL, by=desk)
    before = plan.event_count
    with pytest.raises(NoticeRefused):
        plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, channel=Channel.SMS, by=desk)
    assert plan.event_count == before


def test_bad_requests_record_nothing(plan, patient, visit, desk, at):
    other = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550199")), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(other, Channel.SMS, by=desk)
    before = plan.event_count
    with pytest.raises(InvalidInput, match="another patient"):
        plan.request_notice(other, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    with pytest.raises(InvalidInput, match="must name a time"):
        plan.request_notice(patient, kind=NoticeKind.DELAY, by=desk)
    with pytest.raises(InvalidInput, match="kind"):
        plan.request_notice(patient, kind="delay", when=at(15), by=desk)
    with pytest.raises(InvalidInput, match="expire after"):
        plan.request_notice(
            patient, kind=NoticeKind.DELAY, when=at(15), not_before=at(15), expires=at(14),
            by=desk,
        )  # fmt: skip
    with pytest.raises(PatientNotFound):
        plan.request_notice(uuid4(), kind=NoticeKind.FOLLOW_UP, by=desk)
    assert plan.event_count == before


def test_a_record_is_made_of_a_notice(at, desk):
    with pytest.raises(InvalidInput, match="must be a Notice"):
        NoticeRecord.request("k-3", at(10), desk)


def test_a_settled_notice_takes_no_more_outcomes(plan, patient, desk, at):
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    record = plan.get_notice(key)
    record.record_delivery(Receipt(key, "gateway", "msg-1"), at(10, 1), desk)
    with pytest.raises(NotAllowedNow):
        record.record_failure("gateway", "late error", at(10, 2), desk)
    with pytest.raises(NotAllowedNow):
        record.give_up("too late", at(10, 2), desk)
    with pytest.raises(NoticeNotFound):
        plan.get_notice("no-such-key")


def test_outcomes_are_checked(plan, patient, desk, at):
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    record = plan.get_notice(key)
    with pytest.raises(InvalidInput, match="receipt"):
        record.record_delivery("msg-1", at(10, 1), desk)
    with pytest.raises(InvalidInput, match="receipt"):
        record.record_delivery(Receipt("other-key", "gateway", "m"), at(10, 1), desk)
    with pytest.raises(InvalidInput, match="after the moment"):
        record.schedule_retry(at(9), "retry", at(10, 1), desk)
    with pytest.raises(InvalidInput, match="staff"):
        record.give_up("no", at(10, 1), "desk-ana")


def test_notices_round_trip_through_the_store(plan, patient, visit, desk):
    key = plan.request_notice(patient, kind=NoticeKind.PREPARATION, visit_id=visit, by=desk)
    record = plan.get_notice(key)
    record.schedule_retry(plan.clock().replace(hour=11), "quiet", plan.clock(), desk)
    plan.record(record)
    stored = plan.get_notice(key)
    assert (stored.notice, stored.due, stored.note) == (record.notice, record.due, "quiet")


def test_the_day_lists_its_notices_in_order(plan, patient, visit, desk, at):
    first = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    second = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(15), by=desk)
    assert [r.key for r in plan.notices_on(at(0).date())] == [first, second]
    assert plan.notices_on(at(0, days=1).date()) == []
    assert plan.notices_given_up() == []


def test_notice_keys_are_stable_and_say_their_kind():
    patient, visit = uuid4(), uuid4()
    key = notice_key(NoticeKind.RESCHEDULE_OFFER, patient, visit)
    assert key == notice_key(NoticeKind.RESCHEDULE_OFFER, patient, visit)
    assert key != notice_key(NoticeKind.RESCHEDULE_OFFER, patient, uuid4())
    assert key.startswith("reschedule-offer-")
    with pytest.raises(InvalidInput):
        Notice("not a code!", NoticeKind.FOLLOW_UP, patient, Channel.SMS)


def test_every_outcome_names_its_actor(plan, patient, desk):
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    with pytest.raises(InvalidInput):
        plan.get_notice(key).record_failure("gw", "e", plan.clock(), Staff)


def test_the_latest_estimate_of_many_visits_is_told_in_one_question(
    plan, patient, desk, at, monkeypatch
):
    monkeypatch.setattr(notice_index, "CHUNK", 2)  # three chunks for five visits
    visits = [
        plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(13 + n), by=desk)
        for n in range(5)
    ]
    for n, when in [(0, at(15)), (2, at(16, 40)), (0, at(15, 30)), (1, at(15, 10)), (3, at(17))]:
        plan.request_notice(patient, kind=NoticeKind.DELAY, visit_id=visits[n], when=when, by=desk)
    plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visits[4], by=desk)

    told = plan.notice_index.last_told_of(visits)

    assert told == {
        visits[0]: at(15, 30),
        visits[1]: at(15, 10),
        visits[2]: at(16, 40),
        visits[3]: at(17),
    }
    assert [plan.notice_index.last_told(v) for v in visits] == [*told.values(), None]
