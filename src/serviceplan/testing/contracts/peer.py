"""What a channel contract hands the channel, and how it sees what reached the channel's peer.

A channel's receipt is its own word; the contract checks it against the peer. The author gives a
*probe*: a function that says how many messages for an envelope reached the peer (the gateway's
outbox, the mail server's inbox, the receiver's log). Each envelope the contract makes has its own
key, and when a probe is given its own text too, so a probe may match on whatever the peer keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from uuid import UUID

from serviceplan.app.service_plan import ServicePlan
from serviceplan.delivery.settings import DeliverySettings
from serviceplan.delivery.timeout import ChannelTimeout, call_with_timeout
from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Notice, NoticeKind, Receipt
from serviceplan.plugins.records import Envelope
from serviceplan.testing.contracts.subject import MORNING, SUBJECT

PATIENT = UUID("00000000-0000-4000-8000-00000000c0de")
ADDRESSES = {
    Channel.SMS: "+15555550123",
    Channel.VOICE: "+15555550123",
    Channel.EMAIL: "patient@example.org",
    Channel.PORTAL: str(PATIENT),
}
TIME_LIMIT = DeliverySettings().timeout_seconds
"""How long the delivery worker waits for a channel by default; the contract waits as long."""

Probe = Callable[[Envelope], int]
"""How many messages for `envelope` reached the channel's peer (0 if none)."""
Outage = Callable[[], AbstractContextManager[object]]
"""A context in which the channel's peer refuses every message before taking it."""


def envelope(channel: Channel, key: str, *, marked: bool = False) -> Envelope:
    """Return a heads-up for a made-up patient on `channel`, with idempotency key `key`.

    `marked` ends the text with the key's last characters, so a probe that sees only the words
    (a gateway's outbox of numbers and texts) can tell two notices apart.
    """
    notice = Notice(key, NoticeKind.HEADS_UP, PATIENT, channel, when=MORNING)
    text = "Your clinic: a reminder of your appointment on Tue Dec 1 at 10:00. Call us."
    if marked:
        text = f"{text} Ref {key[-6:]}"
    return Envelope(notice, ADDRESSES[channel], text)


def deliver(plan: ServicePlan, sent: Envelope, limit: float = TIME_LIMIT) -> Receipt:
    """Hand `sent` to the plugin under test as the worker does: through its facade, in time."""
    try:
        return call_with_timeout(partial(plan.plugins.deliver_notice, SUBJECT, sent), limit)
    except ChannelTimeout:
        msg = (
            f"on {sent.channel.value}, the channel gave no answer within the delivery worker's "
            f"time limit of {limit:g} s: the worker records a time-out and tries the notice "
            "again on this channel alone, while the late call may still send it; give your "
            "gateway calls a time-out shorter than DeliverySettings.timeout_seconds"
        )
        raise AssertionError(msg) from None


def reached(probe: Probe, sent: Envelope) -> int:
    """Ask the probe how many messages for `sent` reached the peer, checking its answer."""
    count = probe(sent)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        msg = f"the probe must return how many messages reached the peer, not {count!r}"
        raise AssertionError(msg)
    return count
