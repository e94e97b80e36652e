"""The clinic's zone, required for a store that lasts and recorded in it, never silently UTC.

A SQLite or PostgreSQL store records the zone it was first opened with as one of its own facts
(`serviceplan.store.facts`, name "zone"). Opening it again with another zone is refused
(`ZoneChanged`) unless the settings ask to migrate from the recorded one; opening it with no
zone takes the recorded one; a store that records none, opened with none, is refused
(`ZoneMissing`). A store in memory (tests) runs in UTC when no zone is named.
"""

from __future__ import annotations

import logging
from datetime import UTC, timezone, tzinfo
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from eventsourcing.application import Application
from eventsourcing.popo import POPOApplicationRecorder

from serviceplan.app.settings import Settings
from serviceplan.errors import BadStoreSetting, StoreFactConflict, ZoneChanged, ZoneMissing
from serviceplan.store.facts import read_facts, rewrite_fact, write_fact

ZONE = "zone"
log = logging.getLogger("serviceplan.store")


def zone_name(zone: tzinfo) -> str:
    """Return the name a store records for `zone`: its IANA key, "UTC", or a fixed offset."""
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    if zone is UTC or (isinstance(zone, timezone) and zone.utcoffset(None).total_seconds() == 0):
        return "UTC"
    return str(zone.tzname(None))


def zone_named(name: str) -> tzinfo:
    """Return the zone a store records by `name` (an IANA name, or "UTC")."""
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        msg = f"the store records the zone {name!r}, which this machine does not know"
        raise BadStoreSetting(msg) from None


def settled_zone(plan: Application[UUID], settings: Settings) -> Settings:
    """Return `settings` with the zone the store runs in, recording it in a store that lasts."""
    if isinstance(plan.recorder, POPOApplicationRecorder):
        return settings if settings.zone_named else attrs.evolve(settings, timezone=UTC)
    recorded = read_facts(plan).get(ZONE)
    if not settings.zone_named:
        if recorded is None:
            raise ZoneMissing(
                "this store records no clinic zone and none was given: name the clinic's zone"
                " (Settings(timezone=ZoneInfo('America/New_York')), or timezone in the [clinic]"
                " section of the configuration)"
            )
        log.info("the store's zone is %s", recorded)
        return attrs.evolve(settings, timezone=zone_named(recorded))
    given = zone_name(settings.timezone)
    if recorded == given:
        return settings
    if recorded is not None:
        if settings.migrate_zone_from == recorded:
            rewrite_fact(plan, ZONE, given)
            log.warning("the store's zone is moved from %s to %s, as asked", recorded, given)
            return settings
        raise ZoneChanged(ZONE, recorded, given)
    try:
        write_fact(plan, ZONE, given)
    except StoreFactConflict as conflict:  # another process recorded another zone first
        raise ZoneChanged(ZONE, conflict.recorded, given) from None
    return settings
