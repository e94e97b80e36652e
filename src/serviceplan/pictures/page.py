"""The report as one self-contained HTML page: the day's timeline and its tables, no fetching."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from html import escape

from serviceplan.pictures.timeline import COLOURS, timeline
from serviceplan.read import OpenIncident, ProviderBoard, RecoveryReport

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733;
       margin: 2rem auto; max-width: 1000px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.sub { color: #5b6672; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e7eb; }
th { background: #f4f6f8; font-weight: 600; } td.n, th.n { text-align: right; }
.late { color: #b4531c; font-weight: 600; } .overdue { color: #b42318; font-weight: 600; }
.legend span { display: inline-block; margin-right: 1.2rem; }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: .3rem; }
svg.timeline { max-width: 100%; height: auto; font-family: inherit; }
svg .grid { stroke: #e3e7eb; } svg .hour { font-size: 11px; fill: #5b6672; text-anchor: middle; }
svg .provider { font-weight: 600; font-size: 14px; } svg .lane { font-size: 12px; fill: #37424e; }
svg .delay { font-size: 12px; fill: #8a4513; } svg .slip { font-size: 11px; fill: #b4531c; }
svg .gone { font-size: 11px; fill: #7b8794; font-style: italic; }
"""


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: int = 0) -> str:
    """Return an HTML table; the last `numeric` columns are right-aligned."""

    def cell(tag: str, n: int, text: str) -> str:
        align = ' class="n"' if n >= len(head) - numeric else ""
        return f"<{tag}{align}>{text}</{tag}>"

    header = "".join(cell("th", n, escape(h)) for n, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(cell("td", n, value) for n, value in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _swatch(key: str) -> str:
    if key == "booked":
        return f"border: 1px dashed {COLOURS[key]}; background: none"
    if key == "filled":
        return f"background: {COLOURS['on-time']}; outline: 2px solid {COLOURS[key]}"
    if key == "told":
        return f"background: {COLOURS[key]}; width: 8px; height: 8px; border-radius: 50%"
    return f"background: {COLOURS[key]}"


def _legend() -> str:
    items = [("booked", "as booked (outline)"), ("on-time", "ran on time"),
             ("late", "ran or expected late"), ("delay", "provider's delay"),
             ("told", "patient last told (at the left edge: before the day)"),
             ("filled", "booked from the waitlist (filled a freed time)")]  # fmt: skip
    spans = "".join(
        f'<span><i style="{_swatch(key)}"></i>{escape(text)}</span>' for key, text in items
    )
    return f'<p class="legend">{spans}</p>'


def _board_tables(sections: Sequence[ProviderBoard]) -> str:
    parts = []
    for section in sections:
        rows = [
            (
                f"{r.booked_start:%H:%M}", f"{r.expected_start:%H:%M}",
                f'<span class="late">+{r.delay_minutes}</span>' if r.delay_minutes else "",
                escape(r.status.value), escape(r.patient_id[:8]), escape(r.visit_type),
                escape(r.notices.told),
            )
            for r in section.rows
        ]  # fmt: skip
        head = ["booked", "expected", "slip", "status", "patient", "visit type", "told"]
        parts.append(f"<h3>{escape(section.provider)}</h3>{_table(head, rows)}")
    return "".join(parts)


def _report_tables(report: RecoveryReport) -> str:
    causes = [
        (
            escape(c.cause), str(c.opened), str(c.resolved), f"{c.share_in_time:.0%}",
            _min(c.median_minutes_to_acknowledge), _min(c.median_minutes_to_resolve),
        )
        for c in report.causes
    ]  # fmt: skip
    kinds = [(escape(k.kind), str(k.count), escape(str(k.total))) for k in report.offerings]
    n = report.notices
    notices = [
        (str(n.owed), f"{n.delivered} ({n.share_delivered:.0%})", str(n.failed), str(n.waiting),
         str(n.dropped), str(n.failed_tries), str(n.maybe_twice))
    ]  # fmt: skip
    notice_head = [
        "owed", "delivered", "failed", "waiting", "dropped", "failed tries", "maybe twice",
    ]  # fmt: skip
    nearest = [
        (escape(n.patient_id[:8]), escape(str(n.total)), escape(str(n.headroom)))
        for n in report.nearest_limit
    ]
    cause_head = ["cause", "opened", "resolved", "in time", "to acknowledge", "to resolve"]
    return (
        "<h2>Incidents by process cause</h2>"
        + _table(cause_head, causes, numeric=5)
        + f'<p class="sub">Medians; in time means resolved within {report.resolve_within.days}'
        " days.</p><h2>Notices owed</h2>"
        + _table(notice_head, notices, numeric=7)
        + '<p class="sub">Dropped: a newer estimate replaced it, or its visit was moved or'
        " cancelled.</p>"
        + _waitlist_table(report)
        + "<h2>Peace offerings issued, by kind</h2>"
        + _table(["kind", "count", "total"], kinds, numeric=2)
        + f"<h2>Patients nearest the yearly limit of {escape(str(report.yearly_limit))}</h2>"
        + _table(["patient", "last 12 months", "headroom"], nearest, numeric=2)
    )


def _waitlist_table(report: RecoveryReport) -> str:
    """The minutes freed for the waitlist, offered and filled; "none" where nothing was freed."""
    w = report.waitlist
    rate = "none" if w.fill_rate is None else f"{w.fill_rate:.0%}"
    row = (str(w.openings), str(w.freed_minutes), str(w.offered_minutes), str(w.filled_minutes),
           rate, _min(w.median_minutes_to_fill) or "none")  # fmt: skip
    head = ["openings", "freed", "offered", "filled", "fill rate", "to fill"]
    return (
        "<h2>Time freed for the waitlist, in minutes</h2>"
        + _table(head, [row], numeric=6)
        + f'<p class="sub">{w.filled} filled, {w.closed} closed unfilled. Fill rate: minutes'
        " filled of minutes freed; to fill: median from the time freed to the patient booked.</p>"
    )


def _min(value: int | None) -> str:
    return "" if value is None else f"{value} min"


def _open_table(found: Sequence[OpenIncident], now: datetime) -> str:
    rows = [
        (
            f"{i.opened_at:%Y-%m-%d %H:%M}", escape(i.topic), escape(i.level),
            escape(i.cause or ""), escape(i.status),
            "<br>".join(
                escape(f"{t.kind} ({t.owner}) due {t.due:%m-%d %H:%M}")
                + (' <span class="overdue">overdue</span>' if t.is_overdue(now) else "")
                for t in i.tasks if t.done_at is None
            ),
        )
        for i in found
    ]  # fmt: skip
    return "<h2>Open incidents</h2>" + _table(
        ["opened", "about", "level", "cause", "status", "open tasks"], rows
    )


def report_page(
    day: date | None,
    sections: Sequence[ProviderBoard],
    report: RecoveryReport,
    open_incidents: Sequence[OpenIncident],
    now: datetime,
) -> str:
    """Return the whole page: the timeline of `day`, its board, the report and open incidents."""
    span = report.first.isoformat() + (
        "" if report.first == report.last else f" to {report.last.isoformat()}"
    )
    chart = timeline(sections)
    day_part = (
        f"<h2>The day: {day:%A %d %B %Y}</h2>{_legend()}{chart}{_board_tables(sections)}"
        if day is not None and chart
        else "<p>No visits on the board for this range.</p>"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>serviceplan report {span}</title><style>{STYLE}</style></head><body>"
        f'<h1>Recovery report</h1><p class="sub">{span}: {report.incidents} incident(s) opened'
        f"</p>{day_part}{_report_tables(report)}{_open_table(open_incidents, now)}</body></html>\n"
    )
