"""Write about a million events of simulated clinic days, streamed, a day at a time.

Four provider days (a hundred visits, the whole cycle of fates in `bench.simulate`) are played
on serviceplan's aggregates and turned into stored events by the application's own mapper. Every
provider day after that is a copy of one of them with fresh ids, its own provider and its own
date, bulk inserted through the application's recorder, one transaction per clinic day. Only one
clinic day is ever held in memory.

A copy swaps every id (a quoted 32-hex string, alone or at the end of a notice key such as
`"delay-<hex>"`, so each copy's notices have keys of their own), the provider, and the date of
every day and moment within a week of the template's. A derived id (a notice record's, from its
key) is swapped like any other, so in a copy it is no longer derived from its key: nothing that
reads the history derives it again.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from bench.simulate import FIRST_DAY, VISITS_A_DAY, provider_day
from serviceplan import ServicePlan

TEMPLATES = 4
PLACEHOLDER = "tpl-provider"
# A stored event names other records by 32-hex ids (a notice key ends in one), and days and
# moments as ISO text, each in quotes: the split keeps the opening quote with what it cuts out.
_SWAPPED = re.compile(
    rb'("(?:(?:[a-z]+-)*[0-9a-f]{32}|\d{4}-\d\d-\d\d(?=["T])|' + PLACEHOLDER.encode() + rb"))"
)
_HEX = 32
WINDOW = timedelta(days=7)
"""Days this close to the template's are part of its story (the eve, a task's due date)."""


@dataclass(frozen=True)
class Pattern:
    """One stored event of a template, cut where its ids, days and provider go."""

    originator: bytes
    version: int
    topic: str
    parts: tuple[bytes, ...]


def templates(plan: ServicePlan) -> list[list[Pattern]]:
    """Play the template days and cut up their stored events, in the order a save writes them."""
    found = []
    for n in range(TEMPLATES):
        aggregates = provider_day(PLACEHOLDER, FIRST_DAY, n * VISITS_A_DAY, VISITS_A_DAY)
        stored = [plan.mapper.to_stored_event(e) for a in aggregates for e in a.collect_events()]
        found.append([_cut(s) for s in stored])
    return found


def _cut(stored: StoredEvent) -> Pattern:
    originator = b'"' + UUID(str(stored.originator_id)).hex.encode()
    parts = tuple(_SWAPPED.split(stored.state))
    return Pattern(originator, stored.originator_version, stored.topic, parts)


def copy_day(
    template: Sequence[Pattern], provider: str, day: date, fresh: Iterator[bytes]
) -> list[StoredEvent]:
    """Return the template's events as `provider`'s own on `day`, with fresh ids throughout."""
    shift = timedelta(days=(day - FIRST_DAY).days)
    swapped = {b'"' + PLACEHOLDER.encode(): b'"' + provider.encode()}
    ids: dict[bytes, bytes] = {}

    def swap(text: bytes) -> bytes:
        if text not in swapped:
            if len(text) > _HEX:  # an id, or a key ending in one (a day is 11 bytes)
                old = text[-_HEX:]
                if old not in ids:
                    ids[old] = next(fresh)
                swapped[text] = text[:-_HEX] + ids[old]
            else:
                swapped[text] = b'"' + _shifted(text, shift)
        return swapped[text]

    return [
        StoredEvent(
            originator_id=swap(p.originator)[1:].decode(),
            originator_version=p.version,
            topic=p.topic,
            state=b"".join(swap(part) if n % 2 else part for n, part in enumerate(p.parts)),
        )
        for p in template
    ]


def _shifted(quoted_day: bytes, shift: timedelta) -> bytes:
    """Move a template day (with its opening quote; a moment's date) on by `shift`.

    Days further than `WINDOW` from the template's are left be.
    """
    day = date.fromisoformat(quoted_day[1:].decode())
    if abs(day - FIRST_DAY) > WINDOW:
        return quoted_day[1:]
    return (day + shift).isoformat().encode()


def fresh_ids() -> Iterator[bytes]:
    """Yield unique ids as hex, fast: a random prefix for the run and a counter."""
    prefix = secrets.randbits(64) << 64
    return (f"{prefix | n:032x}".encode() for n in count(1))


def write_history(plan: ServicePlan, visits: int, providers: int) -> Iterator[int]:
    """Write clinic days of `providers` provider days until `visits` visits are booked.

    Yields how many events each clinic day added, so a caller can show progress.
    """
    patterns = templates(plan)
    fresh = fresh_ids()
    day, serial = FIRST_DAY, 0
    while serial < visits:
        events: list[StoredEvent] = []
        for n in range(min(providers, -(-(visits - serial) // VISITS_A_DAY))):
            template = patterns[(serial // VISITS_A_DAY) % TEMPLATES]
            events += copy_day(template, f"dr-{n}", day, fresh)
            serial += VISITS_A_DAY
        plan.recorder.insert_events(events)
        yield len(events)
        day += timedelta(days=1)
