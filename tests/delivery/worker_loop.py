"""Delivery workers and read models in processes of their own, for `test_workers_postgres.py`.

`tests/followers.py` starts `deliver` or `follow_read_models` as `delivery.worker_loop:...` with
the store's settings and these variables: CLINIC_NOW (the clinic's fixed time, ISO) and
CLINIC_ZONE; for a worker WORKER_NAME, OUTBOX, CALLS and SEND_PAUSE (seconds); for the read
models VIEWS (their SQLite file). Each runs until it is killed.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from serviceplan import Channel, FixedClock, Receipt, ServicePlan, Settings, hookimpl
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.plugins import Envelope, RegisterChannel
from serviceplan.read import DayBoard, Recovery, Views, catch_up_together

EVERY = 0.05
"""Seconds between two passes over the log."""


class SharedOutbox:
    """An SMS gateway for several processes: it sends each key once, whoever asks.

    No real SMS peer runs here. A real gateway answers a key it has already sent with its first
    receipt; this one stands in for it with a lock on the outbox file, so two workers calling
    with one key at the same moment still send it once. Every call is written to CALLS with the
    worker's name. After a send it pauses, so a kill can land between the send and its record.
    """

    def __init__(self, name: str, outbox: Path, calls: Path, pause: float) -> None:
        self.name, self.outbox, self.calls, self.pause = name, outbox, calls, pause

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:  # noqa: ARG002
        with self.outbox.open("a+") as outbox:
            fcntl.flock(outbox, fcntl.LOCK_EX)  # released when the file closes, or the process dies
            outbox.seek(0)
            fresh = key not in outbox.read().split()
            if fresh:
                outbox.write(key + "\n")
            with self.calls.open("a") as calls:
                calls.write(f"{self.name} {key}\n")
        if fresh:
            time.sleep(self.pause)
        return Receipt(key=key, via="file-sms", reference=f"line-{key}")


def open_plan(*plugins: object) -> ServicePlan:
    """The clinic's plan on the store the environment names, at the clinic's fixed time."""
    now = datetime.fromisoformat(os.environ["CLINIC_NOW"])
    settings = Settings(timezone=ZoneInfo(os.environ["CLINIC_ZONE"]))
    return ServicePlan(
        clock=FixedClock(now), settings=settings, plugins=plugins, entry_points=False
    )


def deliver() -> None:
    """Deliver what is owed through the shared outbox, pass after pass, until killed."""
    env = os.environ
    outbox = SharedOutbox(
        env["WORKER_NAME"], Path(env["OUTBOX"]), Path(env["CALLS"]), float(env["SEND_PAUSE"])
    )
    worker = DeliveryWorker(open_plan(outbox), DeliverySettings(batch_size=5))
    worker.run(threading.Event(), every=EVERY)


def follow_read_models() -> None:
    """Catch the day board and the recovery report up together, again and again, until killed."""
    plan = open_plan()
    views = Views(os.environ["VIEWS"])
    models = [DayBoard(plan, views, page=10), Recovery(plan, views, page=10)]
    while True:
        catch_up_together(models)
        time.sleep(EVERY)
