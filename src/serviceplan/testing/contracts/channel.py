"""The contract of a notification channel: register channels, deliver, honour idempotency keys.

The checks look past the channel's receipts at its peer, through the author's probe (see
`serviceplan.testing.contracts.peer`): a channel that returns receipts and sends nothing fails,
and so does one that sends a notice twice however alike its receipts are.
"""

from __future__ import annotations

import pytest

from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Receipt
from serviceplan.testing.contracts.channel_trouble import (
    check_failure_is_not_remembered,
    check_same_key_at_once,
)
from serviceplan.testing.contracts.peer import (
    TIME_LIMIT,
    Outage,
    Probe,
    deliver,
    envelope,
    reached,
)
from serviceplan.testing.contracts.subject import SUBJECT, fresh_key, require, subject_plan

__all__ = [
    "ChannelContract",
    "check_delivers",
    "check_new_key_new_receipt",
    "check_registers_channels",
    "check_same_key_same_receipt",
    "envelope",
]

IGNORES_KEYS = "the channel ignores idempotency keys and would send the notice twice"


def check_registers_channels(plugin: object) -> frozenset[Channel]:
    """The plugin names at least one channel it delivers on."""
    channels = subject_plan(plugin).plugins.channels().get(SUBJECT, frozenset())
    require(channels, "serviceplan_channels registered no channel")
    return channels


def check_delivers(plugin: object, probe: Probe | None = None, limit: float = TIME_LIMIT) -> None:
    """Each registered channel takes a notice, returns a receipt for its key, and sends it once."""
    plan = subject_plan(plugin)
    for channel in check_registers_channels(plugin):
        sent = envelope(channel, fresh_key(), marked=probe is not None)
        receipt = deliver(plan, sent, limit)
        require(isinstance(receipt, Receipt), "serviceplan_deliver_notice must return a Receipt")
        require(receipt.key == sent.key, "the receipt must carry the notice's key")
        if probe is None:
            continue
        count = reached(probe, sent)
        require(
            count != 0,
            f"on {channel.value}, the channel returned a receipt ({receipt.reference!r}) but "
            "nothing reached the peer: it reports success without sending, and the notice "
            "would be recorded as delivered though the patient never got it",
        )
        require(
            count == 1,
            f"on {channel.value}, one delivery reached the peer {count} times: the patient "
            "would get the notice more than once",
        )


def check_same_key_same_receipt(
    plugin: object, probe: Probe | None = None, limit: float = TIME_LIMIT
) -> None:
    """A notice delivered again with the same key is recognised: the first receipt, nothing sent."""
    plan = subject_plan(plugin)
    for channel in check_registers_channels(plugin):
        sent = envelope(channel, fresh_key(), marked=probe is not None)
        first = deliver(plan, sent, limit)
        again = deliver(plan, sent, limit)
        require(
            again == first,
            f"on {channel.value}, a second delivery with the same idempotency key returned "
            f"{again.reference!r} instead of the first receipt {first.reference!r}: "
            + IGNORES_KEYS,
        )
        count = 1 if probe is None else reached(probe, sent)
        require(
            count == 1,
            f"on {channel.value}, a second delivery with the same idempotency key reached the "
            f"peer again ({count} messages for one notice, under one receipt): " + IGNORES_KEYS,
        )


def check_new_key_new_receipt(
    plugin: object, probe: Probe | None = None, limit: float = TIME_LIMIT
) -> None:
    """Two notices with different keys are two messages with different references."""
    plan = subject_plan(plugin)
    for channel in check_registers_channels(plugin):
        marked = probe is not None
        one = envelope(channel, fresh_key(), marked=marked)
        two = envelope(channel, fresh_key(), marked=marked)
        first, second = deliver(plan, one, limit), deliver(plan, two, limit)
        require(first.reference != second.reference, "different notices got the same reference")
        if probe is not None:
            require(
                (reached(probe, one), reached(probe, two)) == (1, 1),
                f"on {channel.value}, two notices did not reach the peer once each",
            )


class ChannelContract:
    """Subclass in your tests; define `plugin` (your channel) and `probe` (what reached its peer).

    Optionally define `outage`, a context in which the peer refuses everything, and
    `time_limit`, if your clinic gives channels longer than the worker's default 10 s.
    """

    @pytest.fixture
    def plugin(self) -> object:
        """The channel plugin under test (override this)."""
        pytest.fail("define a `plugin` fixture that returns the channel plugin under test")

    @pytest.fixture
    def probe(self) -> Probe:
        """How many messages for an envelope reached the channel's peer (override this)."""
        pytest.fail(
            "define a `probe` fixture: a function that takes an Envelope and returns how many "
            "messages for it reached your peer (its outbox, inbox or log), so the contract can "
            "see what was really sent, not only the receipts"
        )

    @pytest.fixture
    def outage(self) -> Outage | None:
        """A context in which the peer refuses every message (override this if you can)."""
        return None

    @pytest.fixture
    def time_limit(self) -> float:
        """How long a delivery may take: the worker's `DeliverySettings.timeout_seconds`."""
        return TIME_LIMIT

    def test_registers_channels(self, plugin: object) -> None:
        """The plugin names its channels."""
        check_registers_channels(plugin)

    def test_delivers_with_a_receipt(self, plugin: object, probe: Probe, time_limit: float) -> None:
        """Each channel returns a receipt for the key, and the notice reaches the peer once."""
        check_delivers(plugin, probe, time_limit)

    def test_same_key_gets_the_first_receipt(
        self, plugin: object, probe: Probe, time_limit: float
    ) -> None:
        """A repeated key is recognised, not sent again."""
        check_same_key_same_receipt(plugin, probe, time_limit)

    def test_new_key_gets_a_new_receipt(
        self, plugin: object, probe: Probe, time_limit: float
    ) -> None:
        """Different notices are different messages."""
        check_new_key_new_receipt(plugin, probe, time_limit)

    def test_same_key_from_two_threads_at_once(
        self, plugin: object, probe: Probe, time_limit: float
    ) -> None:
        """One key handed over twice at once (a retry after a time-out) reaches the peer once."""
        check_same_key_at_once(plugin, probe, time_limit)

    def test_a_failed_send_raises_and_is_sent_later(
        self, plugin: object, probe: Probe, outage: Outage | None, time_limit: float
    ) -> None:
        """While the peer refuses, the channel raises; afterwards the same key goes out once."""
        if outage is None:
            pytest.skip("define an `outage` fixture to check how the channel fails")
        check_failure_is_not_remembered(plugin, probe, outage, time_limit)
