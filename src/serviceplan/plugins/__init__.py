"""serviceplan's plugins: hook specifications, the typed facade, built-in defaults and loading.

A plugin is a module or object with functions marked `@serviceplan.hookimpl`, each named for a
hook in `serviceplan.plugins.hookspecs`. See `docs/plugins.md`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo

from serviceplan.domain.visit_type import EYE_CLINIC, Catalogue
from serviceplan.plugins import builtin
from serviceplan.plugins.facade import Plugins
from serviceplan.plugins.loading import (
    DISABLE,
    ENTRY_POINT_GROUP,
    STAND_INS,
    STRICT,
    TRACE,
    build_manager,
    flag,
    with_stand_ins,
)
from serviceplan.plugins.manager import PluginManager, hook_names
from serviceplan.plugins.markers import hookimpl, hookspec
from serviceplan.plugins.receipts import OpenedOnce, Receipts
from serviceplan.plugins.records import (
    Appointment,
    Booking,
    Envelope,
    Preparation,
    Proposal,
    RegisterChannel,
    Slot,
    StockItem,
)

__all__ = [
    "DISABLE",
    "ENTRY_POINT_GROUP",
    "STAND_INS",
    "STRICT",
    "TRACE",
    "Appointment",
    "Booking",
    "Envelope",
    "OpenedOnce",
    "PluginManager",
    "Plugins",
    "Preparation",
    "Proposal",
    "Receipts",
    "RegisterChannel",
    "Slot",
    "StockItem",
    "hook_names",
    "hookimpl",
    "hookspec",
    "load_plugins",
    "with_stand_ins",
]


def load_plugins(
    env: Mapping[str, str],
    *,
    zone: tzinfo,
    catalogue: Catalogue = EYE_CLINIC,
    extra: Iterable[object] = (),
    entry_points: bool = True,
) -> Plugins:
    """Return the plugins of one application: built-ins, installed entry points, then `extra`.

    The demo's stand-ins (console channel, template-week scheduler, stock room) come only when
    `env` chooses them (`SERVICEPLAN_STAND_INS=1`). An instance of a built-in class in `extra`
    (a `StockRoom` with the clinic's own drawer, say) replaces that default.
    """
    extra = list(extra)
    configured = {type(plugin) for plugin in extra}
    offered = builtin.builtins(zone, catalogue, stand_ins=flag(env, STAND_INS))
    defaults = [(n, p) for n, p in offered if type(p) not in configured]
    manager = build_manager(
        env,
        builtins=defaults,
        extra=extra,
        load_entry_points=entry_points,
        known=builtin.STAND_IN_NAMES,
    )
    names = frozenset(name for name, _ in defaults) | {
        manager.get_name(p) or "" for p in extra if isinstance(p, builtin.BUILTIN_TYPES)
    }
    return Plugins(manager, builtins=names, strict=flag(env, STRICT))
