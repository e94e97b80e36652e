"""Registering a plugin: unknown hooks are refused at once; each plan keeps its own plugins."""

from __future__ import annotations

import types
from datetime import UTC, date, datetime

import pytest
from pluggy import PluginValidationError

from serviceplan import ServicePlan, hookimpl, memory_store
from serviceplan.errors import InvalidPlugin
from serviceplan.plugins import DISABLE, Preparation, Slot

pytest_plugins = ["serviceplan.testing.plugin"]

TUESDAY = date(2026, 12, 1)
MORNING = datetime(2026, 12, 1, 8, tzinfo=UTC)


class EarlyBird:
    """A scheduler whose mornings start at 7:00 and are always free."""

    @hookimpl
    def serviceplan_first_slot_of_morning(self, provider: str, day: date) -> list[Slot]:
        return [Slot(provider, datetime(day.year, day.month, day.day, 7, tzinfo=UTC), 20)]


def test_a_misspelt_hook_is_refused_with_the_hooks_that_exist(plan):
    class Typo:
        @hookimpl
        def serviceplan_free_slot(self, provider):  # noqa: ARG002
            return []

    before = len(plan.plugins.manager.get_plugins())
    with pytest.raises(InvalidPlugin, match=r"unknown hook serviceplan_free_slot;.*_free_slots"):
        plan.plugins.register(Typo())
    assert len(plan.plugins.manager.get_plugins()) == before
    assert not hasattr(plan.plugins.manager.hook, "serviceplan_free_slot")


def test_a_hook_of_another_project_is_refused(plan):
    class Stray:
        @hookimpl
        def pytest_configure(self, config):  # noqa: ARG002
            return None

    with pytest.raises(InvalidPlugin, match="not a serviceplan_\\* hook"):
        plan.plugins.register(Stray(), "stray")
    assert plan.plugins.manager.get_plugin("stray") is None


def test_a_hook_with_arguments_the_spec_does_not_have_is_refused(plan):
    class WrongArguments:
        @hookimpl
        def serviceplan_free_slots(self, doctor):  # noqa: ARG002
            return []

    with pytest.raises(PluginValidationError):
        plan.plugins.register(WrongArguments())


def test_an_unmarked_function_named_for_a_hook_is_a_hook(plan):
    notes = types.SimpleNamespace(
        serviceplan_preparation=lambda visit_type: Preparation(visit_type, "Bring a friend.")
    )
    plan.plugins.register(notes, "notes")
    assert plan.plugins.preparation("exam", "en").text == "Bring a friend."


def test_an_unmarked_misspelt_hook_is_refused_too(plan):
    with pytest.raises(InvalidPlugin):
        plan.plugins.register(types.SimpleNamespace(serviceplan_prepare=lambda: None))


def test_each_plan_has_its_own_plugins(plan):
    other = ServicePlan(memory_store(), entry_points=False)
    plan.plugins.register(EarlyBird(), "early-bird")
    assert plan.plugins.first_slot_of_morning("dr-patel", TUESDAY).start.hour == 7
    assert other.plugins.first_slot_of_morning("dr-patel", TUESDAY).start.hour == 8


def test_a_plugin_can_be_registered_for_one_block(plan):
    with plan.plugins.registered(EarlyBird(), "early-bird") as name:
        assert name == "early-bird"
        assert plan.plugins.first_slot_of_morning("dr-patel", TUESDAY).start.hour == 7
    assert plan.plugins.first_slot_of_morning("dr-patel", TUESDAY).start.hour == 8


def test_a_disabled_name_cannot_be_registered():
    plan = ServicePlan({**memory_store(), DISABLE: "early-bird"}, entry_points=False)
    with pytest.raises(InvalidPlugin, match="disabled"):
        plan.plugins.register(EarlyBird(), "early-bird")


def test_plugins_given_to_the_plan_are_asked_before_the_built_ins():
    plan = ServicePlan(memory_store(), plugins=[EarlyBird()], entry_points=False)
    assert plan.plugins.first_slot_of_morning("dr-patel", TUESDAY).start.hour == 7


def test_the_testing_plugin_registers_a_plugin_for_one_test(plan_with_plugin, serviceplan_plan):
    assert plan_with_plugin(EarlyBird()) is serviceplan_plan
    assert serviceplan_plan.plugins.first_slot_of_morning("dr-patel", TUESDAY).start.hour == 7


def test_and_takes_it_away_after(serviceplan_plan):
    assert serviceplan_plan.plugins.first_slot_of_morning("dr-patel", TUESDAY).start.hour == 8


def test_a_plugin_without_a_name_is_named_after_its_class_not_a_number():
    plan = ServicePlan(memory_store(), plugins=[EarlyBird(), EarlyBird()], entry_points=False)
    names = [plan.plugins.manager.get_name(p) for p in plan.plugins.manager.get_plugins()]

    assert {"EarlyBird", "EarlyBird-2"} <= set(names)
    assert not any(name.isdigit() for name in names)
    assert plan.plugins.register(EarlyBird()) == "EarlyBird-3"
