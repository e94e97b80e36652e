"""Tables for people: the day board, open incidents, the recovery report and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from serviceplan.domain.opening import OpeningStatus
from serviceplan.read import AuditLine, BoardOpening, OpenIncident, ProviderBoard, RecoveryReport

STATUS_STYLE = {"completed": "green", "started": "cyan", "no-show": "red", "rescheduled": "dim"}


def _hm(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%H:%M}"


def short(record_id: str | None) -> str:
    """Return the first 8 characters of an id: enough to tell records apart on a screen."""
    return "" if record_id is None else record_id[:8]


def board(sections: Sequence[ProviderBoard], now: datetime) -> RenderableType:
    """Render each provider's day with its delays, openings (offers out at `now`), call list."""
    if not sections:
        return Text("Nothing booked on this day.")
    return Group(*(part for section in sections for part in _provider(section, now)))


def _provider(section: ProviderBoard, now: datetime) -> Iterable[RenderableType]:
    title = f"{section.provider}, {section.day:%A %d %B %Y}"
    table = Table(title=title, title_justify="left", title_style="bold")
    for name in ["booked", "min", "expected", "slip", "status", "patient", "visit type"]:
        table.add_column(name, justify="right" if name in {"min", "slip"} else "left")
    table.add_column("told")
    table.add_column("choice")
    for row in section.rows:
        table.add_row(
            _hm(row.booked_start), str(row.length), _hm(row.expected_start),
            f"+{row.delay_minutes}" if row.delay_minutes else "",
            Text(row.status.value, style=STATUS_STYLE.get(row.status.value, "")),
            short(row.patient_id), row.visit_type, row.notices.told, row.choice or "",
        )  # fmt: skip
    yield table
    for delay in section.delays:
        state = f"resolved {_hm(delay.resolved_at)}" if delay.resolved_at else "still running late"
        yield Text(
            f"  Delay: {delay.minutes} min from {_hm(delay.late_from)} ({delay.reason}); {state}."
        )
    for opening in section.openings:
        yield Text(f"  Opening: {opening_line(opening, now)}.")
    if section.call_list:
        calls = ", ".join(
            f"{r.phone or short(r.patient_id)} ({_hm(r.booked_start)} -> {_hm(r.expected_start)})"
            for r in section.call_list
        )
        yield Text(f"  Call list: {calls}", style="yellow")
    yield Text("")


def opening_line(opening: BoardOpening, now: datetime) -> str:
    """Say in a line what became of an opening, patients by the start of their ids only.

    Like "09:50, 20 min follow-up (cancelled): filled by 3f2a9c1e, 3 offered".
    """
    kind = f" {opening.visit_type}" if opening.visit_type else ""
    time = f"{_hm(opening.start)}, {opening.length} min{kind} ({opening.source})"
    who = short(opening.accepted_by)
    state = {
        OpeningStatus.OFFERING: f"offering, {opening.offers_out(now)} offer(s) out",
        OpeningStatus.CLAIMED: f"accepted by {who}, booking",
        OpeningStatus.FILLED: f"filled by {who} at {_hm(opening.settled_at)}",
        OpeningStatus.CLOSED: f"closed at {_hm(opening.settled_at)}",
    }[opening.status]
    return f"{time}: {state}, {len(opening.offers)} offered"


def incidents(found: Sequence[OpenIncident], now: datetime) -> RenderableType:
    """Render the open incidents with their errands, marking what is overdue."""
    if not found:
        return Text("No open incidents.")
    table = Table(title="Open incidents", title_justify="left", title_style="bold")
    for name in ["opened", "patient", "about", "cause", "status", "answer by"]:
        table.add_column(name, no_wrap=True)
    table.add_column("tasks")
    for incident in found:
        tasks = "\n".join(
            f"{t.kind} ({t.owner}), due {t.due:%m-%d %H:%M}"
            + (" OVERDUE" if t.is_overdue(now) else "")
            + (" done" if t.done_at else "")
            for t in incident.tasks
        )
        deadline = f"{incident.deadline:%m-%d}" + (" OVERDUE" if incident.is_overdue(now) else "")
        table.add_row(
            f"{incident.opened_at:%m-%d %H:%M}", short(incident.patient_id),
            f"{incident.topic} ({incident.level})", incident.cause or "", incident.status,
            deadline, tasks,
        )  # fmt: skip
    return table


