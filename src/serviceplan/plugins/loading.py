"""How plugins arrive: built-in defaults first, then the `serviceplan` entry points, then extras.

A broken entry point is logged and skipped so one bad plugin never takes the clinic down;
`SERVICEPLAN_STRICT_PLUGINS=1` re-raises instead, `SERVICEPLAN_DISABLE_PLUGINS=a,b` keeps plugins
out by name and `SERVICEPLAN_TRACE_PLUGINS=1` logs every hook call (names only, never arguments,
which may hold patients' data).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import EntryPoint, entry_points

import pluggy

from serviceplan.plugins.manager import PluginManager
from serviceplan.plugins.markers import PROJECT

ENTRY_POINT_GROUP = PROJECT
STRICT = "SERVICEPLAN_STRICT_PLUGINS"
DISABLE = "SERVICEPLAN_DISABLE_PLUGINS"
TRACE = "SERVICEPLAN_TRACE_PLUGINS"

log = logging.getLogger("serviceplan.plugins")
trace_log = logging.getLogger("serviceplan.plugins.trace")


def flag(env: Mapping[str, str], name: str) -> bool:
    """Read a yes/no environment setting ("1", "true", "yes", "on" mean yes)."""
    return (env.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


def disabled_names(env: Mapping[str, str]) -> frozenset[str]:
    """Read the comma-separated plugin names to keep out."""
    return frozenset(n.strip() for n in (env.get(DISABLE) or "").split(",") if n.strip())


def build_manager(
    env: Mapping[str, str],
    *,
    builtins: Sequence[tuple[str, object]],
    extra: Iterable[object] = (),
    load_entry_points: bool = True,
) -> PluginManager:
    """Return a manager with the built-ins, the installed plugins and `extra`, in that order."""
    manager = PluginManager()
    for name in disabled_names(env):
        manager.set_blocked(name)
    for name, plugin in builtins:
        if manager.register(plugin, name) is None:
            log.info("built-in plugin %s is disabled", name)
    if load_entry_points:
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            register_entry_point(manager, entry_point, strict=flag(env, STRICT))
    for plugin in extra:
        manager.register(plugin)
    if flag(env, TRACE):
        manager.add_hookcall_monitoring(_before, _after)
    return manager


def register_entry_point(manager: PluginManager, entry_point: EntryPoint, *, strict: bool) -> bool:
    """Load one entry point in its own `try`; return whether it was registered."""
    name = entry_point.name
    if manager.is_blocked(name):
        log.info("plugin %s is disabled by %s", name, DISABLE)
        return False
    try:
        plugin = entry_point.load()
        if isinstance(plugin, type):
            plugin = plugin()
        manager.register(plugin, name)
    except Exception:
        if strict:
            raise
        log.exception("plugin %s failed to load and was skipped", name)
        return False
    log.info("plugin %s loaded from %s", name, entry_point.value)
    return True


def _before(hook: str, impls: Sequence[pluggy.HookImpl], _: Mapping[str, object]) -> None:
    trace_log.info("%s: calling %s", hook, ", ".join(i.plugin_name for i in reversed(impls)))


def _after(
    outcome: pluggy.Result[object],
    hook: str,
    _: Sequence[pluggy.HookImpl],
    __: Mapping[str, object],
) -> None:
    if outcome.exception is not None:
        trace_log.info("%s: raised %s", hook, type(outcome.exception).__name__)
    else:
        trace_log.info("%s: returned %s", hook, type(outcome.get_result()).__name__)
