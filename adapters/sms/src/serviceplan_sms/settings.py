"""How the text channel reaches Twilio's Messages API, read from the environment when used.

| variable | meaning |
|---|---|
| `SERVICEPLAN_SMS_ACCOUNT_SID` | the Twilio account; without it the channel stays off |
| `SERVICEPLAN_SMS_AUTH_TOKEN` | its auth token (basic auth out, signatures of replies in) |
| `SERVICEPLAN_SMS_FROM` | the clinic's number in E.164 form, or instead... |
| `SERVICEPLAN_SMS_MESSAGING_SERVICE` | ...a Messaging Service SID that picks the number |
| `SERVICEPLAN_SMS_BASE_URL` | the API's address (default `https://api.twilio.com`) |
| `SERVICEPLAN_SMS_INBOUND_URL` | the public URL Twilio posts replies to (checks their signature) |
| `SERVICEPLAN_SMS_RECEIPTS` | a SQLite file remembering what was sent and what is in flight |
| `SERVICEPLAN_SMS_TIMEOUT` | seconds to wait for one answer (default 5) |
| `SERVICEPLAN_SMS_TRIES` | tries within one delivery when Twilio is busy or failing (default 3) |
| `SERVICEPLAN_SMS_STOP_REPLY` | the one text confirming a STOP (default: none; Twilio's own may) |
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from serviceplan import PhoneNumber
from serviceplan.config import plugin_env
from serviceplan.errors import InvalidInput

PREFIX = "SERVICEPLAN_SMS_"
TWILIO = "https://api.twilio.com"
MAX_TRIES = 5
MAX_TEXT = 160


def _number(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None:
        PhoneNumber(value)


def _given(value: str, name: str) -> None:
    if not value.strip():
        raise InvalidInput(f"{name} must be given")


def _tries(value: int) -> None:
    if not 1 <= value <= MAX_TRIES:
        raise InvalidInput(f"tries must be from 1 to {MAX_TRIES} (got {value})")


def _url(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not value.startswith(("https://", "http://")):
        raise InvalidInput(f"{attribute.name} must be an http(s) URL (got {value!r})")


def _stop_reply(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and not 0 < len(value) <= MAX_TEXT:
        raise InvalidInput(f"the STOP confirmation is one text of 1 to {MAX_TEXT} characters")


def named(env: Mapping[str, str]) -> bool:
    """Say whether a Twilio account is named: then the channel is on, even if a setting is bad."""
    return bool((env.get(PREFIX + "ACCOUNT_SID") or "").strip())


@attrs.frozen
class SmsSettings:
    """The Twilio account and how patiently to call it; the token never appears in a repr."""

    account_sid: str = attrs.field(validator=lambda _, __, v: _given(v, "the account SID"))
    auth_token: str = attrs.field(repr=False, validator=lambda _, __, v: _given(v, "the token"))
    sender: str | None = attrs.field(default=None, validator=_number)
    messaging_service: str | None = None
    base_url: str = attrs.field(default=TWILIO, validator=_url)
    inbound_url: str | None = attrs.field(default=None, validator=_url)
    receipts_path: str | None = None
    timeout: float = 5.0
    tries: int = attrs.field(default=3, validator=lambda _, __, v: _tries(v))
    backoff: float = 0.5
    """Seconds to wait before the second try; doubled for each further one."""
    backoff_cap: float = 2.0
    """The longest wait between tries, also for a `Retry-After` that asks for more."""
    stop_reply: str | None = attrs.field(default=None, validator=_stop_reply)
    """The one text that confirms a STOP, sent in the answer to it; None sends none.

    Leave it None while Twilio's own opt-out handling answers STOP: one confirmation at most.
    """

    def __attrs_post_init__(self) -> None:
        if (self.sender is None) == (self.messaging_service is None):
            raise InvalidInput(
                f"name the clinic's number ({PREFIX}FROM) or a messaging service, not both"
            )

    @property
    def messages_url(self) -> str:
        """Where new messages are posted."""
        base = self.base_url.rstrip("/")
        return f"{base}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def wait_before(self, retry: int, asked: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1 for the second try), within the cap."""
        wait = self.backoff * 2 ** (retry - 1) if asked is None else asked
        return max(0.0, min(wait, self.backoff_cap))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmsSettings | None:
        """Read the settings, or None when no Twilio account is named (the channel is off)."""
        value = {name: (env.get(PREFIX + name) or "").strip() for name in _NAMES}
        if not value["ACCOUNT_SID"]:
            return None
        try:
            timeout = float(value["TIMEOUT"] or 5)
            tries = int(value["TRIES"] or 3)
        except ValueError as error:
            raise InvalidInput(f"bad {PREFIX}TIMEOUT or TRIES: {error}") from None
        return cls(
            account_sid=value["ACCOUNT_SID"],
            auth_token=value["AUTH_TOKEN"],
            sender=value["FROM"] or None,
            messaging_service=value["MESSAGING_SERVICE"] or None,
            base_url=value["BASE_URL"] or TWILIO,
            inbound_url=value["INBOUND_URL"] or None,
            receipts_path=value["RECEIPTS"] or None,
            timeout=timeout,
            tries=tries,
            stop_reply=(env.get(PREFIX + "STOP_REPLY") or "").strip() or None,
        )


_NAMES = (
    "ACCOUNT_SID", "AUTH_TOKEN", "FROM", "MESSAGING_SERVICE", "BASE_URL", "INBOUND_URL",
    "RECEIPTS", "TIMEOUT", "TRIES",
)  # fmt: skip


KEYS = tuple(n.lower() for n in (*_NAMES, "STOP_REPLY"))
"""The keys of the `[plugins.sms]` section: each is the variable `{PREFIX}<KEY>`."""


def environment() -> dict[str, str]:
    """Return the settings as variables: `[plugins.sms]`, under the process's (which win)."""
    return plugin_env("sms", PREFIX, KEYS)
