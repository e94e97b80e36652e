"""Where the FHIR server is and how to talk to it: base URL, timeout, schedules, the clinic's zone.

`FhirSettings.from_environment` reads `SERVICEPLAN_FHIR_*` variables, which is what the installed
entry point uses; a clinic's own start-up code may build the settings directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from serviceplan.errors import InvalidInput

URL = "SERVICEPLAN_FHIR_URL"
SCHEDULES = "SERVICEPLAN_FHIR_SCHEDULES"
TIMEOUT = "SERVICEPLAN_FHIR_TIMEOUT"
TIMEZONE = "SERVICEPLAN_FHIR_TIMEZONE"
TOKEN = "SERVICEPLAN_FHIR_TOKEN"  # noqa: S105 (the name of a variable, not a secret)


def _base(url: str) -> str:
    return str(url).rstrip("/")


def _copy(pairs: Mapping[str, str]) -> dict[str, str]:
    return dict(pairs)


def _http_url(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not value.startswith(("http://", "https://")):
        raise InvalidInput(f"the FHIR base URL must start with http:// or https:// (got {value!r})")


def _positive(_: object, __: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise InvalidInput(f"the FHIR timeout must be more than 0 seconds (got {value})")


@attrs.frozen
class FhirSettings:
    """How to reach the FHIR server and read it; `schedules` maps provider codes to Schedule ids.

    A provider missing from `schedules` is looked up as the Schedule with the provider's own code
    as its id. `morning_ends` bounds "the first slot of the morning" in the clinic's `zone`.
    """

    base_url: str = attrs.field(converter=_base, validator=_http_url)
    schedules: Mapping[str, str] = attrs.field(factory=dict, converter=_copy)
    timeout: float = attrs.field(default=10.0, validator=_positive)
    zone: tzinfo = UTC
    morning_ends: time = time(12)
    token: str | None = attrs.field(default=None, repr=False)
    codings: Mapping[str, str] = attrs.field(factory=dict, converter=_copy)
    """Visit types to the code system they belong to (`{"76164006": "http://snomed.info/sct"}`);
    a visit type not listed is the clinic's own code (`urn:serviceplan:visit-type`)."""
    reasons: Mapping[str, str] = attrs.field(factory=dict, converter=_copy)
    """Cancellation reasons (`system|code`, or `code`) to causes; unreadable ones are `unknown`."""

    def schedule_for(self, provider: str) -> str:
        """Return the id of the provider's Schedule."""
        return self.schedules.get(provider, provider)

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> FhirSettings | None:
        """Read the `SERVICEPLAN_FHIR_*` variables; None when no base URL is set."""
        url = env.get(URL, "").strip()
        if not url:
            return None
        return cls(
            base_url=url,
            schedules=_pairs(env.get(SCHEDULES, "")),
            timeout=_seconds(env.get(TIMEOUT, "").strip() or "10"),
            zone=_zone(env.get(TIMEZONE, "").strip() or "UTC"),
            token=env.get(TOKEN, "").strip() or None,
        )


def _pairs(text: str) -> dict[str, str]:
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        provider, equals, schedule = part.partition("=")
        if not equals or not provider.strip() or not schedule.strip():
            raise InvalidInput(f"{SCHEDULES} takes provider=schedule pairs (got {part!r})")
        pairs[provider.strip()] = schedule.strip()
    return pairs


def _seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{TIMEOUT} must be a number of seconds (got {text!r})") from None


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{TIMEZONE} must name a time zone like America/New_York") from None
