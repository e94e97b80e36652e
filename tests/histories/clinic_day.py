"""A clinic day that records every kind of event serviceplan has, for histories and store tests.

Two patients (one with a text owed since the clinic ran version 0.1), Dr. Patel's morning with a
delay, a cancellation, a no-show, a move recorded from a feed, one made through the scheduler and
one it refused, and an incident about a bill that runs through tasks, escalation, fault and five
peace offerings, with a stock room that runs out and a tablet that fails to hand an item over.
The first patient's phone and e-mail, and the insurer agent's name in a task outcome, are the
secrets the encryption tests look for in the raw store.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    DelayChoice,
    EmailAddress,
    Fault,
    FixedClock,
    Level,
    Money,
    Observation,
    OfferingKind,
    PhoneNumber,
    ProcessCause,
    ServicePlan,
    Staff,
    TaskKind,
    Topic,
)
from serviceplan.delivery import DeliveryWorker
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.notice import Notice, NoticeKind, Receipt
from serviceplan.domain.patient import Patient
from serviceplan.errors import OutOfStock, SlotUnavailable
from serviceplan.plugins.builtin import StockRoom
from serviceplan.plugins.markers import hookimpl

ZONE = ZoneInfo("America/New_York")
PHONE = "+15555550142"
EMAIL = "rosa.quintero@example.org"
AGENT = "Dana Whitfield"
DESK = Staff("desk-ana", "front-desk")
MANAGER = Staff("mgr-lee", "manager")
NOT_GOOD_FOR_THE_PRACTICE = EmpowermentCheck(
    good_for_patient=True, good_for_practice=False, can_take_care_of_it=True
)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(datetime(2026, 12, 1).date(), time(hour, minute), tzinfo=ZONE)


@dataclass
class Day:
    """The ids a test may look up afterwards."""

    patients: list[UUID]
    visits: list[UUID]
    delay: UUID
    incident: UUID
    offerings: list[UUID]


def play(plan: ServicePlan, clock: FixedClock) -> Day:
    """Record the whole day in `plan`, moving `clock` along."""
    clock.set(at(7))
    stock = FlakyStockRoom()
    plan.plugins.unregister("serviceplan.stockroom")
    plan.plugins.register(stock, "stock-room")
    patients = _register(plan)
    _owed_since_0_1(plan, patients[0])
    visits = [
        plan.book_visit(patients[n % 2], provider="dr-patel", visit_type="exam",
                        start=at(h, m), length=length, by=DESK)
        for n, (h, m, length) in enumerate([(8, 0, 30), (8, 30, 20), (8, 50, 60), (9, 50, 20)])
    ]  # fmt: skip
    plan.book_visit(
        patients[1], provider="dr-lee", visit_type="cataract-preop", start=at(13, 30), by=DESK
    )
    delay = _morning(plan, clock, visits)
    _moves(plan, clock, patients[1])
    incident = _incident(plan, clock, patients[0])
    offerings = _offerings(plan, clock, incident, stock)
    _notices(plan, clock, patients[0])
    clock.set(at(15))
    plan.resolve_incident(incident, outcome="bill corrected; patient thanked us", by=MANAGER)
    plan.reopen_incident(incident, reason="a second letter arrived", by=DESK)
    return Day(patients, visits, delay, incident, offerings)


def _register(plan: ServicePlan) -> list[UUID]:
    first = plan.register_patient(
        contact=ContactPoints(PhoneNumber(PHONE), EmailAddress(EMAIL)), preferred=Channel.SMS,
        by=DESK,
    )  # fmt: skip
    plan.give_consent(first, Channel.SMS, by=DESK)
    plan.give_consent(first, Channel.EMAIL, by=DESK)
    second = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550177")), preferred=Channel.VOICE, by=DESK,
        external_id="MRN-0042", language="es",
    )  # fmt: skip
    both = ContactPoints(PhoneNumber("+15555550177"), EmailAddress("m.r@example.net"))
    plan.change_contact(second, contact=both, preferred=Channel.EMAIL, by=DESK)
    plan.give_consent(second, Channel.EMAIL, by=DESK)
    plan.withdraw_consent(second, Channel.EMAIL, by=DESK)
    plan.opt_out(second, Channel.SMS, by=DESK)
    return [first, second]


def _owed_since_0_1(plan: ServicePlan, patient: UUID) -> None:
    """The clinic ran version 0.1, which kept notices on the patient: one text was still owed."""
    notice = Notice(
        "follow-up-0-1", NoticeKind.FOLLOW_UP, patient, Channel.SMS, None, None, at(9), None
    )
    record = plan.get_patient(patient)
    owed = Patient.NoticeRequested(
        originator_id=patient, originator_version=record.version + 1, timestamp=at(7),
        notice=notice, at=at(7), by=DESK,
    )  # fmt: skip
    plan.events.put([owed])


def _moves(plan: ServicePlan, clock: FixedClock, patient: UUID) -> None:
    """A visit moved through the scheduler; another asked for a time it has not got."""
    clock.set(at(10))
    first = plan.book_visit(patient, provider="dr-lee", visit_type="exam", start=at(15), by=DESK)
    second = plan.book_visit(patient, provider="dr-lee", visit_type="exam", start=at(16), by=DESK)
    plan.move_visit(first, start=at(15, 30), reason=CancellationReason("pat-cpp"), by=DESK)
    with suppress(SlotUnavailable):  # refused on the record; the 16:00 visit stands
        plan.move_visit(second, start=at(15, 30), reason=CancellationReason("pat-cpp"), by=DESK)


def _morning(plan: ServicePlan, clock: FixedClock, visits: list[UUID]) -> UUID:
    clock.set(at(8))
    plan.check_in(visits[0], by=DESK)
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=DESK
    )
    patient = plan.get_visit(visits[0]).patient_id
    plan.request_notice(patient, kind=NoticeKind.DELAY, visit_id=visits[0], by=DESK)
    clock.set(at(8, 20))
    plan.revise_delay(delay, minutes=60, by=DESK)
    plan.cancel_visit(visits[1], reason=CancellationReason("pat-swl"), by=DESK)
    plan.reschedule_visit(visits[3], start=at(13), reason=CancellationReason("prov-hosp"), by=DESK)
    clock.set(at(9))
    plan.start_visit(visits[0], by=DESK)
    clock.set(at(9, 30))
    plan.complete_visit(visits[0], by=DESK)
    plan.record_choice(visits[2], delay_id=delay, choice=DelayChoice.COME_LATER, by=DESK)
    plan.mark_no_show(visits[2], by=DESK)
    clock.set(at(11, 45))
    plan.resolve_delay(delay, by=DESK)
    return delay


def _incident(plan: ServicePlan, clock: FixedClock, patient: UUID) -> UUID:
    clock.set(at(12, 15))
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE),
        need="understand an unexpected balance", by=DESK,
    )  # fmt: skip
    plan.add_observation(incident, Observation(Level.AGITATED, Topic.INSURANCE), by=DESK)
    plan.take_step(incident, "acknowledge", by=DESK)
    parking = plan.take_step(incident, "free-parking", by=DESK, check=NOT_GOOD_FOR_THE_PRACTICE)
    plan.decide_step(incident, parking, approved=True, by=MANAGER)
    plan.escalate(incident, reason="patient asked for a manager", by=DESK)
    task = plan.open_task(
        incident, kind=TaskKind.CALL_INSURER, owner="billing-sam", due=at(16), by=DESK
    )
    clock.set(at(14))
    plan.finish_task(incident, task, outcome=f"{AGENT} at the insurer confirmed coverage", by=DESK)
    plan.set_cause(incident, ProcessCause.BILLING, by=DESK)
    plan.determine_fault(incident, Fault.OFFICE, by=MANAGER)
    return incident


def _offerings(
    plan: ServicePlan, clock: FixedClock, incident: UUID, stock: FlakyStockRoom
) -> list[UUID]:
    clock.set(at(14, 30))
    mug, lunch, card = (
        plan.propose_offering(incident, kind=kind, value=Money(value), item=item, by=DESK)
        for kind, value, item in [
            (OfferingKind.SWAG, "8.00", "mug"),
            (OfferingKind.LUNCH, "10.00", "lunch"),
            (OfferingKind.RESTAURANT_GIFT_CARD, "12.00", "cafe-card"),
        ]
    )
    plan.approve_offering(mug, by=MANAGER)
    plan.issue_offering(mug, by=DESK)
    plan.decline_offering(lunch, by=DESK)
    plan.withdraw_offering(card, reason="cafe closed for renovation", by=MANAGER)
    stock.last_pen_taken = True  # another desk took the last pen a moment ago
    with suppress(OutOfStock):  # proposed, then withdrawn for want of stock, on the record
        plan.propose_offering(
            incident, kind=OfferingKind.SWAG, value=Money("2.00"), item="pen", by=DESK
        )
    stock.tablet_down = True
    cap = plan.propose_offering(
        incident, kind=OfferingKind.SWAG, value=Money("2.00"), item="pen", by=DESK
    )
    plan.approve_offering(cap, by=MANAGER)
    plan.issue_offering(cap, by=DESK)  # handed over; the tablet failed to note it
    return [mug, lunch, card, cap]


class FlakyStockRoom(StockRoom):
    """The office's stock, on a tablet that sometimes loses a race or its connection."""

    def __init__(self) -> None:
        super().__init__()
        self.last_pen_taken = False
        self.tablet_down = False

    @hookimpl(trylast=True)
    def serviceplan_reserve_stock(self, item: str, offering_id: UUID) -> str:
        """Hold one item, unless another desk took the last one first."""
        if self.last_pen_taken and item == "pen":
            self.last_pen_taken = False
            raise OutOfStock("no pen left")
        return super().serviceplan_reserve_stock(item, offering_id)

    @hookimpl(trylast=True)
    def serviceplan_issue_stock(self, offering_id: UUID) -> bool:
        """Hand the item over, unless the tablet is down."""
        if self.tablet_down:
            raise ConnectionError("stock tablet offline")
        return super().serviceplan_issue_stock(offering_id)


class FlakyMail:
    """The clinic's e-mail gateway, busy at the first try of every message."""

    def __init__(self) -> None:
        self.tries: dict[str, int] = {}

    @hookimpl
    def serviceplan_channels(self, register: Callable[[Channel], None]) -> None:
        register(Channel.EMAIL)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: object, key: str) -> Receipt:  # noqa: ARG002
        self.tries[key] = self.tries.get(key, 0) + 1
        if self.tries[key] == 1:
            raise ConnectionError("mail gateway busy")
        return Receipt(key, "clinic-mail", f"<{key}@clinic.example>")


def _notices(plan: ServicePlan, clock: FixedClock, patient: UUID) -> None:
    """The delay notice owed since 8:00 has expired; a follow-up e-mail goes on its second try."""
    clock.set(at(14, 40))
    plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, channel=Channel.EMAIL, by=DESK)
    plan.plugins.register(FlakyMail(), "clinic-mail")
    worker = DeliveryWorker(plan)
    worker.run_once()
    clock.set(at(14, 50))
    worker.run_once()
