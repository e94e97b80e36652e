"""The SIU feed on the clinic's day: each real sample becomes the command it means, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hl7v2_helpers import TRIGGERS, edit, event_names, fixture, ghh, sample, without
from serviceplan import (
    CancellationReason,
    Fault,
    Staff,
    VisitStatus,
    patient_id_for,
    visit_id_for,
)
from serviceplan.domain.reasons import ENTERED_IN_ERROR, UNKNOWN
from serviceplan.errors import InvalidInput, NotAllowedNow
from serviceplan_hl7v2 import (
    Action,
    AlreadyBooked,
    ControlIdReused,
    FeedOptions,
    MalformedMessage,
    MissingField,
    PatientMismatch,
    SiuFeed,
    UnknownAppointment,
    UnknownPatient,
    UnsupportedMessage,
)

APPOINTMENT = "36996"


def test_a_new_booking_books_the_visit_under_the_appointment_id(plan, feed, patient):
    outcome = feed.apply(sample("SIU-S12-01"))

    visit = plan.get_visit(visit_id_for(APPOINTMENT))
    assert (outcome.action, outcome.visit_id) == (Action.BOOKED, visit.id)
    assert visit.patient_id == patient == patient_id_for("PATID1234")
    assert (visit.provider, visit.visit_type) == ("1210", "76164006")
    assert (visit.start, visit.length) == (ghh(24, 9, 30), 50)
    assert event_names(plan, 1) == ["Booked"]


@pytest.mark.usefixtures("patient")
def test_the_record_keeps_ids_never_names_diagnoses_or_addresses(plan, feed):
    feed.apply(sample("SIU-S12-01"))

    stored = b" ".join(n.state for n in plan.recorder.select_notifications(start=1, limit=100))
    assert b"hl7-feed" in stored
    for private in (b"EVERYMAN", b"Aniston", b"Colitis", b"Hospital Lane", b"123456789", b"GE"):
        assert private not in stored


def test_the_same_message_twice_counts_once(plan, feed, booked):
    before = plan.event_count

    again = feed.apply(sample("SIU-S12-01"))

    assert again.duplicate
    assert (again.action, again.visit_id) == (Action.BOOKED, booked)
    assert plan.event_count == before


@pytest.mark.usefixtures("booked")
def test_a_control_id_used_again_for_another_message_is_refused(plan, feed):
    before = plan.event_count

    with pytest.raises(ControlIdReused, match="MSH-10"):
        feed.apply(fixture("SIU-S12-reused-control-id"))

    assert plan.event_count == before


def test_a_booking_for_an_unregistered_patient_is_refused_until_the_desk_registers_them(
    plan, feed, desk, patient
):
    before = plan.event_count
    with pytest.raises(UnknownPatient, match="PID-3") as refused:
        feed.apply(fixture("SIU-S12-unknown-patient"))
    assert refused.value.location == "PID-3"
    assert plan.event_count == before

    plan.register_patient(
        contact=plan.get_patient(patient).contact,
        preferred=plan.get_patient(patient).preferred,
        by=desk,
        external_id="PATID9999",
    )
    assert feed.apply(fixture("SIU-S12-unknown-patient")).action is Action.BOOKED


def test_a_booking_sent_again_under_a_new_control_id_changes_nothing(plan, feed, booked):
    before = plan.event_count

    outcome = feed.apply(edit(sample("SIU-S12-01"), "MSH", 10, "MSG00012-RESENT"))

    assert (outcome.action, outcome.visit_id, outcome.note) == (
        Action.UNCHANGED,
        booked,
        "already booked",
    )
    assert plan.event_count == before


@pytest.mark.usefixtures("booked")
def test_a_second_booking_of_one_appointment_with_other_details_is_refused(plan, feed):
    other_time = edit(sample("SIU-S12-01"), "MSH", 10, "MSG00012-B")
    other_time = edit(other_time, "TQ1", 7, "20210924100000+0215")
    before = plan.event_count

    with pytest.raises(AlreadyBooked, match="SCH-2") as refused:
        feed.apply(other_time)

    assert refused.value.location == "SCH-2"

    assert plan.event_count == before


def test_a_reschedule_to_the_same_time_and_provider_records_nothing(plan, feed, booked):
    before = plan.event_count

    outcome = feed.apply(sample("SIU-S13-01"))

    assert (outcome.action, outcome.visit_id) == (Action.UNCHANGED, booked)
    assert plan.event_count == before


def test_a_reschedule_moves_the_visit_with_its_new_provider_and_length(plan, feed, booked):
    outcome = feed.apply(fixture("SIU-S13-moved"))

    old, new = plan.get_visit(booked), plan.current_visit(booked)
    assert outcome.action is Action.RESCHEDULED
    assert outcome.visit_id == new.id != old.id
    assert (old.status, old.rescheduled_to) == (VisitStatus.RESCHEDULED, new.id)
    assert old.cancellation == CancellationReason(UNKNOWN)
    assert not old.office_caused_change
    assert (new.start, new.provider, new.length) == (ghh(27, 14), "1220", 30)
    assert new.visit_type == old.visit_type


@pytest.mark.usefixtures("booked")
def test_a_modification_of_the_room_only_records_nothing(plan, feed):
    before = plan.event_count

    outcome = feed.apply(sample("SIU-S14-01"))

    assert outcome.action is Action.UNCHANGED
    assert plan.event_count == before


def test_a_modification_of_the_length_alone_is_acknowledged_but_not_recorded(plan, feed, booked):
    before = plan.event_count

    outcome = feed.apply(fixture("SIU-S14-longer"))

    assert (outcome.action, outcome.note) == (
        Action.UNCHANGED,
        "a new length is not recorded",
    )
    assert plan.get_visit(booked).length == 50
    assert plan.event_count == before


def test_a_modification_of_the_service_alone_is_acknowledged_but_not_recorded(plan, feed, booked):
    other_service = edit(sample("SIU-S14-01"), "AIS", 3, "73761001^Colonoscopy^SCT")
    before = plan.event_count

    outcome = feed.apply(other_service)

    assert (outcome.action, outcome.note) == (Action.UNCHANGED, "a new visit type is not recorded")
    assert plan.get_visit(booked).visit_type == "76164006"
    assert plan.event_count == before


def test_a_move_keeps_the_visit_type_and_says_so_when_the_service_changed(plan, feed, booked):
    moved = edit(fixture("SIU-S13-moved"), "AIS", 3, "73761001^Colonoscopy^SCT")

    outcome = feed.apply(moved)

    assert (outcome.action, outcome.note) == (
        Action.RESCHEDULED,
        "a new visit type is not recorded",
    )
    assert plan.current_visit(booked).visit_type == "76164006"


def test_a_move_that_names_no_resource_keeps_the_provider(plan, feed, booked):
    feed.apply(without(fixture("SIU-S13-moved"), "AIP", "AIL"))

    assert plan.current_visit(booked).provider == "1210"
    assert plan.current_visit(booked).start == ghh(27, 14)


def test_a_modification_that_changes_the_time_is_a_move(plan, feed, booked):
    later = edit(sample("SIU-S14-01"), "TQ1", 7, "20210924110000+0215")
    later = edit(later, "TQ1", 8, "20210924115000+0215")

    outcome = feed.apply(later)

    assert outcome.action is Action.RESCHEDULED
    assert plan.current_visit(booked).start == ghh(24, 11)


@pytest.mark.parametrize(
    ("name", "code", "fault"),
    [
        ("SIU-S15-01", UNKNOWN, None),
        ("SIU-S16-01", UNKNOWN, None),
        ("SIU-S17-01", ENTERED_IN_ERROR, Fault.NONE),
    ],
)
def test_a_cancellation_discontinuation_or_deletion_is_never_the_offices_fault_unasked(
    plan, feed, booked, name, code, fault
):
    """The samples' SCH-6 says "Add": no cause anyone knows. A deletion is an error, always."""
    outcome = feed.apply(edit(sample(name), "MSH", 7, "202109231126+0215"))

    visit = plan.get_visit(booked)
    assert (outcome.action, outcome.visit_id) == (Action.CANCELLED, booked)
    assert visit.status is VisitStatus.CANCELLED
    assert visit.cancellation == CancellationReason(code)
    assert visit.cancellation.fault is fault
    assert not visit.office_caused_change
    assert event_names(plan, plan.event_count - 2) == ["Cancelled", "SchedulerTold"]


