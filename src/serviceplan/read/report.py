"""The recovery report: how the clinic handled patient problems over a month or any range.

Incidents are grouped by the process that failed, never by patient; notices requested in the
range are counted by how they ended; time freed for the waitlist is counted in minutes, offered
and filled; offerings are counted by kind with their value; the patients nearest their yearly
offering limit are listed by id.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from serviceplan.domain.incident import Incident, IncidentStatus
from serviceplan.domain.money import Money
from serviceplan.domain.offering import Offering, OfferingStatus
from serviceplan.domain.patient import YEAR, Patient
from serviceplan.read.follower import AT, Follower, on, query
from serviceplan.read.notice_outcomes import (
    NoticeFollowing,
    notice_tables,
    outcomes,
    select_notices,
)
from serviceplan.read.openings import OpeningFollowing, opening_indexes, opening_tables
from serviceplan.read.report_rows import (
    CauseLine,
    KindLine,
    LimitLine,
    NoticeLine,
    RecoveryReport,
    WaitlistLine,
)
from serviceplan.read.stored import text_id

UNDETERMINED = "undetermined"
AMOUNT = "value._data_.amount._data_"
CURRENCY = "value._data_.currency"


class Recovery(NoticeFollowing, OpeningFollowing, Follower):
    """The tables behind the recovery report, and the report for any range of days."""

    name = "recovery"
    schema = 6
    notice_table = "rep_notices"
    opening_table = "rep_openings"
    tables = {  # noqa: RUF012 (read-only class data)
        "rep_incidents": """CREATE TABLE IF NOT EXISTS rep_incidents (
            incident_id TEXT PRIMARY KEY, opened_day TEXT, opened_at TEXT, cause TEXT,
            acknowledged_at TEXT, resolved_at TEXT, status TEXT)""",
        "rep_offerings": """CREATE TABLE IF NOT EXISTS rep_offerings (
            offering_id TEXT PRIMARY KEY, kind TEXT, amount TEXT, currency TEXT,
            status TEXT, issued_day TEXT)""",
        "rep_ledger": """CREATE TABLE IF NOT EXISTS rep_ledger (
            offering_id TEXT PRIMARY KEY, patient_id TEXT, amount TEXT, currency TEXT,
            at_day TEXT)""",
        **notice_tables("rep_notices"),
        **opening_tables("rep_openings"),
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rep_incidents_by_day ON rep_incidents (opened_day)",
        "CREATE INDEX IF NOT EXISTS rep_offerings_by_day ON rep_offerings (issued_day)",
        "CREATE INDEX IF NOT EXISTS rep_ledger_by_day ON rep_ledger (at_day)",
        (
            "CREATE INDEX IF NOT EXISTS rep_notices_by_day"
            " ON rep_notices (substr(requested_at, 1, 10))"
        ),
        "CREATE INDEX IF NOT EXISTS rep_notices_by_visit ON rep_notices (visit_id)",
        *opening_indexes("rep_openings"),
    )

    @on(Incident.Opened, reads=(AT,))
    def _opened(self, incident_id: str, at: str) -> None:
        self.write(
            "INSERT OR REPLACE INTO rep_incidents (incident_id, opened_day, opened_at, status)"
            " VALUES (?, ?, ?, ?)",
            (incident_id, self.local_day(at), at, "open"),
            ("rep_incidents", incident_id),
        )

    @on(Incident.CauseSet, reads=("cause._data_",))
    def _cause(self, incident_id: str, cause: str) -> None:
        self._set(incident_id, "cause = ?", cause)

    @on(Incident.StepTaken, reads=(AT,))
    def _step(self, incident_id: str, at: str) -> None:
        self._set(incident_id, "acknowledged_at = COALESCE(acknowledged_at, ?)", at)

    @on(Incident.Resolved, reads=(AT,))
    def _resolved(self, incident_id: str, at: str) -> None:
        self._set(incident_id, "resolved_at = ?, status = 'resolved'", at)

    @on(Incident.Reopened, reads=())
    def _reopened(self, incident_id: str) -> None:
        self._set(incident_id, "resolved_at = NULL, status = ?", IncidentStatus.OPEN.value)

    def _set(self, incident_id: str, assignment: str, value: str | None) -> None:
        self.write(
            f"UPDATE rep_incidents SET {assignment} WHERE incident_id = ?",  # noqa: S608
            (value, incident_id),
            ("rep_incidents", incident_id),
        )

    @on(Offering.Proposed, reads=("kind._data_", AMOUNT, CURRENCY))
    def _proposed(self, offering_id: str, kind: str, amount: str, currency: str) -> None:
        self.write(
            "INSERT OR REPLACE INTO rep_offerings VALUES (?, ?, ?, ?, ?, NULL)",
            (offering_id, kind, amount, currency, OfferingStatus.PROPOSED.value),
            ("rep_offerings", offering_id),
        )

    @on(Offering.Approved, reads=())
    def _approved(self, offering_id: str) -> None:
        self._offering_status(offering_id, OfferingStatus.APPROVED)

    @on(Offering.Declined, reads=())
    def _declined(self, offering_id: str) -> None:
        self._offering_status(offering_id, OfferingStatus.DECLINED)

    @on(Offering.Withdrawn, reads=())
    def _withdrawn(self, offering_id: str) -> None:
        self._offering_status(offering_id, OfferingStatus.WITHDRAWN)

    def _offering_status(self, offering_id: str, status: OfferingStatus) -> None:
        self.write(
            "UPDATE rep_offerings SET status = ? WHERE offering_id = ?",
            (status.value, offering_id),
            ("rep_offerings", offering_id),
        )

    @on(Offering.Issued, reads=(AT,))
    def _issued(self, offering_id: str, at: str) -> None:
        self.write(
            "UPDATE rep_offerings SET status = ?, issued_day = ? WHERE offering_id = ?",
            (OfferingStatus.ISSUED.value, self.local_day(at), offering_id),
            ("rep_offerings", offering_id),
        )

    @on(Patient.OfferingEntered, reads=("offering_id._data_", AMOUNT, CURRENCY, AT))
    def _entered(
        self, patient_id: str, offering_id: str, amount: str, currency: str, at: str
    ) -> None:
        offering = text_id(offering_id)
        self.write(
            "INSERT OR REPLACE INTO rep_ledger VALUES (?, ?, ?, ?, ?)",
            (offering, patient_id, amount, currency, self.local_day(at)),
            ("rep_ledger", offering),
        )

    @on(Patient.OfferingReleased, reads=("offering_id._data_",))
    def _released(self, patient_id: str, offering_id: str) -> None:  # noqa: ARG002 (the record's id comes first)
        offering = text_id(offering_id)
        self.write(
            "DELETE FROM rep_ledger WHERE offering_id = ?", (offering,), ("rep_ledger", offering)
        )

    # -- the report ---------------------------------------------------------------------------

    @query
    def span(self) -> tuple[date, date] | None:
        """Return the first and last day with an incident, a notice, an opening or an offering."""
        first, last = self.db.execute(
            "SELECT MIN(day), MAX(day) FROM (SELECT opened_day AS day FROM rep_incidents"
            " UNION ALL SELECT issued_day FROM rep_offerings WHERE issued_day IS NOT NULL"
            " UNION ALL SELECT substr(requested_at, 1, 10) FROM rep_notices"
            " UNION ALL SELECT opened_day FROM rep_openings)"
        ).fetchone()
        return None if first is None else (date.fromisoformat(first), date.fromisoformat(last))

    @query
    def report(
        self,
        first: date,
        last: date,
        *,
        resolve_within: timedelta = timedelta(days=7),
        yearly_limit: Money | None = None,
        nearest: int = 5,
    ) -> RecoveryReport:
        """Return the report of incidents opened and offerings issued from `first` to `last`."""
        limit = yearly_limit or Money("75.00")
        return RecoveryReport(
            first=first, last=last, causes=self._causes(first, last, resolve_within),
            offerings=self._kinds(first, last), nearest_limit=self._nearest(last, limit, nearest),
            resolve_within=resolve_within, yearly_limit=limit, notices=self._notices(first, last),
            waitlist=self._waitlist(first, last),
        )  # fmt: skip

    def _waitlist(self, first: date, last: date) -> WaitlistLine:
        """Sum up the openings opened in the range: minutes freed, offered, filled."""
        found = []
        for length, status, opened_at, filled_at, offered in self.db.execute(
            "SELECT o.length, o.status, o.opened_at,"
            " CASE WHEN o.status = 'filled' THEN o.settled_at END,"
            " EXISTS (SELECT 1 FROM rep_openings_offers f WHERE f.opening_id = o.opening_id)"
            " FROM rep_openings o WHERE o.opened_day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        ):
            to_fill = None if filled_at is None else _between(opened_at, filled_at)
            found.append((length, status, bool(offered), to_fill))
        return WaitlistLine.of(found)

    def _notices(self, first: date, last: date) -> NoticeLine:
        """Sum up the notices requested in the range (read with the later ones of their visits)."""
        where = (
            "substr(n.requested_at, 1, 10) BETWEEN ? AND ? OR n.visit_id IN (SELECT visit_id"
            " FROM rep_notices WHERE substr(requested_at, 1, 10) BETWEEN ? AND ?)"
        )
        days = (first.isoformat(), last.isoformat())
        stored = self.db.execute(select_notices(self.notice_table, where), days + days)
        found = outcomes(stored)
        return NoticeLine.of([o for o in found if first <= o.requested_at.date() <= last])

    def _causes(self, first: date, last: date, within: timedelta) -> tuple[CauseLine, ...]:
        lines: dict[str, list[tuple[datetime, str | None, str | None]]] = defaultdict(list)
        for cause, opened, acknowledged, resolved in self.db.execute(
            "SELECT cause, opened_at, acknowledged_at, resolved_at FROM rep_incidents"
            " WHERE opened_day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        ):
            lines[cause or UNDETERMINED].append(
                (datetime.fromisoformat(opened), acknowledged, resolved)
            )
        return tuple(
            CauseLine.of(cause, incidents, within) for cause, incidents in sorted(lines.items())
        )

    def _kinds(self, first: date, last: date) -> tuple[KindLine, ...]:
        totals: dict[tuple[str, str], tuple[int, Decimal]] = {}
        for kind, amount, currency in self.db.execute(
            "SELECT kind, amount, currency FROM rep_offerings"
            " WHERE status = 'issued' AND issued_day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        ):
            count, total = totals.get((kind, currency), (0, Decimal(0)))
            totals[kind, currency] = (count + 1, total + Decimal(amount))
        return tuple(
            KindLine(kind, count, Money(total, currency))
            for (kind, currency), (count, total) in sorted(totals.items())
        )

    def _nearest(self, last: date, limit: Money, count: int) -> tuple[LimitLine, ...]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for patient_id, amount in self.db.execute(
            "SELECT patient_id, amount FROM rep_ledger"
            " WHERE at_day > ? AND at_day <= ? AND currency = ?",
            (_year_before(last).isoformat(), last.isoformat(), limit.currency),
        ):
            totals[patient_id] += Decimal(amount)
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:count]
        return tuple(LimitLine(pid, Money(total, limit.currency), limit) for pid, total in ranked)


def _between(first: str, then: str) -> timedelta:
    return datetime.fromisoformat(then) - datetime.fromisoformat(first)


def _year_before(day: date) -> date:
    """Return the day a year before `day`, or the first day there is (for a range in year 1)."""
    return day - YEAR if day - date.min >= YEAR else date.min
