"""The installed entry point: the drawer file the environment names, or the built-in stock room."""

from __future__ import annotations

from uuid import uuid4

from serviceplan import ServicePlan, memory_store
from serviceplan_inventory_file import HOLDS_FILE, STOCK_FILE, InventoryFile, from_environment
from serviceplan_inventory_file.plugin import Dormant, FromEnvironment


def test_an_installed_adapter_without_a_stock_file_leaves_the_stock_room_in_charge(monkeypatch):
    monkeypatch.delenv(STOCK_FILE, raising=False)
    plan = ServicePlan(memory_store())  # entry points loaded, this adapter among them
    assert "cafe-card" in [item.code for item in plan.plugins.offering_stock()]
    assert "pen" in [item.code for item in plan.plugins.offering_stock()]  # the built-in drawer


def test_an_installed_adapter_with_a_stock_file_answers_for_the_inventory(monkeypatch, drawer):
    monkeypatch.setenv(STOCK_FILE, str(drawer))
    plan = ServicePlan(memory_store())
    assert [(i.code, i.available) for i in plan.plugins.offering_stock()] == [
        ("cafe-card", 3),
        ("mug", 2),
    ]


def test_the_environment_may_keep_the_holds_elsewhere(tmp_path, drawer):
    holds = tmp_path / "holds" / "desk.sqlite3"
    holds.parent.mkdir()
    inventory = from_environment({STOCK_FILE: str(drawer), HOLDS_FILE: str(holds)})
    assert isinstance(inventory, InventoryFile)
    inventory.serviceplan_reserve_stock("mug", uuid4())
    assert holds.exists()


def test_the_entry_point_class_builds_the_plugin_the_environment_asks_for(monkeypatch, drawer):
    monkeypatch.delenv(STOCK_FILE, raising=False)
    idle = FromEnvironment()
    assert isinstance(idle, Dormant)
    assert idle.missing == STOCK_FILE
    monkeypatch.setenv(STOCK_FILE, f" {drawer} ")
    assert isinstance(FromEnvironment(), InventoryFile)
