"""The stock file passes the offering inventory contract, written in TOML and in CSV."""

from __future__ import annotations

import pytest

from inventory_file_helpers import write_drawer
from serviceplan.testing.contracts import InventoryContract
from serviceplan_inventory_file import InventoryFile


class TestInventoryFile(InventoryContract):
    @pytest.fixture(params=["toml", "csv"])
    def plugin(self, request, tmp_path):
        return InventoryFile(write_drawer(tmp_path, request.param))
