"""The two pluggy markers of serviceplan: one for the hook specifications, one for plugins."""

from __future__ import annotations

import pluggy

PROJECT = "serviceplan"
HOOK_PREFIX = f"{PROJECT}_"

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marks a hook specification (used only in `serviceplan.plugins.hookspecs`)."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a plugin's hook implementation: `@hookimpl` or `@hookimpl(trylast=True)`."""
