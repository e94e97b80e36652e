"""The three ways serviceplan calls a hook: one owner answers, every plugin answers, or one plugin.

pluggy stops at the first implementation that raises, and a catching wrapper does not change
that. Where every plugin must be heard (channels, playbooks) each implementation is called here,
one at a time, each in its own `try`; with tracing on, each call is logged by name only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from serviceplan.errors import InvalidPlugin, NoPlugin
from serviceplan.plugins.manager import PluginManager

log = logging.getLogger("serviceplan.plugins")
trace_log = logging.getLogger("serviceplan.plugins.trace")
T = TypeVar("T")
_NOT_CODE = re.compile(r"[^A-Za-z0-9._:-]+")


def plugin_label(name: str) -> str:
    """Return a plugin's name as a short code fit for an event (`via`)."""
    label = _NOT_CODE.sub("-", name).strip("-._:")[:64]
    return label or "plugin"


class Caller:
    """Calls hooks on one plugin manager; `strict` re-raises what would be logged and skipped."""

    def __init__(
        self, manager: PluginManager, *, strict: bool = False, trace: bool = False
    ) -> None:
        self.manager = manager
        self.strict = strict
        self.trace = trace

    def implementers(self, hook: str) -> list[str]:
        """Return the names of the plugins implementing `hook`, in the order pluggy calls them."""
        impls = getattr(self.manager.hook, hook).get_hookimpls()
        return [i.plugin_name for i in reversed(impls) if not (i.wrapper or i.hookwrapper)]

    def one(self, hook: str, plugin_name: str, **kwargs: object) -> Any:  # noqa: ANN401
        """Call only `plugin_name`'s implementation of `hook` and return its answer."""
        impls = getattr(self.manager.hook, hook).get_hookimpls()
        impl = next(i for i in impls if i.plugin_name == plugin_name)
        if self.trace:
            trace_log.info("%s: calling %s", hook, plugin_name)
        try:
            answer = impl.function(*(kwargs[name] for name in impl.argnames))
        except Exception as error:
            if self.trace:
                trace_log.info("%s: %s raised %s", hook, plugin_name, type(error).__name__)
            raise
        if self.trace:
            trace_log.info("%s: %s returned %s", hook, plugin_name, type(answer).__name__)
        return answer

    def owner(self, hook: str, **kwargs: object) -> tuple[str, Any]:
        """Ask the highest-priority plugin alone; its errors reach the caller."""
        names = self.implementers(hook)
        if not names:
            raise NoPlugin(f"no plugin implements {hook}")
        return names[0], self.one(hook, names[0], **kwargs)

    def each(self, hook: str, check: Callable[[str, Any], Any], **kwargs: object) -> list[Any]:
        """Ask every plugin in turn, each in its own `try`: a broken one is logged and skipped.

        `check(plugin_name, answer)` returns the answer in the form wanted or raises.
        """
        answers = []
        for name in self.implementers(hook):
            ok, answer = self.guarded(hook, name, partial(self._checked, check, hook, name, kwargs))
            if ok:
                answers.append(answer)
        return answers

    def _checked(
        self, check: Callable[[str, Any], Any], hook: str, name: str, kwargs: dict[str, object]
    ) -> Any:  # noqa: ANN401 (whatever `check` makes of the answer)
        return check(name, self.one(hook, name, **kwargs))

    def guarded(self, hook: str, name: str, call: Callable[[], Any]) -> tuple[bool, Any]:
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
