"""A clinic's receiver on loopback (`http.server` in a thread), checking each request with `verify`.

It keeps what it accepted and answers 200 with an id, 401 when `verify` refuses, or an answer a
test scripted (500, a redirect). A repeat of a key it has seen gets the first id back.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from serviceplan.plugins import Envelope
from serviceplan_webhook import WebhookRejected, verify

SECRET = "a-shared-secret-of-some-length"  # noqa: S105 (made up for the test)


class Receiver:
    """What the clinic's receiver saw."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.accepted: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.rejected: list[str] = []
        self.script: deque[tuple[int, dict[str, str]]] = deque()
        self.ids: dict[str, str] = {}
        self.arrivals: list[str] = []
        """The key of every genuine notice that arrived, repeats too."""
        self.refusing = False
        """An outage: every POST is answered 503 before anything is taken."""
        self.posts = 0
        self.url = ""

    def take(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Answer one POST: status, headers and body."""
        self.posts += 1
        if self.script:
            status, extra = self.script.popleft()
            return status, extra, b""
        if self.refusing:
            return 503, {}, b""
        try:
            notice = verify(self.secret, body, headers)
        except WebhookRejected as refused:
            self.rejected.append(type(refused).__name__)
            return 401, {}, b""
        self.arrivals.append(notice["key"])
        if notice["key"] not in self.ids:
            self.accepted.append(notice)
            self.headers.append(headers)
            self.ids[notice["key"]] = f"portal-msg-{len(self.ids) + 1}"
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"id": self.ids[notice["key"]]}).encode(),
        )

    def probe(self, envelope: Envelope) -> int:
        """How many genuine POSTs of `envelope`'s notice arrived (the contract kit's probe)."""
        return self.arrivals.count(envelope.key)

    @contextmanager
    def outage(self) -> Iterator[None]:
        """Refuse every POST (503) for the length of a block."""
        self.refusing = True
        try:
            yield
        finally:
            self.refusing = False


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, headers, answer = self.server.receiver.take(body, dict(self.headers.items()))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: object) -> None:
        """Keep the test output quiet."""


@contextmanager
def receiver_on_loopback(secret: str = SECRET) -> Iterator[Receiver]:
    """Run the receiver on a free loopback port for the length of a block."""
    receiver = Receiver(secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.receiver = receiver  # type: ignore[attr-defined]
    receiver.url = f"http://127.0.0.1:{server.server_port}/serviceplan/notices"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
