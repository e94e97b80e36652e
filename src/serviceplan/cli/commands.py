"""`serviceplan board`, `serviceplan incidents` and `serviceplan audit`: what the desk looks at."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import click

from serviceplan.cli import render
from serviceplan.cli.jsonout import dumps, plain
from serviceplan.cli.session import (
    as_of_option,
    caught_up,
    db_option,
    json_option,
    open_plan,
    stdout,
)
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, ProviderBoard


def pick_day(found: DayBoard, wanted: date | None) -> date | None:
    """Return the day asked for; else today if it has visits; else the nearest day that does."""
    if wanted is not None:
        return wanted
    days = found.days()
    if not days:
        return None
    today = datetime.now(tz=UTC).astimezone().date()
    return min(days, key=lambda d: (abs((d - today).days), d))


def board_json(day: date | None, sections: list[ProviderBoard], now: datetime) -> dict[str, Any]:
    """Return the board as JSON-ready data: each visit's slip, the call list, the openings.

    Each opening tells how many of its offers wait for an answer at `now` (`offers_out`).
    """
    providers = []
    for section in sections:
        visits = []
        for row in section.rows:
            visit = plain(row)
            visit.update(
                expected_start=row.expected_start.isoformat(),
                delay_minutes=row.delay_minutes,
                to_call=row.to_call,
            )
            visits.append(visit)
        providers.append(
            {
                "provider": section.provider,
                "day": section.day.isoformat(),
                "delays": plain(section.delays),
                "visits": visits,
                "call_list": [r.visit_id for r in section.call_list],
                "openings": [
                    {**plain(o), "offers_out": o.offers_out(now)} for o in section.openings
                ],
            }
        )
    return {"day": None if day is None else day.isoformat(), "providers": providers}


@click.command(short_help="Show each provider's day and the call list.")
@db_option
@click.option("--provider", "-p", default=None, help="only this provider's day")
@click.option(
    "--date", "-d", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
    help="the day to show [default: today, else the nearest day with visits]",
)  # fmt: skip
@as_of_option
@json_option
def board(
    db: Path | None,
    provider: str | None,
    day: datetime | None,
    moment: datetime | None,
    *,
    as_json: bool,
) -> None:
    """Show the day board: each visit's booked and expected start, its slip, and the call list."""
    found = caught_up(open_plan(db), DayBoard, moment)
    shown = pick_day(found, None if day is None else day.date())
    sections = [] if shown is None else found.day(shown, provider)
    now = moment or datetime.now(tz=UTC)
    if as_json:
        click.echo(dumps(board_json(shown, sections, now)))
    else:
        stdout().print(render.board(sections, now))


@click.command(short_help="Show the incidents still open and what is overdue.")
@db_option
@as_of_option
@json_option
def incidents(db: Path | None, moment: datetime | None, *, as_json: bool) -> None:
    """Show the open incidents: topic, level, cause, errands with owners and due times, overdue."""
    found = caught_up(open_plan(db), OpenIncidents, moment).open()
    now = moment or datetime.now(tz=UTC)
    if as_json:
        listed = []
        for incident in found:
            item = plain(incident)
            item.update(
                deadline=incident.deadline.isoformat(),
                overdue=incident.is_overdue(now),
                overdue_tasks=[t.task_id for t in incident.overdue_tasks(now)],
            )
            listed.append(item)
        click.echo(dumps(listed))
    else:
        stdout().print(render.incidents(found, now))


@click.command(short_help="Show who did what, and when, for a patient or an incident.")
@db_option
@click.option("--patient", default=None, help="a patient's id (or its first 8 characters)")
@click.option("--incident", default=None, help="an incident's id (or its first 8 characters)")
@as_of_option
@json_option
def audit(
    db: Path | None,
    patient: str | None,
    incident: str | None,
    moment: datetime | None,
    *,
    as_json: bool,
) -> None:
    """Show the audit trail of one patient or one incident: who did what, and when."""
    if (patient is None) == (incident is None):
        msg = "give exactly one of --patient and --incident"
        raise click.UsageError(msg)
    trail = caught_up(open_plan(db), AuditTrail, moment)
    if patient is not None:
        lines = trail.of_patient(_full_id(trail, "patient_id", patient, "--patient"))
    else:
        lines = trail.of_incident(_full_id(trail, "incident_id", str(incident), "--incident"))
    if as_json:
        click.echo(dumps(plain(lines)))
    else:
        stdout().print(render.audit(lines))


def _full_id(trail: AuditTrail, column: str, given: str, option: str) -> str:
    """Return the id `given` stands for: a whole UUID, or the start of exactly one."""
    try:
        return str(UUID(given))
    except ValueError:
        pass
    if len(given) < 4 or not all(c in "0123456789abcdef-" for c in given.lower()):  # noqa: PLR2004
        msg = f"{given!r} is not an id or the start of one"
        raise click.BadParameter(msg, param_hint=option)
    matches = trail.ids_starting(column, given.lower())
    if len(matches) != 1:
        msg = f"{given!r} matches {len(matches)} records; give more of the id"
        raise click.BadParameter(msg, param_hint=option)
    return matches[0]
