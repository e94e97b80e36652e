"""The built-in defaults for every role, registered first and marked `trylast=True`.

Whatever order entry points load in, a clinic's plugin is called before these; for channels a
default is used only on a channel no clinic plugin delivers on.
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
    "ConsoleChannel",
    "FirstSteps",
    "StockRoom",
    "TemplateWeek",
    "VisitTypeNotes",
    "builtins",
]


BUILTIN_TYPES = (ConsoleChannel, TemplateWeek, StockRoom, FirstSteps, VisitTypeNotes)


def builtins(zone: tzinfo, catalogue: Catalogue = EYE_CLINIC) -> list[tuple[str, object]]:
    """Return fresh built-in plugins with their names, for one application."""
    return [
        ("serviceplan.console", ConsoleChannel()),
        ("serviceplan.template-week", TemplateWeek(zone)),
        ("serviceplan.stockroom", StockRoom()),
        ("serviceplan.playbook", FirstSteps()),
        ("serviceplan.preparation", VisitTypeNotes(catalogue)),
    ]
