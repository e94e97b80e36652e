"""A clinic's receiver on loopback (`http.server` in a thread), checking each request with `verify`.

It does what the adapter's docs ask of a receiver: it keeps the `webhook-id`s it took and shows a
notice once however often it arrives (a repeat gets the first id back), and it answers look-ups
(`GET <url>/<webhook-id>`: 200 with its id, 404). It answers 401 when `verify` refuses, or an
answer a test scripted (500, a redirect). Made to misbehave, it can take a notice and then lose
its answer (a seeded share of POSTs: the connection closes with no reply), and a test can act
the moment a notice is taken, before the answer (to kill the worker that sent it).
"""

from __future__ import annotations

import json
import random
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from serviceplan.plugins import Envelope
from serviceplan_webhook import WEBHOOK_ID, WebhookRejected, verify, verify_look_up

SECRET = "a-shared-secret-of-some-length"  # noqa: S105 (made up for the test)
LOST = -1
"""The status of an answer the receiver loses: the connection closes without one."""

Answer = tuple[int, dict[str, str], bytes]


class Receiver:
    """What the clinic's receiver saw."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.accepted: list[dict[str, Any]] = []
        """Each notice as first taken: one per webhook-id."""
        self.headers: list[dict[str, str]] = []
        self.rejected: list[str] = []
        self.script: deque[tuple[int, dict[str, str]]] = deque()
        self.ids: dict[str, str] = {}
        """The receiver's own message id, by webhook-id."""
        self.arrivals: list[str] = []
        """The key of every genuine notice that arrived, repeats too."""
        self.arrived_ids: dict[str, list[str]] = {}
        """The webhook-id of every genuine POST, by the key in its body."""
        self.refusing = False
        """An outage: every POST is answered 503 before anything is taken."""
        self.losing: tuple[random.Random, float] | None = None
        self.lost = 0
        self.on_accept: Callable[[str], None] | None = None
        self.look_ups: list[str] = []
        self.posts = 0
        self.url = ""
        self._lock = threading.Lock()

    def lose_answers(self, seed: int, rate: float) -> None:
        """From now on, take a notice and then lose the answer to a `rate` share of POSTs."""
        self.losing = (random.Random(seed), rate)  # noqa: S311 (a seeded test, not a secret)

    def take(self, body: bytes, headers: dict[str, str]) -> Answer:
        """Answer one POST: status, headers and body."""
        with self._lock:
            return self._take(body, headers)

    def _take(self, body: bytes, headers: dict[str, str]) -> Answer:
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
        message_id = _header(headers, WEBHOOK_ID)
        self.arrivals.append(notice["key"])
        self.arrived_ids.setdefault(notice["key"], []).append(message_id)
        if message_id not in self.ids:
            self.accepted.append(notice)
            self.headers.append({k.lower(): v for k, v in headers.items()})
            self.ids[message_id] = f"portal-msg-{len(self.ids) + 1}"
            if self.on_accept is not None:
                self.on_accept(message_id)
        if self.losing is not None and self.losing[0].random() < self.losing[1]:
            self.lost += 1
            return LOST, {}, b""
        answer = json.dumps({"id": self.ids[message_id]}).encode()
        return 200, {"Content-Type": "application/json"}, answer

    def look_up(self, message_id: str, headers: dict[str, str]) -> Answer:
        """Answer one look-up: 200 with the receiver's id, 404, or 401."""
        with self._lock:
            self.look_ups.append(message_id)
            try:
                verify_look_up(self.secret, message_id, headers)
            except WebhookRejected as refused:
                self.rejected.append(type(refused).__name__)
                return 401, {}, b""
            if message_id not in self.ids:
                return 404, {}, b""
            answer = json.dumps({"id": self.ids[message_id]}).encode()
            return 200, {"Content-Type": "application/json"}, answer

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


def _header(headers: dict[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(*self.server.receiver.take(body, dict(self.headers.items())))

    def do_GET(self) -> None:
        message_id = self.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        self._answer(*self.server.receiver.look_up(message_id, dict(self.headers.items())))

    def _answer(self, status: int, headers: dict[str, str], answer: bytes) -> None:
        if status == LOST:
            self.close_connection = True  # taken, but the sender never hears so
            return
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
