"""Loading installed plugins: a `try` per entry point, strict on demand, disabled by name."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from importlib.metadata import EntryPoint
from uuid import uuid4

import pytest

from serviceplan import Channel, ServicePlan, hookimpl, memory_store
from serviceplan.errors import BrokenPlugins, InvalidPlugin
from serviceplan.plugins import DISABLE, STRICT, TRACE, loading

TUESDAY = date(2026, 12, 1)
SCHEDULER = """
from datetime import datetime, timezone
from serviceplan import hookimpl
from serviceplan.plugins import Slot

@hookimpl
def serviceplan_first_slot_of_morning(provider, day):
    return [Slot(provider, datetime(day.year, day.month, day.day, 7, tzinfo=timezone.utc), 20)]
"""
NOTES = """
from serviceplan import hookimpl
from serviceplan.plugins import Preparation

class Notes:
    @hookimpl
    def serviceplan_preparation(self, visit_type):
        return Preparation(visit_type, "Installed notes.")
"""


@pytest.fixture
def install(tmp_path, monkeypatch):
    """Install plugin modules as `serviceplan` entry points, in the order given."""
    monkeypatch.syspath_prepend(str(tmp_path))
    installed: list[EntryPoint] = []
    monkeypatch.setattr(
        loading, "entry_points", lambda group: installed if group == "serviceplan" else []
    )

    def install(name: str, source: str, attribute: str = "") -> str:
        module = f"plugin_{uuid4().hex[:10]}"
        (tmp_path / f"{module}.py").write_text(source)
        value = f"{module}:{attribute}" if attribute else module
        installed.append(EntryPoint(name, value, "serviceplan"))
        return module

    return install


def first_hour(plan: ServicePlan) -> int:
    return plan.plugins.first_slot_of_morning("dr-patel", TUESDAY).start.hour


@pytest.mark.parametrize("broken_first", [True, False])
def test_a_broken_plugin_is_logged_and_skipped_and_the_others_load(install, caplog, broken_first):
    if broken_first:
        install("broken", "raise ImportError('missing dependency')")
    install("early-bird", SCHEDULER)
    if not broken_first:
        install("broken", "raise ImportError('missing dependency')")
    plan = ServicePlan(memory_store())
    assert first_hour(plan) == 7  # the installed scheduler wins over the built-in one
    assert "plugin broken failed to load and was skipped" in caplog.text
    assert plan.plugins.manager.get_plugin("broken") is None


def test_a_plugin_whose_constructor_raises_is_kept_as_broken_with_its_reason(install, caplog):
    install(
        "texts",
        "class Gateway:\n    def __init__(self):\n        raise RuntimeError('no token')\n",
        "Gateway",
    )
    plan = ServicePlan(memory_store())
    assert plan.plugins.manager.broken == {"texts": "RuntimeError: no token"}
    [line] = [r for r in caplog.records if "texts" in r.getMessage()]
    assert line.levelno == logging.ERROR
    assert line.getMessage() == (
        "plugin texts failed to load and was skipped (RuntimeError: no token);"
        " disable it with SERVICEPLAN_DISABLE_PLUGINS=texts"
    )


def test_a_plugin_with_an_unknown_hook_is_skipped(install, caplog):
    install("typo", "def serviceplan_free_slot(provider):\n    return []\n")
    plan = ServicePlan(memory_store())
    assert plan.plugins.manager.get_plugin("typo") is None
    assert "plugin typo failed to load" in caplog.text


def test_strict_mode_re_raises(install):
    install("typo", "def serviceplan_free_slot(provider):\n    return []\n")
    with pytest.raises(InvalidPlugin, match="serviceplan_free_slot"):
        ServicePlan({**memory_store(), STRICT: "1"})


def test_strict_mode_names_a_plugin_that_fails_to_import(install):
    install("broken", "raise ImportError('missing dependency')")
    with pytest.raises(BrokenPlugins, match=r"plugin broken failed to load \(ImportError: missing"):
        ServicePlan({**memory_store(), STRICT: "1"})


def test_a_class_entry_point_is_made_into_a_plugin(install):
    install("notes", NOTES, "Notes")
    assert ServicePlan(memory_store()).plugins.preparation("exam", "en").text == "Installed notes."


def test_a_disabled_plugin_is_not_even_imported(install, caplog):
    install("broken", "raise ImportError('would fail')")
    install("early-bird", SCHEDULER)
    with caplog.at_level(logging.INFO):
        plan = ServicePlan({**memory_store(), DISABLE: "broken, early-bird"})
    assert first_hour(plan) == 8
    assert "failed" not in caplog.text
    assert "plugin broken is disabled by SERVICEPLAN_DISABLE_PLUGINS" in caplog.text


def test_the_environment_can_disable_a_plugin_too(install, monkeypatch):
    install("early-bird", SCHEDULER)
    monkeypatch.setenv(DISABLE, "early-bird")
    assert first_hour(ServicePlan(memory_store())) == 8


def test_a_built_in_can_be_disabled_by_name(caplog):
    with caplog.at_level(logging.INFO):
        plan = ServicePlan({**memory_store(), DISABLE: "serviceplan.console"}, entry_points=False)
    assert plan.plugins.deliverers(Channel.SMS) == []
    assert "built-in plugin serviceplan.console is disabled" in caplog.text


def test_entry_points_can_be_left_out(install):
    install("early-bird", SCHEDULER)
    assert first_hour(ServicePlan(memory_store(), entry_points=False)) == 8


def test_tracing_logs_each_call_by_name_and_never_its_arguments(install, caplog):
    install("early-bird", SCHEDULER)
    plan = ServicePlan({**memory_store(), TRACE: "yes"})
    with caplog.at_level(logging.INFO, logger="serviceplan.plugins.trace"):
        plan.plugins.first_slot_of_morning("dr-secret-name", TUESDAY)
        start = datetime(2026, 12, 1, 8, tzinfo=UTC)
        plan.plugins.manager.hook.serviceplan_free_slots(
            provider="dr-secret-name", start=start, end=start
        )
    assert "serviceplan_first_slot_of_morning: calling early-bird" in caplog.text
    assert "serviceplan_first_slot_of_morning: returned list" in caplog.text
    assert "serviceplan_free_slots: calling serviceplan.template-week" in caplog.text
    assert "serviceplan_free_slots: returned list" in caplog.text
    assert "dr-secret-name" not in caplog.text


def test_tracing_logs_a_raising_hook(caplog):
    class Broken:
        @hookimpl
        def serviceplan_offering_stock(self):
            raise RuntimeError("stock file unreadable")

    plan = ServicePlan({**memory_store(), TRACE: "1"}, plugins=[Broken()], entry_points=False)
    with (
        caplog.at_level(logging.INFO, logger="serviceplan.plugins.trace"),
        pytest.raises(RuntimeError),
    ):
        plan.plugins.offering_stock()
    assert "raised RuntimeError" in caplog.text
    with (
        caplog.at_level(logging.INFO, logger="serviceplan.plugins.trace"),
        pytest.raises(RuntimeError),
    ):
        plan.plugins.manager.hook.serviceplan_offering_stock()
    assert "serviceplan_offering_stock: raised RuntimeError" in caplog.text