def report(found: RecoveryReport) -> RenderableType:
    """Render the recovery report: causes, notices, offerings, patients nearest the limit."""
    days = found.first.isoformat() + (
        "" if found.first == found.last else f" to {found.last.isoformat()}"
    )
    heading = Text(f"Recovery report, {days}: {found.incidents} incident(s) opened\n", style="bold")
    gap = Text("")
    return Group(
        heading, _causes(found), gap, _notices(found), gap, _waitlist(found), gap, _kinds(found),
        gap, _nearest(found),
    )  # fmt: skip


def _small_table(title: str, columns: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left", min_width=48)
    for n, name in enumerate(columns):
        table.add_column(name, justify="left" if n == 0 else "right")
    return table


def _causes(found: RecoveryReport) -> RenderableType:
    if not found.causes:
        return Text("No incidents opened in this range.")
    table = _small_table(
        "Incidents by process cause",
        ["cause", "opened", "resolved", "in time", "to acknowledge", "to resolve"],
    )
    for line in found.causes:
        table.add_row(
            line.cause, str(line.opened), str(line.resolved), f"{line.share_in_time:.0%}",
            _minutes(line.median_minutes_to_acknowledge), _minutes(line.median_minutes_to_resolve),
        )  # fmt: skip
    note = Text(f"Medians; in time = resolved within {found.resolve_within.days} days.")
    return Group(table, note)


def _notices(found: RecoveryReport) -> RenderableType:
    line = found.notices
    if not line.owed and not line.dropped:
        return Text("No notices owed in this range.")
    table = _small_table(
        "Notices owed",
        ["owed", "delivered", "failed", "waiting", "dropped", "failed tries", "maybe twice"],
    )
    table.add_row(
        str(line.owed), f"{line.delivered} ({line.share_delivered:.0%})", str(line.failed),
        str(line.waiting), str(line.dropped), str(line.failed_tries), str(line.maybe_twice),
    )  # fmt: skip
    return Group(
        table,
        Text("Dropped: a newer estimate replaced it, or its visit was moved or cancelled."),
        Text("Maybe twice: sent again after a try whose outcome a crash left unknown."),
    )


def _waitlist(found: RecoveryReport) -> RenderableType:
    line = found.waitlist
    if not line.openings:
        return Text("No time freed for the waitlist in this range: none to fill.")
    table = _small_table(
        "Time freed for the waitlist, in minutes",
        ["openings", "freed", "offered", "filled", "fill rate", "to fill"],
    )
    rate = "none" if line.fill_rate is None else f"{line.fill_rate:.0%}"
    table.add_row(
        str(line.openings), str(line.freed_minutes), str(line.offered_minutes),
        str(line.filled_minutes), rate, _minutes(line.median_minutes_to_fill) or "none",
    )  # fmt: skip
    return Group(
        table,
        Text(
            f"{line.filled} filled, {line.closed} closed unfilled. Fill rate: minutes filled of"
            " minutes freed; to fill: median from the time freed to the patient booked."
        ),
    )


def _kinds(found: RecoveryReport) -> RenderableType:
    if not found.offerings:
        return Text("No peace offerings issued in this range.")
    table = _small_table("Peace offerings issued, by kind", ["kind", "count", "total"])
    for kind in found.offerings:
        table.add_row(kind.kind, str(kind.count), str(kind.total))
    return table


def _nearest(found: RecoveryReport) -> RenderableType:
    if not found.nearest_limit:
        return Text("No patient has offerings on their ledger for the last 12 months.")
    table = _small_table(
        f"Nearest the yearly limit ({found.yearly_limit})",
        ["patient", "last 12 months", "headroom"],
    )
    for near in found.nearest_limit:
        table.add_row(short(near.patient_id), str(near.total), str(near.headroom))
    return table


def _minutes(value: int | None) -> str:
    return "" if value is None else f"{value} min"


def audit(lines: Sequence[AuditLine]) -> RenderableType:
    """Render an audit trail: who did what, when."""
    if not lines:
        return Text("Nothing recorded for that record.")
    table = Table(title="Audit trail", title_justify="left", title_style="bold")
    for name in ["#", "when", "who", "role", "what"]:
        table.add_column(name, no_wrap=True)
    table.add_column("details", ratio=1)
    for line in lines:
        when = "" if line.at is None else f"{line.at:%m-%d %H:%M}"
        table.add_row(
            str(line.position), when, line.by or "", line.role or "",
            f"{line.record} {line.what}", line.detail,
        )  # fmt: skip
    return table
