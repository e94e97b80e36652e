"""Every built-in default passes its role's contract, and does its own job as configured."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from uuid import uuid4

import pytest

from serviceplan import (
    CancellationReason,
    Channel,
    Level,
    Money,
    OfferingKind,
    ServicePlan,
    Staff,
    memory_store,
)
from serviceplan.domain.visit_type import EYE_CLINIC
from serviceplan.errors import InvalidInput, NotAllowedNow, OutOfStock, SlotUnavailable
from serviceplan.plugins import Booking, StockItem
from serviceplan.plugins.builtin import (
    ConsoleChannel,
    FirstSteps,
    StockRoom,
    TemplateWeek,
    VisitTypeNotes,
)
from serviceplan.plugins.builtin.preparation import GENERIC
from serviceplan.testing.contracts import (
    ChannelContract,
    InventoryContract,
    PlaybookContract,
    PreparationContract,
    SchedulerContract,
    subject_plan,
)
from serviceplan.testing.contracts.advice import incident_and_delay
from serviceplan.testing.contracts.channel import envelope

TUESDAY = date(2026, 12, 1)
SATURDAY = date(2026, 12, 5)
DAY_SPAN = (datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC))


def on(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


class TestConsoleChannel(ChannelContract):
    @pytest.fixture
    def plugin(self):
        return ConsoleChannel()

    @pytest.fixture
    def probe(self, plugin):
        """The console's peer is its outbox."""
        return lambda envelope: sum(1 for sent in plugin.outbox if sent.key == envelope.key)


class TestTemplateWeek(SchedulerContract):
    @pytest.fixture
    def plugin(self):
        return TemplateWeek(UTC)


class TestStockRoom(InventoryContract):
    @pytest.fixture
    def plugin(self):
        return StockRoom()


class TestFirstSteps(PlaybookContract):
    @pytest.fixture
    def plugin(self):
        return FirstSteps()


class TestVisitTypeNotes(PreparationContract):
    @pytest.fixture
    def plugin(self):
        return VisitTypeNotes()

    @pytest.fixture
    def visit_types(self):
        return [t.code for t in EYE_CLINIC]


def test_the_console_logs_the_key_and_channel_never_the_address_or_text(caplog):
    console = ConsoleChannel()
    caplog.set_level(logging.INFO)
    plan = subject_plan(console)
    sent = envelope(Channel.SMS, "heads-up-1")
    plan.plugins.deliver_notice("contract-subject", sent)
    assert console.outbox == [sent]
    assert "notice heads-up-1 went out on sms" in caplog.text
    assert sent.to not in caplog.text
    assert "appointment" not in caplog.text


def test_the_template_week_has_no_slots_on_a_day_off():
    plugins = subject_plan(TemplateWeek(UTC)).plugins
    assert plugins.free_slots("dr-patel", on(SATURDAY, 0), on(SATURDAY, 23)) == []
    assert plugins.first_slot_of_morning("dr-patel", SATURDAY) is None


def test_the_template_week_can_give_a_provider_their_own_hours():
    week = TemplateWeek(UTC, providers={"dr-lee": {1: ((time(13), time(14)),)}}, slot_minutes=30)
    plugins = subject_plan(week).plugins
    slots = plugins.free_slots("dr-lee", on(TUESDAY, 0), on(TUESDAY, 23))
    assert [s.start for s in slots] == [on(TUESDAY, 13), on(TUESDAY, 13, 30)]
    assert plugins.first_slot_of_morning("dr-patel", TUESDAY).start == on(TUESDAY, 8)


def test_the_template_week_books_only_inside_working_hours():
    plugins = subject_plan(TemplateWeek(UTC)).plugins
    with pytest.raises(SlotUnavailable, match="does not work then"):
        plugins.book_slot(Booking(uuid4(), uuid4(), "dr-patel", "exam", on(TUESDAY, 11, 50), 20))


def test_the_template_week_moves_only_what_it_booked():
    plugins = subject_plan(TemplateWeek(UTC)).plugins
    booking = Booking(uuid4(), uuid4(), "dr-patel", "exam", on(TUESDAY, 9), 20)
    with pytest.raises(NotAllowedNow):
        plugins.move_booking(booking, on(TUESDAY, 10))
    plugins.book_slot(booking)
    with pytest.raises(SlotUnavailable, match="move it instead"):
        plugins.book_slot(Booking(booking.visit_id, booking.patient_id, "dr-patel", "exam",
                                  on(TUESDAY, 10), 20))  # fmt: skip


