"""Notices a version 0.1 patient record still owed, taken over as records of their own.

Version 0.1 kept each notice on its patient's record. Whenever the log holds such a request,
this policy looks it up in the notice index: if it is still owed, it is taken over
(`NoticeRecord.Adopted`) with its due time, failed tries and note, and the delivery worker sends
it like any other. Nothing writes such a request any more, so each is looked at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from serviceplan.app.policies.base import Policy
from serviceplan.domain.notice_record import NoticeRecord, notice_record_id
from serviceplan.domain.patient import Patient


class LegacyNotices(Policy):
    """Takes over the notices version 0.1 patient records still owe."""

    name = "legacy-notices"
    follows = (Patient.NoticeRequested,)

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (a 0.1 request)
        """Adopt the requested notice if the index says it is still owed and not yet adopted."""
        del now
        found = self.plan.notice_index.legacy_owed(event.notice.key)
        if not found or self.plan.recorded(notice_record_id(found[0].key)):
            return []
        return [
            NoticeRecord.adopt(
                event.notice, requested_at=event.at, due=found[0].due or event.at,
                failures=found[0].failures, note=found[0].note, by=event.by,
            )
        ]  # fmt: skip
