"""The three ways serviceplan calls a hook, through pluggy: first answer, each plugin, one plugin.

Every call goes through the plugin manager's hook callers, so what pluggy promises holds:
wrappers run, `add_hookcall_monitoring` sees each call, a `firstresult` hook stops at the first
answer. pluggy stops calling the remaining implementations once one raises; where every plugin
must be heard (channels, playbooks) each is asked through a caller of its own
(`subset_hook_caller`), in its own `try`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from pluggy import HookCaller

from serviceplan.errors import InvalidPlugin, NoPlugin
from serviceplan.plugins.manager import PluginManager

log = logging.getLogger("serviceplan.plugins")
T = TypeVar("T")
_NOT_CODE = re.compile(r"[^A-Za-z0-9._:-]+")


def plugin_label(name: str) -> str:
    """Return a plugin's name as a short code fit for an event (`via`)."""
    label = _NOT_CODE.sub("-", name).strip("-._:")[:64]
    return label or "plugin"


class Caller:
    """Calls hooks on one plugin manager; `strict` re-raises what would be logged and skipped."""

    def __init__(self, manager: PluginManager, *, strict: bool = False) -> None:
        self.manager = manager
        self.strict = strict

    def hook(self, name: str) -> HookCaller:
        """Return pluggy's caller of the hook `name`."""
        caller: HookCaller = getattr(self.manager.hook, name)
        return caller

    def implementers(self, hook: str) -> list[str]:
        """Return the names of the plugins implementing `hook`, in the order pluggy calls them."""
        impls = self.hook(hook).get_hookimpls()
        return [i.plugin_name for i in reversed(impls) if not (i.wrapper or i.hookwrapper)]

    def first(self, hook: str, **kwargs: object) -> tuple[str, Any]:
        """Call a `firstresult` hook as pluggy does: the first answer that is not None wins.

        Returns the name of the plugin first in line (for messages) and the answer; a plugin's
        error reaches the caller. No plugin at all raises `NoPlugin`.
        """
        names = self.implementers(hook)
        if not names:
            raise NoPlugin(f"no plugin implements {hook}: install one for this role")
        return names[0], self.hook(hook)(**kwargs)

    def only(self, hook: str, plugin_name: str, **kwargs: object) -> Any:  # noqa: ANN401
        """Call `plugin_name`'s implementation of `hook` alone, through pluggy (wrappers too)."""
        impls = self.hook(hook).get_hookimpls()
        others = [
            i.plugin
            for i in impls
            if i.plugin_name != plugin_name and not (i.wrapper or i.hookwrapper)
        ]
        caller = self.manager.subset_hook_caller(hook, remove_plugins=others)
        answers = caller(**kwargs)
        if caller.spec is not None and caller.spec.opts.get("firstresult"):
            return answers
        return answers[0] if answers else None

    def each(self, hook: str, check: Callable[[str, Any], T], **kwargs: object) -> list[T]:
        """Ask every plugin in turn, each in its own `try`: a broken one is logged and skipped.

        `check(plugin_name, answer)` returns the answer in the form wanted or raises.
        """
        answers: list[T] = []
        for name in self.implementers(hook):
            ok, answer = self.guarded(hook, name, partial(self._checked, check, hook, name, kwargs))
            if ok and answer is not None:
                answers.append(answer)
        return answers

    def _checked(
        self, check: Callable[[str, Any], T], hook: str, name: str, kwargs: dict[str, object]
    ) -> T:
        return check(name, self.only(hook, name, **kwargs))

    def guarded(self, hook: str, name: str, call: Callable[[], T]) -> tuple[bool, T | None]:
        """Run one plugin's `call`; on error log and return (False, None), or re-raise if strict.

        The log names the plugin, the hook and the error's type; its message and traceback, which
        may quote a patient's record, go to the debug level only.
        """
        try:
            return True, call()
        except Exception as error:
            if self.strict:
                raise
            kind = type(error).__name__
            log.error("plugin %s failed in %s (%s) and was skipped", name, hook, kind)  # noqa: TRY400
            log.debug("plugin %s failed in %s", name, hook, exc_info=True)
            return False, None


def expect(value: object, kind: type[T], hook: str, plugin: str) -> T:
    """Return `value` if it has the type the hook promises, else blame the plugin."""
    if not isinstance(value, kind):
        msg = f"plugin {plugin} returned {type(value).__name__} from {hook}"
        raise InvalidPlugin(msg)
    return value


def expect_list(value: object, item: type[T], hook: str, plugin: str) -> list[T]:
    """Return `value` if it is a list (or tuple) of `item`, else blame the plugin."""
    if not isinstance(value, (list, tuple)):
        msg = f"plugin {plugin} returned {type(value).__name__} from {hook}, not a list"
        raise InvalidPlugin(msg)
    return [expect(each, item, hook, plugin) for each in value]
