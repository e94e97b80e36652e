"""A second desk in its own process: says "ready", waits for "go", then reserves from two threads.

Then prints one JSON line: how many reserve calls got a hold and how many found nothing left.
Run as `python inventory_file_worker.py STOCK_FILE ITEM ATTEMPTS`.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

from serviceplan.errors import OutOfStock
from serviceplan_inventory_file import InventoryFile


def reserve(inventory: InventoryFile, item: str) -> bool:
    try:
        inventory.serviceplan_reserve_stock(item, uuid4())
    except OutOfStock:
        return False
    return True


def main(stock_file: str, item: str, attempts: int) -> None:
    inventory = InventoryFile(stock_file)
    print("ready", flush=True)  # noqa: T201
    sys.stdin.readline()  # wait until every desk is ready
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: reserve(inventory, item), range(attempts)))
    print(json.dumps({"held": results.count(True), "out": results.count(False)}))  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
