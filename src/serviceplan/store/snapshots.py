"""How often a long-lived patient is snapshotted, so loading it never replays years of events.

A snapshot is taken when a patient's version reaches a multiple of the interval. Snapshots are a
cache of the history, never part of it: they can be deleted at any time and are rebuilt on the
way, and an export leaves them out.
"""

from __future__ import annotations

from eventsourcing.utils import Environment

from serviceplan.errors import BadStoreSetting

SNAPSHOT_ENV = "SERVICEPLAN_SNAPSHOT_INTERVAL"
DEFAULT_INTERVAL = 50
IS_SNAPSHOTTING_ENABLED = "IS_SNAPSHOTTING_ENABLED"


def snapshot_interval(env: dict[str, str]) -> int:
    """Return the configured interval (0 turns snapshots off); a bad value is refused."""
    text = env.get(SNAPSHOT_ENV, "").strip()
    if not text:
        return DEFAULT_INTERVAL
    try:
        interval = int(text)
    except ValueError:
        interval = -1
    if interval < 0:
        raise BadStoreSetting(f"{SNAPSHOT_ENV} must be a whole number, 0 or more (got {text!r})")
    return interval


def with_snapshots(env: dict[str, str], name: str) -> dict[str, str]:
    """Turn on the snapshot store when the interval asks for one and nothing says otherwise."""
    if Environment(name, env).get(IS_SNAPSHOTTING_ENABLED) is not None:
        return env
    return {**env, IS_SNAPSHOTTING_ENABLED: "y" if snapshot_interval(env) else "n"}
