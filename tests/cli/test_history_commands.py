"""`serviceplan export` and `serviceplan replay`: a store's history out and into a fresh copy."""

import sqlite3
import stat
from contextlib import closing

import pytest

from serviceplan import ServicePlan, sqlite_store
from serviceplan.__main__ import main
from serviceplan.store.keys import new_cipher_key


@pytest.fixture(autouse=True)
def _clinic_zone(monkeypatch):
    """A replayed store records the clinic's zone, named here as an operator's variable would."""
    monkeypatch.setenv("SERVICEPLAN_CLINIC_TIMEZONE", "America/New_York")


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
    assert not copy.exists()  # not even created


def test_replay_refuses_a_store_that_already_holds_events(tmp_path, capsys):
    demo, history = tmp_path / "demo.sqlite3", tmp_path / "day.jsonl"
    main(["demo", "--db", str(demo)])
    main(["export", "--db", str(demo), str(history)])
    capsys.readouterr()

    code, _, err = run(capsys, "replay", str(history), "--db", str(demo))

    assert code == 2
    assert "empty store" in err


def exported_day(tmp_path, capsys):
    demo, history = tmp_path / "demo.sqlite3", tmp_path / "day.jsonl"
    assert main(["demo", "--db", str(demo)]) == 0
    assert main(["export", "--db", str(demo), str(history)]) == 0
    capsys.readouterr()
    return history


def test_an_export_is_the_owners_only_and_a_report_page_too(tmp_path, capsys):
    history = exported_day(tmp_path, capsys)
    page = tmp_path / "report.html"
    assert main(["report", "--db", str(tmp_path / "demo.sqlite3"), "--html", str(page)]) == 0

    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def cut(lines: list[str]) -> list[str]:
    return lines[:-50]  # head -n -50


def killed(lines: list[str]) -> list[str]:
    return [*lines[:120], lines[120][:40]]  # the export was killed mid-line


def edited(lines: list[str]) -> list[str]:
    """The mug's value, 8.00, made 5000.00 by hand."""
    amount = '"amount":{"_type_":"decimal_str","_data_":"8.00"}'
    number = next(
        n for n, line in enumerate(lines) if "Offering.Proposed" in line and amount in line
    )
    changed = lines[number].replace(amount, amount.replace("8.00", "5000.00"))
    return [*lines[:number], changed, *lines[number + 1 :]]


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (cut, "without its trailer: the export did not finish, or the file was cut short"),
        (killed, "not JSON"),
        (edited, "do not match the trailer's digest: the file was altered after export"),
    ],
)
def test_replay_refuses_a_cut_or_altered_export_and_writes_nothing(tmp_path, capsys, damage, said):
    history = exported_day(tmp_path, capsys)
    lines = history.read_text(encoding="utf8").splitlines(keepends=True)
    history.write_text("".join(damage(lines)), encoding="utf8")
    copy = tmp_path / "copy.sqlite3"

    code, out, err = run(capsys, "replay", str(history), "--db", str(copy))

    assert code == 2
    assert said in err
    assert "(nothing was imported)" in err
    assert "replayed" not in out
    assert not copy.exists()


def test_an_export_of_format_version_1_replays_only_when_accepted(tmp_path, capsys):
    history = exported_day(tmp_path, capsys)
    lines = history.read_text(encoding="utf8").splitlines(keepends=True)
    history.write_text(
        "".join(['{"format":"serviceplan-history","version":1}\n', *lines[1:-1]]),
        encoding="utf8",
    )
    copy = tmp_path / "copy.sqlite3"

    code, _, err = run(capsys, "replay", str(history), "--db", str(copy))
    assert code == 2
    assert "--accept-version-1" in err
    assert not copy.exists()

    code, out, _ = run(capsys, "replay", str(history), "--db", str(copy), "--accept-version-1")
    assert code == 0
    assert f"{len(lines) - 2} events replayed" in out


def test_an_export_to_a_device_is_written_straight_to_it(tmp_path, capsys):
    demo = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(demo)]) == 0
    capsys.readouterr()

    code, out, _ = run(capsys, "export", "--db", str(demo), "/dev/null")

    assert code == 0
    assert "events written to /dev/null" in out


def test_an_export_that_fails_midway_leaves_no_file_at_all(tmp_path, capsys, monkeypatch):
    history = exported_day(tmp_path, capsys)
    history.unlink()

    def full_disk(_descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("serviceplan.cli.output.os.fsync", full_disk)
    code, _, err = run(capsys, "export", "--db", str(tmp_path / "demo.sqlite3"), str(history))

    assert code == 2
    assert f"cannot write {history}: No space left on device" in err
    assert sorted(p.name for p in tmp_path.iterdir() if "day" in p.name) == []


def test_an_export_stopped_by_a_damaged_event_leaves_no_file_at_all(tmp_path, capsys):
    history = exported_day(tmp_path, capsys)
    history.unlink()
    demo = tmp_path / "demo.sqlite3"
    with closing(sqlite3.connect(demo)) as db:
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = 150", (b"{not json",))
        db.commit()

    code, _, err = run(capsys, "export", "--db", str(demo), str(history))

    assert code == 3
    assert "the event at position 150" in err
    assert sorted(p.name for p in tmp_path.iterdir() if "day" in p.name) == []


# -- an encrypted store's export stays secret ------------------------------------------------


@pytest.fixture
def sealed_demo(tmp_path, capsys, monkeypatch):
    """The demo day in a store encrypted with the key in the environment."""
    monkeypatch.setenv("CIPHER_KEY", new_cipher_key())
    demo = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(demo)]) == 0
    capsys.readouterr()
    return demo


