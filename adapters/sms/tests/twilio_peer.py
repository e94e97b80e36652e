"""A Twilio-shaped Messages API on loopback (`http.server` in a thread), and a WSGI host.

It speaks the endpoint's shape: a form-encoded POST to `/2010-04-01/Accounts/{sid}/Messages.json`
with basic auth, answered in JSON with the new message's `sid` (201), or with Twilio's error
shape (`code`, `message`, `status`). A test can script answers to give first (429, 503, ...).
A GET of the same path lists the messages created, newest first, filtered by `To` and `From`,
a page of `PageSize` at a time with `next_page_uri`, as Twilio's message list does. Like Twilio it
takes no idempotency key: each POST creates a message. Made to misbehave, it can create a message
and then lose its answer (a seeded share: the connection closes with no reply), and a test can
act the moment a message is created (to kill the worker that asked).
"""

from __future__ import annotations

import base64
import json
import random
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from uuid import uuid4
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import attrs

from serviceplan.plugins import Envelope

ACCOUNT = "AC" + "0" * 31 + "1"
MESSAGES = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
LOST = -1
"""The status of an answer Twilio loses: the connection closes without one."""
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
        self.losing: tuple[random.Random, float] | None = None
        self.lost = 0
        self.on_create: Callable[[str], None] | None = None
        self.listed = 0
        self.base_url = ""
        self._lock = threading.Lock()

    def lose_answers(self, seed: int, rate: float) -> None:
        """From now on, create a message and then lose the answer for a `rate` share of them."""
        self.losing = (random.Random(seed), rate)  # noqa: S311 (a seeded test, not a secret)

    def texts_to(self, number: str) -> list[str]:
        """The bodies of the messages created for `number`, in order."""
        return [m["Body"] for m in self.sent if m["To"] == number]

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
        with self._lock:
            return self._answer(posted)

    def _answer(self, posted: Posted) -> Answer:
        self.posted.append(posted)
        expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
        if posted.path != MESSAGES:
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
        return self._create(posted.form)

    def _create(self, form: dict[str, str]) -> Answer:
        sid = "SM" + uuid4().hex
        created = format_datetime(datetime.now(UTC), usegmt=True)
        self.sent.append({**form, "sid": sid, "date_created": created})
        if self.on_create is not None:
            self.on_create(sid)
        if self.losing is not None and self.losing[0].random() < self.losing[1]:
            self.lost += 1
            return Answer(LOST, {})
        answer = {"sid": sid, "status": "queued", "to": form["To"], "account_sid": ACCOUNT}
        return Answer(201, answer)

    def listing(self, path: str, authorization: str) -> Answer:
        """Answer a GET of the message list: newest first, by `To` and `From`, a page at a time."""
        with self._lock:
            self.listed += 1
            expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
            parts = urlsplit(path)
            if parts.path != MESSAGES:
                return error(404, 20404, "The requested resource was not found")
            if authorization != expected:
                return error(401, 20003, "Authenticate")
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            size, page = int(query.get("PageSize", "50")), int(query.get("Page", "0"))
            wanted = {k: v for k, v in query.items() if k in {"To", "From"}}
            found = [
                m for m in reversed(self.sent) if all(m.get(k) == v for k, v in wanted.items())
            ]
            shown = found[page * size : (page + 1) * size]
            following = None
            if len(found) > (page + 1) * size:
                following = f"{MESSAGES}?{urlencode({**query, 'Page': str(page + 1)})}"
            messages = [
                {"sid": m["sid"], "to": m["To"], "from": m.get("From"), "body": m["Body"],
                 "direction": "outbound-api", "date_created": m["date_created"]}
                for m in shown
            ]  # fmt: skip
            return Answer(200, {"messages": messages, "next_page_uri": following, "page": page})


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
        self._reply(self.server.twilio.answer(posted))

    def do_GET(self) -> None:
        self._reply(self.server.twilio.listing(self.path, self.headers.get("Authorization", "")))

    def _reply(self, answer: Answer) -> None:
        if answer.status == LOST:
            self.close_connection = True  # created, but the caller never hears so
            return
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
