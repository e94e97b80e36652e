"""The schedule index: each provider's day, read from the visits' and delays' own events.

A delay must find the visits of its provider's day, and detection the day's delays. No command
writes a list of them (two desks booking one day would collide on it): this index follows the
log instead, and is caught up before every question, so it answers with everything recorded.
It keeps ids, times and codes only.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from uuid import UUID

from eventsourcing.application import Application

from serviceplan.app.index import Index
from serviceplan.domain.cascade import QueuedVisit
from serviceplan.domain.delay import Delay
from serviceplan.domain.visit import LEAVES_QUEUE, PENDING, DelayChoice, Visit, VisitStatus
from serviceplan.read.follower import on
from serviceplan.read.stored import text_id
from serviceplan.read.views import Views

_PENDING = tuple(s.value for s in PENDING)
_SEEN = (VisitStatus.STARTED.value, VisitStatus.COMPLETED.value)
CHUNK = 500
_BOOKED = ("patient_id._data_", "provider", "start._data_", "length")


class ScheduleIndex(Index):
    """Visits and delays by provider and clinic day, as the log has them now."""

    name = "schedule"
    schema = 2
    tables = {  # noqa: RUF012 (read-only class data)
        "sched_visits": """CREATE TABLE IF NOT EXISTS sched_visits (
            visit_id TEXT PRIMARY KEY, patient_id TEXT, provider TEXT, day TEXT, start TEXT,
            length INTEGER, status TEXT, arrived INTEGER, left_queue INTEGER)""",
        "sched_delays": """CREATE TABLE IF NOT EXISTS sched_delays (
            delay_id TEXT PRIMARY KEY, provider TEXT, day TEXT, seq INTEGER, resolved INTEGER)""",
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS sched_visits_by_day ON sched_visits (provider, day)",
        "CREATE INDEX IF NOT EXISTS sched_delays_by_day ON sched_delays (provider, day)",
    )

    def __init__(self, plan: Application[UUID], views: Views, zone: tzinfo) -> None:
        super().__init__(plan, views)
        self.zone = zone

    @on(Visit.Booked, reads=_BOOKED)
    def _booked(
        self, visit_id: str, patient_id: str, provider: str, start: str, length: int
    ) -> None:
        day = datetime.fromisoformat(start).astimezone(self.zone).date().isoformat()
        self.write(
            "INSERT OR REPLACE INTO sched_visits VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)",
            (visit_id, text_id(patient_id), provider, day, start, length,
             VisitStatus.BOOKED.value),
            ("sched_visits", visit_id),
        )  # fmt: skip

    @on(Visit.CheckedIn, reads=())
    def _checked_in(self, visit_id: str) -> None:
        self.write(
            "UPDATE sched_visits SET status = ?, arrived = 1 WHERE visit_id = ?",
            (VisitStatus.CHECKED_IN.value, visit_id),
            ("sched_visits", visit_id),
        )

    @on(Visit.Started, reads=())
    def _started(self, visit_id: str) -> None:
        self._status(visit_id, VisitStatus.STARTED)

    @on(Visit.Completed, reads=())
    def _completed(self, visit_id: str) -> None:
        self._status(visit_id, VisitStatus.COMPLETED)

    @on(Visit.Cancelled, reads=())
    def _cancelled(self, visit_id: str) -> None:
        self._status(visit_id, VisitStatus.CANCELLED)

    @on(Visit.Rescheduled, reads=())
    def _rescheduled(self, visit_id: str) -> None:
        self._status(visit_id, VisitStatus.RESCHEDULED)

    @on(Visit.NoShow, reads=())
    def _no_show(self, visit_id: str) -> None:
        self._status(visit_id, VisitStatus.NO_SHOW)

    @on(Visit.ChoiceRecorded, reads=("choice._data_",))
    def _chose(self, visit_id: str, choice: str) -> None:
        left = DelayChoice(choice) in LEAVES_QUEUE
        self.write(
            "UPDATE sched_visits SET left_queue = ? WHERE visit_id = ?",
            (int(left), visit_id),
            ("sched_visits", visit_id),
        )

    @on(Delay.Announced, reads=("provider", "day._data_"))
    def _announced(self, delay_id: str, provider: str, day: str) -> None:
        self.write(
            "INSERT OR REPLACE INTO sched_delays VALUES (?, ?, ?, ?, 0)",
            (delay_id, provider, day, self.event_position),
            ("sched_delays", delay_id),
        )

    @on(Delay.Resolved, reads=())
    def _resolved(self, delay_id: str) -> None:
        self.write(
            "UPDATE sched_delays SET resolved = 1 WHERE delay_id = ?",
            (delay_id,),
            ("sched_delays", delay_id),
        )

    def _status(self, visit_id: str, status: VisitStatus) -> None:
        self.write(
            "UPDATE sched_visits SET status = ? WHERE visit_id = ?",
            (status.value, visit_id),
            ("sched_visits", visit_id),
        )

    # -- questions, each answered from the log as it is now -----------------------------------

    def queue(self, provider: str, day: date) -> list[QueuedVisit]:
        """Return the provider's visits still to happen on `day`, as the cascade sees them.

        A patient who chose to come later or on another day has left the queue.
        """
        rows = self._ask(
            "SELECT visit_id, patient_id, start, length, arrived FROM sched_visits"  # noqa: S608 (our own tables; values go in as parameters)
            f" WHERE provider = ? AND day = ? AND status IN ({','.join('?' * len(_PENDING))})"
            " AND left_queue = 0",
            (provider, day.isoformat(), *_PENDING),
        )
        return [
            QueuedVisit(UUID(v), UUID(p), datetime.fromisoformat(s), n, bool(a))
            for v, p, s, n, a in rows
        ]

    def seen(self, provider: str, day: date) -> list[QueuedVisit]:
        """Return the provider's visits on `day` that started or are done, as arrived.

        The provider's time went to them: a delay projected again still counts it.
        """
        rows = self._ask(
            "SELECT visit_id, patient_id, start, length FROM sched_visits"
            " WHERE provider = ? AND day = ? AND status IN (?, ?) AND left_queue = 0",
            (provider, day.isoformat(), *_SEEN),
        )
        return [
            QueuedVisit(UUID(v), UUID(p), datetime.fromisoformat(s), n, arrived=True)
            for v, p, s, n in rows
        ]

    def visit_ids(self, provider: str, day: date) -> list[UUID]:
        """Return every visit booked with the provider on `day`, by booked start."""
        rows = self._ask(
            "SELECT visit_id FROM sched_visits WHERE provider = ? AND day = ?"
            " ORDER BY start, visit_id",
            (provider, day.isoformat()),
        )
        return [UUID(r[0]) for r in rows]

    def delay_ids(self, provider: str, day: date, *, open_only: bool = False) -> list[UUID]:
        """Return the provider's delays announced for `day`, oldest first."""
        rows = self._ask(
            "SELECT delay_id FROM sched_delays WHERE provider = ? AND day = ?"  # noqa: S608 (our own tables; values go in as parameters)
            + (" AND resolved = 0" if open_only else "")
            + " ORDER BY seq",
            (provider, day.isoformat()),
        )
        return [UUID(r[0]) for r in rows]

    def arrived(self, visit_ids: list[UUID]) -> frozenset[UUID]:
        """Return those of the visits whose patient has checked in."""
        return self._among("arrived = 1", (), visit_ids)

    def pending(self, visit_ids: list[UUID]) -> frozenset[UUID]:
        """Return those of the visits still to happen (booked or checked in)."""
        return self._among(f"status IN ({','.join('?' * len(_PENDING))})", _PENDING, visit_ids)

    def waiting(self, visit_ids: list[UUID]) -> frozenset[UUID]:
        """Return those of the visits whose patients are still to come at their time.

        Booked, not yet checked in, and not gone from a delayed queue.
        """
        return self._among(
            "status = ? AND arrived = 0 AND left_queue = 0", (VisitStatus.BOOKED.value,), visit_ids
        )

    def _among(
        self, where: str, params: tuple[object, ...], visit_ids: list[UUID]
    ) -> frozenset[UUID]:
        """Return those of `visit_ids` whose row meets `where`, asking 500 at a time."""
        found: set[UUID] = set()
        for start in range(0, len(visit_ids), CHUNK):
            chunk = [str(v) for v in visit_ids[start : start + CHUNK]]
            rows = self._ask(
                f"SELECT visit_id FROM sched_visits WHERE {where}"  # noqa: S608 (our own tables; values go in as parameters)
                f" AND visit_id IN ({','.join('?' * len(chunk))})",
                (*params, *chunk),
            )
            found.update(UUID(r[0]) for r in rows)
        return frozenset(found)
