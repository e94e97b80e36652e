"""The contract kit catches what an adapter gets wrong; its pytest plugin works when opted in."""

from __future__ import annotations

import itertools
import threading
from contextlib import contextmanager, suppress
from uuid import uuid4

import pytest

from serviceplan import Channel, Receipt, Staff, hookimpl
from serviceplan.plugins import Proposal
from serviceplan.plugins.builtin import StockRoom, TemplateWeek
from serviceplan.testing.contracts import (
    check_book_move_cancel,
    check_delivers,
    check_failure_is_not_remembered,
    check_hold_and_release,
    check_new_key_new_receipt,
    check_playbook,
    check_preparation,
    check_registers_channels,
    check_same_key_at_once,
    check_same_key_same_receipt,
)
from serviceplan.testing.contracts.subject import MORNING

pytest_plugins = ["pytester"]

_counter = itertools.count(1)


class KeyBlindGateway:
    """Sends whatever it is given: a new message (and reference) on every call."""

    @hookimpl
    def serviceplan_channels(self, register):
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        return Receipt(key, "blind", f"msg-{next(_counter)}")


class Peer:
    """What reached a made-up gateway, by key; the probe a contract is given reads it."""

    def __init__(self):
        self.got: list[str] = []
        self.refusing = False

    def take(self, key: str) -> None:
        if self.refusing:
            raise ConnectionError("the gateway refused the message")
        self.got.append(key)

    def probe(self, envelope) -> int:
        return self.got.count(envelope.key)

    @contextmanager
    def outage(self):
        self.refusing = True
        try:
            yield
        finally:
            self.refusing = False


class HonestGateway:
    """Sends each key once, under a lock per gateway, and raises when the peer refuses."""

    def __init__(self, peer: Peer):
        self.peer, self.sent, self.lock = peer, {}, threading.Lock()

    @hookimpl
    def serviceplan_channels(self, register):
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        with self.lock:
            if key not in self.sent:
                self.peer.take(key)
                self.sent[key] = Receipt(key, "honest", f"msg-{next(_counter)}")
            return self.sent[key]


class SilentGateway(HonestGateway):
    """Returns a fine receipt and sends nothing."""

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        return self.sent.setdefault(key, Receipt(key, "silent", f"msg-{next(_counter)}"))


class TwiceGateway(HonestGateway):
    """Remembers its receipts, but sends on every call: the same receipt, a second message."""

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        self.peer.take(key)
        return self.sent.setdefault(key, Receipt(key, "twice", f"msg-{next(_counter)}"))


class RacyGateway(HonestGateway):
    """Checks, then sends, then remembers, with no lock: two calls at once both send."""

    def __init__(self, peer: Peer):
        super().__init__(peer)
        self.both_inside = threading.Barrier(2)

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        if key not in self.sent:
            with suppress(threading.BrokenBarrierError):
                self.both_inside.wait(timeout=0.5)  # the second caller is past the check too
            self.both_inside.reset()
            self.peer.take(key)
            self.sent.setdefault(key, Receipt(key, "racy", f"msg-{next(_counter)}"))
        return self.sent[key]


class SwallowingGateway(HonestGateway):
    """Catches the peer's refusal and returns a receipt anyway."""

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        with suppress(ConnectionError):
            self.peer.take(key)
        return self.sent.setdefault(key, Receipt(key, "swallow", f"msg-{next(_counter)}"))


class ForgetfulGateway(HonestGateway):
    """Keeps its receipt before it sends: a refused send is remembered as sent."""

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        if key not in self.sent:
            self.sent[key] = Receipt(key, "forgetful", f"msg-{next(_counter)}")
            self.peer.take(key)
        return self.sent[key]


class SlowGateway(HonestGateway):
    """Takes longer than any time limit until the test lets it go."""

    def __init__(self, peer: Peer):
        super().__init__(peer)
        self.release = threading.Event()

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        self.release.wait(timeout=30)
        return super().serviceplan_deliver_notice(key)


