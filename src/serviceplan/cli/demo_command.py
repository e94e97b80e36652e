"""`serviceplan demo`: play the simulated clinic day, then show its board and its report."""

from __future__ import annotations

from pathlib import Path

import click
from eventsourcing.persistence import PersistenceError
from rich.rule import Rule

from serviceplan import demo as demo_day
from serviceplan.cli import logs, render
from serviceplan.cli.failures import BadInputFile
from serviceplan.cli.session import stdout
from serviceplan.read import DayBoard, OpenIncidents, Recovery, Views, catch_up_together


@click.command(short_help="Play a simulated clinic day on a SQLite file.")
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".serviceplan/demo.sqlite3"), show_default=True,
    help="SQLite file to record the day in (replaced if the demo made it; another is refused)",
)  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True, help="the same seed, the same day")
def demo(db: Path, seed: int) -> None:
    """Play a simulated clinic day, narrated, and end with the board and the day's report."""
    console = stdout()
    try:
        with logs.told_otherwise("serviceplan.delivery"):  # the narration says what was handed on
            plan = demo_day.run(db, lambda line: console.print(line, markup=False), seed=seed)
    except (OSError, PersistenceError) as error:
        raise BadInputFile(f"cannot make the demo's store at {db}: {error}") from None
    views = Views.beside(plan)
    day = demo_day.DAY.date()
    board, recovery = DayBoard(plan, views), Recovery(plan, views)
    open_incidents = OpenIncidents(plan, views)
    catch_up_together([board, recovery, open_incidents])
    console.print(Rule("The board at the end of the day"))
    console.print(render.board(board.day(day), plan.clock()))
    console.print(Rule("The day's report"))
    console.print(render.report(recovery.report(day, day)))
    console.print("")
    console.print(render.incidents(open_incidents.open(), plan.clock()))
    console.print(f"\nLook again any time: serviceplan board --db {db} --date {day}")
