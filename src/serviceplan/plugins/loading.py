"""How plugins arrive: built-in defaults first, then the `serviceplan` entry points, then extras.

A broken entry point is logged (as an error) and skipped so one bad plugin never takes the clinic
down; the manager keeps it in `broken`, so a follower can refuse to start without it.
`SERVICEPLAN_STRICT_PLUGINS=1` re-raises instead, `SERVICEPLAN_DISABLE_PLUGINS=a,b` keeps plugins
out by name (a name that matches no plugin is reported), `SERVICEPLAN_TRACE_PLUGINS=1` logs every
hook call (names only, never arguments, which may hold patients' data), and
`SERVICEPLAN_STAND_INS=1` adds the demo's stand-ins (see `serviceplan.plugins.builtin`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import EntryPoint, entry_points

import pluggy

from serviceplan.errors import BrokenPlugins, ServicePlanError
from serviceplan.plugins.manager import PluginManager
from serviceplan.plugins.markers import PROJECT

ENTRY_POINT_GROUP = PROJECT
STRICT = "SERVICEPLAN_STRICT_PLUGINS"
DISABLE = "SERVICEPLAN_DISABLE_PLUGINS"
TRACE = "SERVICEPLAN_TRACE_PLUGINS"
STAND_INS = "SERVICEPLAN_STAND_INS"
MAX_REASON = 200

log = logging.getLogger("serviceplan.plugins")
trace_log = logging.getLogger("serviceplan.plugins.trace")


def flag(env: Mapping[str, str], name: str) -> bool:
    """Read a yes/no environment setting ("1", "true", "yes", "on" mean yes)."""
    return (env.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


def disabled_names(env: Mapping[str, str]) -> frozenset[str]:
    """Read the comma-separated plugin names to keep out."""
    return frozenset(n.strip() for n in (env.get(DISABLE) or "").split(",") if n.strip())


def with_stand_ins(env: Mapping[str, str]) -> dict[str, str]:
    """Return `env` with the demo's stand-ins chosen: for demos and tests, never for a clinic.

    The stand-ins are a console channel that keeps every message and sends none, and a
    scheduler and a stock room kept in memory.
    """
    return {**env, STAND_INS: "1"}


def installed() -> list[EntryPoint]:
    """Return the installed `serviceplan` entry points."""
    return list(entry_points(group=ENTRY_POINT_GROUP))


def build_manager(
    env: Mapping[str, str],
    *,
    builtins: Sequence[tuple[str, object]],
    extra: Iterable[object] = (),
    load_entry_points: bool = True,
    known: Iterable[str] = (),
) -> PluginManager:
    """Return a manager with the built-ins, the installed plugins and `extra`, in that order.

    `known` names plugins that may be disabled although they are not offered here (built-ins
    left out); a disabled name that matches nothing at all is reported.
    """
    manager = PluginManager()
    disabled = disabled_names(env)
    for name in disabled:
        manager.set_blocked(name)
    for name, plugin in builtins:
        if manager.register(plugin, name) is None:
            log.info("built-in plugin %s is disabled", name)
    found = installed()
    if load_entry_points:
        for entry_point in found:
            register_entry_point(manager, entry_point, strict=flag(env, STRICT))
    for plugin in extra:
        manager.register(plugin)
    names = {*known, *(n for n, _ in builtins), *(e.name for e in found)}
    names |= {name for name, plugin in manager.list_name_plugin() if plugin is not None}
    manager.unknown_disabled = frozenset(disabled - names)
    if manager.unknown_disabled:
        log.warning(
            "%s names no plugin: %s (known: %s)",
            DISABLE,
            ", ".join(sorted(manager.unknown_disabled)),
            ", ".join(sorted(names)),
        )
    if flag(env, TRACE):
        manager.add_hookcall_monitoring(_before, _after)
    return manager


def register_entry_point(manager: PluginManager, entry_point: EntryPoint, *, strict: bool) -> bool:
    """Load one entry point in its own `try`; return whether it was registered.

    A failure is logged as an error (the error's type and the start of its message; the
    traceback at debug level) and kept in `manager.broken`.
    """
    name = entry_point.name
    if manager.is_blocked(name):
        log.info("plugin %s is disabled by %s", name, DISABLE)
        return False
    try:
        plugin = entry_point.load()
        if isinstance(plugin, type):
            plugin = plugin()
        manager.register(plugin, name)
    except Exception as error:
        reason = f"{type(error).__name__}: {error}".strip().removesuffix(":")
        reason = reason.splitlines()[0][:MAX_REASON] if reason else "error"
        if strict and isinstance(error, ServicePlanError):
            raise
        if strict:
            raise BrokenPlugins(f"plugin {name} failed to load ({reason})") from error
        manager.broken[name] = reason
        log.error(  # noqa: TRY400 (the traceback goes to the debug level)
            "plugin %s failed to load and was skipped (%s); disable it with %s=%s",
            name,
            manager.broken[name],
            DISABLE,
            name,
        )
        log.debug("plugin %s failed to load", name, exc_info=True)
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
