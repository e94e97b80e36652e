"""Version 0.1's notice outcomes: kept on the patient's record, known by the notice's key.

Every follower of notices settles them the same way; each settles into its own table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from serviceplan.domain.notice_record import NoticeStatus, notice_record_id
from serviceplan.domain.patient import Patient
from serviceplan.read.follower import AT, on


class SettledByKey:
    """Handlers for a 0.1 notice delivered or given up (mixed into followers of notices)."""

    if TYPE_CHECKING:

        def _settle(self, record_id: str, status: NoticeStatus, at: str) -> None:
            """Record how the notice ended (the follower's own table)."""

    @on(Patient.NoticeDelivered, reads=("receipt._data_.key", AT))
    def _legacy_delivered(self, patient_id: str, key: str, at: str) -> None:
        del patient_id  # the key is enough: it is unique in the whole store
        self._settle(str(notice_record_id(key)), NoticeStatus.DELIVERED, at)

    @on(Patient.NoticeGivenUp, reads=("key", AT))
    def _legacy_given_up(self, patient_id: str, key: str, at: str) -> None:
        del patient_id
        self._settle(str(notice_record_id(key)), NoticeStatus.GIVEN_UP, at)
