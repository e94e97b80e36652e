"""Workload 6: delivery throughput, notices a second through a loopback webhook, 1 and 2 workers.

A SQLite file holds a day's owed portal notices (written fresh before each run, untimed); delivery
workers in processes of their own (`bench.writers`) start together at a barrier and deliver them
through the webhook adapter to a receiver on loopback that answers 200 at once. Each delivery
saves the attempt before the POST (`NoticeRecord.Attempted`) and the outcome after, so the
figure carries the attempt record's cost. Two workers on one store take turns through the
delivery lease: the second shows what that costs, not a speed-up. The baseline is the same number
of signed POSTs of the same bodies to the same receiver, with no store: what the network and the
signing cost alone.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.harness import Row, Took, interleaved, row, stopwatch
from bench.writers import Writers
from serviceplan import Channel, ContactPoints, NoticeKind, ServicePlan, Settings, Staff
from serviceplan.delivery import DeliveryWorker, Tally
from serviceplan.store.config import sqlite_store
from serviceplan_webhook import WebhookChannel, WebhookSettings, signed_headers
from serviceplan_webhook.sender import post

NAME = "delivery through a loopback webhook"
UNIT = "notices/s"
SECRET = "a-bench-secret-of-some-length"  # noqa: S105 (a made-up secret for a loopback peer)
DESK = Staff("desk-bench", "front-desk")
WORKERS = (1, 2)
"""Delivery workers side by side: one, and two taking turns through the delivery lease."""
IDLE = 0.002
"""Seconds a worker waits after a pass that found the lease taken."""
_runs = itertools.count()


class _Receiver(BaseHTTPRequestHandler):
    """Takes every POST and answers 200 with an id, as a receiver that is never slow would."""

    count = itertools.count(1)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = json.dumps({"id": f"m-{next(self.count)}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: object) -> None:
        """Keep the bench's output to its table."""


@contextmanager
def receiver() -> Iterator[str]:
    """Run the receiver on a free loopback port; yield its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/notices"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def owe(path: Path, notices: int) -> int:
    """Write `notices` portal patients each owed a follow-up; return the log's last position."""
    plan = ServicePlan(sqlite_store(path), entry_points=False, settings=Settings(timezone=UTC))
    for _ in range(notices):
        patient = plan.register_patient(contact=ContactPoints(), preferred=Channel.PORTAL, by=DESK)
        plan.give_consent(patient, Channel.PORTAL, by=DESK)
        plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=DESK)
    last = plan.recorder.max_notification_id() or 0
    plan.close()
    return last


def worker_job(path: str, url: str, last: int, go: Callable[[], object]) -> float:
    """One delivery worker: pass over the log until every request up to `last` is handled."""
    channel = WebhookChannel(WebhookSettings(url=url, secret=SECRET))
    plan = ServicePlan(
        sqlite_store(path), plugins=[channel], entry_points=False, settings=Settings(timezone=UTC)
    )
    worker = DeliveryWorker(plan)
    go()
    with stopwatch() as took:
        while (plan.recorder.max_tracking_id(worker.requests_position) or 0) < last:
            if worker.run_once() == Tally():  # another worker holds the lease
                time.sleep(IDLE)
    worker.close()
    plan.close()
    return took.wall


def bare_job(url: str, notices: int, go: Callable[[], object]) -> float:
    """The same number of signed POSTs of notice-sized bodies, with no store."""
    settings = WebhookSettings(url=url, secret=SECRET)
    bodies = [json.dumps({"key": f"bench-{n}", "text": "x" * 80}).encode() for n in range(notices)]
    go()
    with stopwatch() as took:
        for n, body in enumerate(bodies):
            post(settings, body, signed_headers(SECRET, int(time.time()), body, f"bench-{n}"))
    return took.wall


def rows(
    scratch: Path, notices: int, repeats: int, worker_counts: Sequence[int] = WORKERS
) -> list[Row]:
    """Return notices delivered a second for each number of workers, against bare POSTs."""
    found: list[Row] = []
    with receiver() as url:
        for count in worker_counts:
            with Writers(count) as writers:
                medians = interleaved(
                    {
                        "serviceplan": partial(_delivered, writers, scratch, url, notices, count),
                        "bare": partial(_bare, url, notices),
                    },
                    repeats,
                )
            rates = {name: notices / took.wall for name, took in medians.items()}
            what = f"{NAME}, {count} worker{'s' if count > 1 else ''}, {notices:,} notices"
            found.append(
                row(f"{what}: ServicePlan vs bare signed POSTs", rates["serviceplan"], UNIT,
                    rates["bare"], rate=True)
            )  # fmt: skip
    return found


def _delivered(writers: Writers, scratch: Path, url: str, notices: int, count: int) -> Took:
    path = scratch / f"delivery-{next(_runs)}.sqlite3"
    last = owe(path, notices)
    return Took(wall=max(writers.run(worker_job, [(str(path), url, last)] * count)))


def _bare(url: str, notices: int) -> Took:
    return Took(wall=bare_job(url, notices, lambda: None))