def board_of(capsys, store):
    code, out, _ = run(capsys, "board", "--db", str(store), "--date", "2026-12-01", "--json")
    assert code == 0
    return out


def test_an_encrypted_stores_export_is_sealed_with_its_key_and_replays(
    sealed_demo, tmp_path, capsys
):
    history, copy = tmp_path / "day.jsonl", tmp_path / "copy.sqlite3"
    code, out, err = run(capsys, "export", "--db", str(sealed_demo), str(history))
    assert code == 0
    assert "sealed with the store's key" in out
    assert not err
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    text = history.read_text()
    assert '"format":"serviceplan-history-sealed"' in text.splitlines()[0]
    assert "Patient.Registered" not in text
    assert "dr-" not in text

    code, out, _ = run(capsys, "replay", str(history), "--db", str(copy))
    assert code == 0
    assert board_of(capsys, copy) == board_of(capsys, sealed_demo)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_a_plain_export_of_an_encrypted_store_needs_its_flag_and_is_warned_of(
    sealed_demo, tmp_path, capsys
):
    history = tmp_path / "day.jsonl"
    code, out, err = run(capsys, "export", "--db", str(sealed_demo), str(history), "--plain")
    assert code == 0
    assert "sealed" not in out
    assert "Warning:" in err
    assert "in clear" in err
    assert "Patient.Registered" in history.read_text()
    assert stat.S_IMODE(history.stat().st_mode) == 0o600


def test_a_passphrase_carries_an_export_to_a_store_under_a_new_key(
    sealed_demo, tmp_path, capsys, monkeypatch
):
    history, copy = tmp_path / "day.jsonl", tmp_path / "rotated.sqlite3"
    phrase = tmp_path / "phrase.txt"
    phrase.write_text("correct horse battery staple\n")
    args = ["--passphrase-file", str(phrase)]
    assert run(capsys, "export", "--db", str(sealed_demo), str(history), *args)[0] == 0
    before = board_of(capsys, sealed_demo)
    monkeypatch.setenv("CIPHER_KEY", new_cipher_key())

    code, _, _ = run(capsys, "replay", str(history), "--db", str(copy), *args)

    assert code == 0
    assert board_of(capsys, copy) == before
    assert run(capsys, "board", "--db", str(sealed_demo))[0] == 4  # the old store, the new key


@pytest.mark.parametrize("given", ["no key", "another key", "another passphrase"])
def test_a_sealed_export_without_its_key_is_refused_and_nothing_is_made(
    sealed_demo, tmp_path, capsys, monkeypatch, given
):
    history, copy = tmp_path / "day.jsonl", tmp_path / "copy.sqlite3"
    phrase = tmp_path / "phrase.txt"
    phrase.write_text("correct horse battery staple\n")
    with_phrase = given == "another passphrase"
    extra = ["--passphrase-file", str(phrase)] if with_phrase else []
    assert run(capsys, "export", "--db", str(sealed_demo), str(history), *extra)[0] == 0
    if given == "no key":
        monkeypatch.delenv("CIPHER_KEY")
    elif given == "another key":
        monkeypatch.setenv("CIPHER_KEY", new_cipher_key())
    else:
        phrase.write_text("a passphrase of someone else\n")

    code, _, err = run(capsys, "replay", str(history), "--db", str(copy), *extra)

    assert code == 4
    assert "Error:" in err
    assert not copy.exists()


def test_a_plain_store_is_encrypted_by_exporting_it_and_replaying_it_with_a_key(
    tmp_path, capsys, monkeypatch
):
    demo, history, sealed = tmp_path / "demo.sqlite3", tmp_path / "day.jsonl", tmp_path / "s.db"
    assert main(["demo", "--db", str(demo)]) == 0
    assert run(capsys, "export", "--db", str(demo), str(history))[0] == 0
    before = board_of(capsys, demo)
    monkeypatch.setenv("CIPHER_KEY", new_cipher_key())

    refused, _, err = run(capsys, "board", "--db", str(demo))
    code, _, _ = run(capsys, "replay", str(history), "--db", str(sealed))

    assert refused == 4
    assert "export it and replay it into a new store with the key" in err
    assert code == 0
    assert board_of(capsys, sealed) == before
    with closing(sqlite3.connect(sealed)) as db:
        facts = dict(db.execute("SELECT name, value FROM serviceplan_store").fetchall())
    assert facts["encryption"] == "AES-GCM"
