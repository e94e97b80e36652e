"""Read models: projections of the event log that people look at, rebuildable at any time.

Each is a `Follower` that catches up from the application's notification log into SQLite tables
(`Views`), and can be built as of a past moment with `as_of`.
"""

from serviceplan.read.as_of import as_of
from serviceplan.read.audit import AuditLine, AuditTrail
from serviceplan.read.board import DayBoard
from serviceplan.read.board_rows import BoardDelay, BoardRow, Notices, ProviderBoard
from serviceplan.read.follower import Follower, Progress, on, query
from serviceplan.read.incidents import OpenIncident, OpenIncidents, OpenTask
from serviceplan.read.opening_rows import BoardOffer, BoardOpening
from serviceplan.read.openings import Answer
from serviceplan.read.report import Recovery
from serviceplan.read.report_rows import (
    CauseLine,
    KindLine,
    LimitLine,
    NoticeLine,
    RecoveryReport,
    WaitlistLine,
)
from serviceplan.read.together import catch_up_together
from serviceplan.read.views import Views

__all__ = [
    "Answer",
    "AuditLine",
    "AuditTrail",
    "BoardDelay",
    "BoardOffer",
    "BoardOpening",
    "BoardRow",
    "CauseLine",
    "DayBoard",
    "Follower",
    "KindLine",
    "LimitLine",
    "NoticeLine",
    "Notices",
    "OpenIncident",
    "OpenIncidents",
    "OpenTask",
    "Progress",
    "ProviderBoard",
    "Recovery",
    "RecoveryReport",
    "Views",
    "WaitlistLine",
    "as_of",
    "catch_up_together",
    "on",
    "query",
]
