"""Each plugin's own section of the configuration, for the plugin to read with its variables.

An adapter reads its settings from variables named `SERVICEPLAN_<NAME>_<KEY>`; with a
configuration it reads `[plugins.<name>]` too, through `plugin_env`: the section's keys become
the same names, and a variable that is set still wins. A secret is never in the section: its key
ends in `_file` (the file holding it is read here) or `_env` (the variable holding it). The
section in use is the one of the configuration last opened in this process (`use_sections`):
one clinic per process, as the commands run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from serviceplan.config.secrets import from_file, from_variable
from serviceplan.errors import UnknownConfigKey

_lock = threading.Lock()
_in_use: dict[str, Mapping[str, Any]] = {}
_where: list[str] = ["the configuration"]
_folder: list[Path | None] = [None]


def use_sections(
    sections: Mapping[str, Mapping[str, Any]], where: str, folder: Path | None
) -> None:
    """Make these plugin sections the ones `plugin_env` reads (a configuration was opened)."""
    with _lock:
        _in_use.clear()
        _in_use.update(sections)
        _where[0], _folder[0] = where, folder


def plugin_section(name: str) -> dict[str, Any]:
    """Return the plugin's section as written (empty when there is none)."""
    with _lock:
        return dict(_in_use.get(name, {}))


def plugin_env(
    name: str,
    prefix: str,
    known: Iterable[str],
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return the plugin's settings as its variables: `[plugins.<name>]` under `environ`.

    `known` are the plugin's keys (lower case, as in the section); another key is refused, and
    so is a secret's key written without `_file` or `_env`. Secrets are read from where the
    section points.
    """
    env = os.environ if environ is None else environ
    names = {k.lower() for k in known}
    with _lock:
        section, where, folder = dict(_in_use.get(name, {})), _where[0], _folder[0]
    values: dict[str, str] = {}
    for key, value in section.items():
        dotted = f"plugins.{name}.{key}"
        bare = key if key in names else key.removesuffix("_file").removesuffix("_env")
        if bare not in names:
            spelt = ", ".join(sorted(names))
            fix = f"remove it, or spell one of the keys of [plugins.{name}]: {spelt}"
            raise UnknownConfigKey(where, dotted, "unknown key", fix)
        if key == bare:
            values[bare] = _text(value)
        elif key.endswith("_file"):
            path = Path(str(value)).expanduser()
            path = path if path.is_absolute() or folder is None else folder / path
            values[bare] = from_file(path, where, dotted)
        else:
            values[bare] = from_variable(str(value), where, dotted, env)
    merged = {f"{prefix}{key.upper()}": value for key, value in values.items()}
    merged.update({k: v for k, v in env.items() if k.startswith(prefix)})
    return {**env, **merged}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
