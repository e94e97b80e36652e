"""Where the webhook channel posts, and the secret it signs with, read from the environment.

| variable | meaning |
|---|---|
| `SERVICEPLAN_WEBHOOK_URL` | the clinic's receiver; without it the channel stays off |
| `SERVICEPLAN_WEBHOOK_SECRET` | the shared secret: `whsec_` and base64, or 16 characters or more |
| `SERVICEPLAN_WEBHOOK_CHANNELS` | channels to deliver on, comma-separated (default `portal`) |
| `SERVICEPLAN_WEBHOOK_RECEIPTS` | a SQLite file remembering what was sent, across restarts |
| `SERVICEPLAN_WEBHOOK_TIMEOUT` | seconds to wait for the receiver (default 5) |
| `SERVICEPLAN_WEBHOOK_LOOK_UP` | `1`: the receiver answers look-ups (`GET <url>/<webhook-id>`) |

The URL must be `https`, except on loopback: a notice holds a patient's address and words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import attrs

from serviceplan import Channel
from serviceplan.config import plugin_env
from serviceplan.errors import InvalidInput
from serviceplan_webhook.signing import STANDARD_KEY_BYTES, WHSEC, key_bytes

PREFIX = "SERVICEPLAN_WEBHOOK_"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
MIN_SECRET = 16
YES = frozenset({"1", "true", "yes", "on"})


def _url(_: object, __: attrs.Attribute[str], value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return
    raise InvalidInput("the webhook URL must be https (plain http only on loopback)")


def _secret(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not value.startswith(WHSEC):
        if len(value) < MIN_SECRET:
            raise InvalidInput(f"the webhook secret must be at least {MIN_SECRET} characters")
        return
    try:
        size = len(key_bytes(value))
    except ValueError:
        raise InvalidInput("a whsec_ webhook secret is base64 after the prefix") from None
    low, high = STANDARD_KEY_BYTES
    if not low <= size <= high:
        raise InvalidInput(f"a whsec_ webhook secret holds {low} to {high} bytes, not {size}")


def _channels(
    _: object, __: attrs.Attribute[frozenset[Channel]], value: frozenset[Channel]
) -> None:
    if not value or not all(isinstance(c, Channel) for c in value):
        raise InvalidInput("the webhook must deliver on at least one Channel")


def _as_channels(value: Iterable[Channel]) -> frozenset[Channel]:
    return frozenset(value)


def named_channels(env: Mapping[str, str]) -> frozenset[Channel]:
    """The channels asked for once a receiver is named (none before), even if a setting is bad."""
    if not (env.get(PREFIX + "URL") or "").strip():
        return frozenset()
    names = {name.strip().lower() for name in (env.get(PREFIX + "CHANNELS") or "").split(",")}
    return frozenset(c for c in Channel if c.value in names) or frozenset({Channel.PORTAL})


@attrs.frozen
class WebhookSettings:
    """The receiver and the shared secret; the secret never appears in a repr."""

    url: str = attrs.field(validator=_url)
    secret: str = attrs.field(repr=False, validator=_secret)
    channels: frozenset[Channel] = attrs.field(
        default=frozenset({Channel.PORTAL}), converter=_as_channels, validator=_channels
    )
    receipts_path: str | None = None
    timeout: float = 5.0
    look_up: bool = False
    """The receiver answers `GET <url>/<webhook-id>`: 200 with its id if it got the notice, 404."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebhookSettings | None:
        """Read the settings, or None when no receiver is named (the channel is off)."""
        url = (env.get(PREFIX + "URL") or "").strip()
        if not url:
            return None
        names = (env.get(PREFIX + "CHANNELS") or "portal").split(",")
        try:
            channels = frozenset(Channel(name.strip().lower()) for name in names if name.strip())
            timeout = float(env.get(PREFIX + "TIMEOUT") or 5)
        except ValueError as error:
            raise InvalidInput(f"bad {PREFIX}CHANNELS or TIMEOUT: {error}") from None
        return cls(
            url=url,
            secret=env.get(PREFIX + "SECRET") or "",
            channels=channels,
            receipts_path=(env.get(PREFIX + "RECEIPTS") or "").strip() or None,
            timeout=timeout,
            look_up=(env.get(PREFIX + "LOOK_UP") or "").strip().lower() in YES,
        )


KEYS = ("url", "channels", "timeout", "secret", "receipts", "look_up")
"""The keys of the `[plugins.webhook]` section: each is the variable `{PREFIX}<KEY>`."""


def environment() -> dict[str, str]:
    """Return the settings as variables: `[plugins.webhook]`, under the process's (which win)."""
    return plugin_env("webhook", PREFIX, KEYS)
