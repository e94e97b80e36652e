"""A handler's fields come straight from the stored JSON: None where a path leads nowhere."""

from __future__ import annotations

import json
import sqlite3
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from serviceplan.read.stored import MISSING, Fields, text_id
from serviceplan.read.writes import Writes

BOOKED = {
    "at": {"_type_": "datetime_iso", "_data_": "2026-12-01T07:00:00-05:00"},
    "provider": "dr-patel",
    "length": 30,
    "rescheduled_from": None,
    "contact": {"_type_": "ContactPoints", "_data_": {"phone": None, "email": "x"}},
}


def stored(state: object) -> bytes:
    return json.dumps(state).encode()


def test_fields_are_read_by_their_paths_in_the_order_asked():
    fields = Fields(["provider", "at._data_", "length"])

    assert fields(stored(BOOKED)) == ("dr-patel", "2026-12-01T07:00:00-05:00", 30)


def test_a_missing_field_or_a_null_on_the_way_reads_as_none():
    fields = Fields(["rescheduled_from._data_", "contact._data_.phone._data_.e164", "nope"])

    assert fields(stored(BOOKED)) == (None, None, None)


def test_a_state_of_another_shape_reads_as_json_does():
    fields = Fields(["provider._data_", "length", "at._data_"])

    assert fields(stored(BOOKED)) == (None, 30, "2026-12-01T07:00:00-05:00")
    assert fields(stored([1, 2])) == (None, None, None)


def test_a_required_path_tells_a_missing_key_from_a_null_on_the_way():
    paths = ["provider", "rescheduled_from._data_", "at._data_"]
    fields = Fields(paths, required=set(paths))

    assert fields(stored(BOOKED)) == ("dr-patel", None, "2026-12-01T07:00:00-05:00")
    without_provider = {k: v for k, v in BOOKED.items() if k != "provider"}
    assert fields(stored(without_provider)) == (MISSING, None, "2026-12-01T07:00:00-05:00")
    time_without_data = {**BOOKED, "at": {"_type_": "datetime_iso"}}
    assert fields(stored(time_without_data)) == ("dr-patel", None, MISSING)


def test_a_required_path_through_a_value_of_another_shape_is_missing():
    fields = Fields(["provider._data_", "length"], required={"provider._data_", "length"})

    assert fields(stored(BOOKED)) == (MISSING, 30)
    assert Fields(["provider._data_"])(stored(BOOKED)) == (None,)


def test_whole_lists_and_objects_are_handed_over_as_data():
    fields = Fields(["contact._data_", "list"])

    found = fields(stored({**BOOKED, "list": [{"a": 1}]}))

    assert found == ({"phone": None, "email": "x"}, [{"a": 1}])


def test_a_path_may_not_run_into_another():
    with pytest.raises(ValueError, match="runs into another path"):
        Fields(["at", "at._data_"])
    assert Fields([])(stored(BOOKED)) == ()


def test_a_stored_uuid_reads_as_str_of_the_uuid():
    some = uuid4()
    assert text_id(some.hex) == str(some)
    assert text_id(some.hex.upper()) == str(some)


KEYS = st.sampled_from(["a", "b", "c"])
WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("set"), KEYS, st.integers(0, 9)),
        st.tuples(st.just("add"), KEYS, st.integers(0, 9)),
        st.tuples(st.just("copy"), KEYS, KEYS),
        st.tuples(st.just("all"), st.integers(0, 9), st.integers(0, 9)),
    ),
    max_size=30,
)


def _table() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
    db.executemany("INSERT INTO t VALUES (?, 0)", [("a",), ("b",), ("c",)])
    return db


def _play(writes, send) -> list[tuple[str, int]]:
    for kind, x, y in writes:
        if kind == "set":
            send("UPDATE t SET v = ? WHERE k = ?", (y, x), ("t", x))
        elif kind == "add":
            send("UPDATE t SET v = v * 10 + ? WHERE k = ?", (y, x), ("t", x))
        elif kind == "copy":  # reads y's row, writes x's
            send("UPDATE t SET v = (SELECT v FROM t WHERE k = ?) WHERE k = ?", (y, x),
                 ("t", x), ("t", y))  # fmt: skip
        else:  # rows found by a condition: a barrier
            send("UPDATE t SET v = ? WHERE v = ?", (y, x))
    return []


@settings(max_examples=300)  # cheap: an in-memory table of three rows
@given(WRITES)
def test_batched_writes_leave_every_row_as_writing_one_by_one_does(writes):
    one_by_one, batched = _table(), _table()
    queue = Writes(batched)

    _play(writes, lambda statement, params, *_rows: one_by_one.execute(statement, params))
    _play(writes, queue.add)
    queue.flush()

    rows = "SELECT * FROM t ORDER BY k"
    assert batched.execute(rows).fetchall() == one_by_one.execute(rows).fetchall()


def test_forgotten_writes_are_never_sent():
    db = _table()
    queue = Writes(db)
    queue.add("UPDATE t SET v = 1 WHERE k = ?", ("a",), ("t", "a"))

    queue.clear()
    queue.flush()

    assert db.execute("SELECT v FROM t WHERE k = 'a'").fetchone() == (0,)
