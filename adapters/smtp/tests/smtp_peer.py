"""A real SMTP server on loopback (aiosmtpd), in the three modes a clinic's server may speak.

It keeps every message it accepts, parsed, with how it came: over TLS or not, logged in or not.
Its mailbox shows a message once per Message-ID, as many mail stores do. Made to misbehave, it
can take a message and then lose its answer (a seeded share: the connection closes before the
250), and a test can act the moment a message is taken (to kill the worker that sent it).
"""

from __future__ import annotations

import random
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import attrs
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "desk", "correct horse battery staple"


@attrs.frozen
class Received:
    """One message as the server took it."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage
    encrypted: bool
    logged_in: bool


class Inbox:
    """The server's handler: accepts every message and keeps it (or, in an outage, refuses it)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refusing = False
        self.losing: tuple[random.Random, float] | None = None
        self.lost = 0
        self.on_accept: Callable[[str], None] | None = None

    def lose_answers(self, seed: int, rate: float) -> None:
        """From now on, take a message and then drop the connection for a `rate` share of them."""
        self.losing = (random.Random(seed), rate)  # noqa: S311 (a seeded test, not a secret)

    @property
    def shown(self) -> list[str]:
        """The Message-IDs a mailbox that collapses repeats shows, in order of arrival."""
        return list(dict.fromkeys(str(r.message["Message-ID"]) for r in self.received))

    def probe(self, message_id: str) -> int:
        """How many messages with `message_id` arrived (repeats too)."""
        return sum(1 for r in self.received if r.message["Message-ID"] == message_id)

    @contextmanager
    def outage(self) -> Iterator[None]:
        """Refuse every message (451, try later) for the length of a block."""
        self.refusing = True
        try:
            yield
        finally:
            self.refusing = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.refusing:
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(
            Received(
                sender=envelope.mail_from,
                recipients=tuple(envelope.rcpt_tos),
                message=message,
                encrypted=server.transport.get_extra_info("ssl_object") is not None,
                logged_in=bool(session.authenticated),
            )
        )
        if self.on_accept is not None:
            self.on_accept(str(message["Message-ID"]))
        if self.losing is not None and self.losing[0].random() < self.losing[1]:
            self.lost += 1
            server.transport.close()  # taken, but the sender never hears so
        return "250 OK"


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:  # noqa: ARG001 (aiosmtpd's signature)
    """Let in the desk's login, nobody else."""
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd needs a number before it starts)."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def mail_server(
    mode: str, *, tls: ssl.SSLContext | None = None, login: bool = False
) -> Iterator[tuple[int, Inbox]]:
    """Run a mail server on loopback in `mode` (plain, starttls, ssl); yield its port and inbox."""
    inbox = Inbox()
    options: dict[str, Any] = {}
    if mode == "starttls":
        options = {"tls_context": tls, "require_starttls": True}
    if login:
        options["authenticator"] = check_login
        # Over implicit TLS the whole session is encrypted: AUTH is offered from the start.
        options |= {"auth_required": True} if mode == "starttls" else {"auth_require_tls": False}
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        ssl_context=tls if mode == "ssl" else None,
        server_hostname="127.0.0.1",
        **options,
    )
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
