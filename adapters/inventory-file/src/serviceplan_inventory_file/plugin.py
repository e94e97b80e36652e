"""The `inventory-file` entry point: the stock file named in the environment, or nothing at all.

An installed adapter that answered without a stock file would take the inventory role from the
built-in stock room and then fail every call; so when `SERVICEPLAN_INVENTORY_FILE` is not set the
entry point gives a plugin with no hooks, and the built-in stock room keeps answering.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from serviceplan.config import plugin_env
from serviceplan_inventory_file.inventory import InventoryFile

STOCK_FILE = "SERVICEPLAN_INVENTORY_FILE"
HOLDS_FILE = "SERVICEPLAN_INVENTORY_HOLDS"
PREFIX = "SERVICEPLAN_INVENTORY_"
KEYS = ("file", "holds")
"""The keys of `[plugins.inventory-file]`: each is the variable `SERVICEPLAN_INVENTORY_<KEY>`."""

log = logging.getLogger("serviceplan_inventory_file")


class Dormant:
    """The adapter when no stock file is named: no hooks, so the role stays with the others."""

    def __init__(self, missing: str) -> None:
        self.missing = missing


def from_environment(env: Mapping[str, str]) -> InventoryFile | Dormant:
    """Return the inventory over the stock file `env` names, or a dormant plugin if none."""
    stock_file = env.get(STOCK_FILE, "").strip()
    if not stock_file:
        log.info("inventory-file adapter idle: %s is not set", STOCK_FILE)
        return Dormant(STOCK_FILE)
    return InventoryFile(stock_file, holds=env.get(HOLDS_FILE, "").strip() or None)


class FromEnvironment:
    """What the entry point names; building it reads the process environment (see module)."""

    def __new__(cls) -> Any:  # noqa: ANN401 (the configured plugin or a dormant one, not cls)
        """Return the plugin `from_environment` builds from its section and the variables."""
        return from_environment(plugin_env("inventory-file", PREFIX, KEYS))
