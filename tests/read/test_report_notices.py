"""The recovery report counts the notices owed in the range by how they ended."""

from __future__ import annotations

from datetime import date

import pytest
from morning import book_morning

from helpers import DAY, at
from serviceplan import CancellationReason, Channel, NoticeKind, hookimpl
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.plugins import RegisterChannel
from serviceplan.read import Recovery

ANY_HOUR = DeliverySettings(automated=frozenset())
"""No quiet hours nor daily limits, so one patient's whole morning can be texted at 7:40."""


class DownGateway:
    """An SMS gateway that is down: every try fails before anything goes out."""

    @hookimpl(tryfirst=True)
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        register(Channel.SMS)

    @hookimpl(tryfirst=True)
    def serviceplan_deliver_notice(self, envelope: object, key: str) -> None:  # noqa: ARG002
        raise ConnectionError("gateway unreachable")


@pytest.fixture
def notices_of_the_day(plan, desk, clock, patient):
    """Five delay notices dropped for a revision, the six newer ones delivered, one failed."""
    morning = book_morning(plan, desk, patient)
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk
    )
    clock.set(at(7, 30))
    plan.revise_delay(delay, minutes=70, by=desk)
    DeliveryWorker(plan, ANY_HOUR).run_once(at(7, 40))
    plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=morning[5], by=desk)
    with plan.plugins.registered(DownGateway(), name="down-gateway"):
        DeliveryWorker(plan, ANY_HOUR).run_once(at(7, 45))
    plan.withdraw_consent(patient, Channel.SMS, by=desk)
    DeliveryWorker(plan, ANY_HOUR).run_once(at(8))
    report = Recovery(plan)
    report.catch_up()
    return report


def test_notices_are_counted_by_how_they_ended(notices_of_the_day):
    line = notices_of_the_day.report(DAY, DAY).notices

    assert (line.owed, line.delivered, line.failed, line.waiting) == (7, 6, 1, 0)
    assert line.dropped == 5
    assert line.failed_tries == 1
    assert line.share_delivered == pytest.approx(6 / 7)


def test_a_day_without_notices_counts_none(notices_of_the_day):
    line = notices_of_the_day.report(date(2026, 12, 2), date(2026, 12, 2)).notices

    assert (line.owed, line.delivered, line.failed, line.dropped) == (0, 0, 0, 0)
    assert line.share_delivered == 0.0


def test_the_span_of_the_report_includes_the_day_notices_were_owed(plan, desk, patient):
    plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14), by=desk)
    report = Recovery(plan)
    report.catch_up()

    assert report.span() == (DAY, DAY)


def test_a_notice_for_a_visit_cancelled_before_it_went_out_is_dropped(plan, desk, patient):
    visit = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(11), by=desk)
    plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    plan.cancel_visit(visit, reason=CancellationReason("prov-hosp"), by=desk)
    DeliveryWorker(plan, ANY_HOUR).run_once(at(7, 40))
    report = Recovery(plan)
    report.catch_up()

    line = report.report(DAY, DAY).notices

    assert (line.owed, line.failed, line.dropped) == (0, 0, 1)
