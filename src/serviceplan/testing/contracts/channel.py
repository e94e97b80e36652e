"""The contract of a notification channel: register channels, deliver, honour idempotency keys."""

from __future__ import annotations

from uuid import UUID

import pytest

from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Notice, NoticeKind, Receipt
from serviceplan.plugins.records import Envelope
from serviceplan.testing.contracts.subject import MORNING, SUBJECT, fresh_key, require, subject_plan

PATIENT = UUID("00000000-0000-4000-8000-00000000c0de")
ADDRESSES = {
    Channel.SMS: "+15555550123",
    Channel.VOICE: "+15555550123",
    Channel.EMAIL: "patient@example.org",
    Channel.PORTAL: str(PATIENT),
}


def envelope(channel: Channel, key: str) -> Envelope:
    """Return a heads-up for a made-up patient on `channel`, with idempotency key `key`."""
    notice = Notice(key, NoticeKind.HEADS_UP, PATIENT, channel, when=MORNING)
    text = "Your clinic: a reminder of your appointment on Tue Dec 1 at 10:00. Call us."
    return Envelope(notice, ADDRESSES[channel], text)


def check_registers_channels(plugin: object) -> frozenset[Channel]:
    """The plugin names at least one channel it delivers on."""
    channels = subject_plan(plugin).plugins.channels().get(SUBJECT, frozenset())
    require(channels, "serviceplan_channels registered no channel")
    return channels


def check_delivers(plugin: object) -> None:
    """Each registered channel takes a notice and returns a receipt for its key."""
    plan = subject_plan(plugin)
    for channel in check_registers_channels(plugin):
        key = fresh_key()
        receipt = plan.plugins.deliver_notice(SUBJECT, envelope(channel, key))
        require(isinstance(receipt, Receipt), "serviceplan_deliver_notice must return a Receipt")
        require(receipt.key == key, "the receipt must carry the notice's key")


def check_same_key_same_receipt(plugin: object) -> None:
    """A notice delivered again with the same key is recognised: the first receipt comes back."""
    plan = subject_plan(plugin)
    for channel in check_registers_channels(plugin):
        sent = envelope(channel, fresh_key())
        first = plan.plugins.deliver_notice(SUBJECT, sent)
        again = plan.plugins.deliver_notice(SUBJECT, sent)
        require(
            again == first,
            f"on {channel.value}, a second delivery with the same idempotency key returned "
            f"{again.reference!r} instead of the first receipt {first.reference!r}: "
            "the channel ignores idempotency keys and would send the notice twice",
        )


def check_new_key_new_receipt(plugin: object) -> None:
    """Two notices with different keys are two messages with different references."""
    plan = subject_plan(plugin)
    for channel in check_registers_channels(plugin):
        one = plan.plugins.deliver_notice(SUBJECT, envelope(channel, fresh_key()))
        two = plan.plugins.deliver_notice(SUBJECT, envelope(channel, fresh_key()))
        require(one.reference != two.reference, "different notices got the same reference")


class ChannelContract:
    """Subclass in your tests and define a `plugin` fixture returning your channel plugin."""

    @pytest.fixture
    def plugin(self) -> object:
        """The channel plugin under test (override this)."""
        pytest.fail("define a `plugin` fixture that returns the channel plugin under test")

    def test_registers_channels(self, plugin: object) -> None:
        """The plugin names its channels."""
        check_registers_channels(plugin)

    def test_delivers_with_a_receipt(self, plugin: object) -> None:
        """Each channel returns a receipt for the key."""
        check_delivers(plugin)

    def test_same_key_gets_the_first_receipt(self, plugin: object) -> None:
        """A repeated key is recognised, not sent again."""
        check_same_key_same_receipt(plugin)

    def test_new_key_gets_a_new_receipt(self, plugin: object) -> None:
        """Different notices are different messages."""
        check_new_key_new_receipt(plugin)
