"""A contract suite per plugin role, for adapter authors to run against their adapter.

Subclass the role's contract in a test module and give it a `plugin` fixture:

    from serviceplan.testing.contracts import ChannelContract

    class TestMySms(ChannelContract):
        @pytest.fixture
        def plugin(self, gateway):
            return MySmsChannel(gateway)

        @pytest.fixture
        def probe(self, gateway):  # how many messages for an envelope reached the gateway
            return lambda envelope: gateway.count(envelope.to, envelope.text)

Each contract's checks are also plain functions (`check_*`) that raise `AssertionError`.
"""

from __future__ import annotations

from serviceplan.testing.contracts.advice import (
    PlaybookContract,
    PreparationContract,
    check_playbook,
    check_preparation,
)
from serviceplan.testing.contracts.channel import (
    ChannelContract,
    check_delivers,
    check_new_key_new_receipt,
    check_registers_channels,
    check_same_key_same_receipt,
)
from serviceplan.testing.contracts.channel_trouble import (
    check_failure_is_not_remembered,
    check_same_key_at_once,
)
from serviceplan.testing.contracts.inventory import (
    InventoryContract,
    check_hold_and_release,
    check_issue,
    check_limits,
    check_stock,
)
from serviceplan.testing.contracts.peer import Outage, Probe
from serviceplan.testing.contracts.scheduler import (
    SchedulerContract,
    check_book_move_cancel,
    check_first_slot_of_morning,
    check_free_slots,
)
from serviceplan.testing.contracts.subject import SUBJECT, subject_plan

__all__ = [
    "SUBJECT",
    "ChannelContract",
    "InventoryContract",
    "Outage",
    "PlaybookContract",
    "PreparationContract",
    "Probe",
    "SchedulerContract",
    "check_book_move_cancel",
    "check_delivers",
    "check_failure_is_not_remembered",
    "check_first_slot_of_morning",
    "check_free_slots",
    "check_hold_and_release",
    "check_issue",
    "check_limits",
    "check_new_key_new_receipt",
    "check_playbook",
    "check_preparation",
    "check_registers_channels",
    "check_same_key_at_once",
    "check_same_key_same_receipt",
    "check_stock",
    "subject_plan",
]
