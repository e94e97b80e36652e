"""Notice delivery: a follower of the event log that sends what the clinic owes its patients.

Run `DeliveryWorker(plan).run_once()` on a timer, or `run(stop)` in a thread or process of its
own, one per store. See `serviceplan.delivery.worker` for how it never skips or doubles a notice.
"""

from __future__ import annotations

from serviceplan.delivery.attempt import WORKER, Tally
from serviceplan.delivery.settings import DeliverySettings
from serviceplan.delivery.timeout import ChannelTimeout
from serviceplan.delivery.worker import DeliveryWorker

__all__ = ["WORKER", "ChannelTimeout", "DeliverySettings", "DeliveryWorker", "Tally"]
