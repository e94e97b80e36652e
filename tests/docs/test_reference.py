"""The API reference page documents every public name, so a new one cannot ship undocumented.

mkdocstrings renders a `::: dotted.name` line; these tests read those lines from
docs/reference.md and compare them with what the packages export.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import serviceplan
import serviceplan.delivery
import serviceplan.read
import serviceplan.testing
from serviceplan.app.base import Base

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


def test_every_family_of_commands_is_in_the_reference():
    skip = {Base, serviceplan.ServicePlan}
    families = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in inspect.getmro(serviceplan.ServicePlan)
        if cls.__module__.startswith("serviceplan.app.") and cls not in skip
    ]
    assert families, "ServicePlan's commands come from mixins in serviceplan.app"
    missing = [f for f in families if f not in documented()]
    assert not missing, f"add these to reference.md: {missing}"


def test_the_errors_are_in_the_reference():
    assert "serviceplan.errors" in documented()