def test_an_honest_channel_passes_every_check():
    peer = Peer()
    gateway = HonestGateway(peer)
    check_delivers(gateway, peer.probe)
    check_same_key_same_receipt(gateway, peer.probe)
    check_new_key_new_receipt(gateway, peer.probe)
    check_same_key_at_once(gateway, peer.probe)
    check_failure_is_not_remembered(gateway, peer.probe, peer.outage)


def test_a_channel_that_ignores_idempotency_keys_fails_the_contract():
    check_delivers(KeyBlindGateway())
    check_new_key_new_receipt(KeyBlindGateway())
    with pytest.raises(AssertionError, match="ignores idempotency keys"):
        check_same_key_same_receipt(KeyBlindGateway())


def test_a_channel_that_reports_success_without_sending_fails_the_contract():
    peer = Peer()
    check_same_key_same_receipt(SilentGateway(peer))  # its receipts alone look right
    with pytest.raises(AssertionError, match="nothing reached the peer: it reports success"):
        check_delivers(SilentGateway(peer), peer.probe)


def test_a_channel_that_sends_twice_under_one_receipt_fails_the_contract():
    peer = Peer()
    check_same_key_same_receipt(TwiceGateway(peer))  # its receipts alone look right
    with pytest.raises(AssertionError, match=r"reached the peer again \(2 messages for one notice"):
        check_same_key_same_receipt(TwiceGateway(peer), peer.probe)
    with pytest.raises(AssertionError, match="ignores idempotency keys and would send the notice"):
        check_same_key_same_receipt(TwiceGateway(peer), peer.probe)


def test_a_channel_that_sends_one_key_twice_when_asked_at_once_fails_the_contract():
    peer = Peer()
    check_same_key_same_receipt(RacyGateway(peer), peer.probe)  # one call at a time is fine
    with pytest.raises(AssertionError, match="from 2 threads at once reached the peer 2 times"):
        check_same_key_at_once(RacyGateway(peer), peer.probe)


def test_a_channel_that_swallows_its_peers_refusal_fails_the_contract():
    peer = Peer()
    with pytest.raises(AssertionError, match=r"returned a receipt .* instead of raising"):
        check_failure_is_not_remembered(SwallowingGateway(peer), peer.probe, peer.outage)


def test_a_channel_that_remembers_a_failed_send_as_sent_fails_the_contract():
    peer = Peer()
    with pytest.raises(AssertionError, match="remembered the failed try as sent"):
        check_failure_is_not_remembered(ForgetfulGateway(peer), peer.probe, peer.outage)


def test_a_channel_slower_than_the_time_limit_fails_the_contract():
    peer = Peer()
    gateway = SlowGateway(peer)
    try:
        with pytest.raises(AssertionError, match="no answer within the delivery worker's time"):
            check_delivers(gateway, peer.probe, limit=0.2)
    finally:
        gateway.release.set()


def test_a_channel_that_raises_on_a_good_notice_fails_the_contract():
    peer = Peer()
    peer.refusing = True
    with pytest.raises(ConnectionError, match="refused"):
        check_delivers(HonestGateway(peer), peer.probe)


def test_a_channel_that_registers_nothing_fails_the_contract():
    class Silent(KeyBlindGateway):
        @hookimpl
        def serviceplan_channels(self, register):
            pass

    with pytest.raises(AssertionError, match="no channel"):
        check_registers_channels(Silent())


def test_a_channel_that_gives_everyone_the_same_reference_fails_the_contract():
    class OneReference(KeyBlindGateway):
        @hookimpl
        def serviceplan_deliver_notice(self, key):
            return Receipt(key, "one", "msg")

    with pytest.raises(AssertionError, match="same reference"):
        check_new_key_new_receipt(OneReference())


def test_a_scheduler_that_double_books_fails_the_contract(window):
    class DoubleBooker(TemplateWeek):
        def _busy(self, *_, **__):
            return False

    with pytest.raises(AssertionError, match="still free"):
        check_book_move_cancel(DoubleBooker(window[0].tzinfo), "dr-contract", window)


