"""The default preparation notes: what to expect from each visit type in the clinic's catalogue."""

from __future__ import annotations

from serviceplan.domain.visit_type import EYE_CLINIC, Catalogue, VisitType
from serviceplan.plugins.markers import hookimpl
from serviceplan.plugins.records import Preparation

GENERIC = (
    "Please bring your glasses or contact lenses, your insurance card and a list of your medicines."
)


def note(visit_type: VisitType) -> Preparation:
    """Return what to expect from one visit type, the general note when it has none of its own."""
    return Preparation(
        visit_type.code,
        visit_type.preparation or GENERIC,
        visit_type.expected_minutes,
        long_testing=visit_type.long_testing,
    )


class VisitTypeNotes:
    """Answers for every visit type: its note in the catalogue, else the general one."""

    def __init__(self, catalogue: Catalogue = EYE_CLINIC) -> None:
        self.notes = {t.code: note(t) for t in catalogue}

    @hookimpl(trylast=True)
    def serviceplan_preparation(self, visit_type: str) -> Preparation:
        """Return the note for `visit_type`."""
        return self.notes.get(visit_type) or Preparation(visit_type, GENERIC)
