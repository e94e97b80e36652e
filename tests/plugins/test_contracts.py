"""The contract kit catches what an adapter gets wrong; its pytest plugin works when opted in."""

from __future__ import annotations

import itertools
from uuid import uuid4

import pytest

from serviceplan import Channel, Receipt, Staff, hookimpl
from serviceplan.plugins import Proposal
from serviceplan.plugins.builtin import StockRoom, TemplateWeek
from serviceplan.testing.contracts import (
    check_book_move_cancel,
    check_delivers,
    check_hold_and_release,
    check_new_key_new_receipt,
    check_playbook,
    check_preparation,
    check_registers_channels,
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


def test_a_channel_that_ignores_idempotency_keys_fails_the_contract():
    check_delivers(KeyBlindGateway())
    check_new_key_new_receipt(KeyBlindGateway())
    with pytest.raises(AssertionError, match="ignores idempotency keys"):
        check_same_key_same_receipt(KeyBlindGateway())


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
        import pytest
        from serviceplan import Channel, NoticeKind, Receipt, hookimpl
        from serviceplan.testing.contracts import ChannelContract

        counter = itertools.count()

        class MyGateway:
            def __init__(self, remember):
                self.remember, self.sent = remember, {}

            @hookimpl
            def serviceplan_channels(self, register):
                register(Channel.SMS)

            @hookimpl
            def serviceplan_deliver_notice(self, key):
                if not self.remember or key not in self.sent:
                    self.sent[key] = Receipt(key, "mine", f"m-{next(counter)}")
                return self.sent[key]

        class TestGood(ChannelContract):
            @pytest.fixture
            def plugin(self):
                return MyGateway(remember=True)

        class TestKeyBlind(ChannelContract):
            @pytest.fixture
            def plugin(self):
                return MyGateway(remember=False)

        def test_fixtures(plan_with_plugin, delivery_worker, serviceplan_plan):
            plan = plan_with_plugin(MyGateway(remember=True), "mine")
            assert plan is serviceplan_plan is delivery_worker.plan
            assert plan.plugins.deliverers(Channel.SMS) == ["mine"]
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=8, failed=1)
    result.stdout.fnmatch_lines(["*TestKeyBlind::test_same_key_gets_the_first_receipt*"])
