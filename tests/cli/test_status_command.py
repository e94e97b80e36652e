"""`serviceplan status`: how far behind each follower is, and the oldest notice still owed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import CLINIC_ZONE, at
from serviceplan import (
    Channel,
    ContactPoints,
    NoticeKind,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    sqlite_store,
)
from serviceplan.cli import main

DESK = Staff("desk-ana", "front-desk")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def clinic_plan(store: Path) -> ServicePlan:
    return ServicePlan(sqlite_store(store), settings=Settings(CLINIC_ZONE), entry_points=False)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A clinic's store where two notices are owed: a follow-up due at 9:00, another at 11:00."""
    path = tmp_path / "clinic.sqlite3"
    plan = clinic_plan(path)
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550142")), preferred=Channel.SMS, by=DESK
    )
    plan.give_consent(patient, Channel.SMS, by=DESK)
    for hour, key in [(11, "later"), (9, "earlier")]:
        plan.request_notice(
            patient, kind=NoticeKind.FOLLOW_UP, not_before=at(hour), key=key, by=DESK,
            now=at(8),
        )  # fmt: skip
    plan.close()
    return path


def status(capsys, store: Path, *more: str) -> dict:
    code, out, _ = run(capsys, "status", "--db", str(store), "--json", *more)
    assert code == 0
    return json.loads(out)


def test_a_store_nobody_follows_yet_shows_every_follower_behind(store, capsys, time_machine):
    time_machine.move_to(at(12), tick=False)

    found = status(capsys, store)

    assert found["events"] == 4
    assert {m["name"]: m["position"] for m in found["read_models"]} == {
        "board": None, "incidents": None, "recovery": None, "audit": None,
    }  # fmt: skip
    assert found["delivery"]["requests_position"] == 0
    assert found["delivery"]["requests_not_tried"] == 2
    assert found["notices_owed"]["count"] == 2
    assert found["notices_owed"]["oldest"]["due"] == at(9).isoformat()
    assert found["notices_owed"]["oldest"]["kind"] == "follow-up"


def test_followers_that_caught_up_are_not_behind_until_new_events_come(store, capsys, time_machine):
    time_machine.move_to(at(12), tick=False)
    assert run(capsys, "follow", "--db", str(store), "--once")[0] == 0
    assert status(capsys, store)["read_models"][0] == {"name": "board", "position": 4, "behind": 0}

    plan = clinic_plan(store)
    plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550143")), preferred=Channel.SMS, by=DESK
    )
    plan.close()

    found = status(capsys, store)
    assert found["events"] == 5
    assert [m["behind"] for m in found["read_models"]] == [1, 1, 1, 1]


def test_the_text_for_people_says_the_same(store, capsys, time_machine):
    time_machine.move_to(at(12), tick=False)
    code, out, _ = run(capsys, "status", "--db", str(store))

    assert code == 0
    assert out.splitlines() == [
        "Store: 4 events in the log",
        f"Read models ({store}):",
        "  board      never caught up",
        "  incidents  never caught up",
        "  recovery   never caught up",
        "  audit      never caught up",
        "Delivery: requests tried up to 0, 2 not tried yet; retries settled up to 0",
        (
            "Notices owed (last 7 days): 2; the oldest is a follow-up notice by sms,"
            " due 2026-12-01 09:00"
        ),
    ]
    assert "+15555550142" not in out


def test_status_writes_nothing_and_needs_a_store_that_exists(store, tmp_path, capsys):
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    status(capsys, store)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name in before} == before

    code, _, err = run(capsys, "status", "--db", str(tmp_path / "typo.sqlite3"))
    assert code == 2
    assert "no store at" in err
    assert not (tmp_path / "typo.sqlite3").exists()


def test_views_kept_elsewhere_are_read_from_their_own_file(store, tmp_path, capsys):
    views = tmp_path / "views.sqlite3"
    assert run(capsys, "follow", "--db", str(store), "--views", str(views), "--once")[0] == 0

    beside = status(capsys, store)
    elsewhere = status(capsys, store, "--views", str(views))

    assert beside["read_models"][0]["position"] is None
    assert elsewhere["read_models"][0]["position"] == 4
    assert elsewhere["views"] == str(views)
