"""A clinic's own settings, with defaults from DOMAIN.md's rules."""

from __future__ import annotations

from datetime import time, timedelta, timezone, tzinfo

import attrs

from serviceplan.app.permissions import Permissions
from serviceplan.domain.business_days import ClinicCalendar
from serviceplan.domain.limits import OfferingLimits
from serviceplan.domain.money import Money
from serviceplan.domain.offer_rounds import OfferRules
from serviceplan.domain.visit_type import EYE_CLINIC, Catalogue

UNNAMED_ZONE = timezone(timedelta(0), "UTC (no zone named)")
"""The zone of settings that name none: UTC for a store in memory, refused for a file or a server.

Compared by identity (`settings.timezone is UNNAMED_ZONE`): it equals UTC as a zone does.
"""


@attrs.frozen
class Settings:
    """What a clinic configures; every figure has a default from the rules it follows."""

    timezone: tzinfo = UNNAMED_ZONE
    """The clinic's local zone: it decides which day a visit belongs to, and the time a message
    says. Required for a file or PostgreSQL store, which records it (see `serviceplan.app.zone`);
    a store in memory without one runs in UTC."""
    language: str = "en"
    """The language of messages to a patient registered without one (a tag like 'en', 'es-MX')."""
    migrate_zone_from: str | None = None
    """Asks to move a store recorded in this zone to `timezone` (docs/operations.md)."""
    offering_item_limit: Money = Money("15.00")  # noqa: RUF009 (Money is frozen)
    """Retail value at most per peace offering (OIG, December 2016)."""
    offering_yearly_limit: Money = Money("75.00")  # noqa: RUF009 (Money is frozen)
    """Retail value at most per patient per 12 months."""
    material_slip_minutes: int = 15
    """A patient hears again only when their estimate moves by at least this much."""
    catalogue: Catalogue = EYE_CLINIC
    """The clinic's visit types (an eye clinic's by default)."""
    long_visit_minutes: int = 90
    """Visits at least this long are flagged when booked, like those with long testing."""
    preparation_lead_hours: int = 24
    """A preparation notice may go out this long before the visit (the day before)."""
    prepare_long_visits: bool = True
    """Owe a preparation notice ahead of every visit flagged long when it is booked."""
    preparation_for_all: bool = False
    """Prepare patients for every visit type with a note, not only for long visits."""
    close_of_business: time = time(17, 0)
    """Incidents are acknowledged by this time on the business day they open."""
    calendar: ClinicCalendar = ClinicCalendar()  # noqa: RUF009 (ClinicCalendar is frozen)
    """Which days are business days: weekends and the days the clinic closes are not."""
    respond_within_days: int = 7
    """Incidents get a response within this many days (the grievance clock)."""
    overrun_minutes: int = 10
    """A visit this many minutes past its expected length is a sign of a delay."""
    first_visit_grace_minutes: int = 10
    """A provider's first visit not started this long after its time is a sign of a delay."""
    announce_detected_delays: bool = False
    """Announce a detected delay at once, instead of proposing it to the desk."""
    permissions: Permissions = Permissions()  # noqa: RUF009 (Permissions is frozen)
    """Who may do what; see `serviceplan.app.permissions`."""
    offers: OfferRules = OfferRules()  # noqa: RUF009 (OfferRules is frozen)
    """How freed time is offered to the waitlist: rounds, windows, the last call."""

    @property
    def zone_named(self) -> bool:
        """Say whether a zone was named (UTC itself counts, the default does not)."""
        return self.timezone is not UNNAMED_ZONE

    @property
    def offering_limits(self) -> OfferingLimits:
        """The gift rules an offering must keep, from the two limits above."""
        return OfferingLimits(self.offering_item_limit, self.offering_yearly_limit)
