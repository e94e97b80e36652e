"""The ledger of applied messages: a live feed restarted still counts each message once."""

from __future__ import annotations

import sqlite3

import pytest

from hl7v2_helpers import fixture, sample
from serviceplan_hl7v2 import Action, SiuFeed, SqliteLedger, Trigger


@pytest.mark.usefixtures("patient")
def test_a_message_applied_before_a_restart_is_not_applied_again(plan, tmp_path):
    path = tmp_path / "ledger.sqlite3"
    first = SiuFeed(plan, ledger=SqliteLedger(path)).apply(sample("SIU-S12-01"))
    before = plan.event_count

    again = SiuFeed(plan, ledger=SqliteLedger(path)).apply(sample("SIU-S12-01"))

    assert again.duplicate
    assert (again.trigger, again.action, again.visit_id) == (
        Trigger.BOOKING,
        Action.BOOKED,
        first.visit_id,
    )
    assert plan.event_count == before


@pytest.mark.usefixtures("patient")
def test_a_refused_message_is_not_remembered(plan, tmp_path):
    path = tmp_path / "ledger.sqlite3"
    feed = SiuFeed(plan, ledger=SqliteLedger(path))

    feed.handle(fixture("SIU-S12-unknown-patient"))

    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM hl7v2_applied").fetchone() == (0,)


@pytest.mark.usefixtures("patient")
def test_the_ledger_keeps_ids_and_outcomes_not_message_text(plan, tmp_path):
    path = tmp_path / "ledger.sqlite3"
    SiuFeed(plan, ledger=SqliteLedger(path)).apply(sample("SIU-S12-01"))

    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM hl7v2_applied").fetchall()

    assert len(rows) == 1
    assert rows[0][:4] == ("SCHApp", "MSG00012", "S12", "booked")
    assert "EVERYMAN" not in repr(rows)
