from datetime import timedelta

import pytest

from helpers import at, event_names, refused
from serviceplan.domain.visit_type import EYE_CLINIC, Catalogue, VisitType
from serviceplan.errors import InvalidInput


def test_a_visit_takes_its_length_from_the_catalogue(plan, desk, patient):
    visit = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(8), by=desk)
    assert plan.get_visit(visit).length == 30


def test_a_long_pre_op_work_up_is_flagged_when_booked(plan, desk, patient):
    since = plan.event_count
    visit = plan.book_visit(
        patient, provider="dr-patel", visit_type="cataract-preop", start=at(8, 50), by=desk
    )
    assert plan.get_visit(visit).flagged_long == "long testing"
    assert event_names(plan, since) == [
        "Booked", "FlaggedLong",  # the visit
        "Requested",  # what to expect, owed to the patient, on a record of its own
    ]  # fmt: skip
    [notice] = plan.notices_of(patient)
    assert notice.notice.kind.value == "preparation"
    assert notice.due == at(8, 50) - timedelta(hours=24) or notice.due == at(7)


def test_a_visit_long_enough_is_flagged_whatever_its_type(plan, desk, patient):
    visit = plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(8), length=100, by=desk
    )
    assert plan.get_visit(visit).flagged_long == "100 minutes"


def test_a_type_outside_the_catalogue_needs_a_length(plan, desk, patient):
    with refused(plan, InvalidInput, match="unknown visit type 'laser'"):
        plan.book_visit(patient, provider="dr-patel", visit_type="laser", start=at(8), by=desk)
    visit = plan.book_visit(
        patient, provider="dr-patel", visit_type="laser", start=at(8), length=40, by=desk
    )
    assert plan.get_visit(visit).flagged_long is None


def test_the_eye_clinic_catalogue_prepares_patients_for_dilation():
    assert "driver" in EYE_CLINIC.get("dilated-exam").preparation
    assert EYE_CLINIC.get("visual-field").long_testing


def test_a_catalogue_refuses_the_same_code_twice():
    with pytest.raises(InvalidInput, match="only once"):
        EYE_CLINIC.with_types([VisitType("exam", "Another exam", 15)])
    assert len(Catalogue([]).with_types([VisitType("x", "X", 5)]).types) == 1
