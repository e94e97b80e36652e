"""A pluggy manager that refuses hooks serviceplan does not know, at the moment a plugin registers.

A misspelt hook (`serviceplan_free_slot`) or a foreign one (`pytest_configure`) is a plugin bug
that would otherwise be ignored in silence: here it is refused with the names that do exist.
"""

from __future__ import annotations

import inspect
import types

import pluggy
from pluggy import HookimplOpts

from serviceplan.errors import InvalidPlugin
from serviceplan.plugins import hookspecs
from serviceplan.plugins.markers import HOOK_PREFIX, PROJECT

HOOKABLE = (staticmethod, classmethod, types.MethodType)


class PluginManager(pluggy.PluginManager):
    """One per application: serviceplan's hook specifications, checked on registration."""

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.add_hookspecs(hookspecs)
        self.broken: dict[str, str] = {}
        """The installed plugins that failed to load, with the reason (error type and message)."""
        self.unknown_disabled: frozenset[str] = frozenset()
        """Names in SERVICEPLAN_DISABLE_PLUGINS that match no plugin."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> HookimplOpts | None:
        """Take marked functions and, like pytest, unmarked ones named `serviceplan_*`."""
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith(HOOK_PREFIX):
            found = inspect.getattr_static(plugin, name, None)
            if inspect.isfunction(found) or isinstance(found, HOOKABLE):
                return HookimplOpts(
                    wrapper=False, hookwrapper=False, optionalhook=False,
                    tryfirst=False, trylast=False, specname=None,
                )  # fmt: skip
        return opts

    def get_canonical_name(self, plugin: object) -> str:
        """Name a plugin by its `__name__`, else by its class (`Gateway`, `Gateway-2`...).

        pluggy would name an instance by `id()`: a number that changes every run, and that a
        receipt would carry into the record as the notice's `via`.
        """
        name = getattr(plugin, "__name__", None)
        if isinstance(name, str):
            return name
        base, n = type(plugin).__qualname__, 1
        candidate = base
        while (held := self.get_plugin(candidate)) is not None and held is not plugin:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register `plugin` after checking each of its hooks is a known `serviceplan_*` hook."""
        for attr in dir(plugin):
            opts = self.parse_hookimpl_opts(plugin, attr)
            if opts is not None:
                self._check_hook_name(plugin, opts.get("specname") or attr)
        return super().register(plugin, name)

    def _check_hook_name(self, plugin: object, hook_name: str) -> None:
        label = getattr(plugin, "__name__", type(plugin).__name__)
        if not hook_name.startswith(HOOK_PREFIX):
            msg = f"plugin {label} implements {hook_name}, which is not a serviceplan_* hook"
            raise InvalidPlugin(msg)
        caller = getattr(self.hook, hook_name, None)
        if caller is None or not caller.has_spec():
            known = ", ".join(hook_names())
            raise InvalidPlugin(
                f"plugin {label} implements unknown hook {hook_name}; known: {known}"
            )


def hook_names() -> list[str]:
    """Return the name of every hook serviceplan specifies, sorted."""
    return sorted(n for n in vars(hookspecs) if n.startswith(HOOK_PREFIX))
