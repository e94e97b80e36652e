"""A channel on a bad day: its peer refusing, one key handed over twice at once.

The delivery worker gives a channel a time limit; a call that outlives it runs on while the notice
is tried again with the same key, so two calls with one key can overlap. A channel whose peer
refuses must raise, and must not remember the failed try as sent.
"""

from __future__ import annotations

import threading

from serviceplan.app.service_plan import ServicePlan
from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Receipt
from serviceplan.plugins.records import Envelope
from serviceplan.testing.contracts.peer import (
    TIME_LIMIT,
    Outage,
    Probe,
    deliver,
    envelope,
    reached,
)
from serviceplan.testing.contracts.subject import SUBJECT, fresh_key, require, subject_plan

AT_ONCE = 2
"""Calls with one key started together: a retry after a time-out beside the late first call."""
ROUNDS = 3
"""Keys tried at once per channel: a race a channel loses sometimes is caught more often."""


def _channels(plan: ServicePlan) -> frozenset[Channel]:
    channels = plan.plugins.channels().get(SUBJECT, frozenset())
    require(channels, "serviceplan_channels registered no channel")
    return channels


def _at_once(plan: ServicePlan, sent: Envelope, limit: float) -> list[Receipt]:
    """Hand `sent` over from `AT_ONCE` threads started together; return their receipts."""
    start = threading.Barrier(AT_ONCE)
    receipts: list[Receipt] = []
    errors: list[BaseException] = []

    def hand_over() -> None:
        start.wait(timeout=limit)
        try:
            receipts.append(deliver(plan, sent, limit))
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=hand_over) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        msg = f"on {sent.channel.value}, one key handed over twice at once raised {errors[0]!r}"
        raise AssertionError(msg) from errors[0]
    return receipts


def check_same_key_at_once(plugin: object, probe: Probe, limit: float = TIME_LIMIT) -> None:
    """One key handed to the channel from two threads at once gets one receipt and one message."""
    plan = subject_plan(plugin)
    for channel in _channels(plan):
        for _ in range(ROUNDS):
            sent = envelope(channel, fresh_key(), marked=True)
            receipts = _at_once(plan, sent, limit)
            require(
                len(set(receipts)) == 1,
                f"on {channel.value}, one key handed over twice at once got two receipts "
                f"({', '.join(repr(r.reference) for r in receipts)}): the channel ignores "
                "idempotency keys and would send the notice twice",
            )
            count = reached(probe, sent)
            require(
                count == 1,
                f"on {channel.value}, one key handed over from {AT_ONCE} threads at once "
                f"reached the peer {count} times: the channel ignores idempotency keys under "
                "concurrency and would send the notice twice (the worker's time limit can "
                "leave a call running while the notice is tried again); hold a lock per key "
                "until the send is over, as serviceplan.plugins.Receipts.once does",
            )


def check_failure_is_not_remembered(
    plugin: object, probe: Probe, outage: Outage, limit: float = TIME_LIMIT
) -> None:
    """While the peer refuses, the channel raises; once it takes messages, the key goes out once."""
    plan = subject_plan(plugin)
    for channel in _channels(plan):
        sent = envelope(channel, fresh_key(), marked=True)
        with outage():
            try:
                receipt = deliver(plan, sent, limit)
            except AssertionError:
                raise
            except Exception:  # noqa: BLE001, S110 (raising is what the contract asks)
                pass
            else:
                msg = (
                    f"on {channel.value}, the peer refused the notice but the channel returned "
                    f"a receipt ({receipt.reference!r}) instead of raising: the notice would be "
                    "recorded as delivered though the patient never got it"
                )
                raise AssertionError(msg)
        deliver(plan, sent, limit)
        count = reached(probe, sent)
        require(
            count == 1,
            f"on {channel.value}, the notice was handed over again after the peer refused it, "
            f"and {count} messages reached the peer: "
            + (
                "the channel remembered the failed try as sent, so the notice would never go out"
                if count == 0
                else "the patient would get it more than once"
            ),
        )
