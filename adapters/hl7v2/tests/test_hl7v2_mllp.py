"""A live feed over MLLP on loopback: real sockets, framed messages, one answer each, in order."""

from __future__ import annotations

import socket
import threading

import pytest

from hl7v2_helpers import edit, fixture, sample, segment, strictly_valid
from serviceplan import VisitStatus, visit_id_for
from serviceplan_hl7v2 import MllpClient, MllpListener, frame, parse
from serviceplan_hl7v2.mllp import END_BLOCK, START_BLOCK, Frames, FrameTooLargeError


@pytest.fixture
def listener(feed):
    with MllpListener(feed, "127.0.0.1", 0) as running:
        yield running


@pytest.fixture
def client(listener):
    with MllpClient(*listener.address, timeout=10) as connected:
        yield connected


def answer(reply):
    return segment(reply, "MSA")[1:3]


def test_a_framed_message_is_wrapped_in_start_and_end_blocks():
    assert frame("MSH|^~\\&") == b"\x0bMSH|^~\\&\x1c\x0d"


def test_frames_are_found_however_the_bytes_arrive():
    frames = Frames()
    stream = b"noise" + frame("A") + frame("B") + frame("C")[:3]

    received = [m for i in range(0, len(stream), 4) for m in frames.add(stream[i : i + 4])]

    assert received == [b"A", b"B"]
    assert frames.add(frame("C")[3:]) == [b"C"]


def test_a_frame_that_never_ends_is_cut_off():
    frames = Frames(limit=10)

    with pytest.raises(FrameTooLargeError):
        frames.add(START_BLOCK + b"x" * 20)


@pytest.mark.usefixtures("patient")
def test_each_message_on_a_connection_is_answered_in_order(plan, client):
    replies = [
        client.send(sample("SIU-S12-01")),
        client.send(sample("SIU-S26-01")),
        client.send(fixture("SIU-S12-malformed-start")),
        client.send(sample("SIU-S15-01")),
    ]

    assert [answer(r) for r in replies] == [
        ["AA", "MSG00012"],
        ["AE", "MSG00026"],
        ["AE", "MSG10013"],
        ["AA", "MSG00015"],
    ]
    assert plan.get_visit(visit_id_for("36996")).status is VisitStatus.CANCELLED


@pytest.mark.usefixtures("plan", "patient")
def test_a_message_sent_in_pieces_is_answered_once_it_is_whole(client):
    data = frame(sample("SIU-S12-01"))
    for i in range(0, len(data), 500):
        client.send_bytes(data[i : i + 500])

    assert answer(client.receive()) == ["AA", "MSG00012"]


@pytest.mark.usefixtures("patient")
def test_two_messages_in_one_write_get_two_answers(client):
    client.send_bytes(b"\r\n" + frame(sample("SIU-S12-01")) + frame(sample("SIU-S12-01")))

    first, second = client.receive(), client.receive()

    assert answer(first) == answer(second) == ["AA", "MSG00012"]
    assert segment(second, "ERR")[8] == "already applied"


@pytest.mark.usefixtures("patient")
def test_bytes_that_are_not_the_implied_character_set_are_an_error_at_msh_18(client):
    text = edit(sample("SIU-S12-01"), "NTE", 3, "caf\udce9")
    client.send_bytes(START_BLOCK + text.encode("utf-8", "surrogateescape") + END_BLOCK)

    reply = strictly_valid(client.receive())

    assert answer(reply) == ["AE", "MSG00012"]
    assert segment(reply, "ERR")[2:4] == ["MSH^1^18", "102^Data type error^HL70357"]


def test_garbage_that_is_neither_the_encoding_nor_a_message_gets_a_valid_rejection(client):
    client.send_bytes(START_BLOCK + b"\xff\xfe garbage" + END_BLOCK)

    reply = strictly_valid(client.receive())

    assert segment(reply, "MSA") == ["MSA", "AR", "UNREADABLE"]
    assert segment(reply, "ERR")[2] == "MSH^1^18"


LATIN_1 = edit(edit(sample("SIU-S12-01"), "MSH", 18, "8859/1"), "NTE", 3, "Café au lait, à jeun")


