"""A clinic's own settings, with defaults from DOMAIN.md's rules."""

from __future__ import annotations

from datetime import UTC, tzinfo

import attrs

from serviceplan.domain.money import Money


@attrs.frozen
class Settings:
    """What a clinic configures; every figure has a default from the rules it follows."""

    timezone: tzinfo = UTC
    """The clinic's local zone: it decides which day a visit belongs to."""
    offering_item_limit: Money = Money("15.00")  # noqa: RUF009 (Money is frozen)
    """Retail value at most per peace offering (OIG, December 2016)."""
    offering_yearly_limit: Money = Money("75.00")  # noqa: RUF009 (Money is frozen)
    """Retail value at most per patient per 12 months."""
    material_slip_minutes: int = 15
    """A patient hears again only when their estimate moves by at least this much."""
