"""A Twilio-shaped Messages API on loopback (`http.server` in a thread), and a WSGI host.

It speaks the endpoint's shape: a form-encoded POST to `/2010-04-01/Accounts/{sid}/Messages.json`
with basic auth, answered in JSON with the new message's `sid` (201), or with Twilio's error
shape (`code`, `message`, `status`). A test can script answers to give first (429, 503, ...).
"""

from __future__ import annotations

import base64
import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from uuid import uuid4
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import attrs

from serviceplan.plugins import Envelope

ACCOUNT = "AC" + "0" * 31 + "1"
TOKEN = "test-auth-token"  # noqa: S105 (a made-up token for a server in the test)
CLINIC_NUMBER = "+15555550199"


@attrs.frozen
class Answer:
    """One scripted answer: status, body (Twilio's JSON) and headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = attrs.field(factory=dict)


def error(status: int, code: int, message: str, **headers: str) -> Answer:
    """Twilio's error shape."""
    return Answer(status, {"code": code, "message": message, "status": status}, headers)


@attrs.frozen
class Posted:
    """One request as the server received it."""

    path: str
    authorization: str
    content_type: str
    form: dict[str, str]


class FakeTwilio:
    """The Messages API of one account, with what it was asked and what it sent."""

    def __init__(self) -> None:
        self.script: deque[Answer] = deque()
        self.posted: list[Posted] = []
        self.sent: list[dict[str, str]] = []
        self.unsubscribed: set[str] = set()
        self.refusing = False
        self.base_url = ""

    def probe(self, envelope: Envelope) -> int:
        """How many messages with `envelope`'s number and text were created (repeats too)."""
        return sum(1 for m in self.sent if (m["To"], m["Body"]) == (envelope.to, envelope.text))

    @contextmanager
    def outage(self) -> Iterator[None]:
        """Refuse every message (503) for the length of a block."""
        self.refusing = True
        try:
            yield
        finally:
            self.refusing = False

    def answer(self, posted: Posted) -> Answer:
        """Answer one request as Twilio would (after any scripted answers)."""
        self.posted.append(posted)
        expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
        if posted.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json":
            return error(404, 20404, "The requested resource was not found")
        if posted.authorization != expected:
            return error(401, 20003, "Authenticate")
        if self.script or self.refusing:  # scripted answers first; an outage refuses the rest
            return self.script.popleft() if self.script else error(503, 20503, "Unavailable")
        to = posted.form.get("To", "")
        if to in self.unsubscribed:
            return error(400, 21610, f"Attempt to send to unsubscribed recipient {to}")
        if not to.startswith("+"):
            return error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        sid = "SM" + uuid4().hex
        self.sent.append({**posted.form, "sid": sid})
        return Answer(201, {"sid": sid, "status": "queued", "to": to, "account_sid": ACCOUNT})


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        posted = Posted(
            self.path,
            self.headers.get("Authorization", ""),
            self.headers.get("Content-Type", ""),
            form,
        )
        answer = self.server.twilio.answer(posted)
        body = json.dumps(answer.body).encode()
        self.send_response(answer.status)
        for name, value in {"Content-Type": "application/json", **answer.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        """Keep the test output quiet."""


@contextmanager
def twilio_on_loopback() -> Iterator[FakeTwilio]:
    """Run the fake Messages API on a free loopback port for the length of a block."""
    twilio = FakeTwilio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.twilio = twilio  # type: ignore[attr-defined]
    twilio.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield twilio
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietWsgi(WSGIRequestHandler):
    def log_message(self, *_: object) -> None:
        """Keep the test output quiet."""


@contextmanager
def wsgi_on_loopback(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port; yield its base URL."""
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_QuietWsgi)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
