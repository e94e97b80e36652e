"""The typed facade: each role answers its own way, and a plugin's wrong answer is named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from serviceplan import (
    Channel,
    Level,
    Notice,
    NoticeKind,
    Observation,
    Receipt,
    ServicePlan,
    Topic,
    hookimpl,
    memory_store,
)
from serviceplan.errors import InvalidPlugin, NoPlugin, SlotUnavailable
from serviceplan.plugins import (
    DISABLE,
    STRICT,
    Booking,
    Envelope,
    Preparation,
    Proposal,
    Slot,
)
from serviceplan.plugins.builtin import TemplateWeek
from serviceplan.plugins.calls import plugin_label

TUESDAY = date(2026, 12, 1)
EIGHT = datetime(2026, 12, 1, 8, tzinfo=UTC)


class FullMornings:
    """A clinic scheduler whose first slots are always taken and which is down for bookings."""

    @hookimpl
    def serviceplan_first_slot_of_morning(self, provider, day):  # noqa: ARG002
        return []

    @hookimpl
    def serviceplan_book_slot(self, booking):  # noqa: ARG002
        raise SlotUnavailable("the scheduling system is down")


def test_a_clinic_scheduler_that_says_taken_is_the_answer_through_the_facade_and_pm_hook():
    plan = ServicePlan(memory_store(), plugins=[FullMornings()], entry_points=False)
    assert plan.plugins.first_slot_of_morning("dr-patel", TUESDAY) is None
    hook = plan.plugins.manager.hook
    assert hook.serviceplan_first_slot_of_morning(provider="dr-patel", day=TUESDAY) == []


def test_a_scheduler_that_answers_none_is_told_it_broke_the_contract():
    class Silent:
        @hookimpl
        def serviceplan_first_slot_of_morning(self, provider, day):  # noqa: ARG002
            return None

    plan = ServicePlan(memory_store(), plugins=[Silent()], entry_points=False)
    plan.plugins.unregister("serviceplan.template-week")
    with pytest.raises(InvalidPlugin, match=r"a taken slot is \[\], not None"):
        plan.plugins.first_slot_of_morning("dr-patel", TUESDAY)


class Stopwatch:
    """A wrapper plugin, as pytest's own: it sees every call of the hooks it wraps."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl(wrapper=True)
    def serviceplan_book_slot(self, booking):
        self.seen.append(f"book {booking.provider}")
        return (yield)

    @hookimpl(wrapper=True)
    def serviceplan_deliver_notice(self, envelope, key):  # noqa: ARG002
        self.seen.append("deliver")
        receipts = yield  # every channel's answer: this hook is not firstresult
        self.seen.append(f"receipt {receipts[0].via}")
        return receipts


def test_a_wrapper_plugin_runs_around_every_call_the_facade_makes():
    watch = Stopwatch()
    plan = ServicePlan(memory_store(), plugins=[watch], entry_points=False)
    booking = Booking(uuid4(), uuid4(), "dr-patel", "exam", EIGHT + timedelta(hours=1), 15)

    plan.plugins.book_slot(booking)
    envelope = Envelope(Notice("k-1", NoticeKind.FOLLOW_UP, uuid4(), Channel.SMS), "+1555", "hi")
    plan.plugins.deliver_notice("serviceplan.console", envelope)

    assert watch.seen == ["book dr-patel", "deliver", "receipt console"]


def test_hook_monitoring_sees_every_call_the_facade_makes(plan):
    seen: list[str] = []
    plan.plugins.manager.add_hookcall_monitoring(
        lambda hook, *_: seen.append(hook),
        lambda *_: None,
    )
    plan.plugins.first_slot_of_morning("dr-patel", TUESDAY)
    plan.plugins.channels()
    plan.plugins.incident_steps(plan_incident(plan))

    assert "serviceplan_first_slot_of_morning" in seen
    assert "serviceplan_channels" in seen
    assert "serviceplan_incident_steps" in seen


def plan_incident(plan):
    from serviceplan import ContactPoints, PhoneNumber, Staff  # noqa: PLC0415

    desk = Staff("desk-ana")
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a long wait", by=desk
    )
    return plan.get_incident(incident)


def test_a_clinic_scheduler_error_reaches_the_caller_with_no_quiet_fallback():
    plan = ServicePlan(memory_store(), plugins=[FullMornings()], entry_points=False)
    booking = Booking(uuid4(), uuid4(), "dr-patel", "exam", EIGHT, 15)
    with pytest.raises(SlotUnavailable, match="down"):
        plan.plugins.book_slot(booking)


def test_a_wrong_answer_names_the_plugin_and_the_hook(plan):
    class Sloppy:
        @hookimpl
        def serviceplan_free_slots(self):
            return {"08:00": "free"}

        @hookimpl
        def serviceplan_offering_stock(self):
            return ["pen"]

    plan.plugins.register(Sloppy(), "sloppy")
    with pytest.raises(InvalidPlugin, match="plugin sloppy returned dict from serviceplan_free"):
        plan.plugins.free_slots("dr-patel", EIGHT, EIGHT)
    with pytest.raises(InvalidPlugin, match="plugin sloppy returned str"):
        plan.plugins.offering_stock()


def test_with_every_scheduler_disabled_there_is_no_answer():
    plan = ServicePlan({**memory_store(), DISABLE: "serviceplan.template-week"}, entry_points=False)
    with pytest.raises(NoPlugin):
        plan.plugins.free_slots("dr-patel", EIGHT, EIGHT)


