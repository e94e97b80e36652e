"""`serviceplan status`: how far behind each follower is, and the oldest notice still owed.

For monitoring: the events in the log, each read model's position in it (read from its views
without touching them), the delivery worker's positions in the store's tracking table with the
notice requests it has not tried yet, and the oldest notice of the last days still owed. It
writes nothing. Like every command it names notices by kind, channel and time, never by patient.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from serviceplan import ServicePlan
from serviceplan.cli.failures import BadInputFile
from serviceplan.cli.jsonout import dumps
from serviceplan.cli.session import config_option, db_option, json_option, open_existing, stdout
from serviceplan.delivery import DeliveryWorker
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Recovery
from serviceplan.read.views import Views
from serviceplan.store.files import POSITIONS_TABLE, check_views_file

MODELS = (DayBoard, OpenIncidents, Recovery, AuditTrail)
COUNT_UP_TO = 100_000
"""Notice requests counted at most, to keep the command quick on a store far behind."""
OWED_DAYS = 7


def positions(path: Path | None) -> dict[str, int]:
    """Return each follower's position read from a views file (none when it has no views)."""
    if path is None or not path.exists() or path.stat().st_size == 0:
        return {}
    check_views_file(path)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=10)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if POSITIONS_TABLE not in tables:
            return {}
        rows = db.execute(f"SELECT follower, position FROM {POSITIONS_TABLE}").fetchall()  # noqa: S608 (our constant)
    return {str(name): int(position) for name, position in rows}


def delivery(plan: ServicePlan) -> dict[str, Any]:
    """Return the delivery worker's positions and the notice requests it has not tried yet."""
    worker = DeliveryWorker(plan)
    try:
        requests = plan.recorder.max_tracking_id(worker.requests_position) or 0
        retries = plan.recorder.max_tracking_id(worker.retries_position) or 0
    finally:
        worker.close()
    waiting = plan.recorder.select_notifications(
        requests, COUNT_UP_TO, topics=worker.requested_topics, inclusive_of_start=False
    )
    return {
        "requests_position": requests,
        "retries_position": retries,
        "requests_not_tried": len(waiting),
        "requests_counted_up_to": COUNT_UP_TO,
    }


def owed(plan: ServicePlan) -> dict[str, Any]:
    """Return how many notices of the last days are still owed, and the oldest one."""
    found = plan.notices_owed(days=OWED_DAYS)
    oldest = found[0] if found else None
    return {
        "days": OWED_DAYS,
        "count": len(found),
        "oldest": None
        if oldest is None
        else {
            "kind": oldest.notice.kind.value,
            "channel": oldest.notice.channel.value,
            "requested_at": oldest.requested_at.isoformat(),
            "due": oldest.due.isoformat(),
        },
    }


def status_of(plan: ServicePlan, views: Path | None) -> dict[str, Any]:
    """Return what `serviceplan status` shows, as JSON-ready data."""
    last = plan.event_count
    found = positions(views)
    followers = []
    for model in MODELS:
        position = found.get(model.name)
        followers.append(
            {
                "name": model.name,
                "position": position,
                "behind": None if position is None else max(last - position, 0),
            }
        )
    return {
        "events": last,
        "views": None if views is None else str(views),
        "read_models": followers,
        "delivery": delivery(plan),
        "notices_owed": owed(plan),
    }


def said(found: dict[str, Any]) -> list[str]:
    """Describe the status in lines for people."""
    lines = [f"Store: {found['events']} events in the log"]
    where = found["views"] or "no views file (give --views for a store that is not a file)"
    lines.append(f"Read models ({where}):")
    for follower in found["read_models"]:
        if follower["position"] is None:
            lines.append(f"  {follower['name']:<10} never caught up")
        else:
            lines.append(
                f"  {follower['name']:<10} at {follower['position']}, {follower['behind']} behind"
            )
    sent = found["delivery"]
    waiting = sent["requests_not_tried"]
    more = "+" if waiting >= sent["requests_counted_up_to"] else ""
    lines.append(
        f"Delivery: requests tried up to {sent['requests_position']}, {waiting}{more} not tried"
        f" yet; retries settled up to {sent['retries_position']}"
    )
    owing = found["notices_owed"]
    oldest = owing["oldest"]
    if oldest is None:
        lines.append(f"Notices owed (last {owing['days']} days): none")
    else:
        due = datetime.fromisoformat(oldest["due"])
        lines.append(
            f"Notices owed (last {owing['days']} days): {owing['count']}; the oldest is a"
            f" {oldest['kind']} notice by {oldest['channel']}, due {due:%Y-%m-%d %H:%M}"
        )
    return lines


@click.command(short_help="Show how far behind the followers are, and the oldest notice owed.")
@db_option
@config_option
@click.option(
    "--views",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file of the read models [default: the store's own SQLite file]",
)
@json_option
def status(db: Path | None, views: Path | None, *, as_json: bool) -> None:
    """Show, for monitoring, how far each follower is behind the log and what is still owed.

    The read models' positions against the log's last event, the delivery worker's positions
    and the notice requests it has not tried yet, and the oldest notice of the last 7 days
    still owed. Writes nothing.
    """
    if views is not None and not views.exists():
        raise BadInputFile(f"no views at {views}")
    plan = open_existing(db, Views())  # its indexes in memory: status writes nothing
    try:
        beside = Views.path_beside(plan)
        found = status_of(plan, views if views is not None else beside)
    finally:
        plan.close()
    if as_json:
        click.echo(dumps(found))
    else:
        out = stdout()
        for line in said(found):
            out.print(line, markup=False)
