"""Secrets a configuration points at, read when used and never shown: files, variables, commands.

A configuration names where a secret is (`*_file`, `*_env`, a key's `command`), never the
secret itself. What is read here is checked and handed on; a problem names the place, not the
value.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from serviceplan.errors import BadConfigValue

MASK = "****"
COMMAND_SECONDS = 30


def from_file(path: Path, where: str, key: str) -> str:
    """Return the secret in the file at `path`, stripped."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        fix = "name a readable file that holds only the secret"
        raise BadConfigValue(
            where, key, f"cannot read {path} ({type(error).__name__})", fix
        ) from None


def from_variable(name: str, where: str, key: str, environ: Mapping[str, str] | None = None) -> str:
    """Return the secret in the variable `name`, which must be set."""
    value = (os.environ if environ is None else environ).get(name, "").strip()
    if not value:
        raise BadConfigValue(where, key, f"the variable {name} is not set", f"set {name}")
    return value


def from_command(argv: Sequence[str], where: str, key: str) -> str:
    """Return what the command prints (its first line), run without a shell."""
    if not argv:
        raise BadConfigValue(where, key, "the command is empty", 'give it as ["program", "arg"]')
    try:
        done = subprocess.run(  # noqa: S603 (the operator's own command, no shell)
            list(argv), capture_output=True, check=False, timeout=COMMAND_SECONDS, text=True
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        fix = "name a program that prints the key"
        raise BadConfigValue(
            where, key, f"{argv[0]} cannot run ({type(error).__name__})", fix
        ) from None
    if done.returncode != 0 or not done.stdout.strip():
        fix = "make it print the key and exit with 0"
        raise BadConfigValue(where, key, f"{argv[0]} exited with {done.returncode}", fix)
    return done.stdout.strip().splitlines()[0]
