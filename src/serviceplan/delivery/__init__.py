"""Notice delivery: a follower of the event log that sends what the clinic owes its patients.

Run `DeliveryWorker(plan).run_once()` on a timer, or `run(stop)` in a thread or process of its
own; several on one store take turns through its delivery `Lease`. See
`serviceplan.delivery.worker` for how a notice is never skipped nor recorded twice.
"""

from __future__ import annotations

from serviceplan.delivery.attempt import WORKER, Tally
from serviceplan.delivery.lease import Lease, lease_for
from serviceplan.delivery.settings import DeliverySettings
from serviceplan.delivery.timeout import ChannelTimeout
from serviceplan.delivery.worker import DeliveryWorker

__all__ = [
    "WORKER",
    "ChannelTimeout",
    "DeliverySettings",
    "DeliveryWorker",
    "Lease",
    "Tally",
    "lease_for",
]
