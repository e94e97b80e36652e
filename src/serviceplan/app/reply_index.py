"""The reply index: each reply a patient sent, and whether the desk still has to deal with it.

It keeps ids, times and where each reply stands, never the words (those stay on the reply's own
record, encrypted with the rest in an encrypted store).
"""

from __future__ import annotations

from uuid import UUID

from serviceplan.app.index import Index
from serviceplan.domain.reply import Reply
from serviceplan.read.follower import AT, on
from serviceplan.read.stored import text_id

RECEIVED, ANSWERED, TOO_LATE, FOR_DESK, SETTLED = (
    "received", "answered", "too-late", "for-desk", "settled",
)  # fmt: skip
"""Where a reply stands: received and not yet dealt with, answered, too late, the desk's."""


class ReplyIndex(Index):
    """Replies by patient and by where they stand, as the log has them now."""

    name = "replies"
    schema = 1
    tables = {  # noqa: RUF012 (read-only class data)
        "rp_replies": """CREATE TABLE IF NOT EXISTS rp_replies (
            reply_id TEXT PRIMARY KEY, patient_id TEXT, channel TEXT, received_at TEXT,
            status TEXT, seq INTEGER)""",
    }
    indexes = ("CREATE INDEX IF NOT EXISTS rp_by_status ON rp_replies (status, seq)",)

    @on(Reply.Received, reads=("patient_id._data_", "channel._data_", AT))
    def _received(self, reply_id: str, patient_id: str, channel: str, at: str) -> None:
        self.write(
            "INSERT OR IGNORE INTO rp_replies VALUES (?, ?, ?, ?, ?, ?)",
            (reply_id, text_id(patient_id), channel, at, RECEIVED, self.event_position),
            ("rp_replies", reply_id),
        )

    @on(Reply.Answered, reads=())
    def _answered(self, reply_id: str) -> None:
        self._status(reply_id, ANSWERED)

    @on(Reply.TooLate, reads=())
    def _too_late(self, reply_id: str) -> None:
        self._status(reply_id, TOO_LATE)

    @on(Reply.ForDesk, reads=())
    def _for_desk(self, reply_id: str) -> None:
        self._status(reply_id, FOR_DESK)

    @on(Reply.Settled, reads=())
    def _settled(self, reply_id: str) -> None:
        self._status(reply_id, SETTLED)

    def _status(self, reply_id: str, status: str) -> None:
        self.write(
            "UPDATE rp_replies SET status = ? WHERE reply_id = ?",
            (status, reply_id),
            ("rp_replies", reply_id),
        )

    def for_desk(self) -> list[UUID]:
        """Return the replies a person must read: the desk's, and any not dealt with."""
        rows = self._ask(
            "SELECT reply_id FROM rp_replies WHERE status IN (?, ?) ORDER BY seq",
            (FOR_DESK, RECEIVED),
        )
        return [UUID(r[0]) for r in rows]

    def of_patient(self, patient_id: UUID) -> list[UUID]:
        """Return the patient's replies, oldest first."""
        rows = self._ask(
            "SELECT reply_id FROM rp_replies WHERE patient_id = ? ORDER BY seq", (str(patient_id),)
        )
        return [UUID(r[0]) for r in rows]