def test_the_template_week_keeps_a_missed_visits_time_and_frees_a_cancelled_ones():
    plugins = subject_plan(TemplateWeek(UTC)).plugins
    missed = Booking(uuid4(), uuid4(), "dr-patel", "exam", on(TUESDAY, 9), 15)
    assert plugins.no_show_booking(missed) is False
    plugins.book_slot(missed)

    assert plugins.no_show_booking(missed) is True
    assert on(TUESDAY, 9) not in [s.start for s in plugins.free_slots("dr-patel", *DAY_SPAN)]
    assert plugins.cancel_booking(missed, CancellationReason("pat")) is True
    assert on(TUESDAY, 9) in [s.start for s in plugins.free_slots("dr-patel", *DAY_SPAN)]


def test_the_stock_room_holds_one_item_per_offering():
    plugins = subject_plan(StockRoom()).plugins
    offering = uuid4()
    plugins.reserve_stock("pen", offering)
    with pytest.raises(InvalidInput, match="another item"):
        plugins.reserve_stock("mug", offering)
    with pytest.raises(NotAllowedNow):
        plugins.issue_stock(uuid4())


def test_the_stock_room_keeps_a_clinics_own_drawer():
    drawer = [StockItem("cap", OfferingKind.SWAG, "Clinic cap", Money("9.00"), 1)]
    plan = ServicePlan(memory_store(), plugins=[StockRoom(drawer)], entry_points=False)
    assert [(i.code, i.available) for i in plan.plugins.offering_stock()] == [("cap", 1)]


def test_first_steps_bring_a_manager_when_it_runs_high_and_stop_when_resolved(desk):
    plan = subject_plan(FirstSteps())
    incident, delay = incident_and_delay(plan)
    assert incident.level is Level.AGITATED
    assert [p.step for p in plan.plugins.incident_steps(incident)][-1] == "escalate"
    assert [p.step for p in plan.plugins.delay_steps(delay)] == ["tell-waiting", "call-list"]
    manager = Staff("mgr-lee", "manager")  # the playbook escalated it: a manager closes it
    plan.resolve_incident(incident.id, outcome="explained the wait", by=manager)
    plan.resolve_delay(delay.id, by=desk)
    assert plan.plugins.incident_steps(plan.get_incident(incident.id)) == []
    assert plan.plugins.delay_steps(plan.get_delay(delay.id)) == []


def test_an_unknown_visit_type_gets_the_general_note():
    note = subject_plan(VisitTypeNotes()).plugins.preparation("retina-laser", "en")
    assert (note.visit_type, note.text) == ("retina-laser", GENERIC)


@contextmanager
def switching_often() -> Iterator[None]:
    """Let Python switch threads as often as it can, so a check-then-act race shows itself."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def eight_at_once(work: Callable[[int], object]) -> list[object]:
    """Run `work(n)` in 8 threads released together; return each one's answer or error."""
    barrier, answers = threading.Barrier(8), [None] * 8

    def one(n: int) -> None:
        barrier.wait()
        try:
            answers[n] = work(n)
        except (OutOfStock, SlotUnavailable) as error:
            answers[n] = error

    threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
    with switching_often():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return answers


def test_eight_desks_at_once_never_take_more_from_the_stock_room_than_it_holds():
    drawer = [StockItem("cap", OfferingKind.SWAG, "Clinic cap", Money("9.00"), 3)]
    plugins = subject_plan(StockRoom(drawer)).plugins

    answers = eight_at_once(lambda _: plugins.reserve_stock("cap", uuid4()))

    assert sum(isinstance(a, str) for a in answers) == 3
    assert sum(isinstance(a, OutOfStock) for a in answers) == 5
    assert [i.available for i in plugins.offering_stock()] == [0]


def test_eight_desks_at_once_book_the_same_time_in_the_template_week_once():
    plugins = subject_plan(TemplateWeek(UTC)).plugins
    nine = on(TUESDAY, 9)

    answers = eight_at_once(
        lambda _: plugins.book_slot(Booking(uuid4(), uuid4(), "dr-patel", "exam", nine, 15))
    )

    assert sum(isinstance(a, str) for a in answers) == 1
    assert sum(isinstance(a, SlotUnavailable) for a in answers) == 7
    assert nine not in [s.start for s in plugins.free_slots("dr-patel", *DAY_SPAN)]
