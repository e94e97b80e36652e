"""MLLP over TLS on loopback, with throwaway certificates: the feed's answers, encrypted."""

from __future__ import annotations

import ssl

import pytest
import trustme

from hl7v2_helpers import sample, segment, strictly_valid
from serviceplan import VisitStatus, visit_id_for
from serviceplan_hl7v2 import MllpClient, MllpListener


@pytest.fixture(scope="module")
def authority():
    return trustme.CA()


@pytest.fixture
def secure(feed, authority):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    with MllpListener(feed, "127.0.0.1", 0, ssl_context=context) as running:
        yield running


def trusting(authority):
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return context


@pytest.mark.usefixtures("patient")
def test_a_sender_that_trusts_the_clinics_certificate_is_answered_over_tls(plan, secure, authority):
    with MllpClient(*secure.address, ssl_context=trusting(authority)) as client:
        reply = strictly_valid(client.send(sample("SIU-S12-01")))

    assert segment(reply, "MSA")[1:3] == ["AA", "MSG00012"]
    assert plan.get_visit(visit_id_for("36996")).status is VisitStatus.BOOKED


def test_a_sender_that_does_not_trust_the_certificate_does_not_connect(secure):
    stranger = trusting(trustme.CA())

    with pytest.raises(ssl.SSLCertVerificationError):
        MllpClient(*secure.address, ssl_context=stranger)


@pytest.mark.usefixtures("patient")
def test_a_sender_without_tls_gets_no_answer_and_nothing_is_recorded(plan, secure):
    before = plan.event_count
    with MllpClient(*secure.address) as plain:
        plain.send_bytes(b"\x0b" + sample("SIU-S12-01").encode() + b"\x1c\r")

        with pytest.raises(OSError):  # noqa: PT011 (reset or closed: either way, no answer)
            plain.receive()

    assert plan.event_count == before


def test_a_tls_client_checks_the_name_it_was_given(secure, authority):
    with pytest.raises(ssl.SSLCertVerificationError):
        MllpClient(*secure.address, ssl_context=trusting(authority), server_hostname="ehr.test")
