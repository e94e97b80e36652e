"""Every value object, enum, moment and day survives the application's transcoder unchanged.

The stock JSON transcoder turns tuples into lists and refuses dates, enums and attrs classes;
serviceplan registers its own. These tests write each kind of value as the application would and
read it back: same type, same cents, same offset, same instant, tuples still tuples. A value
object or enum the domain gains without a transcoding, or without a strategy here, fails by name.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from clinic_values import ANY_MOMENTS, MOMENTS, VALUE_OBJECT_STRATEGIES, assert_exactly
from hypothesis import given
from hypothesis import strategies as st

import serviceplan.domain
from serviceplan import Channel, Money, ServicePlan, memory_store
from serviceplan.domain.business_days import ClinicCalendar
from serviceplan.domain.cascade import QueuedVisit
from serviceplan.domain.detection import DelaySign
from serviceplan.domain.limits import OfferingLimits
from serviceplan.domain.offer_rounds import Candidate, OfferRules
from serviceplan.domain.opening import Offer
from serviceplan.domain.visit import MoveRequest
from serviceplan.domain.visit_type import Catalogue, VisitType
from serviceplan.domain.waitlist import FreeTime
from serviceplan.store.transcodings import ENUMS, VALUE_OBJECTS

TRANSCODER = ServicePlan(memory_store()).mapper.transcoder
EVERY_MEMBER = [member for enum in ENUMS for member in enum]
NEVER_STORED = {
    QueuedVisit, DelaySign, VisitType, Catalogue, ClinicCalendar, OfferingLimits, MoveRequest,
    FreeTime, Offer, Candidate, OfferRules,
}  # fmt: skip
"""Values the domain computes or is configured with, that no event or snapshot holds.

`MoveRequest` lives in a visit's state, built from `Visit.MoveRequested`'s own fields; visits are
never snapshotted. So do an opening's `FreeTime` and `Offer`s, from `Opening.Opened` and
`Opening.OfferMade`.
"""


def domain_classes() -> set[type[Any]]:
    """Every class a module of `serviceplan.domain` defines, found by importing each module."""
    found = set()
    for info in pkgutil.iter_modules(serviceplan.domain.__path__, "serviceplan.domain."):
        module = importlib.import_module(info.name)
        found |= {v for v in vars(module).values() if getattr(v, "__module__", "") == info.name}
    return {c for c in found if isinstance(c, type)}


def stored_and_loaded(value: object) -> Any:
    """Write `value` as the application stores it, check it is plain JSON, and read it back."""
    written = TRANSCODER.encode(value)
    json.loads(written)
    return TRANSCODER.decode(written)


def test_every_registered_value_object_has_a_strategy_here() -> None:
    missing = sorted(c.__qualname__ for c in set(VALUE_OBJECTS) - set(VALUE_OBJECT_STRATEGIES))
    assert not missing, f"add a strategy to clinic_values.VALUE_OBJECT_STRATEGIES for {missing}"
    assert set(VALUE_OBJECT_STRATEGIES) <= set(VALUE_OBJECTS)


def test_every_value_object_of_the_domain_is_registered_or_never_stored() -> None:
    value_objects = {c for c in domain_classes() if attrs.has(c)}
    missing = sorted(c.__qualname__ for c in value_objects - set(VALUE_OBJECTS) - NEVER_STORED)
    assert not missing, (
        f"register {missing} in serviceplan.store.transcodings.VALUE_OBJECTS (and give each a "
        "strategy in clinic_values), or name it in NEVER_STORED if no event ever holds it"
    )


def test_every_enum_of_the_domain_is_registered() -> None:
    enums = {c for c in domain_classes() if issubclass(c, Enum)}
    missing = sorted(c.__qualname__ for c in enums - set(ENUMS))
    assert not missing, f"register {missing} in serviceplan.store.transcodings.ENUMS"


@given(st.sampled_from(VALUE_OBJECTS).flatmap(VALUE_OBJECT_STRATEGIES.__getitem__))
def test_every_value_object_loads_back_exactly(value: object) -> None:
    loaded = stored_and_loaded(value)
    assert loaded == value
    assert_exactly(loaded, value)


@given(st.lists(st.sampled_from(VALUE_OBJECTS).flatmap(VALUE_OBJECT_STRATEGIES.__getitem__)))
def test_a_tuple_of_value_objects_stays_a_tuple(values: list[object]) -> None:
    loaded = stored_and_loaded(tuple(values))
    assert loaded == tuple(values)
    assert_exactly(loaded, tuple(values))


@pytest.mark.parametrize("member", EVERY_MEMBER, ids=str)
def test_every_enum_member_loads_back_as_itself(member: Enum) -> None:
    assert stored_and_loaded(member) is member


@given(st.frozensets(st.sampled_from(Channel)))
def test_a_set_of_channels_loads_back_as_the_same_set(channels: frozenset[Channel]) -> None:
    loaded = stored_and_loaded(channels)
    assert type(loaded) is frozenset
    assert loaded == channels


@given(st.dates())
def test_a_clinic_day_loads_back_as_a_date_not_text(day: date) -> None:
    loaded = stored_and_loaded(day)
    assert type(loaded) is date
    assert loaded == day


@given(MOMENTS)
def test_a_moment_in_any_zone_loads_back_equal(moment: datetime) -> None:
    loaded = stored_and_loaded(moment)
    assert loaded == moment
    assert_exactly(loaded, moment)


@given(ANY_MOMENTS)
def test_a_moment_in_a_daylight_saving_change_keeps_its_instant_and_offset(
    moment: datetime,
) -> None:
    assert_exactly(stored_and_loaded(moment), moment)


def test_the_repeated_hour_of_a_fall_back_night_is_told_apart() -> None:
    first = datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York"))
    second = first.replace(fold=1)
    assert stored_and_loaded(first).astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert stored_and_loaded(second).astimezone(UTC) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize("amount", ["15.00", "15", "0.50", "1E+3", "0"])
def test_money_keeps_its_cents_as_written(amount: str) -> None:
    loaded = stored_and_loaded(Money(amount))
    assert str(loaded.amount) == amount