def test_a_deletion_is_an_error_whatever_reason_it_gives(plan, feed, booked):
    feed.apply(edit(sample("SIU-S17-01"), "SCH", 6, "prov-hosp"))

    assert plan.get_visit(booked).cancellation == CancellationReason(ENTERED_IN_ERROR)


def test_an_office_reason_the_sender_gives_is_the_offices_fault(plan, feed, booked):
    feed.apply(edit(sample("SIU-S15-01"), "SCH", 6, "prov-hosp^Provider in hospital^HL70000"))

    assert plan.get_visit(booked).cancellation.fault is Fault.OFFICE


def test_a_cancellation_keeps_the_reason_code_the_sender_gives(plan, feed, booked):
    feed.apply(fixture("SIU-S15-patient-reason"))

    visit = plan.get_visit(booked)
    assert visit.cancellation == CancellationReason("pat")
    assert not visit.office_caused_change


@pytest.mark.usefixtures("patient")
def test_a_clinic_maps_its_schedulers_own_reason_codes(plan):
    feed = SiuFeed(plan, options=FeedOptions(reasons={"PORTAL": "pat-cpp"}))
    booked = feed.apply(sample("SIU-S12-01")).visit_id

    feed.apply(edit(sample("SIU-S15-01"), "SCH", 6, "PORTAL^Cancelled in portal"))

    assert plan.get_visit(booked).cancellation == CancellationReason("pat-cpp")


