"""The timeline picture draws booked against actual, the delay, and who was told when."""

from __future__ import annotations

from datetime import timedelta

from helpers import DAY, at
from serviceplan import NoticeKind
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.pictures import report_page, timeline
from serviceplan.read import DayBoard, Recovery


def _morning(plan, desk, patient):
    return [
        plan.book_visit(
            patient, provider="dr-patel", visit_type="exam", start=at(h, m), length=n, by=desk
        )
        for h, m, n in [(8, 0, 30), (8, 30, 20)]
    ]


def test_the_timeline_marks_the_delay_the_slips_and_when_a_patient_was_told(plan, desk, patient):
    first, _ = _morning(plan, desk, patient)
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)
    DeliveryWorker(plan, DeliverySettings(automated=frozenset())).run_once(at(8, 5))
    board = DayBoard(plan)
    board.catch_up()

    svg = timeline(board.day(DAY))

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "45 min late: late" in svg
    assert svg.count("+45") == 2
    assert svg.count("<title>told 08:05</title>") == 2  # both patients, texted at 8:05
    assert "booked 08:00, 30 min" in svg
    assert str(first)


def test_nothing_booked_draws_nothing(plan):
    board = DayBoard(plan)
    board.catch_up()
    report = Recovery(plan).report(DAY, DAY)

    assert timeline(board.day(DAY)) == ""
    assert "No visits on the board" in report_page(None, [], report, [], at(12))


def test_names_are_escaped_on_the_page(plan, desk, patient):
    _morning(plan, desk, patient)
    plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=10, reason="<b>car</b> & rain", by=desk
    )
    board = DayBoard(plan)
    board.catch_up()

    page = report_page(DAY, board.day(DAY), Recovery(plan).report(DAY, DAY), [], at(12))

    assert "&lt;b&gt;car&lt;/b&gt; &amp; rain" in page
    assert "<b>car</b>" not in page


def test_the_page_counts_the_notices_and_shows_who_was_told(plan, desk, patient):
    _morning(plan, desk, patient)
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)
    DeliveryWorker(plan, DeliverySettings(automated=frozenset())).run_once(at(8, 5))
    board, recovery = DayBoard(plan), Recovery(plan)
    board.catch_up()
    recovery.catch_up()

    page = report_page(DAY, board.day(DAY), recovery.report(DAY, DAY), [], at(12))

    assert "<h2>Notices owed</h2>" in page
    assert '<td class="n">2</td><td class="n">2 (100%)</td><td class="n">0</td>' in page
    assert page.count("<td>1/1</td>") == 2  # the board's "told" column, one per visit


def test_a_patient_told_the_day_before_has_a_dot_at_the_start_of_the_day(
    plan, desk, patient, clock
):
    clock.set(at(16) - timedelta(days=1))
    first, _ = _morning(plan, desk, patient)
    plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=first, by=desk)
    DeliveryWorker(plan, DeliverySettings(automated=frozenset())).run_once(clock())
    board = DayBoard(plan)
    board.catch_up()

    svg = timeline(board.day(DAY))

    assert '<circle cx="150.0"' in svg  # the left edge of the chart, 8:00
    assert "<title>told Mon 16:00</title>" in svg
