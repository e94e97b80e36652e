"""Announcing a delay that reaches 1,000 visits: recording it, and the notices owed after.

Since 0.2 `announce_delay` records the delay and its impact and nothing else; the notices are
owed by the `DelayNotices` policy, right after the command (`inline=True`, the default) or
whenever the plan's followers run (`inline=False`, then `plan.follow()` or the delivery worker).
Two plans share one SQLite file store holding one room's day (`bench.cascade.fill_day`): one
records with `inline=False`, timed, and then follows, timed apart; the other announces with the
default, notices and all, as the baseline. Every announcement is later than the one before, so
each owes every patient a notice again (see `bench.cascade`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bench.cascade import (
    DAY,
    DESK,
    announce,
    caught_up,
    check_announced,
    fill_day,
    lateness,
    plan_at,
    room,
)
from bench.harness import Row, Took, interleaved, median, row, stopwatch
from serviceplan import ServicePlan
from serviceplan.store.config import sqlite_store


def record_then_follow(
    plan: ServicePlan, size: int, minutes: Iterator[int], followed: list[Took]
) -> Took:
    """Announce with `inline=False` (timed), check nothing is owed yet, then follow (timed).

    Returns what recording took and adds what following took to `followed`.
    """
    with stopwatch() as recorded:
        delay_id = plan.announce_delay(
            provider=room(size), late_from=DAY, minutes=next(minutes), reason="equipment down",
            by=DESK,
        )  # fmt: skip
    if plan.notice_index.told_of(delay_id):
        raise RuntimeError("notices were owed before the follower ran")
    with stopwatch() as took:
        plan.follow()
    followed.append(took)
    check_announced(plan, delay_id, size)
    plan.resolve_delay(delay_id, by=DESK)
    caught_up(plan)
    return recorded


def rows(folder: Path, size: int, repeats: int) -> list[Row]:
    """Return the time to record the delay alone, and to owe its notices after, at `size`."""
    env = sqlite_store(folder / "announce.sqlite3")
    later = plan_at(env, inline=False)
    inline = plan_at(env)
    fill_day(later, size)
    minutes = lateness()
    followed: list[Took] = []
    medians = interleaved(
        {
            "record": lambda: record_then_follow(later, size, minutes, followed),
            "inline": lambda: announce(inline, size, minutes),
        },
        repeats,
    )
    later.close()
    inline.close()
    record, default = medians["record"], medians["inline"]
    follow = Took(median([t.wall for t in followed]), median([t.cpu for t in followed]))
    what = f"announce a delay affecting {size:,} visits, SQLite file"
    return [
        row(f"{what}: record it (inline=False) vs announce with its notices owed inline",
            record.wall * 1000, "ms", default.wall * 1000),
        row(f"{what}, CPU time: record it (inline=False) vs announce with its notices owed"
            " inline", record.cpu * 1000, "CPU ms", default.cpu * 1000),
        row(f"{what}: then until every notice is owed by the follower (plan.follow())",
            follow.wall * 1000, "ms"),
        row(f"{what}, CPU time: then until every notice is owed by the follower",
            follow.cpu * 1000, "CPU ms"),
    ]  # fmt: skip
