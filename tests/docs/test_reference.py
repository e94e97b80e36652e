"""The API reference page documents every public name, so a new one cannot ship undocumented.

mkdocstrings renders a `::: dotted.name` line; these tests read those lines from
docs/reference.md and compare them with what the packages export.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import serviceplan
import serviceplan.delivery
import serviceplan.read
import serviceplan.testing
from serviceplan.app.service_plan import DESKS, commands

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference.md"
DIRECTIVE = re.compile(r"^::: ([\w.]+)\s*$", re.MULTILINE)
RECORDS = ["Envelope", "RegisterChannel", "Slot", "Booking", "StockItem", "Preparation", "Proposal"]


def documented() -> set[str]:
    """Return the dotted names the reference page renders."""
    return set(DIRECTIVE.findall(REFERENCE.read_text()))


@pytest.mark.parametrize("name", serviceplan.__all__)
def test_every_name_serviceplan_exports_is_in_the_reference(name):
    assert f"serviceplan.{name}" in documented(), f"add '::: serviceplan.{name}' to reference.md"


SUBMODULES = [serviceplan.delivery, serviceplan.read, serviceplan.testing]


@pytest.mark.parametrize("module", SUBMODULES, ids=lambda m: m.__name__)
def test_every_name_of_the_public_submodules_is_in_the_reference(module):
    missing = [n for n in module.__all__ if f"{module.__name__}.{n}" not in documented()]
    assert not missing, f"add these to reference.md: {missing}"


def test_the_plugin_records_and_the_marker_are_in_the_reference():
    names = {f"serviceplan.plugins.{n}" for n in RECORDS} | {"serviceplan.hookimpl"}
    assert names <= documented()


def test_every_desk_of_commands_is_in_the_reference():
    desks = sorted({f"{c.desk.__module__}.{c.desk.__qualname__}" for c in commands().values()})
    assert len(desks) == len(DESKS), "every desk offers a command on ServicePlan"
    missing = [d for d in desks if d not in documented()]
    assert not missing, f"add these to reference.md: {missing}"


def test_every_public_method_of_a_desk_is_offered_on_the_plan():
    offered = set(commands())
    for desk in DESKS:
        public = {n for n, v in vars(desk).items() if callable(v) and not n.startswith("_")}
        assert public <= offered, f"{desk.__name__} has commands ServicePlan does not offer"


def test_the_errors_are_in_the_reference():
    assert "serviceplan.errors" in documented()
