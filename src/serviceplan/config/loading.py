"""Finding and reading a clinic's configuration file, with single values from the environment.

The file is found by `--config`, then `$SERVICEPLAN_CONFIG`, then the default path
(`$XDG_CONFIG_HOME/serviceplan/serviceplan.toml`, `~/.config/...` when unset). It is TOML read
by the standard library (`tomllib`: no dependency for a format Python reads itself) and typed by
msgspec (`serviceplan.config.schema`). `SERVICEPLAN_<SECTION>_<KEY>` overrides one value of the
clinic, rules, store, delivery and views sections (`SERVICEPLAN_CLINIC_TIMEZONE`, say); a
plugin's section is overridden by the plugin's own variables. A problem is refused with the file
(or the variable), the key, what is wrong and the fix; a secret is refused, never quoted.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from serviceplan.config import schema
from serviceplan.errors import (
    BadConfigValue,
    ConfigProblem,
    NoConfigFile,
    SecretInConfig,
    UnknownConfigKey,
)

CONFIG_ENV = "SERVICEPLAN_CONFIG"
ENV_PREFIX = "SERVICEPLAN_"
OVERRIDDEN = ("clinic", "rules", "store", "delivery", "views")
"""The sections whose single values a variable may override."""
SECRET_WORDS = ("password", "token", "secret", "auth", "key", "credential")
"""A key whose name holds one of these words holds a secret when its value is text."""
SECRET_SOURCES = ("_file", "_env")
"""A secret's key ends in one of these: where the secret is, never what it is."""
_WHERE = re.compile(r"^(?P<problem>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Return where a clinic's configuration is looked for when none is named."""
    env = os.environ if environ is None else environ
    home = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(home) / "serviceplan" / "serviceplan.toml"


def find_config(given: Path | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """Return the configuration file to read: given, named by the variable, or the default one.

    A file named by `--config` or `$SERVICEPLAN_CONFIG` must exist; the default may be missing
    (None: no configuration).
    """
    env = os.environ if environ is None else environ
    named = given if given is not None else (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    if named is not None:
        if not named.is_file():
            source = "--config" if given is not None else f"${CONFIG_ENV}"
            fix = "write one with `serviceplan init`, or name the right file"
            raise NoConfigFile(
                str(named), "", f"no configuration file there (named by {source})", fix
            )
        return named
    default = default_config_path(env)
    return default if default.is_file() else None


def read_file(path: Path) -> dict[str, Any]:
    """Return the file's tables as parsed, or refuse a file that is not TOML."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        fix = "check the path and its permissions"
        raise NoConfigFile(str(path), "", f"cannot be read ({type(error).__name__})", fix) from None
    except tomllib.TOMLDecodeError as error:
        fix = "write it as TOML (see docs/operations.md, 'Configuring a clinic')"
        raise BadConfigValue(str(path), "", f"is not TOML: {error}", fix) from None


def refuse_secrets(where: str, table: Mapping[str, Any], prefix: str = "") -> None:
    """Refuse a secret written in the file: it belongs in a file or a variable, named here."""
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            refuse_secrets(where, value, f"{dotted}.")
        elif isinstance(value, str) and is_secret(str(key)):
            fix = (
                f"keep it out of this file: name a file holding it ({key}_file = ...) or a"
                f" variable ({key}_env = ...)"
            )
            raise SecretInConfig(where, dotted, "a secret is written in the file", fix)


def is_secret(key: str) -> bool:
    """Say whether a key names a secret itself (not where one is kept)."""
    lowered = key.lower()
    if lowered.endswith(SECRET_SOURCES) or lowered in {"key_id", "account_sid"}:
        return False
    return any(word in lowered.split("_") for word in SECRET_WORDS)


def overridden(
    tables: dict[str, Any], environ: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the tables with single values from `SERVICEPLAN_<SECTION>_<KEY>` variables.

    Also returns which dotted key each variable set, so that a problem names the variable.
    """
    result = {
        name: dict(table) if isinstance(table, Mapping) else table for name, table in tables.items()
    }
    sources: dict[str, str] = {}
    for section in OVERRIDDEN:
        kind = _section_type(section)
        for field in msgspec.structs.fields(kind):
            variable = f"{ENV_PREFIX}{section.upper()}_{field.name.upper()}"
            text = environ.get(variable)
            if text is None or _is_table(field.type):
                continue
            table = result.setdefault(section, {})
            if not isinstance(table, dict):
                continue
            table[field.name] = _from_text(text, field.type)
            sources[f"{section}.{field.name}"] = variable
    return result, sources


def typed(tables: Mapping[str, Any], where: str, sources: Mapping[str, str]) -> schema.File:
    """Return the file typed, or refuse an unknown key or a value of the wrong type."""
    try:
        return msgspec.convert(tables, schema.File, strict=False)
    except msgspec.ValidationError as error:
        raise _problem(str(error), where, sources) from None


def _problem(message: str, where: str, sources: Mapping[str, str]) -> ConfigProblem:
    found = _WHERE.match(message)
    problem = found["problem"] if found else message
    path = (found["path"] or "").lstrip(".") if found else ""
    unknown = re.match(r"Object contains unknown field `(?P<key>[^`]*)`", problem)
    if unknown:
        dotted = f"{path}.{unknown['key']}" if path else unknown["key"]
        known = ", ".join(_known_keys(path)) or "none"
        fix = f"remove it, or spell a known key of [{path or 'the file'}]: {known}"
        return UnknownConfigKey(where, dotted, "unknown key", fix)
    missing = re.match(r"Object missing required field `(?P<key>[^`]*)`", problem)
    if missing:
        dotted = f"{path}.{missing['key']}" if path else missing["key"]
        return BadConfigValue(where, dotted, "missing", "give it (see docs/operations.md)")
    source = sources.get(path)
    place = f"${source}" if source else where
    fix = "give a value of that type (see docs/operations.md, 'Configuring a clinic')"
    problem = problem.replace(" | null", "")
    return BadConfigValue(place, path, problem[:1].lower() + problem[1:], fix)


def _known_keys(path: str) -> list[str]:
    kind: Any = schema.File
    for part in re.sub(r"\[\d+\]", "", path).split("."):
        if not part:
            continue
        found = next((f for f in msgspec.structs.fields(kind) if f.name == part), None)
        if found is None:
            return []
        kind = _struct_of(found.type)
        if kind is None:
            return []
    return [f.name for f in msgspec.structs.fields(kind)]


def _struct_of(annotation: Any) -> type[msgspec.Struct] | None:  # noqa: ANN401 (a type annotation)
    """Return the struct a field holds (alone, optional, or in a list), if it holds one."""
    info = msgspec.inspect.type_info(annotation)
    for candidate in (info, *getattr(info, "types", ())):
        item = getattr(candidate, "item_type", candidate)
        if isinstance(item, msgspec.inspect.StructType):
            return item.cls
    return None


def _section_type(section: str) -> type[msgspec.Struct]:
    field = next(f for f in msgspec.structs.fields(schema.File) if f.name == section)
    found = _struct_of(field.type)
    assert found is not None  # noqa: S101 (every section of the file is a struct)
    return found


def _is_table(annotation: Any) -> bool:  # noqa: ANN401 (a type annotation)
    return _struct_of(annotation) is not None


def _from_text(text: str, annotation: Any) -> object:  # noqa: ANN401 (a type annotation)
    """Read a variable's text as the key's type wants it: a list is comma-separated."""
    info = msgspec.inspect.type_info(annotation)
    kinds = (info, *getattr(info, "types", ()))
    if any(isinstance(k, msgspec.inspect.ListType) for k in kinds):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text
