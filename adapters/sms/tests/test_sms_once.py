"""Twilio takes no idempotency key, so the channel finds a text again in Twilio's message list
before it would send it twice: after answers lost once Twilio had created the text (seeded), and
after a worker killed between Twilio's answer and its record (SIGKILL, a real process, a SQLite
file), when its notes of texts in flight are kept in the receipts file. Without that file a kill
leaves it unable to tell: the text is sent again and the record says so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from serviceplan import (
    Channel,
    ContactPoints,
    NoticeKind,
    NoticeStatus,
    PhoneNumber,
    ServicePlan,
    Settings,
    sqlite_store,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan_sms import LookUpUnsure, SmsChannel
from sms_helpers import text_envelope

WORKER = Path(__file__).with_name("sms_worker.py")
NOTICES = 20
PASSES = 12


def owe(plan: ServicePlan, desk, n: int) -> tuple[str, str]:
    """A new patient who takes texts, owed a follow-up; return the key and the number."""
    number = f"+1555558{n:04d}"
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber(number)), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(patient, Channel.SMS, by=desk)
    return plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk), number


def test_answers_lost_after_twilio_created_the_text_send_each_text_once(
    plan, desk, clock, twilio, sms_settings, waits
):
    twilio.lose_answers(seed=16, rate=0.3)
    plan.plugins.register(SmsChannel(sms_settings, sleep=waits.append), "sms")
    owed = [owe(plan, desk, n) for n in range(NOTICES)]
    worker = DeliveryWorker(plan, DeliverySettings(tries=10))
    for _ in range(PASSES):
        worker.run_once()
        waiting = [plan.get_notice(k) for k, _ in owed if plan.get_notice(k).is_owed]
        if not waiting:
            break
        clock.set(max(record.due for record in waiting))
    assert all(plan.get_notice(k).status is NoticeStatus.DELIVERED for k, _ in owed)
    assert twilio.lost > 0
    assert all(len(twilio.texts_to(number)) == 1 for _, number in owed)  # each patient: one text
    assert len(twilio.sent) == NOTICES
    assert twilio.listed >= twilio.lost  # every lost answer was looked for in the list
    for key, number in owed:
        [sent] = [m for m in twilio.sent if m["To"] == number]
        assert plan.get_notice(key).receipt.reference == sent["sid"]


@pytest.mark.parametrize("kept", [True, False], ids=["notes-in-a-file", "notes-in-memory"])
def test_a_worker_killed_between_twilios_answer_and_the_record(
    tmp_path, desk, clock, twilio, sms_settings, kept
):
    database = tmp_path / "clinic.sqlite3"
    receipts = tmp_path / "sms-receipts.sqlite3" if kept else None
    plan = open_plan(database, clock)
    key, number = owe(plan, desk, 0)
    plan.close()

    worker: list[subprocess.Popen[bytes]] = []

    def kill_the_worker(_: str) -> None:
        """Twilio created the text: the worker dies before it hears so."""
        os.kill(worker[0].pid, signal.SIGKILL)
        worker[0].wait(timeout=30)

    twilio.on_create = kill_the_worker
    twilio.lose_answers(seed=1, rate=1.0)  # the dead worker's answer goes nowhere
    args = [
        sys.executable, str(WORKER), str(database), twilio.base_url, clock().isoformat(),
        str(receipts) if kept else "-",
    ]  # fmt: skip
    worker.append(subprocess.Popen(args))  # noqa: S603 (our own script)
    assert worker[0].wait(timeout=60) == -signal.SIGKILL
    twilio.on_create, twilio.losing = None, None

    settings = attrs.evolve(sms_settings, receipts_path=None if receipts is None else str(receipts))
    plan = open_plan(database, clock, SmsChannel(settings))
    assert plan.get_notice(key).in_doubt
    assert DeliveryWorker(plan).run_once().delivered == 1
    record = plan.get_notice(key)
    assert record.status is NoticeStatus.DELIVERED
    first = twilio.sent[0]["sid"]
    if kept:
        assert twilio.texts_to(number) == [twilio.sent[0]["Body"]]  # found again: one text
        assert record.receipt.reference == first
        assert not record.maybe_twice
    else:
        assert len(twilio.texts_to(number)) == 2  # the notes died with the worker
        assert record.maybe_twice  # and the record says the patient may have it twice
    plan.close()


def test_a_note_of_a_text_twilio_never_created_is_looked_up_as_not_sent(
    twilio, sms_settings, tmp_path
):
    settings = attrs.evolve(sms_settings, receipts_path=str(tmp_path / "receipts.sqlite3"))
    channel = SmsChannel(settings)
    sent = text_envelope()
    channel.journal(settings).note(sent.key, sent.to, sent.text, channel._clock())
    assert channel.serviceplan_look_up_notice(sent.key) is None  # a crash before the request
    assert channel.serviceplan_look_up_notice("never-handed-over") is None
    assert twilio.sent == []


def test_without_a_receipts_file_a_look_up_cannot_tell(sms_settings):
    with pytest.raises(LookUpUnsure, match="SERVICEPLAN_SMS_RECEIPTS"):
        SmsChannel(sms_settings).serviceplan_look_up_notice("heads-up-1")


def test_a_refused_text_leaves_no_note(twilio, sms_settings):
    twilio.unsubscribed.add("+15555550100")
    channel = SmsChannel(sms_settings)
    with pytest.raises(Exception, match="21610"):
        channel.serviceplan_deliver_notice(text_envelope(), "heads-up-1")
    assert channel.journal(sms_settings).find("heads-up-1") is None


def open_plan(database: Path, clock, *plugins: object) -> ServicePlan:
    return ServicePlan(
        sqlite_store(database),
        clock=clock,
        settings=Settings(timezone=clock().tzinfo),
        plugins=list(plugins),
        entry_points=False,
    )
