"""The delivery lease: one pass at a time per store, given back when its holder dies."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from followers import wait_until
from helpers import CLINIC
from serviceplan import ServicePlan, memory_store, sqlite_store
from serviceplan.delivery.lease import FileLease, PostgresLease, ProcessLease, lease_for
from stores import SessionDatabase

HOLD = """
import sys, time
from pathlib import Path
from serviceplan.delivery.lease import FileLease
lease = FileLease(Path(sys.argv[1]))
assert lease.acquire()
print("held", flush=True)
time.sleep(60)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lease of a SQLite file's delivery."""
    lock = tmp_path / "clinic.sqlite3.delivery-lock"
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    yield process
    process.kill()
    process.wait(timeout=30)


def test_workers_of_one_process_share_a_lock_in_memory():
    plan = ServicePlan(memory_store(), entry_points=False)
    first, second = lease_for(plan), lease_for(plan)
    assert isinstance(first, ProcessLease)

    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.close()
    assert lease_for(ServicePlan(memory_store(), entry_points=False)).acquire()  # another store


def test_a_sqlite_file_is_leased_through_a_lock_file_beside_it(tmp_path, holder):
    plan = ServicePlan(
        sqlite_store(tmp_path / "clinic.sqlite3"), entry_points=False, settings=CLINIC
    )
    lease = lease_for(plan)
    assert isinstance(lease, FileLease)
    assert lease.path == tmp_path / "clinic.sqlite3.delivery-lock"

    assert not lease.acquire()  # the other process is on its pass
    holder.kill()
    holder.wait(timeout=30)
    assert lease.acquire()  # its lease went with it
    lease.close()


@pytest.mark.postgres
def test_a_postgres_store_is_leased_through_an_advisory_lock(
    postgres_database: SessionDatabase,
):
    postgres_database.empty()
    plan = ServicePlan(postgres_database.store(), entry_points=False, settings=CLINIC)
    first, second = lease_for(plan), lease_for(plan)
    assert isinstance(first, PostgresLease)

    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    assert not first.acquire()
    second.close()  # a session that ends gives its lock back, as a killed worker's does
    wait_until(first.acquire, timeout=10)
    first.close()
    plan.close()
