from decimal import Decimal

import pytest

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    EmailAddress,
    Level,
    Money,
    Observation,
    PhoneNumber,
    Staff,
    Topic,
)
from serviceplan.errors import InvalidInput


@pytest.mark.parametrize("number", ["+15555550100", "+442071838750", "+4915123456789"])
def test_a_phone_number_in_e164_form_is_accepted(number):
    assert PhoneNumber(number).e164 == number


@pytest.mark.parametrize("number", ["5555550100", "+0555", "+1 555 555 0100", "", 15555550100])
def test_a_phone_number_not_in_e164_form_is_refused(number):
    with pytest.raises(InvalidInput, match=r"E\.164") as refused:
        PhoneNumber(number)
    assert str(number) not in str(refused.value) or number == ""  # kept out of logs


@pytest.mark.parametrize("address", ["pat@example", "no-at-sign.org", "a b@example.org", ""])
def test_a_malformed_email_is_refused(address):
    with pytest.raises(InvalidInput, match="e-mail") as refused:
        EmailAddress(address)
    assert address not in str(refused.value) or address == ""  # kept out of logs


def test_contact_points_say_which_channels_they_reach():
    phone_only = ContactPoints(phone=PhoneNumber("+15555550100"))
    assert phone_only.reaches(Channel.SMS)
    assert phone_only.reaches(Channel.VOICE)
    assert not phone_only.reaches(Channel.EMAIL)
    assert phone_only.reaches(Channel.PORTAL)


def test_contact_points_refuse_a_bare_string():
    with pytest.raises(InvalidInput):
        ContactPoints(phone="+15555550100")  # type: ignore[arg-type]


def test_money_is_decimal_and_adds_within_a_currency():
    assert Money("8.50") + Money("6.50") == Money(Decimal("15.00"))
    assert Money("15") <= Money("15.00")
    assert Money("14.99") < Money("15")
    assert str(Money("8.5")) == "8.50 USD"


@pytest.mark.parametrize(
    ("amount", "message"),
    [(8.5, "never float"), ("-1", "negative"), ("1.005", "cents"), ("abc", "not an amount")],
)
def test_money_refuses_floats_negatives_fractions_of_cents_and_nonsense(amount, message):
    with pytest.raises(InvalidInput, match=message):
        Money(amount)


def test_money_refuses_to_mix_currencies():
    with pytest.raises(InvalidInput, match="cannot mix"):
        Money("1", "USD") + Money("1", "EUR")


def test_money_refuses_an_unknown_currency_form():
    with pytest.raises(InvalidInput, match="ISO"):
        Money("1", "usd")


def test_staff_are_codes_with_a_role_not_free_text():
    assert Staff("desk-ana").role == "front-desk"
    with pytest.raises(InvalidInput, match="staff id"):
        Staff("Ana from the desk")
    with pytest.raises(InvalidInput, match="role"):
        Staff("ana", "Front Desk")


@pytest.mark.parametrize("code", ["prov-hosp", "maint", "oth-weath", "other"])
def test_provider_and_office_reasons_mean_the_office_caused_it(code):
    assert CancellationReason(code).office_caused


@pytest.mark.parametrize("code", ["pat-fb", "pat-lt", "meds-inc"])
def test_patient_reasons_do_not_mean_the_office_caused_it(code):
    assert not CancellationReason(code).office_caused


def test_an_unknown_cancellation_code_is_refused():
    with pytest.raises(InvalidInput, match="appointment-cancellation-reason"):
        CancellationReason("because")


def test_an_observation_needs_a_level_and_a_topic_from_the_lists():
    assert Observation(Level.UPSET, Topic.BALANCE).level is Level.UPSET
    with pytest.raises(InvalidInput, match="Level"):
        Observation("upset", Topic.BALANCE)  # type: ignore[arg-type]


def test_levels_are_ordered_from_calm_to_agitated():
    assert Level.CALM.rank < Level.UPSET.rank < Level.AGITATED.rank
