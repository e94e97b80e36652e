"""The built-in defaults, registered first and marked `trylast=True`, and the demo's stand-ins.

Whatever order entry points load in, a clinic's plugin is called before these; for channels a
default is used only on a channel no clinic plugin delivers on.

The playbook (`FirstSteps`) and the preparation notes (`VisitTypeNotes`) are real defaults. The
console channel, the template-week scheduler and the stock room are stand-ins: they keep what
they are told in memory and send nothing, so they serve the demo and tests only, when chosen
(`SERVICEPLAN_STAND_INS=1`, or `serviceplan.with_stand_ins(env)`).
"""

from __future__ import annotations

from datetime import tzinfo

from serviceplan.domain.visit_type import EYE_CLINIC, Catalogue
from serviceplan.plugins.builtin.console import ConsoleChannel
from serviceplan.plugins.builtin.inventory import StockRoom
from serviceplan.plugins.builtin.playbook import FirstSteps
from serviceplan.plugins.builtin.preparation import VisitTypeNotes
from serviceplan.plugins.builtin.scheduler import TemplateWeek

__all__ = [
    "BUILTIN_TYPES",
    "STAND_IN_NAMES",
    "ConsoleChannel",
    "FirstSteps",
    "StockRoom",
    "TemplateWeek",
    "VisitTypeNotes",
    "builtins",
]


BUILTIN_TYPES = (ConsoleChannel, TemplateWeek, StockRoom, FirstSteps, VisitTypeNotes)
STAND_IN_NAMES = ("serviceplan.console", "serviceplan.template-week", "serviceplan.stockroom")
"""The built-ins that only pretend: a channel that sends nothing, a scheduler and an inventory
kept in memory."""


def builtins(
    zone: tzinfo, catalogue: Catalogue = EYE_CLINIC, *, stand_ins: bool = True
) -> list[tuple[str, object]]:
    """Return fresh built-in plugins with their names, for one application.

    Without `stand_ins`, only the real defaults: the playbook and the preparation notes.
    """
    chosen: list[tuple[str, object]] = []
    if stand_ins:
        chosen += [
            ("serviceplan.console", ConsoleChannel()),
            ("serviceplan.template-week", TemplateWeek(zone)),
            ("serviceplan.stockroom", StockRoom()),
        ]
    return [
        *chosen,
        ("serviceplan.playbook", FirstSteps()),
        ("serviceplan.preparation", VisitTypeNotes(catalogue)),
    ]
