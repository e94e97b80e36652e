"""The hook specifications: one module, the `serviceplan_` prefix, one sentence each, typed."""

from __future__ import annotations

import inspect

import pytest

import serviceplan
from serviceplan.plugins import Plugins, hook_names, hookspecs
from serviceplan.plugins.markers import PROJECT


def test_there_is_a_hook_for_every_role():
    assert set(hook_names()) >= {
        "serviceplan_channels", "serviceplan_deliver_notice",
        "serviceplan_free_slots", "serviceplan_first_slot_of_morning", "serviceplan_book_slot",
        "serviceplan_move_booking", "serviceplan_cancel_booking",
        "serviceplan_offering_stock", "serviceplan_reserve_stock", "serviceplan_release_stock",
        "serviceplan_issue_stock",
        "serviceplan_incident_steps", "serviceplan_delay_steps",
        "serviceplan_preparation",
    }  # fmt: skip


@pytest.mark.parametrize("name", hook_names())
def test_each_hook_says_what_it_is_for_in_one_sentence(name):
    doc = inspect.getdoc(getattr(hookspecs, name))
    assert doc is not None
    assert "\n" not in doc
    assert doc.endswith(".")
    assert ". " not in doc


@pytest.mark.parametrize("name", hook_names())
def test_each_hook_has_one_typed_method_on_the_facade(name):
    method = getattr(Plugins, name.removeprefix("serviceplan_"))
    assert inspect.signature(method).return_annotation != inspect.Signature.empty
    assert method.__doc__


def test_every_hook_is_typed():
    for name in hook_names():
        signature = inspect.signature(getattr(hookspecs, name))
        assert signature.return_annotation != inspect.Signature.empty
        assert all(p.annotation != p.empty for p in signature.parameters.values())


def test_plugins_mark_their_hooks_with_serviceplan_hookimpl():
    assert serviceplan.hookimpl.project_name == PROJECT == "serviceplan"
    assert "hookimpl" in serviceplan.__all__
