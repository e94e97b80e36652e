"""The contract of an offering inventory: stock, holds, releases and hand-overs add up."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from serviceplan.errors import OutOfStock, ServicePlanError
from serviceplan.plugins.facade import Plugins
from serviceplan.testing.contracts.subject import require, subject_plan


def _left(plugins: Plugins, item: str) -> int:
    return next(s.available for s in plugins.offering_stock() if s.code == item)


def check_stock(plugin: object) -> str:
    """The stock lists each item once, none below zero; returns an item with two or more left."""
    stock = subject_plan(plugin).plugins.offering_stock()
    codes = [s.code for s in stock]
    require(len(codes) == len(set(codes)), "an item is listed twice")
    require(all(s.available >= 0 for s in stock), "an item has less than none left")
    item = next((s.code for s in stock if s.available >= 2), None)  # noqa: PLR2004
    if item is None:
        raise AssertionError("the contract needs an item with at least two left")
    return item


def check_hold_and_release(plugin: object, item: str) -> None:
    """A hold takes one item (once, whatever the repeats); a release gives it back once."""
    plugins = subject_plan(plugin).plugins
    before, offering = _left(plugins, item), uuid4()
    reference = plugins.reserve_stock(item, offering)
    require(plugins.reserve_stock(item, offering) == reference, "holding again must change nothing")
    require(_left(plugins, item) == before - 1, "a hold must take exactly one item")
    require(plugins.release_stock(offering) is True, "releasing a hold must say so")
    require(plugins.release_stock(offering) is False, "releasing twice must say nothing was held")
    require(_left(plugins, item) == before, "a release must give the item back")


def check_issue(plugin: object, item: str) -> None:
    """Issuing hands over the held item once; it can no longer be released."""
    plugins = subject_plan(plugin).plugins
    before, offering = _left(plugins, item), uuid4()
    plugins.reserve_stock(item, offering)
    require(plugins.issue_stock(offering) is True, "issuing a held item must say so")
    require(plugins.issue_stock(offering) is True, "issuing again must still say it is issued")
    require(_left(plugins, item) == before - 1, "issuing twice must hand over one item")
    require(plugins.release_stock(offering) is False, "an issued item cannot be released")


def check_limits(plugin: object, item: str) -> None:
    """Unknown items are refused, and an item runs out after its last one is held."""
    plugins = subject_plan(plugin).plugins
    with pytest.raises(ServicePlanError):
        plugins.reserve_stock("no-such-item", uuid4())
    held: list[UUID] = [uuid4() for _ in range(_left(plugins, item))]
    for offering in held:
        plugins.reserve_stock(item, offering)
    with pytest.raises(OutOfStock):
        plugins.reserve_stock(item, uuid4())
    for offering in held:
        plugins.release_stock(offering)


class InventoryContract:
    """Subclass in your tests and define a `plugin` fixture returning your inventory plugin."""

    @pytest.fixture
    def plugin(self) -> object:
        """The inventory plugin under test (override this)."""
        pytest.fail("define a `plugin` fixture that returns the inventory plugin under test")

    @pytest.fixture
    def item(self, plugin: object) -> str:
        """An item with at least two left (the first such, unless you override this)."""
        return check_stock(plugin)

    def test_hold_and_release(self, plugin: object, item: str) -> None:
        """Holds and releases add up."""
        check_hold_and_release(plugin, item)

    def test_issue(self, plugin: object, item: str) -> None:
        """Hand-overs add up."""
        check_issue(plugin, item)

    def test_limits(self, plugin: object, item: str) -> None:
        """Unknown items are refused and stock runs out."""
        check_limits(plugin, item)
