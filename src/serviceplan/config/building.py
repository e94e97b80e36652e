"""A clinic's configuration, typed: the `Settings`, the store's settings and where things live.

`ClinicConfig` holds what the file said (and the variables that override it); each method turns
one part into what the library takes: `settings()` the clinic's rules and zone, `store_env()` the
store and its key (read from where the file points), `views_path` the read models' file,
`disabled_plugins()` the plugins kept out. Relative paths are relative to the file's folder.
A value that cannot be used is refused with the file, the key and the fix (`ConfigProblem`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import time, tzinfo
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import msgspec

from serviceplan.app.settings import UNNAMED_ZONE, Settings
from serviceplan.config import schema
from serviceplan.config.secrets import MASK, from_command, from_file, from_variable
from serviceplan.domain.business_days import ClinicCalendar
from serviceplan.domain.contact import PhoneNumber
from serviceplan.domain.money import Money
from serviceplan.domain.offer_rounds import DelayedTime, OfferRules
from serviceplan.domain.patient import language_tag
from serviceplan.domain.visit_type import Catalogue, VisitType
from serviceplan.errors import BadConfigValue, InvalidInput
from serviceplan.store.config import compressed, postgres_store, sqlite_store
from serviceplan.store.keys import encrypted

T = TypeVar("T")
SNAPSHOT_INTERVAL = "SERVICEPLAN_SNAPSHOT_INTERVAL"


@attrs.frozen
class ClinicConfig:
    """One clinic's configuration as read: the file's typed sections and each plugin's own."""

    file: schema.File = attrs.field(factory=schema.File)
    path: Path | None = None
    """The file read (None: no file, the defaults and the variables only)."""
    sections: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    """Each plugin's own section, `[plugins.NAME]`, as written."""
    sources: Mapping[str, str] = attrs.field(factory=dict)
    """Which variable set each overridden key (dotted), to name it in a problem."""

    @property
    def where(self) -> str:
        """The file, for messages."""
        return str(self.path) if self.path is not None else "the configuration"

    def place(self, key: str) -> str:
        """Where the value of `key` came from: its variable, or the file."""
        source = self.sources.get(key)
        return f"${source}" if source else self.where

    def refuse(self, key: str, problem: str, fix: str) -> BadConfigValue:
        """Return the error for a bad value of `key`."""
        return BadConfigValue(self.place(key), key, problem, fix)

    def resolve(self, text: str) -> Path:
        """Return a path of the file, relative to the file's folder."""
        path = Path(text).expanduser()
        if path.is_absolute() or self.path is None:
            return path
        return self.path.parent / path

    def zone(self) -> tzinfo:
        """Return the clinic's zone, or the unnamed zone when the file names none."""
        name = self.file.clinic.timezone
        if name is None:
            return UNNAMED_ZONE
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            fix = "give an IANA zone name, like America/New_York or Europe/Paris"
            raise self.refuse("clinic.timezone", f"{name!r} is not a time zone", fix) from None

    def settings(self) -> Settings:
        """Return the clinic's `Settings`: its zone, language and rules, defaults for the rest."""
        rules, default = self.file.rules, Settings()
        chosen: dict[str, Any] = {"timezone": self.zone()}
        language = self.file.clinic.language
        if language is not None:
            chosen["language"] = self._checked("clinic.language", language, language_tag)
        for name in (
            "material_slip_minutes", "long_visit_minutes", "preparation_lead_hours",
            "prepare_long_visits", "preparation_for_all", "respond_within_days",
            "overrun_minutes", "first_visit_grace_minutes", "announce_detected_delays",
        ):  # fmt: skip
            value = getattr(rules, name)
            if value is not None:
                chosen[name] = self._checked(f"rules.{name}", value, _not_negative)
        for name in ("offering_item_limit", "offering_yearly_limit"):
            value = getattr(rules, name)
            if value is not None:
                chosen[name] = self._checked(f"rules.{name}", value, Money)
        if rules.close_of_business is not None:
            chosen["close_of_business"] = self.time_of(
                "rules.close_of_business", rules.close_of_business
            )
        chosen["calendar"] = self._calendar(default.calendar)
        if rules.visit_types is not None:
            chosen["catalogue"] = self._checked("rules.visit_types", rules.visit_types, _catalogue)
        if rules.offers is not None:
            chosen["offers"] = self._checked("rules.offers", rules.offers, _offers)
        migrate = self.file.store.migrate_zone_from
        if migrate is not None:
            chosen["migrate_zone_from"] = migrate
        return attrs.evolve(default, **chosen)

    def _calendar(self, default: ClinicCalendar) -> ClinicCalendar:
        rules = self.file.rules
        closed = default.closed if rules.closed_days is None else rules.closed_days
        weekend = default.weekend if rules.weekend is None else rules.weekend
        return self._checked("rules.weekend", (closed, weekend), lambda c: ClinicCalendar(*c))

    def time_of(self, key: str, text: str) -> time:
        """Return a clock time written "HH:MM"."""
        try:
            return time.fromisoformat(text)
        except ValueError:
            raise self.refuse(
                key, f"{text!r} is not a time of day", 'write it "HH:MM", like "17:00"'
            ) from None

    def call_back(self) -> PhoneNumber | None:
        """Return the number patients call back, if the file names one."""
        number = self.file.clinic.call_back
        return None if number is None else self._checked("clinic.call_back", number, PhoneNumber)

    def _checked(self, key: str, value: Any, make: Callable[[Any], T]) -> T:  # noqa: ANN401 (any value of the file)
        try:
            return make(value)
        except (InvalidInput, ValueError, TypeError) as error:
            fix = "see docs/operations.md, 'Configuring a clinic'"
            raise self.refuse(key, str(error) or type(error).__name__, fix) from None

    def store_env(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """Return the store's settings: the SQLite file or PostgreSQL, its key, compression."""
        store = self.file.store
        if store.sqlite is not None and store.postgres is not None:
            fix = "keep one of store.sqlite and [store.postgres]"
            raise self.refuse("store", "names two stores", fix)
        env: dict[str, str] = {}
        if store.sqlite is not None:
            env = sqlite_store(self.resolve(store.sqlite))
        elif store.postgres is not None:
            env = self._postgres(store.postgres, environ)
        if store.key is not None:
            env = self._keyed(env, store.key, environ)
        if store.compress:
            env = compressed(env)
        if store.snapshot_interval is not None:
            env[SNAPSHOT_INTERVAL] = str(store.snapshot_interval)
        return env

    def _postgres(self, pg: schema.Postgres, environ: Mapping[str, str] | None) -> dict[str, str]:
        password = ""
        if pg.password_file is not None and pg.password_env is not None:
            raise self.refuse(
                "store.postgres", "names two passwords", "keep password_file or password_env"
            )
        if pg.password_file is not None:
            password = from_file(
                self.resolve(pg.password_file), self.where, "store.postgres.password_file"
            )
        elif pg.password_env is not None:
            password = from_variable(
                pg.password_env, self.where, "store.postgres.password_env", environ
            )
        env = postgres_store(
            pg.dbname, host=pg.host, port=pg.port, user=pg.user, password=password, schema=pg.schema
        )
        for name, value in (
            ("POSTGRES_POOL_SIZE", pg.pool_size), ("POSTGRES_MAX_OVERFLOW", pg.max_overflow),
            ("POSTGRES_CONNECT_TIMEOUT", pg.connect_timeout),
        ):  # fmt: skip
            if value is not None:
                env[name] = str(value)
        return env

    def _keyed(
        self, env: dict[str, str], source: schema.KeySource, environ: Mapping[str, str] | None
    ) -> dict[str, str]:
        given = [n for n in ("file", "env", "command") if getattr(source, n) is not None]
        if len(given) != 1:
            fix = "name exactly one of file, env and command"
            raise self.refuse("store.key", f"names {len(given)} sources of the key", fix)
        if source.file is not None:
            key = from_file(self.resolve(source.file), self.where, "store.key.file")
        elif source.env is not None:
            key = from_variable(source.env, self.where, "store.key.env", environ)
        else:
            key = from_command(source.command or [], self.where, "store.key.command")
        return encrypted(env, key)

    @property
    def views_path(self) -> Path | None:
        """The read models' file, if the file names one."""
        path = self.file.views.path
        return None if path is None else self.resolve(path)

    def without_views(self) -> ClinicConfig:
        """Return the configuration for another store than its own: read models beside that one."""
        return attrs.evolve(
            self, file=msgspec.structs.replace(self.file, views=schema.ViewsSection())
        )

    def disabled_plugins(self, installed: Iterable[str]) -> frozenset[str]:
        """Return the names to keep out: those disabled, and those installed but not enabled."""
        choice = self.file.plugins
        known = set(installed)
        for key, names in (
            ("plugins.enabled", choice.enabled or []),
            ("plugins.disabled", choice.disabled),
        ):
            strangers = sorted(set(names) - known)
            if strangers:
                names_known = ", ".join(sorted(known)) or "none is installed"
                fix = f"name installed plugins only: {names_known}"
                raise self.refuse(key, f"no plugin is named {', '.join(strangers)}", fix)
        kept_out = set(choice.disabled)
        if choice.enabled is not None:
            kept_out |= known - set(choice.enabled)
        return frozenset(kept_out)

    def shown(self) -> dict[str, Any]:
        """Return the effective values of the file's own sections, with every secret masked."""
        store = self.file.store
        shown_store: dict[str, Any] = {
            "sqlite": None if store.sqlite is None else str(self.resolve(store.sqlite))
        }
        if store.postgres is not None:
            pg = store.postgres
            shown_store["postgres"] = {
                "dbname": pg.dbname, "host": pg.host, "port": pg.port, "user": pg.user,
                "password": _masked_source(pg.password_file, pg.password_env),
                "schema": pg.schema, "pool_size": pg.pool_size, "max_overflow": pg.max_overflow,
            }  # fmt: skip
        key = store.key
        shown_store["key"] = None if key is None else _masked_source(key.file, key.env, key.command)
        shown_store["compress"] = store.compress
        return {
            "store": shown_store,
            "views": {"path": None if self.views_path is None else str(self.views_path)},
        }


def masked_section(section: Mapping[str, Any]) -> dict[str, Any]:
    """Return a plugin's section as shown: where a secret is kept, never a value read from there."""
    return {
        k: (f"{MASK} ({k.rsplit('_', 1)[1]}: {v})" if k.endswith(("_file", "_env")) else v)
        for k, v in section.items()
    }


def _masked_source(
    file: str | None, env: str | None, command: list[str] | None = None
) -> str | None:
    if file is not None:
        return f"{MASK} (from the file {file})"
    if env is not None:
        return f"{MASK} (from the variable {env})"
    if command is not None:
        return f"{MASK} (from the command {command[0] if command else ''})"
    return None


def _not_negative(value: T) -> T:
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise InvalidInput(f"{value} is negative")
    return value


def _catalogue(entries: list[schema.VisitTypeEntry]) -> Catalogue:
    return Catalogue(
        VisitType(e.code, e.name, e.expected_minutes, e.preparation, e.long_testing)
        for e in entries
    )


def _offers(section: schema.Offers) -> OfferRules:
    chosen: dict[str, Any] = {
        n: getattr(section, n)
        for n in ("batch", "window", "pause", "last_call", "every_hours", "entry_days")
        if getattr(section, n) is not None
    }
    if section.delayed_time is not None:
        chosen["delayed_time"] = DelayedTime(section.delayed_time)
    return OfferRules(**chosen)
