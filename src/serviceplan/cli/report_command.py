"""`serviceplan report`: the recovery report for a month or any range, as tables, JSON or a page."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from pathlib import Path

import click

from serviceplan.cli import render
from serviceplan.cli.jsonout import dumps, plain
from serviceplan.cli.output import written
from serviceplan.cli.session import (
    as_of_option,
    catch_up,
    db_option,
    json_option,
    open_plan,
    stdout,
    views_for,
)
from serviceplan.pictures.page import report_page
from serviceplan.read import DayBoard, OpenIncidents, Recovery, RecoveryReport

DAY = click.DateTime(["%Y-%m-%d"])
PAGES = (b"<!doctype html",)
"""How a report page begins: only such a file (or an empty one) is written over."""


def month_span(month: str) -> tuple[date, date]:
    """Return the first and last day of a month given as YYYY-MM."""
    try:
        first = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC).date()
    except ValueError:
        msg = f"{month!r} is not a month like 2026-12"
        raise click.BadParameter(msg, param_hint="--month") from None
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def span_of(
    recovery: Recovery, board: DayBoard, first: datetime | None, last: datetime | None
) -> tuple[date, date]:
    """Return the range asked for, filling a missing end from what the log holds."""
    days = board.days()
    known = recovery.span()
    starts = days[:1] + ([known[0]] if known else [])
    ends = days[-1:] + ([known[1]] if known else [])
    today = datetime.now(tz=UTC).astimezone().date()
    begin = first.date() if first else min(starts, default=today)
    end = last.date() if last else max(ends, default=today)
    if end < begin:
        msg = f"--to ({end}) is before --from ({begin})"
        raise click.BadParameter(msg, param_hint="--to")
    return begin, end


def timeline_day(board: DayBoard, first: date, last: date) -> date | None:
    """Return the day the page draws: the last in range that has begun, else the last booked."""
    days = [d for d in board.days() if first <= d <= last]
    begun = [d for d in days if any(s.has_begun for s in board.day(d))]
    chosen = begun or days
    return chosen[-1] if chosen else None


def write_page(  # noqa: PLR0913, PLR0917 (what the page shows)
    board: DayBoard,
    incidents: OpenIncidents,
    out: Path,
    found: RecoveryReport,
    day: date | None,
    moment: datetime | None,
) -> None:
    """Write the HTML page: the timeline of `day` (see `timeline_day`), then the tables.

    The page names patients by the start of their ids only, but shows their visits: it is
    written whole or not at all, readable by its owner only.
    """
    day = day or timeline_day(board, found.first, found.last)
    sections = [] if day is None else board.day(day)
    open_incidents = incidents.open()
    now = moment or datetime.now(tz=UTC)
    page = report_page(day, sections, found, open_incidents, now)
    with written(out, "a report page", PAGES) as file:
        file.write(page)


@click.command(short_help="Show the recovery report for a month or any range.")
@db_option
@click.option(
    "--from", "first", type=DAY, default=None, help="first day [default: first on record]"
)
@click.option("--to", "last", type=DAY, default=None, help="last day [default: last on record]")
@click.option("--month", default=None, help="a whole month, like 2026-12 (instead of --from/--to)")
@click.option(
    "--html", "html", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
    help="also write a self-contained HTML page with the day's timeline to this file",
)  # fmt: skip
@click.option(
    "--date", "day", type=DAY, default=None,
    help="the day the page's timeline shows [default: the last one in range that has begun]",
)  # fmt: skip
@as_of_option
@json_option
def report(  # noqa: PLR0913, PLR0917 (click passes one argument per option)
    db: Path | None,
    first: datetime | None,
    last: datetime | None,
    month: str | None,
    html: Path | None,
    day: datetime | None,
    moment: datetime | None,
    *,
    as_json: bool,
) -> None:
    """Show the recovery report: incidents by process cause, offerings, patients near the limit."""
    plan = open_plan(db)
    views = views_for(plan, moment)
    recovery, board = Recovery(plan, views, until=moment), DayBoard(plan, views, until=moment)
    incidents = OpenIncidents(plan, views, until=moment)
    catch_up([recovery, board, incidents] if html else [recovery, board])
    if month is not None:
        if first or last:
            msg = "give --month or --from/--to, not both"
            raise click.UsageError(msg)
        begin, end = month_span(month)
    else:
        begin, end = span_of(recovery, board, first, last)
    found = recovery.report(begin, end, yearly_limit=plan.settings.offering_yearly_limit)
    if html is not None:
        write_page(board, incidents, html, found, day and day.date(), moment)
    if as_json:
        data = plain(found)
        data["incidents"] = found.incidents
        data["waitlist"]["fill_rate"] = found.waitlist.fill_rate
        click.echo(dumps(data))
    else:
        stdout().print(render.report(found))
        if html is not None:
            stdout().print(f"Wrote {html}")
