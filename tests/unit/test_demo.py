from serviceplan import VisitStatus
from serviceplan.__main__ import main
from serviceplan.demo import run


def test_the_demo_day_shows_the_cascade_the_call_list_and_amends(tmp_path):
    lines = []
    plan = run(tmp_path / "demo.sqlite3", say=lines.append)
    told = "\n".join(lines)

    assert "5 visits slip" in told
    assert "booked 08:00 -> now about 08:45 (+45 min)" in told
    assert "booked 11:30 -> now about 11:40 (+10 min)" in told
    assert "peace offering" in told
    assert f"{plan.event_count} events recorded" in told
    plan.close()


def test_the_demo_starts_afresh_each_run(tmp_path):
    first = run(tmp_path / "demo.sqlite3", say=lambda _: None)
    count = first.event_count
    first.close()
    second = run(tmp_path / "demo.sqlite3", say=lambda _: None)
    assert second.event_count == count
    second.close()


def test_the_demo_leaves_a_replayable_store(tmp_path):
    plan = run(tmp_path / "demo.sqlite3", say=lambda _: None)
    statuses = {v.status for v in plan.visits_of("dr-patel", plan.day_of(plan.clock()))}
    assert VisitStatus.RESCHEDULED in statuses
    plan.close()


def test_the_command_line_runs_the_demo(tmp_path, capsys):
    assert main(["demo", "--db", str(tmp_path / "d.sqlite3")]) == 0
    assert "Dr. Patel" in capsys.readouterr().out
