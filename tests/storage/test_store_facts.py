"""A store's own facts: written once, read before any event, refused when they disagree."""

from __future__ import annotations

import pytest

from serviceplan import ServicePlan
from serviceplan.errors import StoreFactConflict
from serviceplan.store.facts import read_facts, write_fact


def test_a_new_store_knows_whether_it_is_encrypted_and_the_zone_it_was_opened_with(
    plan: ServicePlan,
) -> None:
    in_memory = plan.factory.__class__.__module__ == "eventsourcing.popo"
    zone = {} if in_memory else {"zone": "America/New_York"}
    assert read_facts(plan) == {"encryption": "none", **zone}


def test_a_fact_is_kept_once_and_read_back(plan: ServicePlan) -> None:
    write_fact(plan, "zone", "America/New_York")
    write_fact(plan, "zone", "America/New_York")  # the same again changes nothing
    assert read_facts(plan)["zone"] == "America/New_York"


def test_another_value_for_a_fact_is_refused_and_the_first_stands(plan: ServicePlan) -> None:
    write_fact(plan, "zone", "America/New_York")
    with pytest.raises(StoreFactConflict, match="records its zone as 'America/New_York'"):
        write_fact(plan, "zone", "Europe/Paris")
    assert read_facts(plan)["zone"] == "America/New_York"


def test_reading_the_facts_of_a_store_writes_nothing(plan: ServicePlan) -> None:
    before = plan.event_count
    read_facts(plan)
    assert plan.event_count == before
