"""The contract of a scheduler: free slots, booking, moving, cancelling, the first slot."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import uuid4

import attrs
import pytest

from serviceplan.errors import SlotUnavailable
from serviceplan.plugins.facade import Plugins
from serviceplan.plugins.records import Booking, Slot
from serviceplan.testing.contracts.subject import MORNING, require, subject_plan

Window = tuple[datetime, datetime]


def _starts(plugins: Plugins, provider: str, window: Window) -> list[datetime]:
    return [s.start for s in plugins.free_slots(provider, *window)]


def _booking(slot: Slot) -> Booking:
    return Booking(uuid4(), uuid4(), slot.provider, "exam", slot.start, slot.length)


def check_free_slots(plugin: object, provider: str, window: Window) -> list[Slot]:
    """Free slots are the provider's, inside the window, earliest first, and there are some."""
    slots = subject_plan(plugin).plugins.free_slots(provider, *window)
    require(len(slots) >= 2, "the contract needs a window with at least two free slots")  # noqa: PLR2004
    inside = all(s.provider == provider and window[0] <= s.start < window[1] for s in slots)
    require(inside, "a free slot is another provider's or outside the window")
    require([s.start for s in slots] == sorted(s.start for s in slots), "not earliest first")
    return slots


def check_book_move_cancel(plugin: object, provider: str, window: Window) -> None:
    """Booking takes the time (once, whatever the repeats), moving frees it, cancelling too."""
    plugins = subject_plan(plugin).plugins
    first, *later = plugins.free_slots(provider, *window)
    booking = _booking(first)
    reference = plugins.book_slot(booking)
    require(plugins.book_slot(booking) == reference, "booking again must change nothing")
    require(first.start not in _starts(plugins, provider, window), "a booked slot is still free")
    with pytest.raises(SlotUnavailable):
        plugins.book_slot(_booking(first))
    target = next(s for s in later if s.start >= booking.end)
    plugins.move_booking(booking, target.start)
    free = _starts(plugins, provider, window)
    require(first.start in free, "the old time is not free after a move")
    require(target.start not in free, "the new time is still free after a move")
    moved = attrs.evolve(booking, start=target.start)
    require(plugins.cancel_booking(moved) is True, "cancelling a booking must say so")
    require(plugins.cancel_booking(moved) is False, "cancelling twice must say it had no booking")
    require(target.start in _starts(plugins, provider, window), "a cancelled time is not free")


def check_first_slot_of_morning(plugin: object, provider: str, window: Window) -> None:
    """The first slot of the morning is the day's earliest free slot, and None once it is taken."""
    plugins = subject_plan(plugin).plugins
    day = window[0].date()
    whole_day = (
        datetime.combine(day, time(0), window[0].tzinfo),
        datetime.combine(day + timedelta(days=1), time(0), window[0].tzinfo),
    )
    first = plugins.first_slot_of_morning(provider, day)
    if first is None:
        raise AssertionError("the contract needs a day whose first slot is free")
    earliest = plugins.free_slots(provider, *whole_day)[0].start
    require(first.start == earliest, "the first slot is not the earliest free one of the day")
    plugins.book_slot(_booking(first))
    require(plugins.first_slot_of_morning(provider, day) is None, "a taken first slot is offered")


class SchedulerContract:
    """Subclass and define `plugin`; override `provider` and `window` to suit your scheduler.

    `window` must hold at least three free slots of `provider`, the first of them the first slot
    of that morning.
    """

    @pytest.fixture
    def plugin(self) -> object:
        """The scheduler plugin under test (override this)."""
        pytest.fail("define a `plugin` fixture that returns the scheduler plugin under test")

    @pytest.fixture
    def provider(self) -> str:
        """A provider the scheduler knows."""
        return "dr-contract"

    @pytest.fixture
    def window(self) -> Window:
        """A morning with free time: by default 8:00 to 12:00 on Tuesday 1 December 2026, UTC."""
        return (MORNING.replace(hour=8), MORNING.replace(hour=12))

    def test_free_slots(self, plugin: object, provider: str, window: Window) -> None:
        """Free slots are the provider's, inside the window, earliest first."""
        check_free_slots(plugin, provider, window)

    def test_book_move_cancel(self, plugin: object, provider: str, window: Window) -> None:
        """Booking, moving and cancelling take and free the right times."""
        check_book_move_cancel(plugin, provider, window)

    def test_first_slot_of_morning(self, plugin: object, provider: str, window: Window) -> None:
        """The first slot of the morning is offered only while free."""
        check_first_slot_of_morning(plugin, provider, window)
