"""The shape of a clinic's configuration file: each section, each key, each type.

msgspec (already a dependency, for the read models) turns the parsed TOML into these typed
structs and refuses an unknown key or a value of the wrong type, naming where; the checks of
meaning (a zone that exists, a number that is a phone number) come after, in
`serviceplan.config.building`. Every key is optional but the clinic's zone, whose absence is
told when a store is opened.
"""

from __future__ import annotations

from datetime import date

import msgspec


class Section(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """A table of the file: unknown keys are refused."""


class Clinic(Section):
    """Who the clinic is: named in every message, with the number patients call back."""

    name: str | None = None
    call_back: str | None = None
    timezone: str | None = None
    language: str | None = None


class VisitTypeEntry(Section):
    """One visit type of the clinic's catalogue."""

    code: str
    name: str
    expected_minutes: int
    preparation: str = ""
    long_testing: bool = False


class Offers(Section):
    """How freed time is offered to the waitlist (`OfferRules`)."""

    batch: int | None = None
    window: int | None = None
    pause: int | None = None
    last_call: int | None = None
    every_hours: int | None = None
    entry_days: int | None = None
    delayed_time: str | None = None


class Rules(Section):
    """The clinic's rules (`Settings`): limits, thresholds, deadlines, its visit types."""

    offering_item_limit: str | None = None
    offering_yearly_limit: str | None = None
    material_slip_minutes: int | None = None
    long_visit_minutes: int | None = None
    preparation_lead_hours: int | None = None
    prepare_long_visits: bool | None = None
    preparation_for_all: bool | None = None
    close_of_business: str | None = None
    closed_days: list[date] | None = None
    weekend: list[int] | None = None
    respond_within_days: int | None = None
    overrun_minutes: int | None = None
    first_visit_grace_minutes: int | None = None
    announce_detected_delays: bool | None = None
    visit_types: list[VisitTypeEntry] | None = None
    offers: Offers | None = None


class KeySource(Section):
    """Where the store's key comes from: one of a file, a variable or a command."""

    file: str | None = None
    env: str | None = None
    command: list[str] | None = None


class Postgres(Section):
    """A PostgreSQL store: the connection, its pool and the schema; the password never here."""

    dbname: str
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password_file: str | None = None
    password_env: str | None = None
    schema: str = ""
    pool_size: int | None = None
    max_overflow: int | None = None
    connect_timeout: int | None = None


class Store(Section):
    """Where the events are kept, and the key that encrypts them."""

    sqlite: str | None = None
    postgres: Postgres | None = None
    key: KeySource | None = None
    compress: bool = False
    snapshot_interval: int | None = None
    migrate_zone_from: str | None = None


class Delivery(Section):
    """How notices are sent (`DeliverySettings`): quiet hours, limits, tries, channels' order."""

    automated: list[str] | None = None
    quiet_from: str | None = None
    quiet_until: str | None = None
    per_day: int | None = None
    per_week: int | None = None
    tries: int | None = None
    backoff_minutes: int | None = None
    backoff_cap_minutes: int | None = None
    timeout_seconds: float | None = None
    channel_order: list[str] | None = None
    ask_by_text: bool | None = None
    batch_size: int | None = None


class PluginChoice(Section):
    """Which plugins run: `enabled` (only these installed ones) and `disabled`, by name."""

    enabled: list[str] | None = None
    disabled: list[str] = msgspec.field(default_factory=list)


class ViewsSection(Section):
    """Where the read models live: a SQLite file (default: beside a SQLite store)."""

    path: str | None = None


class File(Section):
    """A whole configuration file; each plugin's own section is read apart (`[plugins.NAME]`)."""

    clinic: Clinic = msgspec.field(default_factory=Clinic)
    rules: Rules = msgspec.field(default_factory=Rules)
    store: Store = msgspec.field(default_factory=Store)
    delivery: Delivery = msgspec.field(default_factory=Delivery)
    plugins: PluginChoice = msgspec.field(default_factory=PluginChoice)
    views: ViewsSection = msgspec.field(default_factory=ViewsSection)
