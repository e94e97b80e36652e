"""How the e-mail channel reaches the clinic's mail server, read from the environment when used.

| variable | meaning |
|---|---|
| `SERVICEPLAN_SMTP_HOST` | the mail server; without it the channel stays off |
| `SERVICEPLAN_SMTP_PORT` | its port (default 587 for `starttls`, 465 for `ssl`, 25 for `plain`) |
| `SERVICEPLAN_SMTP_MODE` | `starttls` (default), `ssl` (TLS from the first byte) or `plain` |
| `SERVICEPLAN_SMTP_USER`, `SERVICEPLAN_SMTP_PASSWORD` | the login, only ever sent over TLS |
| `SERVICEPLAN_SMTP_FROM` | the clinic's sending address (required) |
| `SERVICEPLAN_SMTP_CLINIC` | the clinic's name, shown as the sender and in subjects |
| `SERVICEPLAN_SMTP_CA_FILE` | certificates to trust instead of the system's (a private CA) |
| `SERVICEPLAN_SMTP_RECEIPTS` | a SQLite file remembering what was sent, across restarts |
| `SERVICEPLAN_SMTP_TIMEOUT` | seconds to wait for the server (default 10) |
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from enum import Enum

import attrs

from serviceplan import EmailAddress
from serviceplan.config import plugin_env
from serviceplan.errors import InvalidInput

PREFIX = "SERVICEPLAN_SMTP_"
MAX_CLINIC_NAME = 60


def named(env: Mapping[str, str]) -> bool:
    """Say whether a mail server is named: then the channel is on, even if a setting is bad."""
    return bool((env.get(PREFIX + "HOST") or "").strip())


class Mode(Enum):
    """How the connection to the mail server is protected."""

    STARTTLS = "starttls"
    SSL = "ssl"
    PLAIN = "plain"

    @property
    def default_port(self) -> int:
        """The port servers usually listen on in this mode."""
        return {Mode.STARTTLS: 587, Mode.SSL: 465, Mode.PLAIN: 25}[self]


def _sender(_: object, __: attrs.Attribute[str], value: str) -> None:
    EmailAddress(value)


def _clinic(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not value.strip() or len(value) > MAX_CLINIC_NAME or any(c in value for c in "\r\n"):
        raise InvalidInput(f"the clinic name must be one line of at most {MAX_CLINIC_NAME} chars")


@attrs.frozen
class SmtpSettings:
    """Where and how to send; the password never appears in a repr."""

    host: str = attrs.field(validator=attrs.validators.min_len(1))
    sender: str = attrs.field(validator=_sender)
    mode: Mode = Mode.STARTTLS
    port: int | None = None
    user: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    clinic_name: str = attrs.field(default="Your clinic", validator=_clinic)
    ca_file: str | None = None
    receipts_path: str | None = None
    timeout: float = 10.0

    def __attrs_post_init__(self) -> None:
        if self.user and self.mode is Mode.PLAIN:
            raise InvalidInput("a password is never sent unencrypted: use starttls or ssl")
        if self.user and not self.password:
            raise InvalidInput(f"a login needs a password ({PREFIX}PASSWORD)")

    @property
    def address(self) -> tuple[str, int]:
        """The server's host and port."""
        return self.host, self.port or self.mode.default_port

    @property
    def domain(self) -> str:
        """The sending address's domain, which names our Message-IDs and calendar entries."""
        return self.sender.rpartition("@")[2]

    def tls_context(self) -> ssl.SSLContext:
        """A client context that checks the server's certificate and name."""
        return ssl.create_default_context(cafile=self.ca_file)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """Read the settings, or return None when no mail server is named (the channel is off)."""
        value = {name: (env.get(PREFIX + name) or "").strip() for name in _NAMES}
        if not value["HOST"]:
            return None
        try:
            mode = Mode(value["MODE"].lower() or Mode.STARTTLS.value)
            port = int(value["PORT"]) if value["PORT"] else None
            timeout = float(value["TIMEOUT"] or 10)
        except ValueError as error:
            raise InvalidInput(f"bad {PREFIX}MODE, PORT or TIMEOUT: {error}") from None
        return cls(
            host=value["HOST"],
            sender=value["FROM"],
            mode=mode,
            port=port,
            user=value["USER"] or None,
            password=env.get(PREFIX + "PASSWORD") or None,
            clinic_name=value["CLINIC"] or "Your clinic",
            ca_file=value["CA_FILE"] or None,
            receipts_path=value["RECEIPTS"] or None,
            timeout=timeout,
        )


_NAMES = ("HOST", "PORT", "MODE", "USER", "FROM", "CLINIC", "CA_FILE", "RECEIPTS", "TIMEOUT")


KEYS = tuple(n.lower() for n in (*_NAMES, "PASSWORD"))
"""The keys of the `[plugins.smtp]` section: each is the variable `{PREFIX}<KEY>`."""


def environment() -> dict[str, str]:
    """Return the settings as variables: `[plugins.smtp]`, under the process's (which win)."""
    return plugin_env("smtp", PREFIX, KEYS)