def test_a_clinic_cannot_map_to_a_reason_code_that_does_not_exist():
    with pytest.raises(InvalidInput, match="cancellation reason"):
        FeedOptions(reasons={"PORTAL": "portal"})


def test_a_cancellation_after_a_move_cancels_the_visit_where_it_now_is(plan, feed, booked):
    feed.apply(fixture("SIU-S13-moved"))

    outcome = feed.apply(sample("SIU-S15-01"))

    assert outcome.visit_id == plan.current_visit(booked).id != booked
    assert plan.current_visit(booked).status is VisitStatus.CANCELLED


def test_a_no_show_is_recorded_once_the_visit_is_due(plan, clock, feed, booked):
    clock.set(ghh(24, 10))

    outcome = feed.apply(sample("SIU-S26-01"))

    assert (outcome.action, outcome.visit_id) == (Action.NO_SHOW, booked)
    assert plan.get_visit(booked).status is VisitStatus.NO_SHOW


@pytest.mark.usefixtures("booked")
def test_a_no_show_before_the_visit_is_due_is_refused(plan, feed):
    before = plan.event_count

    with pytest.raises(NotAllowedNow, match="not yet due"):
        feed.apply(sample("SIU-S26-01"))

    assert plan.event_count == before


@pytest.mark.usefixtures("booked")
def test_messages_sent_again_after_the_fact_change_nothing(plan, clock):
    """Without the ledger's memory (a fresh feed), commands are still safe to repeat."""
    clock.set(ghh(24, 10))
    SiuFeed(plan).apply(sample("SIU-S26-01"))
    before = plan.event_count

    for name in ("SIU-S12-01", "SIU-S26-01"):
        assert SiuFeed(plan).apply(sample(name)).action is Action.UNCHANGED

    assert plan.event_count == before


def test_a_cancelled_visit_stays_cancelled_when_it_is_deleted_too(plan, feed, booked):
    feed.apply(sample("SIU-S15-01"))
    before = plan.event_count

    outcome = feed.apply(sample("SIU-S17-01"))

    assert (outcome.action, outcome.note) == (Action.UNCHANGED, "already cancelled")
    assert plan.get_visit(booked).cancellation == CancellationReason(UNKNOWN)
    assert plan.event_count == before


@pytest.mark.usefixtures("patient")
def test_the_samples_in_order_tell_the_visits_whole_story(clock, feed):
    actions = [feed.apply(sample(f"SIU-{trigger}-01")).action for trigger in TRIGGERS[:-1]]
    clock.set(ghh(24, 10))

    with pytest.raises(NotAllowedNow, match="cancelled"):
        feed.apply(sample("SIU-S26-01"))

    unchanged = Action.UNCHANGED
    assert actions == [
        Action.BOOKED,
        unchanged,
        unchanged,
        Action.CANCELLED,
        Action.SUPERSEDED,
        unchanged,
    ]  # fmt: skip  (the S16 sample says it was sent in 1989: older than all the others)


