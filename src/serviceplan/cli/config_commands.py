"""`serviceplan init` and `serviceplan config`: a new clinic's starter file, and a check of one.

`init` writes a commented starter configuration (and, with --key, a new key beside it, readable
by its owner only); it never writes over a file. `config` reads the configuration as every
command does, builds all it configures (the store's key included, read and checked but never
shown) and prints the effective values; a problem exits with code 6 and the fix.
"""

from __future__ import annotations

import json
from datetime import time, tzinfo
from pathlib import Path
from typing import Any

import attrs
import click

from serviceplan.app.settings import Settings
from serviceplan.app.zone import zone_name
from serviceplan.cli.failures import BadInputFile
from serviceplan.cli.jsonout import dumps
from serviceplan.cli.session import config_option, current_config, json_option, stdout
from serviceplan.config import ClinicConfig, masked_section
from serviceplan.config.starter import KEY_FILE, starter
from serviceplan.delivery.settings import DeliverySettings, delivery_settings
from serviceplan.errors import BadConfigValue
from serviceplan.plugins import loading as plugin_loading
from serviceplan.store.files import private_file
from serviceplan.store.keys import new_cipher_key

CONFIG_FILE = "serviceplan.toml"


@click.command(short_help="Write a commented starter configuration for a new clinic.")
@click.option(
    "--config",
    "--path",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(CONFIG_FILE),
    show_default=True,
    help="where to write the configuration (the file other commands take with --config)",
)
@click.option("--name", default=None, help="the clinic's name, as every message says it")
@click.option("--call-back", default=None, help="the number patients call back (E.164)")
@click.option("--zone", default=None, help="the clinic's time zone, e.g. America/New_York")
@click.option("--key", "with_key", is_flag=True, help=f"also write a new key ({KEY_FILE})")
def init(
    path: Path, name: str | None, call_back: str | None, zone: str | None, *, with_key: bool
) -> None:
    """Write a starter configuration: every key, commented, with its default.

    Fill in the clinic's name, call-back number and zone (or give them here), then check it
    with `serviceplan config --config FILE`. An existing file is never written over.
    """
    key_path = path.parent / KEY_FILE
    for target in (path, key_path) if with_key else (path,):
        if target.exists():
            raise BadInputFile(f"{target} exists already; it is left as it is")
    text = starter(
        name=name, call_back=call_back, zone=zone, key_file=KEY_FILE if with_key else None
    )
    if with_key:
        private_file(key_path)
        key_path.write_text(new_cipher_key() + "\n", encoding="ascii")
    path.write_text(text, encoding="utf-8")
    out = stdout()
    wrote = f"wrote {path}" + (
        f" and a new key in {key_path} (keep a copy apart)" if with_key else ""
    )
    out.print(wrote, markup=False, soft_wrap=True)
    missing = [
        k for k, v in (("name", name), ("call_back", call_back), ("timezone", zone)) if v is None
    ]
    if missing:
        said = (
            f"next: set {', '.join(missing)} in [clinic], then `serviceplan config --config {path}`"
        )
        out.print(said, markup=False, soft_wrap=True)


@click.command(short_help="Check a configuration and print its effective values, secrets masked.")
@config_option
@json_option
def config(*, as_json: bool) -> None:
    """Check the clinic's configuration and print the values in effect, secrets masked.

    The file is --config, else $SERVICEPLAN_CONFIG, else the default path; variables override
    single values. Everything it configures is built (the key read and checked, never shown),
    so a problem is found here rather than in a running process: it exits with code 6.
    """
    found = current_config()
    shown = effective(found)
    if as_json:
        click.echo(dumps(shown))
        return
    out = stdout()
    said = shown["file"] or "none found: the defaults and the variables"
    out.print(f"configuration: {said}", markup=False, soft_wrap=True)
    for section in ("clinic", "rules", "store", "delivery", "plugins", "views"):
        out.print(f"\n[{section}]", markup=False)
        for key, value in shown[section].items():
            out.print(f"{key} = {_said(value)}", markup=False, soft_wrap=True)
    for name, section in shown["plugin_sections"].items():
        out.print(f"\n[plugins.{name}]", markup=False)
        for key, value in section.items():
            out.print(f"{key} = {_said(value)}", markup=False, soft_wrap=True)
    out.print("\nok: the configuration can be used", markup=False)


def effective(found: ClinicConfig) -> dict[str, Any]:
    """Return every value in effect, built and checked as a process would, secrets masked."""
    settings = found.settings()
    if not settings.zone_named:
        fix = 'name it: timezone = "America/New_York" in [clinic], or $SERVICEPLAN_CLINIC_TIMEZONE'
        raise BadConfigValue(
            found.where, "clinic.timezone", "missing; a clinic's store needs its zone", fix
        )
    sending = delivery_settings(found)
    found.store_env()  # reads and checks the key where the file points; nothing of it is shown
    installed = [e.name for e in plugin_loading.installed()]
    kept_out = found.disabled_plugins(installed)
    files = found.shown()
    return {
        "file": None if found.path is None else str(found.path),
        "clinic": {
            "name": sending.clinic_name,
            "call_back": None if sending.call_back is None else sending.call_back.e164,
            "timezone": _plain(settings.timezone),
            "language": settings.language,
        },
        "rules": _rules(settings),
        "store": files["store"],
        "delivery": _delivery(sending),
        "plugins": {
            "enabled": sorted(set(installed) - kept_out),
            "disabled": sorted(kept_out),
        },
        "plugin_sections": {n: masked_section(s) for n, s in sorted(found.sections.items())},
        "views": files["views"],
    }


def _rules(settings: Settings) -> dict[str, Any]:
    skipped = {"timezone", "language", "permissions", "migrate_zone_from"}
    shown = {
        field.name: _plain(getattr(settings, field.name))
        for field in attrs.fields(Settings)
        if field.name not in skipped
    }
    shown["catalogue"] = [t.code for t in settings.catalogue]
    shown["calendar"] = {
        "closed_days": sorted(d.isoformat() for d in settings.calendar.closed),
        "weekend": sorted(settings.calendar.weekend),
    }
    shown["offers"] = {
        k: _plain(v) for k, v in attrs.asdict(settings.offers, recurse=False).items()
    }
    return shown


def _delivery(sending: DeliverySettings) -> dict[str, Any]:
    skipped = {"clinic_name", "call_back"}
    return {
        field.name: _plain(getattr(sending, field.name))
        for field in attrs.fields(DeliverySettings)
        if field.name not in skipped
    }


def _plain(value: object) -> Any:  # noqa: ANN401 (a value for JSON)
    """Return a value as JSON and the text output show it."""
    if isinstance(value, tzinfo):
        return zone_name(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, frozenset | set | tuple | list):
        return sorted(_plain(v) for v in value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    enum_value = getattr(value, "value", None)
    return enum_value if isinstance(enum_value, str) else str(value)


def _said(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
