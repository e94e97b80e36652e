"""The e-mail channel keeps the channel contract, against a real mail server on loopback."""

from __future__ import annotations

import pytest

from serviceplan.testing.contracts import ChannelContract, check_same_key_same_receipt
from serviceplan_smtp import Mode, SmtpChannel, message_id


class TestSmtpChannelContract(ChannelContract):
    @pytest.fixture
    def mail(self, serve):
        return serve(Mode.STARTTLS, login=True)

    @pytest.fixture
    def plugin(self, mail):
        settings, _ = mail
        return SmtpChannel(settings)

    @pytest.fixture
    def probe(self, mail):
        settings, inbox = mail
        return lambda envelope: inbox.probe(message_id(envelope.key, settings))

    @pytest.fixture
    def outage(self, mail):
        return mail[1].outage


def test_the_server_gets_one_message_per_key(serve):
    settings, inbox = serve(Mode.PLAIN)
    check_same_key_same_receipt(SmtpChannel(settings))
    assert len(inbox.received) == 1
