"""The day's timeline as an SVG chart: per provider, each visit booked against when it happened.

A hollow bar is the visit as booked; the solid bar beside it is when it started (or is expected
to start) and ran; the shaded band is the provider's delay; a dot marks when the patient was told.
A visit booked from the waitlist (it filled a freed time) has its bar outlined, class `filled`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from serviceplan.domain.visit import VisitStatus
from serviceplan.read import BoardRow, ProviderBoard

WIDTH = 960
LABEL = 150
RIGHT = 40
LANE = 26
HEADER = 34
AXIS = 22
COLOURS = {
    "on-time": "#3b82a0",
    "late": "#e07b39",
    "booked": "#9aa5b1",
    "delay": "#f4c7a1",
    "told": "#1f6f43",
    "filled": "#6d28d9",
}
GONE = frozenset({VisitStatus.RESCHEDULED, VisitStatus.CANCELLED, VisitStatus.NO_SHOW})


def _span(sections: Sequence[ProviderBoard]) -> tuple[datetime, datetime]:
    """Whole hours around every visit and delay on the chart."""
    starts = [r.booked_start for s in sections for r in s.rows]
    starts += [d.late_from for s in sections for d in s.delays]
    ends = [_shown(r)[1] for s in sections for r in s.rows]
    ends += [r.booked_start + timedelta(minutes=r.length) for s in sections for r in s.rows]
    first = min(starts).replace(minute=0, second=0, microsecond=0)
    last = max(ends)
    whole = last.replace(minute=0, second=0, microsecond=0)
    return first, whole if whole == last else whole + timedelta(hours=1)


def _shown(row: BoardRow) -> tuple[datetime, datetime]:
    """When the visit ran (as recorded) or is expected to run."""
    start = row.started_at or row.expected_start
    end = row.completed_at or start + timedelta(minutes=row.length)
    return start, end


class _Scale:
    def __init__(self, first: datetime, last: datetime) -> None:
        self.first = first
        self.seconds = max((last - first).total_seconds(), 1.0)

    def x(self, moment: datetime) -> float:
        share = (moment - self.first).total_seconds() / self.seconds
        return round(LABEL + share * (WIDTH - LABEL - RIGHT), 1)


def timeline(sections: Sequence[ProviderBoard]) -> str:
    """Return an inline SVG of the providers' day, or an empty string when nothing is booked."""
    sections = [s for s in sections if s.rows]
    if not sections:
        return ""
    first, last = _span(sections)
    scale = _Scale(first, last)
    height = AXIS + sum(HEADER + LANE * len(s.rows) + 8 for s in sections)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}"'
            f' width="{WIDTH}" height="{height}" role="img" aria-label="timeline of the day"'
            ' class="timeline">'
        ),
        *_axis(scale, first, last, height),
    ]
    top = AXIS
    for section in sections:
        parts += _section(section, scale, top)
        top += HEADER + LANE * len(section.rows) + 8
    parts.append("</svg>")
    return "\n".join(parts)


def _axis(scale: _Scale, first: datetime, last: datetime, height: int) -> list[str]:
    parts = []
    hour = first
    while hour <= last:
        x = scale.x(hour)
        parts.append(f'<line x1="{x}" y1="{AXIS - 4}" x2="{x}" y2="{height}" class="grid"/>')
        parts.append(f'<text x="{x}" y="{AXIS - 8}" class="hour">{hour:%H:%M}</text>')
        hour += timedelta(hours=1)
    return parts


def _section(section: ProviderBoard, scale: _Scale, top: int) -> list[str]:
    lanes = LANE * len(section.rows)
    parts = [f'<text x="4" y="{top + 20}" class="provider">{escape(section.provider)}</text>']
    for delay in section.delays:
        x1 = scale.x(delay.late_from)
        x2 = scale.x(delay.late_from + timedelta(minutes=delay.minutes))
        label = escape(f"{delay.minutes} min late: {delay.reason}")
        parts.append(
            f'<rect x="{x1}" y="{top + 4}" width="{round(x2 - x1, 1)}"'
            f' height="{HEADER - 8 + lanes}" fill="{COLOURS["delay"]}" opacity="0.45">'
            f"<title>{label}</title></rect>"
        )
        parts.append(f'<text x="{x1 + 4}" y="{top + 20}" class="delay">{label}</text>')
    for n, row in enumerate(section.rows):
        parts += _lane(row, scale, top + HEADER + n * LANE)
    return parts


def _lane(row: BoardRow, scale: _Scale, y: int) -> list[str]:
    booked_x = scale.x(row.booked_start)
    booked_w = round(scale.x(row.booked_start + timedelta(minutes=row.length)) - booked_x, 1)
    start, end = _shown(row)
    slip = row.delay_minutes or max(0, int((start - row.booked_start).total_seconds() // 60))
    label = f"{row.booked_start:%H:%M}  {row.patient_id[:8]}"
    parts = [
        f'<text x="4" y="{y + 16}" class="lane">{escape(label)}</text>',
        (
            f'<rect x="{booked_x}" y="{y + 3}" width="{booked_w}" height="{LANE - 8}" rx="3"'
            f' fill="none" stroke="{COLOURS["booked"]}" stroke-dasharray="4 2">'
            f"<title>booked {row.booked_start:%H:%M}, {row.length} min</title></rect>"
        ),
    ]
    if row.status in GONE:
        parts.append(
            f'<text x="{booked_x + 4}" y="{y + 16}" class="gone">{row.status.value}</text>'
        )
        return parts
    colour = COLOURS["late"] if slip else COLOURS["on-time"]
    x = scale.x(start)
    width = max(round(scale.x(end) - x, 1), 2.0)
    title = f"{row.status.value}: {start:%H:%M}-{end:%H:%M}" + (
        f", {slip} min late" if slip else ""
    )
    filled = ""
    if row.filled_opening is not None:
        title += ", filled a freed time from the waitlist"
        filled = f' class="filled" stroke="{COLOURS["filled"]}" stroke-width="2"'
    parts.append(
        f'<rect x="{x}" y="{y + 7}" width="{width}" height="{LANE - 14}" rx="2" fill="{colour}"'
        f"{filled}><title>{escape(title)}</title></rect>"
    )
    if slip:
        parts.append(f'<text x="{x + width + 4}" y="{y + 16}" class="slip">+{slip}</text>')
    told = row.notices.last_told_at
    if told is not None:
        parts.append(_told(told, row, scale, y))
    return parts


def _told(told: datetime, row: BoardRow, scale: _Scale, y: int) -> str:
    """A dot where the patient was last told; one told before the chart starts sits at its edge."""
    when = f"{told:%H:%M}" if told.date() == row.booked_start.date() else f"{told:%a %H:%M}"
    x = scale.x(max(told, scale.first))
    return (
        f'<circle cx="{x}" cy="{y + LANE / 2}" r="4" fill="{COLOURS["told"]}">'
        f"<title>told {when}</title></circle>"
    )
