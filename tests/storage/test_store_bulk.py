"""The events of many records read in one query are the ones read record by record."""

from __future__ import annotations

from uuid import uuid4

import pytest

from helpers import at
from serviceplan.store import bulk


@pytest.fixture
def records(plan, desk, patient):
    visits = [
        plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(8 + n), by=desk)
        for n in range(3)
    ]
    plan.check_in(visits[1], by=desk)
    return [*visits, patient, uuid4()]


def test_many_records_read_together_as_they_read_one_by_one(plan, records):
    found = bulk.events_of(plan.recorder, records)

    assert list(found) == records
    for record in records:
        assert found[record] == list(plan.recorder.select_events(record))
    assert found[records[-1]] == []
    assert [s.originator_version for s in found[records[1]]] == [1, 2]


def test_a_long_list_of_ids_is_asked_for_a_part_at_a_time(plan, records, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)

    found = bulk.events_of(plan.recorder, records)

    assert found == {r: list(plan.recorder.select_events(r)) for r in records}