@pytest.mark.usefixtures("patient")
def test_a_change_to_an_appointment_never_booked_is_refused(feed):
    with pytest.raises(UnknownAppointment, match="SCH-2") as refused:
        feed.apply(fixture("SIU-S15-never-booked"))

    assert refused.value.location == "SCH-2"


def test_a_change_naming_another_patient_is_refused(plan, feed, booked):
    before = plan.event_count

    with pytest.raises(PatientMismatch, match="PID-3") as refused:
        feed.apply(fixture("SIU-S15-other-patient"))

    assert refused.value.location == "PID-3"
    assert plan.get_visit(booked).status is VisitStatus.BOOKED
    assert plan.event_count == before


def test_a_change_without_a_patient_segment_is_applied_by_appointment_id(plan, feed, booked):
    feed.apply(without(sample("SIU-S15-01"), "PID"))

    assert plan.get_visit(booked).status is VisitStatus.CANCELLED


@pytest.mark.usefixtures("patient")
def test_a_malformed_message_is_refused_whole(plan, feed):
    before = plan.event_count

    with pytest.raises(MalformedMessage, match="TQ1-7") as refused:
        feed.apply(fixture("SIU-S12-malformed-start"))

    assert (refused.value.segment, refused.value.field) == ("TQ1", 7)
    assert plan.event_count == before


@pytest.mark.usefixtures("patient")
def test_a_test_message_is_not_applied_to_a_live_plan(plan, feed):
    with pytest.raises(UnsupportedMessage, match="MSH-11"):
        feed.apply(edit(sample("SIU-S12-01"), "MSH", 11, "T"))

    assert plan.event_count == 1


@pytest.mark.usefixtures("patient")
def test_a_booking_in_the_past_is_refused_at_its_start(clock, feed):
    clock.set(ghh(25, 8))

    with pytest.raises(MalformedMessage, match="in the past") as refused:
        feed.apply(sample("SIU-S12-01"))

    assert refused.value.location == "TQ1-7"


@pytest.mark.usefixtures("patient")
def test_a_clinic_maps_service_codes_to_its_visit_types_and_ids_to_its_providers(plan):
    options = FeedOptions(visit_types={"76164006": "exam"}, providers={"1210": "dr-ge"})

    visit_id = SiuFeed(plan, options=options).apply(sample("SIU-S12-01")).visit_id

    visit = plan.get_visit(visit_id)
    assert (visit.visit_type, visit.provider, visit.length) == ("exam", "dr-ge", 50)


@pytest.mark.usefixtures("patient")
def test_a_booking_without_a_length_takes_the_catalogue_visit_types(plan):
    feed = SiuFeed(plan, options=FeedOptions(visit_types={"76164006": "dilated-exam"}))
    silent = edit(without(sample("SIU-S12-01"), "TQ1"), "AIS", 7, "")
    silent = edit(silent, "SCH", 9, "")

    visit_id = feed.apply(silent).visit_id

    assert plan.get_visit(visit_id).length == 60


@pytest.mark.usefixtures("patient")
def test_a_booking_without_a_length_of_an_unknown_visit_type_is_refused(plan, feed):
    silent = edit(edit(without(sample("SIU-S12-01"), "TQ1"), "AIS", 7, ""), "SCH", 9, "")

    with pytest.raises(MissingField, match="not in the clinic's catalogue") as refused:
        feed.apply(silent)

    assert refused.value.location == "TQ1-8"

    assert plan.event_count == 1


@pytest.mark.usefixtures("patient")
def test_a_backlog_is_recorded_at_each_messages_own_time(plan, clock):
    clock.set(ghh(30, 12))
    options = FeedOptions(message_time=True, by=Staff("ghh-sch", "system"), behind=timedelta(30))
    feed = SiuFeed(plan, options=options)

    booked = feed.apply(sample("SIU-S12-01")).visit_id
    feed.apply(sample("SIU-S26-01"))

    assert plan.get_visit(booked).booked_at == ghh(14, 11, 20)
    assert plan.get_visit(booked).status is VisitStatus.NO_SHOW


@pytest.mark.usefixtures("patient")
def test_a_backlog_message_without_its_time_is_refused(plan):
    feed = SiuFeed(plan, options=FeedOptions(message_time=True))

    with pytest.raises(MissingField, match="MSH-7"):
        feed.apply(edit(sample("SIU-S12-01"), "MSH", 7, ""))
