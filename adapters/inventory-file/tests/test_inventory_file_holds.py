"""Holds outlive the process, hand-overs leave the drawer once, and the office's count wins."""

from __future__ import annotations

import sqlite3
from uuid import uuid4

import pytest

from inventory_file_helpers import left, write_drawer
from serviceplan import ServicePlan, memory_store
from serviceplan.errors import InvalidInput, NotAllowedNow, OutOfStock
from serviceplan_inventory_file import (
    HoldsBusy,
    HoldsUnavailable,
    InventoryFile,
    State,
    hold_reference,
    holds_beside,
)

RECOUNTED = """\
counted = 2026-12-01T12:00:00+00:00
[[item]]
code = "cafe-card"
kind = "restaurant-gift-card"
description = "Gift card for the cafe next door"
retail_value = "10.00"
count = 2
"""


def test_holds_survive_a_restart_of_the_desk(drawer, clock):
    offering = uuid4()
    InventoryFile(drawer, clock=clock).serviceplan_reserve_stock("cafe-card", offering)

    after_restart = InventoryFile(drawer, clock=clock)

    assert left(after_restart, "cafe-card") == 2
    assert after_restart.serviceplan_release_stock(offering) is True
    assert left(InventoryFile(drawer), "cafe-card") == 3


def test_the_holds_are_kept_beside_the_stock_file(drawer, inventory):
    inventory.serviceplan_reserve_stock("mug", uuid4())
    assert holds_beside(drawer) == drawer.with_name("drawer.holds.sqlite3")
    with sqlite3.connect(holds_beside(drawer)) as db:
        assert db.execute("SELECT item, state FROM holds").fetchall() == [("mug", "held")]


def test_a_hold_gives_its_reference_again_and_the_issued_item_stays_given(inventory):
    offering = uuid4()
    reference = inventory.serviceplan_reserve_stock("mug", offering)
    inventory.serviceplan_issue_stock(offering)
    assert reference == hold_reference(offering)
    assert inventory.serviceplan_reserve_stock("mug", offering) == reference
    assert left(inventory, "mug") == 1


def test_an_offering_holds_one_item_only(inventory):
    offering = uuid4()
    inventory.serviceplan_reserve_stock("mug", offering)
    with pytest.raises(InvalidInput, match="another item"):
        inventory.serviceplan_reserve_stock("cafe-card", offering)
    assert left(inventory, "cafe-card") == 3


def test_a_released_offering_may_hold_again(inventory):
    offering = uuid4()
    inventory.serviceplan_reserve_stock("mug", offering)
    inventory.serviceplan_release_stock(offering)
    inventory.serviceplan_reserve_stock("cafe-card", offering)
    assert (left(inventory, "mug"), left(inventory, "cafe-card")) == (2, 2)


def test_nothing_held_cannot_be_handed_over(inventory):
    with pytest.raises(NotAllowedNow):
        inventory.serviceplan_issue_stock(uuid4())
    released = uuid4()
    inventory.serviceplan_reserve_stock("mug", released)
    inventory.serviceplan_release_stock(released)
    with pytest.raises(NotAllowedNow):
        inventory.serviceplan_issue_stock(released)


def test_a_recount_takes_off_only_what_was_handed_over_after_it(tmp_path, clock):
    drawer = write_drawer(tmp_path)
    inventory = InventoryFile(drawer, clock=clock)
    before, after, waiting = uuid4(), uuid4(), uuid4()
    for offering in (before, after, waiting):
        inventory.serviceplan_reserve_stock("cafe-card", offering)
    inventory.serviceplan_issue_stock(before)  # 9:00, before the noon count
    clock.advance(4 * 60)
    drawer.write_text(RECOUNTED)  # noon: two cards in the drawer (one of them held)
    clock.advance(30)
    inventory.serviceplan_issue_stock(after)  # 12:30: leaves the counted two

    assert left(inventory, "cafe-card") == 0  # two counted, one handed over since, one held
    inventory.serviceplan_release_stock(waiting)
    assert left(inventory, "cafe-card") == 1


def test_a_count_lowered_below_the_holds_shows_none_left(tmp_path, clock):
    drawer = write_drawer(tmp_path)
    inventory = InventoryFile(drawer, clock=clock)
    for _ in range(3):
        inventory.serviceplan_reserve_stock("cafe-card", uuid4())
    drawer.write_text(RECOUNTED.replace("count = 2", "count = 1"))
    assert left(inventory, "cafe-card") == 0
    with pytest.raises(OutOfStock):
        inventory.serviceplan_reserve_stock("cafe-card", uuid4())


def test_an_item_the_office_removed_cannot_be_held(drawer, inventory):
    drawer.write_text(RECOUNTED)
    with pytest.raises(InvalidInput, match=r"no stock item 'mug' in drawer\.toml"):
        inventory.serviceplan_reserve_stock("mug", uuid4())


def test_a_holds_file_kept_locked_is_reported_not_waited_on_forever(drawer, tmp_path):
    holds = tmp_path / "elsewhere.sqlite3"
    inventory = InventoryFile(drawer, holds=holds, timeout=0.05)
    impatient = InventoryFile(drawer, holds=holds, timeout=0.05)
    with inventory.book.transaction(), pytest.raises(HoldsBusy, match="stayed locked"):
        impatient.serviceplan_reserve_stock("mug", uuid4())  # another writer holds the lock
    assert left(inventory, "mug") == 2


def test_a_holds_file_in_a_missing_folder_is_unavailable(drawer, tmp_path):
    with pytest.raises(HoldsUnavailable, match="cannot open the holds file"):
        InventoryFile(drawer, holds=tmp_path / "no-such-folder" / "holds.sqlite3")


def test_a_failed_change_is_rolled_back(inventory):
    offering = uuid4()

    def hold_then_fail() -> None:
        with inventory.book.transaction() as ledger:
            ledger.put(offering, "mug", State.HELD, inventory.clock())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        hold_then_fail()
    assert left(inventory, "mug") == 2


def test_a_plan_offers_from_the_drawer_file(inventory):
    plan = ServicePlan(memory_store(), plugins=[inventory], entry_points=False)
    assert [(i.code, i.available) for i in plan.plugins.offering_stock()] == [
        ("cafe-card", 3),
        ("mug", 2),
    ]
