"""`serviceplan plugins`: every plugin, where it comes from, what it does, and what went wrong.

Each installed `serviceplan` entry point is listed with its distribution, then the built-ins;
for each, its roles (the channels it delivers on, scheduler, inventory, playbook, preparation
notes), whether it is enabled (the configuration's `[plugins]`, or
`SERVICEPLAN_DISABLE_PLUGINS`) and the error it failed to load with, if it did.
"""

from __future__ import annotations

import os
from importlib.metadata import EntryPoint
from typing import Any

import click
from rich.table import Table

from serviceplan.cli.jsonout import dumps
from serviceplan.cli.session import config_option, current_config, json_option, stdout
from serviceplan.errors import BrokenPlugins
from serviceplan.plugins import DISABLE, Plugins, load_plugins
from serviceplan.plugins import loading as plugin_loading
from serviceplan.plugins.loading import disabled_names

ROLES = {
    "scheduler": ("serviceplan_free_slots", "serviceplan_book_slot"),
    "inventory": ("serviceplan_offering_stock", "serviceplan_reserve_stock"),
    "playbook": ("serviceplan_incident_steps", "serviceplan_delay_steps"),
    "preparation": ("serviceplan_preparation",),
}
"""A role and the hooks that show a plugin plays it (any one of them)."""


@click.command(short_help="List the plugins: origin, roles, enabled, load errors.")
@config_option
@json_option
def plugins(*, as_json: bool) -> None:
    """List every plugin: its entry point and distribution, its roles, enabled, load errors.

    Installed plugins are loaded as a process would load them, with the configuration's
    sections; a plugin that fails to load is listed with its error, and the command exits 5.
    """
    found = current_config()
    installed = plugin_loading.installed()
    kept_out = found.disabled_plugins([e.name for e in installed]) | disabled_names(os.environ)
    env = {**os.environ, DISABLE: ",".join(sorted(kept_out))}
    loaded = load_plugins(env, zone=found.zone(), catalogue=found.settings().catalogue)
    listed = listing(loaded, installed, kept_out)
    if as_json:
        click.echo(dumps(listed))
    else:
        stdout().print(table(listed))
    broken = sorted(loaded.manager.broken)
    if broken:
        msg = (
            f"{len(broken)} plugin(s) failed to load: {', '.join(broken)}; fix them, or disable"
            f" them ([plugins] disabled, or {DISABLE})"
        )
        raise BrokenPlugins(msg)


def listing(
    loaded: Plugins, installed: list[EntryPoint], kept_out: frozenset[str]
) -> list[dict[str, Any]]:
    """Return one entry a plugin: installed ones first, then the built-ins, by name."""
    manager, channels = loaded.manager, loaded.channels()
    rows: list[dict[str, Any]] = []
    names = {e.name for e in installed}
    for entry in sorted(installed, key=lambda e: e.name):
        dist = entry.dist
        rows.append(
            {
                "name": entry.name,
                "entry_point": entry.value,
                "distribution": None if dist is None else f"{dist.name} {dist.version}",
                "enabled": entry.name not in kept_out,
                "roles": _roles(loaded, entry.name, channels),
                "error": manager.broken.get(entry.name),
            }
        )
    for name, plugin in sorted(manager.list_name_plugin(), key=lambda p: str(p[0])):
        if name in names or plugin is None:
            continue
        rows.append(
            {
                "name": name,
                "entry_point": None,
                "distribution": "serviceplan (built-in)",
                "enabled": True,
                "roles": _roles(loaded, name, channels),
                "error": None,
            }
        )
    return rows


def _roles(loaded: Plugins, name: str, channels: dict[str, frozenset[Any]]) -> list[str]:
    plugin = loaded.manager.get_plugin(name)
    if plugin is None:
        return []
    hooks = {caller.name for caller in loaded.manager.get_hookcallers(plugin) or []}
    roles = []
    if name in channels:
        said = ", ".join(sorted(c.value for c in channels[name])) or "none (not set up)"
        roles.append(f"channels: {said}")
    roles += [role for role, named in ROLES.items() if hooks & set(named)]
    return roles


def table(rows: list[dict[str, Any]]) -> Table:
    """Return the plugins as a table for people."""
    shown = Table(title="Plugins", title_justify="left", title_style="bold")
    for column in ("plugin", "from", "roles", "enabled", "problem"):
        shown.add_column(column)
    for row in rows:
        origin = row["distribution"] or "?"
        if row["entry_point"]:
            origin = f"{origin}\n{row['entry_point']}"
        shown.add_row(
            row["name"],
            origin,
            "\n".join(row["roles"]) or "-",
            "yes" if row["enabled"] else "no",
            row["error"] or "",
        )
    return shown
