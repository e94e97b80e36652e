"""Messages as real feeds send them: late, out of order, with times the record cannot take."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hl7v2_helpers import edit, fixture, ghh, sample, segment, strictly_valid
from serviceplan import VisitStatus, visit_id_for
from serviceplan_hl7v2 import (
    Action,
    FeedOptions,
    MessageTimeRefused,
    SiuFeed,
    SqliteLedger,
)

BOOKED = sample("SIU-S12-01")  # sent 14 September 11:20, for 24 September 9:30
MOVED = edit(fixture("SIU-S13-moved"), "MSH", 7, "202109181130+0215")  # to 27 September 14:00
LATE = edit(  # sent on the 17th, before the move, to 11:00 on the 24th: it arrives after it
    edit(edit(sample("SIU-S14-01"), "MSH", 7, "202109171130+0215"), "TQ1", 7, "20210924110000"),
    "TQ1",
    8,
    "20210924115000",
)
MISSED = edit(edit(sample("SIU-S26-01"), "MSH", 7, "202109271500+0215"), "MSH", 10, "MSG-26B")


def times(plan):
    """The time each recorded event says it happened at, in the order they were recorded."""
    stored = plan.recorder.select_notifications(start=1, limit=1000)
    events = [plan.mapper.to_domain_event(n) for n in stored]
    return [e.at for e in events if hasattr(e, "at")]


@pytest.mark.usefixtures("patient")
def test_a_whole_feed_in_arrival_order_with_one_message_late_keeps_the_record_true(
    plan, clock, feed
):
    """Given the scheduler's day of messages, when the 17th's change arrives after the 18th's
    move, then it is acknowledged as superseded and the visit stays where the move put it."""
    replies = []
    for text, now in ((BOOKED, ghh(14, 11, 21)), (MOVED, ghh(18, 11, 31)),
                      (LATE, ghh(18, 11, 40)), (MISSED, ghh(27, 15, 1))):  # fmt: skip
        clock.set(now)
        replies.append(strictly_valid(feed.handle(text)))

    assert [segment(r, "MSA")[1] for r in replies] == ["AA"] * 4
    assert segment(replies[2], "ERR")[4] == "I"
    assert segment(replies[2], "ERR")[8] == "nothing recorded: a newer message was applied"
    visit = plan.current_visit(visit_id_for("36996"))
    assert (visit.start, visit.provider, visit.status) == (ghh(27, 14), "1220", VisitStatus.NO_SHOW)
    assert plan.get_visit(visit.rescheduled_from).rescheduled_from is None  # one move, not two
    assert times(plan) == sorted(times(plan))


@pytest.mark.usefixtures("patient")
def test_a_superseded_message_sent_again_gets_the_same_answer(plan, feed):
    feed.apply(BOOKED)
    feed.apply(MOVED)
    first = feed.apply(LATE)
    before = plan.event_count

    again = feed.apply(LATE)

    assert (first.action, again.action, again.duplicate) == (
        Action.SUPERSEDED,
        Action.SUPERSEDED,
        True,
    )
    assert plan.event_count == before


@pytest.mark.usefixtures("patient")
def test_the_senders_sequence_number_orders_messages_sent_in_the_same_minute(plan, feed):
    numbered = edit(BOOKED, "MSH", 13, "100")
    later = edit(edit(MOVED, "MSH", 7, "202109141120+0215"), "MSH", 13, "102")
    earlier = edit(edit(LATE, "MSH", 7, "202109141120+0215"), "MSH", 13, "101")

    actions = [feed.apply(text).action for text in (numbered, later, earlier)]

    assert actions == [Action.BOOKED, Action.RESCHEDULED, Action.SUPERSEDED]
    assert plan.current_visit(visit_id_for("36996")).start == ghh(27, 14)


@pytest.mark.usefixtures("patient")
def test_the_newest_message_is_remembered_across_a_restart(plan, tmp_path):
    path = tmp_path / "ledger.sqlite3"
    SiuFeed(plan, ledger=SqliteLedger(path)).apply(BOOKED)
    SiuFeed(plan, ledger=SqliteLedger(path)).apply(MOVED)

    late = SiuFeed(plan, ledger=SqliteLedger(path)).apply(LATE)

    assert late.action is Action.SUPERSEDED
    assert SqliteLedger(path).newest("SCHApp", "36996").sent_at == ghh(18, 11, 30)


@pytest.fixture
def backlog(plan):
    return SiuFeed(plan, options=FeedOptions(message_time=True))


@pytest.mark.usefixtures("patient")
def test_at_message_time_a_message_from_before_the_booking_is_refused(plan, clock, backlog):
    backlog.apply(BOOKED)
    clock.set(ghh(20, 9))
    before = plan.event_count

    with pytest.raises(MessageTimeRefused, match="before the visit was booked") as refused:
        backlog.apply(edit(sample("SIU-S17-01"), "MSH", 7, "202109141000+0215"))

    assert refused.value.location == "MSH-7"
    assert plan.event_count == before


@pytest.mark.usefixtures("patient")
@pytest.mark.parametrize(
    ("sent", "why"),
    [("198908181126+0215", "more than 7 days before"), ("202109141200+0215", "5 minutes after")],
)
def test_at_message_time_a_time_far_from_the_receiving_clock_is_refused(backlog, sent, why):
    with pytest.raises(MessageTimeRefused, match=why):
        backlog.apply(edit(BOOKED, "MSH", 7, sent))


@pytest.mark.usefixtures("patient")
def test_at_message_time_the_1989_discontinuation_is_refused_and_answered_ae(plan, backlog):
    backlog.apply(BOOKED)

    reply = strictly_valid(backlog.handle(sample("SIU-S16-01")))

    assert segment(reply, "MSA")[1] == "AE"
    assert segment(reply, "ERR")[2:4] == ["MSH^1^7", "102^Data type error^HL70357"]
    assert plan.get_visit(visit_id_for("36996")).status is VisitStatus.BOOKED


@pytest.mark.usefixtures("patient")
def test_at_message_time_a_record_newer_than_the_message_wins_over_a_fresh_ledger(plan, clock):
    clock.set(ghh(18, 12))
    options = FeedOptions(message_time=True, behind=timedelta(days=30))
    SiuFeed(plan, options=options).apply(BOOKED)
    SiuFeed(plan, options=options).apply(MOVED)

    late = SiuFeed(plan, options=options).apply(LATE)  # a feed that never saw the others

    assert (late.action, late.note) == (Action.SUPERSEDED, "the record is newer")
    assert plan.current_visit(visit_id_for("36996")).start == ghh(27, 14)
