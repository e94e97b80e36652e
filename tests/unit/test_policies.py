"""A policy reads the log once: what it found nothing to act on it does not read again.

Its position is saved only with what it records, so a policy whose events are rare would
otherwise read the whole log from its last event at every catch-up, and every command that
calls for a policy would take longer as the history grows.
"""

from helpers import at
from serviceplan.app.policies.delay_notices import DelayNotices


def starts_of_reads(plan, monkeypatch):
    """Record where each read of the log for the policies starts."""
    starts = []
    select = plan.recorder.select_notifications

    def counted(start, limit, *args, **kwargs):
        starts.append(start)
        return select(start, limit, *args, **kwargs)

    monkeypatch.setattr(plan.recorder, "select_notifications", counted)
    return starts


def test_a_catch_up_that_found_nothing_is_not_read_again(plan, patient, desk, monkeypatch):
    for hour in (9, 10, 11):
        plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(hour), by=desk)
    plan.follow()
    last = plan.event_count
    starts = starts_of_reads(plan, monkeypatch)

    assert plan.follow() == 0

    assert starts
    assert all(start >= last for start in starts)


def test_an_event_a_policy_failed_on_is_acted_on_at_its_next_catch_up(
    plan, patient, desk, monkeypatch
):
    plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)
    act = DelayNotices.act

    def fails(*_args):
        raise RuntimeError("the notice index is away")

    monkeypatch.setattr(DelayNotices, "act", fails)
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(9), minutes=30, reason="surgery ran over", by=desk
    )
    plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(12), by=desk)
    assert plan.follow() == 0
    assert plan.notice_index.told_of(delay) == []

    monkeypatch.setattr(DelayNotices, "act", act)

    assert plan.follow() == 1
    assert len(plan.notice_index.told_of(delay)) == 1
