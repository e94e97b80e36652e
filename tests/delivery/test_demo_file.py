"""The demo's SQLite file, written through a process recorder, replays and can deliver notices."""

from __future__ import annotations

from serviceplan import (
    Channel,
    FixedClock,
    NoticeKind,
    NoticeStatus,
    ServicePlan,
    Settings,
    demo,
    sqlite_store,
)
from serviceplan.__main__ import main
from serviceplan.delivery import DeliveryWorker, Tally


def test_the_demo_day_replays_and_its_rescheduled_patient_gets_a_heads_up(tmp_path, capsys):
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(db)]) == 0
    assert "events recorded; every one can be replayed" in capsys.readouterr().out

    clock = FixedClock(demo.at(12, 30))
    plan = ServicePlan(
        sqlite_store(db), clock=clock, settings=Settings(timezone=demo.CLINIC_ZONE),
        entry_points=False,
    )  # fmt: skip
    [moved] = [v for v in plan.visits_of("dr-patel", demo.DAY.date()) if v.rescheduled_from]
    # the patient had a delay text this morning: a second text today would pass the daily limit
    texted = plan.request_notice(
        moved.patient_id, kind=NoticeKind.HEADS_UP, visit_id=moved.id, by=demo.DESK
    )
    assert DeliveryWorker(plan).run_once() == Tally(given_up=1)
    assert "limit of 1 a day" in plan.get_notice(texted).note
    plan.give_consent(moved.patient_id, Channel.EMAIL, by=demo.DESK)
    key = plan.request_notice(
        moved.patient_id, kind=NoticeKind.HEADS_UP, visit_id=moved.id, channel=Channel.EMAIL,
        by=demo.DESK,
    )  # fmt: skip
    assert DeliveryWorker(plan).run_once() == Tally(delivered=1)
    assert plan.get_notice(key).status is NoticeStatus.DELIVERED
    console = plan.plugins.manager.get_plugin("serviceplan.console")
    assert "your appointment on Tue Dec 1 at 13:00" in console.outbox[0].text
