"""Many desks reserve the last items at once: every item is held once, none below zero."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from uuid import uuid4

from inventory_file_helpers import left, write_drawer
from serviceplan.errors import OutOfStock
from serviceplan_inventory_file import InventoryFile, holds_beside

WORKER = Path(__file__).with_name("inventory_file_worker.py")
PENS = """\
[[item]]
code = "pen"
kind = "swag"
description = "Clinic pen"
retail_value = "2.00"
count = 5
"""


def held_rows(stock_file: Path) -> int:
    with sqlite3.connect(holds_beside(stock_file)) as db:
        return db.execute("SELECT COUNT(*) FROM holds WHERE state = 'held'").fetchone()[0]


def test_threads_reserving_at_once_hold_each_pen_once(tmp_path):
    stock_file = write_drawer(tmp_path, "toml", PENS)
    desks, attempts = 8, 3
    start = threading.Barrier(desks)
    outcomes: list[bool] = []
    lock = threading.Lock()

    def desk() -> None:
        inventory = InventoryFile(stock_file)  # each desk its own plugin, as in separate plans
        start.wait()
        for _ in range(attempts):
            try:
                inventory.serviceplan_reserve_stock("pen", uuid4())
                got = True
            except OutOfStock:
                got = False
            with lock:
                outcomes.append(got)

    threads = [threading.Thread(target=desk) for _ in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count(True) == 5
    assert outcomes.count(False) == desks * attempts - 5
    assert held_rows(stock_file) == 5
    assert left(InventoryFile(stock_file), "pen") == 0


def test_processes_reserving_at_once_hold_each_pen_once(tmp_path):
    stock_file = write_drawer(tmp_path, "toml", PENS)
    processes, attempts = 3, 6
    desks = [
        subprocess.Popen(  # noqa: S603 (this interpreter, our own worker script)
            [sys.executable, str(WORKER), str(stock_file), "pen", str(attempts)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for desk in desks:
        assert desk.stdout.readline() == "ready\n"
    for desk in desks:
        desk.stdin.write("go\n")
        desk.stdin.flush()
    results = [json.loads(desk.communicate(timeout=120)[0]) for desk in desks]

    assert all(desk.returncode == 0 for desk in desks)
    assert sum(r["held"] for r in results) == 5
    assert sum(r["out"] for r in results) == processes * attempts - 5
    assert held_rows(stock_file) == 5
    assert left(InventoryFile(stock_file), "pen") == 0
