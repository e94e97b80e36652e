"""Where a notice stands: owed, delivered, or given up for the desk; one record per notice.

Each notice is an aggregate of its own, its id derived from its key, so owing a notice writes
nothing anyone else writes: a delay that owes a thousand notices, a desk booking and a delivery
worker recording an outcome never meet on one record.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.notice import Notice, Receipt
from serviceplan.errors import InvalidInput, NotAllowedNow

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff

MAX_NOTE = 200
NOTICE_RECORD_NAMESPACE = UUID("9b7e1f0a-4c2d-4e6b-8a15-3f0d2c7b9e41")


class NoticeStatus(Enum):
    """Where a notice stands."""

    OWED = "owed"
    DELIVERED = "delivered"
    GIVEN_UP = "given-up"


class Doubt(Enum):
    """What was known, when a notice was tried again, of a try that left no outcome."""

    NONE = "none"
    """The last try ended with an outcome on the record: nothing is in doubt."""
    NOT_SENT = "not-sent"
    """The channel looked the key up at its peer: it never got there."""
    UNKNOWN = "unknown"
    """The channel cannot look a key up: this try may be the second the patient gets."""


def notice_record_id(key: str) -> UUID:
    """Return the id of the record of the notice with idempotency key `key`."""
    return uuid5(NOTICE_RECORD_NAMESPACE, checks.code(key, "notice key"))


class NoticeRecord(Aggregate):
    """One notice and its history in brief: when it is next due, how often it failed, its end.

    Its own aggregate because one rule holds across its events: a notice ends once, delivered or
    given up, and nothing is recorded of it after.
    """

    class Requested(Aggregate.Created):
        notice: Notice
        follows: UUID | None
        at: datetime
        by: Staff

    class Adopted(Aggregate.Created):
        """A notice a version 0.1 patient record owed, taken over with where it stood."""

        notice: Notice
        follows: UUID | None
        due: datetime
        failures: int
        note: str
        at: datetime
        by: Staff

        def apply(self, aggregate: NoticeRecord) -> None:
            """Carry over the due time, the failed tries and the note it had."""
            aggregate.due = self.due
            aggregate.failures = self.failures
            aggregate.note = self.note

    class Attempted(Aggregate.Event):
        via: str
        doubt: Doubt
        at: datetime
        by: Staff

    class Delivered(Aggregate.Event):
        receipt: Receipt
        at: datetime
        by: Staff

    class TimedOut(Aggregate.Event):
        via: str
        seconds: float
        at: datetime
        by: Staff

    class Failed(Aggregate.Event):
        via: str
        error: str
        at: datetime
        by: Staff

    class RetryScheduled(Aggregate.Event):
        due: datetime
        reason: str
        at: datetime
        by: Staff

    class GivenUp(Aggregate.Event):
        reason: str
        at: datetime
        by: Staff

    @event(Requested)
    def __init__(
        self, notice: Notice, at: datetime, by: Staff, follows: UUID | None = None
    ) -> None:
        del by
        self.notice = notice
        self.follows = follows
        self.requested_at = at
        self.due = max(at, notice.not_before) if notice.not_before else at
        self.status = NoticeStatus.OWED
        self.failures = 0
        self.receipt: Receipt | None = None
        self.settled_at: datetime | None = None
        self.note = ""
        self.attempting: str | None = None
        """The channel handed the notice last, while no outcome of that try is recorded."""
        self.pinned: str | None = None
        """A channel that may have sent it (it timed out): the only one to try again."""
        self.maybe_twice = False
        """It was tried again after a try of unknown outcome: the patient may have it twice."""

    @classmethod
    def request(
        cls, notice: Notice, at: datetime, by: Staff, follows: UUID | None = None
    ) -> NoticeRecord:
        """Open the record of a newly owed notice; it is due at once or at `not_before`."""
        if not isinstance(notice, Notice):
            raise InvalidInput("the notice must be a Notice")
        if follows is not None:
            checks.an_id(follows, "follows")
        return cls._create(
            cls.Requested, id=notice_record_id(notice.key), notice=notice, follows=follows,
            at=checks.aware(at, "at"), by=checks.staff(by),
        )  # fmt: skip

    @classmethod
    def adopt(  # noqa: PLR0913 (where an old notice stood)
        cls,
        notice: Notice,
        *,
        requested_at: datetime,
        due: datetime,
        failures: int,
        note: str,
        by: Staff,
    ) -> NoticeRecord:
        """Take over a notice a version 0.1 patient record still owed, as it stood there."""
        return cls._create(
            cls.Adopted, id=notice_record_id(notice.key), notice=notice, follows=None,
            due=checks.aware(due, "due"), failures=failures,
            note=checks.text(note, "note", max_length=MAX_NOTE, empty=True),
            at=checks.aware(requested_at, "requested at"), by=checks.staff(by),
        )  # fmt: skip

    @property
    def key(self) -> str:
        """The notice's idempotency key."""
        return self.notice.key

    @property
    def patient_id(self) -> UUID:
        """Whom the notice is for."""
        return self.notice.patient_id

    @property
    def is_owed(self) -> bool:
        """Say whether the notice still has to go out."""
        return self.status is NoticeStatus.OWED

    @property
    def in_doubt(self) -> bool:
        """Say whether a try was made and nothing recorded of how it ended (a crash, say)."""
        return self.is_owed and self.attempting is not None

    def attempt(self, via: str, doubt: Doubt, at: datetime, by: Staff) -> None:
        """Record that the notice is being handed to the channel `via`, before it is."""
        self._check_owed("attempt it", at, by)
        checks.code(via, "via")
        checks.member(doubt, Doubt, "doubt")
        if self.attempting is not None and (doubt is Doubt.NONE or via != self.attempting):
            raise NotAllowedNow("notice", f"in doubt on {self.attempting}", f"hand it to {via}")
        if self.pinned is not None and via != self.pinned:
            raise NotAllowedNow("notice", f"maybe sent by {self.pinned}", f"hand it to {via}")
        self._attempted(via=via, doubt=doubt, at=at, by=by)

    @event(Attempted)
    def _attempted(self, via: str, doubt: Doubt, at: datetime, by: Staff) -> None:
        del at, by
        self.attempting = via
        self.maybe_twice = self.maybe_twice or doubt is Doubt.UNKNOWN

    def record_time_out(self, via: str, seconds: float, at: datetime, by: Staff) -> None:
        """Record that `via` gave no answer in time: it may have sent, so only it tries again."""
        self._check_owed("record a time-out", at, by)
        checks.code(via, "via")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise InvalidInput("a time limit is a positive number of seconds")
        self._timed_out(via=via, seconds=float(seconds), at=at, by=by)

    @event(TimedOut)
    def _timed_out(self, via: str, seconds: float, at: datetime, by: Staff) -> None:
        del at, by
        self.failures += 1
        self.attempting = None
        self.pinned = via
        self.note = f"ChannelTimeout: no answer in {seconds:g} s"

    def record_delivery(self, receipt: Receipt, at: datetime, by: Staff) -> None:
        """Record a channel's receipt for the owed notice."""
        self._check_owed("record a delivery", at, by)
        if not isinstance(receipt, Receipt) or receipt.key != self.key:
            raise InvalidInput("a delivery needs the channel's receipt for this notice's key")
        self._delivered(receipt=receipt, at=at, by=by)

    @event(Delivered)
    def _delivered(self, receipt: Receipt, at: datetime, by: Staff) -> None:
        del by
        self.status = NoticeStatus.DELIVERED
        self.receipt = receipt
        self.settled_at = at
        self.note = ""
        self.attempting = None

    def record_failure(self, via: str, error: str, at: datetime, by: Staff) -> None:
        """Record that the plugin `via` failed to deliver the notice, and how."""
        self._check_owed("record a failure", at, by)
        checks.code(via, "via")
        self._failed(via=via, error=checks.text(error, "error", max_length=MAX_NOTE), at=at, by=by)

    @event(Failed)
    def _failed(self, via: str, error: str, at: datetime, by: Staff) -> None:
        del at, by
        self.failures += 1
        self.note = error
        if self.attempting == via:
            self.attempting = None

    def schedule_retry(self, due: datetime, reason: str, at: datetime, by: Staff) -> None:
        """Record when the owed notice will be tried again, and why it waits."""
        self._check_owed("schedule a retry", at, by)
        if checks.aware(due, "due") <= at:
            raise InvalidInput("a retry must be due after the moment it is scheduled")
        reason = checks.text(reason, "reason", max_length=MAX_NOTE)
        self._retry_scheduled(due=due, reason=reason, at=at, by=by)

    @event(RetryScheduled)
    def _retry_scheduled(self, due: datetime, reason: str, at: datetime, by: Staff) -> None:
        del at, by
        self.due = due
        self.note = reason

    def give_up(self, reason: str, at: datetime, by: Staff) -> None:
        """Record that no more automatic tries will be made; the front desk takes it from here."""
        self._check_owed("give up", at, by)
        self._given_up(reason=checks.text(reason, "reason", max_length=MAX_NOTE), at=at, by=by)

    @event(GivenUp)
    def _given_up(self, reason: str, at: datetime, by: Staff) -> None:
        del by
        self.status = NoticeStatus.GIVEN_UP
        self.settled_at = at
        self.note = reason
        self.attempting = None

    def _check_owed(self, command: str, at: datetime, by: Staff) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if not self.is_owed:
            raise NotAllowedNow("notice", self.status.value, command)
