"""No silent success and no silent failure on the command line.

A clinic's text gateway whose plugin fails to load is reported by every command, and the
followers will not start without it; with no channel installed a notice goes to the desk, never
"delivered"; a follower whose passes keep failing says why each time and exits with code 7 after
the limit, for its supervisor. What reaches stderr names notices and plugins, never patients.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from importlib.metadata import EntryPoint
from pathlib import Path
from uuid import uuid4

import pytest

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    NoticeKind,
    NoticeStatus,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    sqlite_store,
)
from serviceplan.cli import follow_commands, main
from serviceplan.plugins import STAND_INS, loading

DESK = Staff("desk-ana", "front-desk")
PHONE, EMAIL = "+15555550142", "rosa.quintero@example.org"
GATEWAY = """
from serviceplan import hookimpl

class Gateway:
    def __init__(self):
        raise RuntimeError("SERVICEPLAN_SMS_TOKEN is not set")

    @hookimpl
    def serviceplan_channels(self, register):
        pass
"""


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch) -> Path:
    """A clinic's store (no stand-ins) where Rosa is owed a text about her 14:00 visit."""
    monkeypatch.delenv(STAND_INS, raising=False)
    store = tmp_path / "clinic.sqlite3"
    plan = ServicePlan(sqlite_store(store), settings=Settings(CLINIC_ZONE), entry_points=False)
    rosa = plan.register_patient(
        contact=ContactPoints(PhoneNumber(PHONE), EmailAddress(EMAIL)),
        preferred=Channel.SMS,
        by=DESK,
    )
    plan.give_consent(rosa, Channel.SMS, by=DESK)
    plan.request_notice(rosa, kind=NoticeKind.FOLLOW_UP, by=DESK, now=at(9))
    plan.close()
    return store


@pytest.fixture
def broken_gateway(tmp_path, monkeypatch) -> str:
    """The clinic's text gateway, installed as an entry point whose constructor raises."""
    module = f"clinic_gateway_{uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(GATEWAY)
    monkeypatch.syspath_prepend(str(tmp_path))
    installed = [EntryPoint("clinic-sms", f"{module}:Gateway", "serviceplan")]
    monkeypatch.setattr(
        loading, "entry_points", lambda group: installed if group == "serviceplan" else []
    )
    return "clinic-sms"


def statuses(store: Path) -> list[NoticeStatus]:
    plan = ServicePlan(sqlite_store(store), entry_points=False)
    try:
        return [record.status for record in plan.notices_on(DAY)]
    finally:
        plan.close()


@pytest.mark.usefixtures("broken_gateway")
@pytest.mark.parametrize("command", [["board"], ["incidents"], ["report"], ["status"]])
def test_every_command_reports_a_plugin_that_failed_to_load(clinic, capsys, command):
    code, _, err = run(capsys, *command, "--db", str(clinic))

    assert code == 0
    assert (
        "ERROR serviceplan.plugins: plugin clinic-sms failed to load and was skipped"
        " (RuntimeError: SERVICEPLAN_SMS_TOKEN is not set);"
        " disable it with SERVICEPLAN_DISABLE_PLUGINS=clinic-sms"
    ) in err


@pytest.mark.usefixtures("broken_gateway")
@pytest.mark.parametrize("command", [["deliver", "--once"], ["follow", "--once"], ["deliver"]])
def test_the_followers_refuse_to_start_while_a_plugin_is_broken(clinic, capsys, command):
    code, out, err = run(capsys, *command, "--db", str(clinic))

    assert code == 5
    assert "will not start while a plugin failed to load: clinic-sms (RuntimeError" in err
    assert "SERVICEPLAN_DISABLE_PLUGINS=clinic-sms" in err
    assert "delivered" not in out
    assert statuses(clinic) == [NoticeStatus.OWED]


def test_disabling_the_broken_plugin_by_name_lets_delivery_go_on_to_the_desk(
    clinic, broken_gateway, capsys, monkeypatch
):
    monkeypatch.setenv("SERVICEPLAN_DISABLE_PLUGINS", broken_gateway)

    code, out, err = run(capsys, "deliver", "--db", str(clinic), "--once")

    assert code == 0
    assert out.strip() == "0 delivered, 0 failed tries, 0 waiting, 1 handed to the desk, 0 dropped"
    assert "no channel installed for email, portal, sms, voice" in err
    assert statuses(clinic) == [NoticeStatus.GIVEN_UP]


