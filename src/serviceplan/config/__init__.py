"""A clinic's configuration: one TOML file, read the same way by the library and every command.

`load_config(path)` finds and reads it (`--config`, then `$SERVICEPLAN_CONFIG`, then the default
path), lets `SERVICEPLAN_<SECTION>_<KEY>` variables override single values, and returns a typed
`ClinicConfig`; `ServicePlan.from_config` and the commands open a plan from it. See
docs/operations.md, "Configuring a clinic".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from serviceplan.config.building import ClinicConfig, masked_section
from serviceplan.config.loading import (
    CONFIG_ENV,
    default_config_path,
    find_config,
    overridden,
    read_file,
    refuse_secrets,
    typed,
)
from serviceplan.config.sections import plugin_env, plugin_section, use_sections
from serviceplan.errors import BadConfigValue

__all__ = [
    "CONFIG_ENV",
    "ClinicConfig",
    "default_config_path",
    "find_config",
    "load_config",
    "masked_section",
    "plugin_env",
    "plugin_section",
    "use_sections",
]


def load_config(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> ClinicConfig:
    """Return the clinic's configuration: the file found, with the variables' overrides.

    With no file named nor found at the default path, the configuration is the variables' and
    the defaults'. Each plugin's section becomes the one its plugin reads (`plugin_env`).
    """
    env = os.environ if environ is None else environ
    found = find_config(None if path is None else Path(path), env)
    tables: dict[str, Any] = {} if found is None else read_file(found)
    where = str(found) if found is not None else "the configuration"
    refuse_secrets(where, tables)
    plugins = tables.get("plugins", {})
    if not isinstance(plugins, dict):
        raise BadConfigValue(where, "plugins", "is not a table", "write it as [plugins]")
    sections = {k: v for k, v in plugins.items() if isinstance(v, dict)}
    tables = {**tables, "plugins": {k: v for k, v in plugins.items() if k not in sections}}
    tables, sources = overridden(tables, env)
    config = ClinicConfig(typed(tables, where, sources), found, sections, sources)
    use_sections(sections, where, None if found is None else found.parent)
    return config