def incident(plan, desk, contact):
    patient = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    opened = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE), need="a clear bill", by=desk
    )
    return plan.get_incident(opened)


class BillingDesk:
    @hookimpl
    def serviceplan_incident_steps(self):
        return [Proposal("billing-line", "Our billing office can look at this with you today.")]


class Broken:
    @hookimpl(tryfirst=True)
    def serviceplan_incident_steps(self, incident):
        raise RuntimeError(f"cannot read {incident.need}")


def test_every_playbook_is_heard_and_a_broken_one_is_skipped(plan, desk, contact, caplog):
    plan.plugins.register(BillingDesk(), "billing")
    plan.plugins.register(Broken(), "broken")
    steps = plan.plugins.incident_steps(incident(plan, desk, contact))
    assert [s.step for s in steps] == [
        "billing-line", "acknowledge", "say-what-we-will-do", "research-bill",
    ]  # fmt: skip
    assert "plugin broken failed in serviceplan_incident_steps (RuntimeError)" in caplog.text
    assert "a clear bill" not in caplog.text


def test_strict_mode_lets_a_broken_playbook_fail(desk, contact):
    plan = ServicePlan({**memory_store(), STRICT: "1"}, plugins=[Broken()], entry_points=False)
    with pytest.raises(RuntimeError):
        plan.plugins.incident_steps(incident(plan, desk, contact))


def test_a_playbook_answering_the_wrong_type_is_skipped(plan, desk, contact, caplog):
    class Chatty:
        @hookimpl
        def serviceplan_incident_steps(self):
            return "say sorry"

    plan.plugins.register(Chatty(), "chatty")
    assert len(plan.plugins.incident_steps(incident(plan, desk, contact))) == 3
    assert "plugin chatty failed" in caplog.text


def test_preparation_falls_through_plugins_that_do_not_know_the_type(plan):
    class OnlyExams:
        @hookimpl
        def serviceplan_preparation(self, visit_type):
            return Preparation("exam", "Short and simple.") if visit_type == "exam" else None

    plan.plugins.register(OnlyExams(), "exams")
    assert plan.plugins.preparation("exam", "en").text == "Short and simple."
    assert plan.plugins.preparation("dilated-exam", "en").expected_minutes == 60


def test_with_no_preparation_plugin_there_is_no_note():
    plan = ServicePlan({**memory_store(), DISABLE: "serviceplan.preparation"}, entry_points=False)
    assert plan.plugins.preparation("exam", "en") is None


class Texts:
    def __init__(self, reference: str = "m-1") -> None:
        self.reference = reference

    @hookimpl
    def serviceplan_channels(self, register):
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, key):
        return Receipt(key, "whatever", self.reference)


def test_the_console_stands_in_only_where_no_clinic_channel_delivers(plan):
    plan.plugins.register(Texts(), "texts")
    assert plan.plugins.deliverers(Channel.SMS) == ["texts"]
    assert plan.plugins.deliverers(Channel.EMAIL) == ["serviceplan.console"]


def test_a_plugin_that_cannot_say_its_channels_delivers_on_none(plan, caplog):
    class Confused(Texts):
        @hookimpl
        def serviceplan_channels(self, register):
            register("sms")

    plan.plugins.register(Confused(), "confused")
    assert "confused" not in plan.plugins.channels()
    assert plan.plugins.deliverers(Channel.SMS) == ["serviceplan.console"]
    assert "plugin confused failed in serviceplan_channels" in caplog.text


def envelope(key: str) -> Envelope:
    notice = Notice(key, NoticeKind.FOLLOW_UP, uuid4(), Channel.SMS)
    return Envelope(notice, "+15555550100", "Your clinic: thank you for your visit.")


def test_a_receipt_names_the_plugin_that_delivered(plan):
    plan.plugins.register(Texts(), "clinic texts!")
    receipt = plan.plugins.deliver_notice("clinic texts!", envelope("k-1"))
    assert receipt == Receipt("k-1", "clinic-texts", "m-1")


def test_a_receipt_for_another_notice_is_refused(plan):
    class Muddled(Texts):
        @hookimpl
        def serviceplan_deliver_notice(self):
            return Receipt("someone-else", "muddled", "m-9")

    plan.plugins.register(Muddled(), "muddled")
    with pytest.raises(InvalidPlugin, match="another notice"):
        plan.plugins.deliver_notice("muddled", envelope("k-1"))


def test_plugin_names_become_short_codes():
    assert plugin_label("serviceplan.console") == "serviceplan.console"
    assert plugin_label("Clinic SMS (backup)") == "Clinic-SMS-backup"
    assert plugin_label("!!!") == "plugin"
    assert len(plugin_label("x" * 100)) == 64


def test_a_configured_built_in_replaces_the_default():

    evenings = TemplateWeek(
        UTC, {1: ((datetime.min.time().replace(hour=17), datetime.min.time().replace(hour=19)),)}
    )
    plan = ServicePlan(memory_store(), plugins=[evenings], entry_points=False)
    assert plan.plugins.first_slot_of_morning("dr-patel", TUESDAY) == Slot(
        "dr-patel", EIGHT.replace(hour=17), 15
    )
    assert plan.plugins.manager.get_plugin("serviceplan.template-week") is None