def test_a_name_to_disable_that_matches_no_plugin_is_reported(clinic, capsys, monkeypatch):
    monkeypatch.setenv("SERVICEPLAN_DISABLE_PLUGINS", "clinic-smss")

    code, _, err = run(capsys, "board", "--db", str(clinic))

    assert code == 0
    assert "SERVICEPLAN_DISABLE_PLUGINS names no plugin: clinic-smss" in err


def test_with_no_channel_installed_nothing_is_recorded_as_delivered(clinic, capsys):
    code, out, err = run(capsys, "deliver", "--db", str(clinic), "--once")

    assert code == 0
    assert out.startswith("0 delivered")
    assert "1 handed to the desk" in out
    assert "no channel installed for email, portal, sms, voice" in err
    _, board, _ = run(capsys, "board", "--db", str(clinic), "--json", "--date", str(DAY))
    assert json.loads(board)["providers"] == []
    plan = ServicePlan(sqlite_store(clinic), entry_points=False)
    [record] = plan.notices_given_up(now=at(18))
    assert record.note == "no channel installed for sms"
    plan.close()


def damage_the_request(store: Path) -> None:
    """The stored notice request can no longer be read: every delivery pass will fail."""
    with closing(sqlite3.connect(store)) as db:
        db.execute(
            "UPDATE stored_events SET state = ? WHERE topic LIKE ?",
            (b'{"notice": ', "%:NoticeRecord.Requested"),
        )
        db.commit()


def never_stopped(monkeypatch) -> None:
    """The loop is never told to stop: only giving up ends it."""
    monkeypatch.setattr(follow_commands, "stopped_by_signals", threading.Event)


@pytest.mark.parametrize("command", ["deliver", "follow"])
def test_a_follower_whose_passes_keep_failing_says_why_and_gives_up_with_7(
    clinic, capsys, monkeypatch, command
):
    never_stopped(monkeypatch)
    damage_the_request(clinic)
    if command == "follow":  # its first pass is made before the loop; let that one succeed
        original = follow_commands.catch_up_together
        calls = []

        def first_then_fail(models):
            calls.append(1)
            if len(calls) == 1:
                return 0
            return original(models)

        monkeypatch.setattr(follow_commands, "catch_up_together", first_then_fail)

    code, out, err = run(
        capsys, command, "--db", str(clinic), "--every", "0.05", "--max-wait", "0.1",
        "--give-up-after", "3",
    )  # fmt: skip

    assert code == 7
    failures = [line for line in err.splitlines() if "pass failed" in line]
    assert len(failures) == 3
    assert "(NoticeRecord.Requested) is not valid JSON" in failures[0]
    assert "1 in a row, trying again in 0.1 s" in failures[0]
    assert "3 in a row: giving up" in failures[-1]
    assert err.splitlines()[-1].startswith("Error: ")
    assert "gave up after 3 failed passes in a row" in err.splitlines()[-1]
    assert "stopped" not in out


def test_nothing_on_stderr_names_a_patient_even_at_the_most_detail(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(STAND_INS, "1")  # the demo's console channel delivers, and says so
    store = tmp_path / "day.sqlite3"
    assert main(["-vv", "demo", "--db", str(store)]) == 0
    _, told_in_the_demo = capsys.readouterr()
    plan = ServicePlan(sqlite_store(store), entry_points=False)
    patient = plan.notices_on(DAY)[0].notice.patient_id
    plan.give_consent(patient, Channel.EMAIL, by=DESK)  # e-mail keeps no quiet hours
    plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, channel=Channel.EMAIL, by=DESK)
    plan.close()

    code, out, told = run(capsys, "-vv", "deliver", "--db", str(store), "--once")

    assert (code, out.split(",")[0]) == (0, "1 delivered")
    assert "INFO serviceplan.delivery: notice follow-up-" in told
    for said in (told_in_the_demo, told):
        assert "+1555555" not in said  # the demo's phone numbers
        assert "@example.org" not in said  # and e-mail addresses


def test_quiet_keeps_warnings_back_and_verbose_adds_what_is_done(clinic, capsys):
    _, _, said = run(capsys, "deliver", "--db", str(clinic), "--once")
    _, _, quiet = run(capsys, "-q", "deliver", "--db", str(clinic), "--once")
    _, _, verbose = run(capsys, "-v", "board", "--db", str(clinic))

    assert "WARNING serviceplan.cli: no channel installed" in said
    assert quiet == ""
    assert "INFO serviceplan" in verbose
