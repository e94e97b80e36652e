"""The default scheduler: every provider works the same blocks each week; bookings in memory.

Threads of a web application share the plan's plugins: the bookings are read and changed under a
lock, so two desks checking the same free time cannot both book it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from uuid import UUID

import attrs

from serviceplan.errors import NotAllowedNow, SlotUnavailable
from serviceplan.plugins.markers import hookimpl
from serviceplan.plugins.records import Booking, Slot

Block = tuple[time, time]
Week = Mapping[int, Sequence[Block]]
"""Working blocks by weekday (0 is Monday)."""

OFFICE_HOURS: Week = {day: ((time(8), time(12)), (time(13), time(17))) for day in range(5)}


class TemplateWeek:
    """A scheduler over a template week: free slots are the blocks' slots nobody booked."""

    def __init__(
        self,
        zone: tzinfo,
        week: Week = OFFICE_HOURS,
        *,
        slot_minutes: int = 15,
        providers: Mapping[str, Week] | None = None,
    ) -> None:
        self.zone = zone
        self.week = week
        self.slot = timedelta(minutes=slot_minutes)
        self.providers = dict(providers or {})
        self._bookings: dict[UUID, tuple[Booking, str]] = {}
        self._lock = threading.RLock()

    @hookimpl(trylast=True)
    def serviceplan_free_slots(self, provider: str, start: datetime, end: datetime) -> list[Slot]:
        """Return the unbooked template slots that start from `start` up to `end`."""
        slots = []
        day = start.astimezone(self.zone).date()
        with self._lock:
            while day <= end.astimezone(self.zone).date():
                slots += [s for s in self._slots(provider, day) if start <= s.start < end]
                day += timedelta(days=1)
        return slots

    @hookimpl(trylast=True)
    def serviceplan_first_slot_of_morning(self, provider: str, day: date) -> list[Slot]:
        """Return the day's first template slot if nobody booked into it (else nothing)."""
        blocks = self._blocks(provider, day)
        if not blocks:
            return []
        first = blocks[0][0]
        with self._lock:
            if self._busy(provider, first, first + self.slot, ignore=None):
                return []
        return [Slot(provider, first, self._minutes)]

    @hookimpl(trylast=True)
    def serviceplan_book_slot(self, booking: Booking) -> str:
        """Book the visit if it fits a block and meets no other booking."""
        with self._lock:
            held = self._bookings.get(booking.visit_id)
            if held is not None and held[0] == booking:
                return held[1]
            if held is not None:
                raise SlotUnavailable("that visit is booked at another time: move it instead")
            self._check_fits(booking)
            reference = f"tw-{booking.visit_id.hex[:12]}"
            self._bookings[booking.visit_id] = (booking, reference)
        return reference

    @hookimpl(trylast=True)
    def serviceplan_move_booking(self, booking: Booking, start: datetime) -> str:
        """Move the visit to `start` if the new time fits."""
        with self._lock:
            held = self._bookings.get(booking.visit_id)
            if held is None:
                raise NotAllowedNow("booking", "not in the scheduler", "move it")
            moved = attrs.evolve(held[0], start=start)
            self._check_fits(moved)
            self._bookings[booking.visit_id] = (moved, held[1])
        return held[1]

    @hookimpl(trylast=True)
    def serviceplan_cancel_booking(self, booking: Booking) -> bool:
        """Free the visit's time (whatever the reason)."""
        with self._lock:
            return self._bookings.pop(booking.visit_id, None) is not None

    @hookimpl(trylast=True)
    def serviceplan_no_show_booking(self, booking: Booking) -> bool:
        """Keep a missed visit's time taken: it has passed, and nobody else was booked into it."""
        with self._lock:
            return booking.visit_id in self._bookings

    @property
    def _minutes(self) -> int:
        return int(self.slot.total_seconds() // 60)

    def _blocks(self, provider: str, day: date) -> list[tuple[datetime, datetime]]:
        week = self.providers.get(provider, self.week)
        return [
            (datetime.combine(day, a, self.zone), datetime.combine(day, b, self.zone))
            for a, b in sorted(week.get(day.weekday(), ()))
        ]

    def _slots(self, provider: str, day: date) -> list[Slot]:
        slots = []
        for start, end in self._blocks(provider, day):
            moment = start
            while moment + self.slot <= end:
                if not self._busy(provider, moment, moment + self.slot, ignore=None):
                    slots.append(Slot(provider, moment, self._minutes))
                moment += self.slot
        return slots

    def _busy(self, provider: str, start: datetime, end: datetime, ignore: UUID | None) -> bool:
        return any(
            b.provider == provider and b.start < end and start < b.end
            for visit_id, (b, _) in self._bookings.items()
            if visit_id != ignore
        )

    def _check_fits(self, booking: Booking) -> None:
        day = booking.start.astimezone(self.zone).date()
        blocks = self._blocks(booking.provider, day)
        if not any(a <= booking.start and booking.end <= b for a, b in blocks):
            raise SlotUnavailable(f"{booking.provider} does not work then")
        if self._busy(booking.provider, booking.start, booking.end, ignore=booking.visit_id):
            raise SlotUnavailable(f"{booking.provider} is already booked then")
