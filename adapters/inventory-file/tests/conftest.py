"""The front desk's drawer of peace offerings, kept in a file, with holds beside it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inventory_file_helpers import write_drawer
from serviceplan import FixedClock
from serviceplan.plugins import STAND_INS
from serviceplan_inventory_file import InventoryFile

os.environ[STAND_INS] = "1"  # the demo's stand-ins answer where the test's plugins do not


@pytest.fixture
def clock() -> FixedClock:
    """The desk's morning of Tuesday 1 December 2026."""
    return FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def drawer(tmp_path: Path) -> Path:
    """The drawer file in TOML: three cafe cards and two mugs."""
    return write_drawer(tmp_path)


@pytest.fixture
def inventory(drawer: Path, clock: FixedClock) -> InventoryFile:
    return InventoryFile(drawer, clock=clock)
