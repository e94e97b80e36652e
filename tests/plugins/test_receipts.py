"""A channel's memory of what it sent: one send per key, across threads and restarts."""

from __future__ import annotations

import threading

import pytest

from serviceplan import Receipt
from serviceplan.errors import InvalidPlugin
from serviceplan.plugins import Receipts


class Sender:
    """Counts real sends; each send is numbered."""

    def __init__(self) -> None:
        self.count = 0
        self.started = threading.Event()
        self.release = threading.Event()

    def send(self, key: str, *, wait: bool = False) -> Receipt:
        self.count += 1
        if wait:
            self.started.set()
            self.release.wait(timeout=10)
        return Receipt(key=key, via="sender", reference=f"msg-{self.count}")


@pytest.fixture(params=["memory", "file"])
def receipts(request, tmp_path) -> Receipts:
    return Receipts() if request.param == "memory" else Receipts(tmp_path / "sent.sqlite3")


def test_a_key_is_sent_once_and_answered_with_its_first_receipt(receipts):
    sender = Sender()
    first = receipts.once("k-1", lambda: sender.send("k-1"))
    again = receipts.once("k-1", lambda: sender.send("k-1"))
    other = receipts.once("k-2", lambda: sender.send("k-2"))
    assert again == first == receipts.find("k-1")
    assert other.reference != first.reference
    assert sender.count == 2


def test_a_failed_send_is_not_remembered(receipts):
    def down() -> Receipt:
        raise ConnectionError("gateway down")

    with pytest.raises(ConnectionError):
        receipts.once("k-1", down)
    assert receipts.find("k-1") is None


def test_a_receipt_for_another_key_is_refused(receipts):
    with pytest.raises(InvalidPlugin, match="key"):
        receipts.once("k-1", lambda: Receipt(key="k-2", via="sender", reference="x"))
    assert receipts.find("k-1") is None


def test_a_second_call_with_the_same_key_waits_for_the_first(receipts):
    sender = Sender()
    answers: list[Receipt] = []
    slow = threading.Thread(
        target=lambda: answers.append(receipts.once("k-1", lambda: sender.send("k-1", wait=True)))
    )
    slow.start()
    assert sender.started.wait(timeout=10)
    late = threading.Thread(
        target=lambda: answers.append(receipts.once("k-1", lambda: sender.send("k-1")))
    )
    late.start()
    sender.release.set()
    slow.join(timeout=10)
    late.join(timeout=10)
    assert sender.count == 1
    assert answers[0] == answers[1]


def test_a_file_remembers_across_restarts(tmp_path):
    path = tmp_path / "sent.sqlite3"
    first = Receipts(path).once("k-1", lambda: Receipt(key="k-1", via="sender", reference="m-1"))
    assert Receipts(path).once("k-1", pytest.fail) == first


def test_a_channels_receipts_are_opened_once_from_the_first_path_given(tmp_path):
    from serviceplan.plugins import OpenedOnce, Receipts  # noqa: PLC0415

    opened = OpenedOnce()
    first = opened(tmp_path / "receipts.sqlite3")
    assert opened(tmp_path / "other.sqlite3") is first
    assert first.path == tmp_path / "receipts.sqlite3"
    given = Receipts()
    assert OpenedOnce(given)(tmp_path / "ignored.sqlite3") is given
