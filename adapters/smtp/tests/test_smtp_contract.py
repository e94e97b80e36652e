"""The e-mail channel keeps the channel contract, against a real mail server on loopback."""

from __future__ import annotations

import pytest

from serviceplan.testing.contracts import ChannelContract, check_same_key_same_receipt
from serviceplan_smtp import Mode, SmtpChannel


class TestSmtpChannelContract(ChannelContract):
    @pytest.fixture
    def plugin(self, serve):
        settings, _ = serve(Mode.STARTTLS, login=True)
        return SmtpChannel(settings)


def test_the_server_gets_one_message_per_key(serve):
    settings, inbox = serve(Mode.PLAIN)
    check_same_key_same_receipt(SmtpChannel(settings))
    assert len(inbox.received) == 1