@pytest.fixture
def window():
    return (MORNING.replace(hour=8), MORNING.replace(hour=12))


def test_an_inventory_that_forgets_its_holds_fails_the_contract():
    class Forgetful(StockRoom):
        @hookimpl(trylast=True)
        def serviceplan_reserve_stock(self):
            return f"hold-{uuid4().hex[:6]}"

    with pytest.raises(AssertionError, match="holding again"):
        check_hold_and_release(Forgetful(), "pen")


def test_a_playbook_that_labels_the_patient_fails_the_contract():
    class Blunt:
        @hookimpl
        def serviceplan_incident_steps(self):
            return [Proposal("warn", "Careful, a difficult patient.")]

    with pytest.raises(AssertionError, match="labels the patient: 'difficult'"):
        check_playbook(Blunt())


def test_a_playbook_that_acts_on_what_it_is_shown_fails_the_contract():
    class Meddler:
        @hookimpl
        def serviceplan_delay_steps(self, delay):
            delay.resolve(at=delay.announced_at, by=Staff("desk-ana"))
            return []

    with pytest.raises(AssertionError, match="changed what it was shown"):
        check_playbook(Meddler())


def test_a_preparation_plugin_with_no_note_for_its_own_type_fails_the_contract():
    class Forgetful:
        @hookimpl
        def serviceplan_preparation(self):
            return None

    with pytest.raises(AssertionError, match="no preparation note for exam"):
        check_preparation(Forgetful(), ["exam"])


def test_an_adapter_author_runs_the_contract_with_the_opt_in_plugin(pytester):
    pytester.makeconftest('pytest_plugins = ["serviceplan.testing.plugin"]')
    pytester.makepyfile(
        test_my_adapter="""
        import itertools
        import threading
        import pytest
        from serviceplan import Channel, NoticeKind, Receipt, hookimpl
        from serviceplan.testing.contracts import ChannelContract

        counter = itertools.count()

        class MyGateway:
            def __init__(self, remember):
                self.remember, self.sent, self.outbox = remember, {}, []
                self.lock = threading.Lock()

            @hookimpl
            def serviceplan_channels(self, register):
                register(Channel.SMS)

            @hookimpl
            def serviceplan_deliver_notice(self, envelope, key):
                with self.lock:
                    if not self.remember or key not in self.sent:
                        self.outbox.append(envelope.text)
                        self.sent[key] = Receipt(key, "mine", f"m-{next(counter)}")
                    return self.sent[key]

        class TestGood(ChannelContract):
            @pytest.fixture
            def plugin(self):
                return MyGateway(remember=True)

            @pytest.fixture
            def probe(self, plugin):
                return lambda envelope: plugin.outbox.count(envelope.text)

        class TestKeyBlind(TestGood):
            @pytest.fixture
            def plugin(self):
                return MyGateway(remember=False)

        class TestNoProbe(ChannelContract):
            @pytest.fixture
            def plugin(self):
                return MyGateway(remember=True)

        def test_fixtures(plan_with_plugin, delivery_worker, serviceplan_plan):
            plan = plan_with_plugin(MyGateway(remember=True), "mine")
            assert plan is serviceplan_plan is delivery_worker.plan
            assert plan.plugins.deliverers(Channel.SMS) == ["mine"]
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-rfEs")
    # good: 5 passed, 1 skipped (no outage); key-blind: 3 passed, 2 failed, 1 skipped;
    # no probe: 1 passed, 5 errors; and the fixtures test
    result.assert_outcomes(passed=10, failed=2, skipped=2, errors=5)
    result.stdout.fnmatch_lines(
        [
            "*define a `probe` fixture: a function that takes an Envelope*",
            "*FAILED*TestKeyBlind::test_same_key_gets_the_first_receipt*",
            "*FAILED*TestKeyBlind::test_same_key_from_two_threads_at_once*",
            "*ERROR*TestNoProbe::test_delivers_with_a_receipt*",
        ]
    )
