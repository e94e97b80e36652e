"""Set expectations: flag a long visit when it is booked, and owe its patient a preparation notice.

A visit type with long testing, or a visit at least `Settings.long_visit_minutes` long, is
flagged; its patient is owed a preparation notice (`Settings.prepare_long_visits`), or every
patient whose visit type has a note is (`Settings.preparation_for_all`). It goes on e-mail or the
portal when the patient consented to one (the detail goes there), else on their preferred
channel, `Settings.preparation_lead_hours` before the visit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Notice, NoticeKind, notice_key
from serviceplan.domain.notice_record import NoticeRecord
from serviceplan.domain.patient import Patient
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import Visit
from serviceplan.domain.visit_type import VisitType
from serviceplan.errors import InvalidInput, PatientNotFound

if TYPE_CHECKING:
    from serviceplan.app.plan import Plan

DETAIL_FIRST = (Channel.EMAIL, Channel.PORTAL)


def visit_type(plan: Plan, code: str, length: int | None) -> VisitType:
    """Return the catalogue's visit type, or an ad-hoc one when a length is given."""
    try:
        return plan.settings.catalogue.get(code)
    except InvalidInput:
        if length is None:
            raise
    return VisitType(checks.code(code, "visit type"), code, checks.minutes(length, "length"))


def prepared(plan: Plan, visit: Visit, at: datetime, by: Staff) -> list[Any]:
    """Flag `visit` if long and owe its patient a preparation notice; return the new records."""
    kind = visit_type(plan, visit.visit_type, visit.length)
    settings = plan.settings
    if kind.long_testing:
        visit.flag_long(why="long testing", at=at, by=by)
    elif visit.length >= settings.long_visit_minutes:
        visit.flag_long(why=f"{visit.length} minutes", at=at, by=by)
    long_visit = visit.flagged_long is not None and settings.prepare_long_visits
    if not (long_visit or (settings.preparation_for_all and kind.preparation)):
        return []
    patient = plan.load(Patient, visit.patient_id, PatientNotFound)
    reachable = [c for c in (*DETAIL_FIRST, patient.preferred) if patient.can_reach(c)]
    if not reachable:
        return []
    lead = timedelta(hours=settings.preparation_lead_hours)
    not_before = max(at, visit.start - lead)
    key = notice_key(NoticeKind.PREPARATION, visit.id, visit.start)
    notice = Notice(
        key, NoticeKind.PREPARATION, patient.id, reachable[0], visit.id, visit.start,
        not_before if not_before < visit.start else None, visit.start,
    )  # fmt: skip
    return [NoticeRecord.request(notice, at, by, follows=visit.id)]
