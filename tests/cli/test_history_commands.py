"""`serviceplan export` and `serviceplan replay`: a store's history out and into a fresh copy."""

from serviceplan import ServicePlan, sqlite_store
from serviceplan.__main__ import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_demo_store_exports_and_replays_into_a_copy_with_the_same_board(tmp_path, capsys):
    demo, history, copy = tmp_path / "demo.sqlite3", tmp_path / "day.jsonl", tmp_path / "c.sqlite3"
    assert main(["demo", "--db", str(demo)]) == 0
    capsys.readouterr()

    code, out, _ = run(capsys, "export", "--db", str(demo), str(history))
    events = ServicePlan(sqlite_store(demo)).event_count
    assert code == 0
    assert f"{events} events written" in out
    assert len(history.read_text().splitlines()) == events + 2  # a header, the events, a trailer

    code, out, _ = run(capsys, "replay", str(history), "--db", str(copy))
    assert code == 0
    assert f"{events} events replayed" in out
    _, original, _ = run(capsys, "board", "--db", str(demo), "--date", "2026-12-01", "--json")
    _, replayed, _ = run(capsys, "board", "--db", str(copy), "--date", "2026-12-01", "--json")
    assert replayed == original


def test_a_bad_history_file_is_refused_with_its_line_and_nothing_applied(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "nonsense"}\n')
    copy = tmp_path / "c.sqlite3"

    code, _, err = run(capsys, "replay", str(bad), "--db", str(copy))

    assert code == 2
    assert "line 1" in err
    assert "nothing was imported" in err
    assert ServicePlan(sqlite_store(copy)).event_count == 0


def test_replay_refuses_a_store_that_already_holds_events(tmp_path, capsys):
    demo, history = tmp_path / "demo.sqlite3", tmp_path / "day.jsonl"
    main(["demo", "--db", str(demo)])
    main(["export", "--db", str(demo), str(history)])
    capsys.readouterr()

    code, _, err = run(capsys, "replay", str(history), "--db", str(demo))

    assert code == 2
    assert "empty store" in err
