"""Taking and giving back a schedule's slots, so two desks never book the same time.

A slot is taken by writing it `busy` with `If-Match` on the version read: when another client
took it in between, the server refuses (`VersionConflict`) and the booking is refused with
`SlotUnavailable`, after the slots already taken for it are given back.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot as FhirSlot

from serviceplan.errors import SlotUnavailable
from serviceplan_fhir.client import FhirClient, Versioned
from serviceplan_fhir.errors import VersionConflict
from serviceplan_fhir.resources import SlotStatus, slot_status, span, with_status

ATTEMPTS = 3


def instant(moment: datetime) -> str:
    """Write a time as FHIR search wants it: to the second, with its offset."""
    return moment.isoformat(timespec="seconds")


class SlotKeeper:
    """Finds, takes and frees the slots of one FHIR server's schedules."""

    def __init__(self, client: FhirClient) -> None:
        self.client = client

    def between(
        self, schedule: Versioned[Schedule], start: datetime, end: datetime, *, free: bool = False
    ) -> list[Versioned[FhirSlot]]:
        """Return the schedule's slots starting from `start` up to `end`, earliest first."""
        params: dict[str, str | list[str]] = {
            "schedule": schedule.reference,
            "start": [f"ge{instant(start)}", f"lt{instant(end)}"],
            "_sort": "start",
        }
        if free:
            params["status"] = SlotStatus.FREE.value
        found = self.client.search(FhirSlot, params)
        inside = [s for s in found if start <= span(s)[0] < end]
        if free:
            inside = [s for s in inside if slot_status(s) is SlotStatus.FREE]
        return sorted(inside, key=lambda s: span(s)[0])

    def take(
        self,
        schedule: Versioned[Schedule],
        start: datetime,
        end: datetime,
        ours: Collection[str] = (),
    ) -> tuple[list[Versioned[FhirSlot]], list[Versioned[FhirSlot]]]:
        """Take free slots that run from `start` to at least `end`; slots in `ours` count as free.

        Returns the whole run and the slots newly taken (to give back if the booking fails).
        """
        if schedule.resource.active is False:
            raise SlotUnavailable(f"{schedule.reference} is not in use")
        run = _run(self.between(schedule, start, end), start, end, ours)
        taken: list[Versioned[FhirSlot]] = []
        try:
            for slot in run:
                if slot.reference not in ours:
                    busy = with_status(slot, SlotStatus.BUSY)
                    taken.append(self.client.update(slot, busy))
        except VersionConflict:
            self.give_back([s.reference for s in taken])
            raise SlotUnavailable(f"a slot at {instant(start)} was taken meanwhile") from None
        mine = {s.reference: s for s in taken}
        return [mine.get(s.reference, s) for s in run], taken

    def give_back(self, references: Sequence[str]) -> None:
        """Write each busy slot free again, re-reading it if it changed meanwhile."""
        for reference in references:
            self._free(reference.removeprefix("Slot/"))

    def _free(self, slot_id: str) -> None:
        for _ in range(ATTEMPTS):
            slot = self.client.read(FhirSlot, slot_id)
            if slot_status(slot) is not SlotStatus.BUSY:
                return
            try:
                self.client.update(slot, with_status(slot, SlotStatus.FREE))
            except VersionConflict:
                continue
            return


def _run(
    slots: Sequence[Versioned[FhirSlot]], start: datetime, end: datetime, ours: Collection[str]
) -> list[Versioned[FhirSlot]]:
    """Pick slots back to back from `start` until `end` is covered, each free or ours."""
    run: list[Versioned[FhirSlot]] = []
    moment = start
    while moment < end:
        here = (s for s in slots if span(s)[0] == moment)
        usable = next(
            (s for s in here if s.reference in ours or slot_status(s) is SlotStatus.FREE), None
        )
        if usable is None:
            raise SlotUnavailable(f"no free slot at {instant(moment)}")
        run.append(usable)
        moment = span(usable)[1]
    return run
