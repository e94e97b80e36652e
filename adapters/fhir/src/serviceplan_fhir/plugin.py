"""The `fhir` entry point: the FHIR scheduler the environment configures, or nothing at all.

A scheduler answers alone, so an installed but unconfigured adapter that answered would take the
role from the built-in template week and then fail every call. Without `SERVICEPLAN_FHIR_URL` the
entry point gives a plugin with no hooks, and the template week keeps answering.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from serviceplan.config import plugin_env
from serviceplan_fhir.scheduler import FhirScheduler
from serviceplan_fhir.settings import URL, FhirSettings

PREFIX = "SERVICEPLAN_FHIR_"
KEYS = ("url", "schedules", "timeout", "timezone", "token")
"""The keys of `[plugins.fhir]`: each is the variable `SERVICEPLAN_FHIR_<KEY>` (token: a file or
a variable only, `token_file` or `token_env`)."""

log = logging.getLogger("serviceplan_fhir")


class Dormant:
    """The adapter when no FHIR server is named: no hooks, so the role stays with the others."""

    def __init__(self, missing: str) -> None:
        self.missing = missing


def from_environment(env: Mapping[str, str]) -> FhirScheduler | Dormant:
    """Return the scheduler the `SERVICEPLAN_FHIR_*` variables describe, or a dormant plugin."""
    settings = FhirSettings.from_environment(env)
    if settings is None:
        log.info("fhir adapter idle: %s is not set", URL)
        return Dormant(URL)
    return FhirScheduler(settings)


class FromEnvironment:
    """What the entry point names; building it reads the process environment (see module)."""

    def __new__(cls) -> Any:  # noqa: ANN401 (the configured plugin or a dormant one, not cls)
        """Return the plugin `from_environment` builds from `[plugins.fhir]` and the variables."""
        return from_environment(plugin_env("fhir", PREFIX, KEYS))
