"""Where a notice stands on the patient's record: owed, delivered, or given up for the desk.

Each change returns a new record, so the Patient aggregate keeps a tuple of immutable values.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import attrs

from serviceplan.domain import checks
from serviceplan.domain.notice import Notice, Receipt
from serviceplan.errors import InvalidInput, NotAllowedNow

MAX_NOTE = 200


class NoticeStatus(Enum):
    """Where a notice stands."""

    OWED = "owed"
    DELIVERED = "delivered"
    GIVEN_UP = "given-up"


@attrs.frozen
class NoticeRecord:
    """One notice and its history in brief: when it is next due, how often it failed, its end."""

    notice: Notice
    requested_at: datetime
    due: datetime
    """When delivery should next be tried."""
    status: NoticeStatus = NoticeStatus.OWED
    failures: int = 0
    receipt: Receipt | None = None
    settled_at: datetime | None = None
    note: str = ""
    """Why it waits, the last error, or why it was given up."""

    @classmethod
    def requested(cls, notice: Notice, at: datetime) -> NoticeRecord:
        """Open the record of a newly requested notice; it is due at once or at `not_before`."""
        due = max(at, notice.not_before) if notice.not_before else at
        return cls(notice=notice, requested_at=at, due=due)

    @property
    def key(self) -> str:
        """The notice's idempotency key."""
        return self.notice.key

    @property
    def is_owed(self) -> bool:
        """Say whether the notice still has to go out."""
        return self.status is NoticeStatus.OWED

    def delivered(self, receipt: Receipt, at: datetime) -> NoticeRecord:
        """Return the record closed by a channel's receipt."""
        self._check_owed("record a delivery", at)
        if receipt.key != self.key:
            raise InvalidInput("a delivery needs the channel's receipt for this notice's key")
        return attrs.evolve(
            self, status=NoticeStatus.DELIVERED, receipt=receipt, settled_at=at, note=""
        )

    def failed(self, via: str, error: str, at: datetime) -> NoticeRecord:
        """Return the record with one more failed try by the plugin `via`."""
        self._check_owed("record a failure", at)
        checks.code(via, "via")
        note = checks.text(error, "error", max_length=MAX_NOTE)
        return attrs.evolve(self, failures=self.failures + 1, note=note)

    def rescheduled(self, due: datetime, reason: str, at: datetime) -> NoticeRecord:
        """Return the record due again at `due`, saying why it waits."""
        self._check_owed("schedule a retry", at)
        if checks.aware(due, "due") <= at:
            raise InvalidInput("a retry must be due after the moment it is scheduled")
        return attrs.evolve(self, due=due, note=checks.text(reason, "reason", max_length=MAX_NOTE))

    def given_up(self, reason: str, at: datetime) -> NoticeRecord:
        """Return the record handed to the front desk: no more automatic tries."""
        self._check_owed("give up", at)
        note = checks.text(reason, "reason", max_length=MAX_NOTE)
        return attrs.evolve(self, status=NoticeStatus.GIVEN_UP, settled_at=at, note=note)

    def _check_owed(self, command: str, at: datetime) -> None:
        checks.aware(at, "at")
        if not self.is_owed:
            raise NotAllowedNow("notice", self.status.value, command)
