"""The default preparation notes: what to expect from common eye-clinic visit types, in English."""

from __future__ import annotations

from collections.abc import Mapping

from serviceplan.plugins.markers import hookimpl
from serviceplan.plugins.records import Preparation

GENERIC = (
    "Please bring your glasses or contact lenses, your insurance card and a list of your medicines."
)
EYE_CLINIC: Mapping[str, Preparation] = {
    p.visit_type: p
    for p in (
        Preparation("exam", GENERIC, 30),
        Preparation(
            "dilated-exam",
            "Drops will widen your pupils; your sight stays blurry and light-sensitive for a few "
            "hours. Bring sunglasses, and someone to drive you home.",
            90,
        ),
        Preparation(
            "cataract-preop",
            "We take careful measurements of your eyes before surgery; with the tests the visit "
            "can take two to three hours. Bring a snack and a list of your medicines.",
            180,
            long_testing=True,
        ),
        Preparation(
            "visual-field",
            "A test of your side vision follows the exam; together they take about an hour. "
            "Bring your glasses.",
            60,
            long_testing=True,
        ),
    )
}


class VisitTypeNotes:
    """Answers for every visit type: its own note if known, else the general one."""

    def __init__(self, notes: Mapping[str, Preparation] = EYE_CLINIC) -> None:
        self.notes = dict(notes)

    @hookimpl(trylast=True)
    def serviceplan_preparation(self, visit_type: str) -> Preparation:
        """Return the note for `visit_type`."""
        return self.notes.get(visit_type) or Preparation(visit_type, GENERIC)
