"""The `serviceplan-hl7v2` command and the `serviceplan` entry point that names the adapter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from importlib.metadata import entry_points
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hl7v2_helpers import SAMPLES, ghh, sample, segment
from serviceplan import (
    Channel,
    ContactPoints,
    ServicePlan,
    Settings,
    VisitStatus,
    sqlite_store,
    visit_id_for,
)
from serviceplan_hl7v2 import MllpClient, MllpListener, SiuFeed, SqliteLedger
from serviceplan_hl7v2.__main__ import main

PARIS = ZoneInfo("Europe/Paris")
"""The clinic's zone, as the commands below name it (`--zone`)."""


@pytest.fixture
def store(tmp_path, desk, monkeypatch):
    """A clinic's SQLite store, with the samples' patient registered, as the command finds it."""
    path = tmp_path / "clinic.sqlite3"
    monkeypatch.setenv("SERVICEPLAN_DB", str(path))
    ServicePlan(sqlite_store(path), settings=Settings(timezone=PARIS)).register_patient(
        contact=ContactPoints(), preferred=Channel.PORTAL, by=desk, external_id="PATID1234"
    )
    return path


def test_apply_plays_a_backlog_of_files_at_their_own_times(store, tmp_path, capsys):
    files = [str(SAMPLES / f"SIU-{t}-01.hl7") for t in ("S12", "S13", "S26")]
    ledger = tmp_path / "ledger.sqlite3"
    command = ["--ledger", str(ledger), "--zone", "Europe/Paris", "apply", "--message-time"]

    with time_machine.travel(ghh(24, 11), tick=False):  # the morning after, up to date again
        code = main([*command, "--max-age", "14", *files])

    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out == [
        f"{files[0]}: AA",
        f"{files[1]}: AA nothing recorded: same time and provider",
        f"{files[2]}: AA",
    ]
    visit = ServicePlan(sqlite_store(store)).get_visit(visit_id_for("36996"))
    assert visit.status is VisitStatus.NO_SHOW


@pytest.mark.usefixtures("store")
def test_apply_at_message_time_refuses_files_older_than_the_window(tmp_path, capsys):
    files = [str(SAMPLES / "SIU-S12-01.hl7")]
    command = ["--ledger", str(tmp_path / "l.sqlite3"), "apply", "--message-time", *files]

    with time_machine.travel(ghh(24, 11), tick=False):
        code = main(command)

    assert code == 1
    assert "AE MSH-7: the message time is not recorded: it is more than 7 days" in (
        capsys.readouterr().out
    )


@pytest.mark.usefixtures("store")
def test_apply_fails_when_a_file_is_not_applied(tmp_path, capsys):
    code = main(["--ledger", str(tmp_path / "l.sqlite3"), "apply", str(SAMPLES / "SIU-S15-01.hl7")])

    assert code == 1
    assert "AE SCH-2: no visit was booked for appointment '36996'" in capsys.readouterr().out


def test_listen_answers_a_live_feed_until_interrupted(store, tmp_path):
    future = sample("SIU-S12-01").replace("20210924", "20990924")
    command = [sys.executable, "-m", "serviceplan_hl7v2", "--ledger", str(tmp_path / "l.sqlite3")]
    with subprocess.Popen(  # noqa: S603 (this package, run as a live feed would be)
        [*command, "listen", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "SERVICEPLAN_DB": str(store)},
    ) as process:
        assert process.stdout is not None
        address = process.stdout.readline().split()[-1]
        host, port = address.rsplit(":", 1)
        with MllpClient(host, int(port)) as client:
            reply = client.send(future)
        process.send_signal(signal.SIGINT)

        assert process.wait(timeout=20) == 0
    assert segment(reply, "MSA") == ["MSA", "AA", "MSG00012"]
    visit = ServicePlan(sqlite_store(store)).get_visit(visit_id_for("36996"))
    assert visit.start.year == 2099


def test_the_adapter_is_registered_in_the_serviceplan_entry_point_group(plan, tmp_path):
    (found,) = entry_points(group="serviceplan", name="hl7v2")
    plugin = found.load()

    feed = plugin.create_feed(plan, ledger_path=tmp_path / "ledger.sqlite3")
    listener = plugin.create_listener(feed, port=0)

    assert plugin.NAME == "hl7v2"
    assert isinstance(feed, SiuFeed)
    assert isinstance(feed.ledger, SqliteLedger)
    assert isinstance(listener, MllpListener)
    listener.close()
    assert isinstance(plugin.create_feed(plan), SiuFeed)