@pytest.mark.usefixtures("patient")
def test_a_message_that_declares_latin_1_is_read_in_latin_1_and_answered_in_it(plan, listener):
    with MllpClient(*listener.address, encoding="latin-1") as latin:
        reply = latin.send(LATIN_1)

    assert answer(strictly_valid(reply)) == ["AA", "MSG00012"]
    assert segment(reply, "MSH")[18] == "8859/1"
    assert plan.get_visit(visit_id_for("36996")).status is VisitStatus.BOOKED


@pytest.mark.usefixtures("patient")
def test_a_character_set_hl7_names_but_the_feed_does_not_read_is_an_error_at_msh_18(client):
    reply = strictly_valid(client.send(edit(sample("SIU-S12-01"), "MSH", 18, "ISO IR87")))

    assert answer(reply) == ["AE", "MSG00012"]
    assert segment(reply, "ERR")[2:4] == ["MSH^1^18", "103^Table value not found^HL70357"]


@pytest.mark.parametrize(
    ("declared", "escaped", "text"),
    [
        ("8859/1", "\\XE9\\", "é"),
        ("UNICODE UTF-8", "\\XC3A9\\", "é"),
        ("8859/7", "\\XE1\\", "\N{GREEK SMALL LETTER ALPHA}"),
    ],
)
def test_hex_escapes_are_decoded_in_the_declared_character_set(declared, escaped, text):
    message = parse(f"MSH|^~\\&|A||||||SIU^S12|1|P|2.8||||||{declared}\rNTE|1||caf{escaped}")

    assert message.first("NTE").component(3) == f"caf{text}"


def test_a_hex_escape_that_is_not_valid_in_the_set_stays_as_sent():
    message = parse("MSH|^~\\&|A||||||SIU^S12|1|P|2.8||||||UNICODE UTF-8\rNTE|1||\\XE9\\")

    assert message.first("NTE").component(3) == "\\XE9\\"


def test_a_sender_that_floods_one_frame_is_disconnected(feed):
    with (
        MllpListener(feed, "127.0.0.1", 0, max_bytes=1000) as small,
        MllpClient(*small.address) as client,
    ):
        client.send_bytes(START_BLOCK + b"x" * 5000)

        with pytest.raises(ConnectionError):
            client.receive()


def test_an_idle_connection_is_closed(feed):
    with (
        MllpListener(feed, "127.0.0.1", 0, idle_timeout=0.2) as quick,
        MllpClient(*quick.address) as client,
        pytest.raises(ConnectionError),
    ):
        client.receive()


@pytest.mark.usefixtures("patient")
def test_senders_on_several_open_connections_each_get_their_answers(listener):
    with MllpClient(*listener.address) as first, MllpClient(*listener.address) as second:
        booked = first.send(sample("SIU-S12-01"))
        moved = second.send(sample("SIU-S13-01"))
        cancelled = first.send(sample("SIU-S15-01"))

    assert answer(booked) == ["AA", "MSG00012"]
    assert answer(moved) == ["AA", "MSG00013"]
    assert answer(cancelled) == ["AA", "MSG00015"]


@pytest.mark.usefixtures("patient")
def test_the_same_message_from_two_connections_at_once_is_applied_once(plan, listener):
    barrier = threading.Barrier(2)
    replies = []

    def send():
        with MllpClient(*listener.address) as client:
            barrier.wait()
            replies.append(client.send(sample("SIU-S12-01")))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answer(r) for r in replies] == [["AA", "MSG00012"]] * 2
    assert sum("already applied" in r for r in replies) == 1
    assert plan.event_count == 2  # the patient registered, the visit booked once


def test_closing_the_listener_ends_open_connections(feed):
    listener = MllpListener(feed, "127.0.0.1", 0)
    listener.start()
    client = MllpClient(*listener.address)
    assert answer(client.send("MSH|^~\\&|A")) == ["AR", "UNREADABLE"]

    listener.close()

    with pytest.raises(ConnectionError):
        client.receive()
    client.close()
    with pytest.raises(OSError, match="refused"):
        socket.create_connection(listener.address, timeout=2)
