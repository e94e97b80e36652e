"""What a validator accepts is exactly what it promises, so nothing odd reaches the record.

Feeds and forms deliver a trailing newline, a stray space, digits from another script, or broken
Unicode. A phone number a text will go to, a staff id, a code, a currency must be refused then,
not stored with the stray character; free text must be refused if it cannot be stored at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from clinic_values import CODES
from hypothesis import given, settings
from hypothesis import strategies as st
from props_day import DESK, clinic_plan

from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    FixedClock,
    Level,
    Money,
    Observation,
    Patient,
    PhoneNumber,
    Staff,
    Topic,
)
from serviceplan.domain import checks
from serviceplan.errors import InvalidInput

NOISE = st.sampled_from(["\n", "\r\n", " ", "\t", "\u200b", "\x00", "\ud800"])
OTHER_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
AT = datetime(2026, 12, 1, 12, tzinfo=UTC)
MANY = settings(max_examples=200)  # each example takes microseconds: look harder


def noisy(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Valid strings, with a stray character after or before, or with another script's digits."""
    trailing = st.builds(lambda v, noise: v + noise, valid, NOISE)
    leading = st.builds(lambda noise, v: noise + v, NOISE, valid)
    return valid | trailing | leading | valid.map(lambda v: v[:2] + v[2:].translate(OTHER_DIGITS))


def accepts(make: Callable[[str], object], candidate: str) -> bool:
    """Say whether `make` accepts `candidate`; any refusal must be an `InvalidInput`."""
    try:
        make(candidate)
    except InvalidInput:
        return False
    return True


def storable(text: str) -> bool:
    """Say whether `text` can be written as UTF-8, the way every store keeps it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@MANY
@given(noisy(st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True)))
def test_a_phone_number_is_accepted_only_in_strict_e164(candidate: str) -> None:
    if accepts(PhoneNumber, candidate):
        assert re.fullmatch(r"\+[1-9][0-9]{6,14}", candidate, re.ASCII)


@MANY
@given(noisy(st.emails()))
def test_an_email_address_is_accepted_only_without_stray_characters(candidate: str) -> None:
    if accepts(EmailAddress, candidate):
        assert candidate == candidate.strip()
        assert not re.search(r"\s", candidate)
        assert storable(candidate)


@MANY
@given(noisy(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}", fullmatch=True)))
def test_a_staff_id_is_accepted_only_as_a_short_ascii_code(candidate: str) -> None:
    if accepts(lambda s: Staff(s, "front-desk"), candidate):
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}", candidate, re.ASCII)


@MANY
@given(noisy(st.from_regex(r"[a-z][a-z0-9_-]{0,39}", fullmatch=True)))
def test_a_role_is_accepted_only_as_a_short_lower_case_name(candidate: str) -> None:
    if accepts(lambda s: Staff("desk-ana", s), candidate):
        assert re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", candidate, re.ASCII)


@MANY
@given(noisy(st.from_regex(r"[A-Z]{3}", fullmatch=True)))
def test_a_currency_is_accepted_only_as_three_capital_letters(candidate: str) -> None:
    if accepts(lambda s: Money("5.00", s), candidate):
        assert re.fullmatch(r"[A-Z]{3}", candidate, re.ASCII)


@MANY
@given(noisy(CODES))
def test_a_code_is_accepted_only_as_a_short_ascii_code(candidate: str) -> None:
    if accepts(lambda s: checks.code(s, "provider"), candidate):
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", candidate, re.ASCII)


@MANY
@given(noisy(st.from_regex(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}", fullmatch=True)))
def test_a_language_is_accepted_only_as_a_language_tag(candidate: str) -> None:
    def register(language: str) -> Patient:
        return Patient.register(
            contact=ContactPoints(), preferred=Channel.PORTAL, language=language, at=AT, by=DESK
        )

    if accepts(register, candidate):
        assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", candidate, re.ASCII)


@MANY
@given(st.text(st.characters(), min_size=1, max_size=40))
def test_free_text_is_accepted_only_if_it_can_be_stored(candidate: str) -> None:
    if accepts(lambda s: checks.text(s, "need"), candidate):
        assert storable(candidate)


@pytest.mark.parametrize("need", ["the bill \ud800", "\udfff wait"])
def test_a_need_in_broken_unicode_is_refused_and_nothing_is_recorded(need: str) -> None:
    plan = clinic_plan(FixedClock(AT))
    patient = plan.register_patient(contact=ContactPoints(), preferred=Channel.PORTAL, by=DESK)
    before = plan.event_count
    with pytest.raises(InvalidInput):
        plan.open_incident(
            patient, observation=Observation(Level.UPSET, Topic.BALANCE), need=need, by=DESK
        )
    assert plan.event_count == before


def test_a_phone_number_from_a_feed_with_its_line_ending_is_refused() -> None:
    with pytest.raises(InvalidInput):
        PhoneNumber("+15555550100\n")
