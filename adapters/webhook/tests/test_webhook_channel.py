"""The webhook in the clinic's day: the contract, the signed JSON, failures the worker retries."""

from __future__ import annotations

import time

import attrs
import pytest
from eventsourcing.utils import get_topic

from serviceplan import (
    Channel,
    NoticeKind,
    NoticeRecord,
    NoticeStatus,
    ServicePlan,
    Settings,
    memory_store,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.delivery.appointment import appointment
from serviceplan.delivery.text import compose
from serviceplan.errors import InvalidInput, NoticeRefused
from serviceplan.plugins import Envelope
from serviceplan.testing.contracts import ChannelContract
from serviceplan.testing.contracts.channel import envelope
from serviceplan_webhook import (
    KEY,
    WEBHOOK_ID,
    LookUpOff,
    WebhookChannel,
    WebhookNotSent,
    WebhookSettings,
    webhook_id,
)
from webhook_peer import SECRET


class TestWebhookChannelContract(ChannelContract):
    @pytest.fixture
    def plugin(self, hook_settings):
        return WebhookChannel(hook_settings)

    @pytest.fixture
    def probe(self, receiver):
        return receiver.probe

    @pytest.fixture
    def outage(self, receiver):
        return receiver.outage


def test_the_worker_posts_the_notice_signed_and_once(plan, desk, patient, receiver, hook_settings):
    plan.plugins.register(WebhookChannel(hook_settings), "webhook")
    visit = plan.book_visit(
        patient,
        provider="dr-patel",
        visit_type="dilated-exam",
        start=plan.clock().replace(hour=14),
        by=desk,
    )
    key = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    DeliveryWorker(plan).run_once()
    plan.plugins.deliver_notice("webhook", _envelope(plan, patient, key, visit))

    assert receiver.posts == 1  # the channel knew the key: nothing posted the second time
    [notice] = receiver.accepted
    assert receiver.headers[0][WEBHOOK_ID] == webhook_id(key)
    assert receiver.headers[0][KEY.lower()] == key  # deprecated, sent for one more release
    assert notice["key"] == key
    assert (notice["kind"], notice["channel"]) == ("heads-up", "portal")
    assert notice["patient_id"] == str(patient)
    assert notice["visit_id"] == str(visit)
    assert notice["to"] == str(patient)
    assert notice["text"].startswith("Your clinic: a reminder of your appointment on Tue Dec 1")
    assert notice["appointment"]["uid"] == str(visit)
    assert notice["appointment"]["sequence"] == 0
    assert "dilated-exam" not in str(set(notice) - {"text"})
    record = plan.get_notice(key)
    assert record.status is NoticeStatus.DELIVERED
    assert record.receipt is not None
    assert record.receipt.reference == "portal-msg-1"


def test_a_receiver_that_fails_is_a_failure_the_worker_retries(
    plan, desk, patient, receiver, hook_settings
):
    plan.plugins.register(WebhookChannel(hook_settings), "webhook")
    receiver.script.append((500, {}))
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    tally = DeliveryWorker(plan).run_once()
    assert (tally.failed, tally.waiting) == (1, 1)
    assert plan.get_notice(key).status is NoticeStatus.OWED
    [failure] = [
        plan.mapper.to_domain_event(n)
        for n in plan.recorder.select_notifications(
            1, 1000, topics=[get_topic(NoticeRecord.Failed)]
        )
    ]
    assert failure.error == "WebhookNotSent: the receiver answered HTTP 500"


def test_every_try_of_a_notice_carries_the_same_webhook_id(receiver, hook_settings):
    receiver.script.append((500, {}))
    channel = WebhookChannel(hook_settings)
    with pytest.raises(WebhookNotSent, match="HTTP 500"):
        channel.serviceplan_deliver_notice(envelope(Channel.PORTAL, "k-1"), "k-1")
    channel.serviceplan_deliver_notice(envelope(Channel.PORTAL, "k-1"), "k-1")
    assert receiver.arrived_ids == {"k-1": [webhook_id("k-1")]}
    assert receiver.posts == 2


def test_a_look_up_asks_the_receiver_and_only_when_turned_on(receiver, hook_settings):
    sent = WebhookChannel(hook_settings)
    receipt = sent.serviceplan_deliver_notice(envelope(Channel.PORTAL, "k-1"), "k-1")
    assert sent.serviceplan_look_up_notice("k-1") == receipt  # its own memory first
    fresh = WebhookChannel(attrs.evolve(hook_settings, look_up=True))  # a restart, no memory
    assert fresh.serviceplan_look_up_notice("k-1") == receipt
    assert fresh.serviceplan_look_up_notice("k-2") is None
    assert receiver.look_ups == [webhook_id("k-1"), webhook_id("k-2")]
    with pytest.raises(LookUpOff):
        WebhookChannel(hook_settings).serviceplan_look_up_notice("k-1")


def test_a_look_up_the_receiver_cannot_answer_raises(receiver, hook_settings):
    channel = WebhookChannel(attrs.evolve(hook_settings, look_up=True))
    receiver.secret = "another-secret-of-some-length"  # noqa: S105 (it answers 401)
    with pytest.raises(WebhookNotSent, match="HTTP 401 to a look-up"):
        channel.serviceplan_look_up_notice("k-1")


def test_a_receiver_refusing_the_signature_gets_nothing_recorded(receiver, hook_settings):
    wrong = attrs.evolve(hook_settings, secret="not-the-shared-secret-at-all")  # noqa: S106
    channel = WebhookChannel(wrong)
    with pytest.raises(WebhookNotSent, match="HTTP 401"):
        channel.serviceplan_deliver_notice(envelope(Channel.PORTAL, "k-1"), "k-1")
    assert receiver.rejected == ["BadSignature"]
    assert channel.receipts(wrong).find("k-1") is None


def test_a_request_replayed_ten_minutes_later_is_refused(receiver, hook_settings):
    ten_minutes_ago = time.time() - 600
    channel = WebhookChannel(hook_settings, clock=lambda: ten_minutes_ago)
    with pytest.raises(WebhookNotSent, match="HTTP 401"):
        channel.serviceplan_deliver_notice(envelope(Channel.PORTAL, "k-1"), "k-1")
    assert receiver.rejected == ["StaleRequest"]


def test_a_redirect_is_not_followed(receiver, hook_settings):
    receiver.script.append((307, {"Location": "https://elsewhere.example/"}))
    with pytest.raises(WebhookNotSent, match="HTTP 307"):
        WebhookChannel(hook_settings).serviceplan_deliver_notice(
            envelope(Channel.PORTAL, "k-1"), "k-1"
        )


def test_an_unreachable_receiver_is_a_failure(hook_settings):
    down = attrs.evolve(hook_settings, url="http://127.0.0.1:1/hooks")
    with pytest.raises(WebhookNotSent, match="could not be reached"):
        WebhookChannel(down).serviceplan_deliver_notice(envelope(Channel.PORTAL, "k-1"), "k-1")


def test_a_receiver_without_an_id_gets_a_reference_from_the_key(receiver, hook_settings):
    receipt = WebhookChannel(hook_settings).serviceplan_deliver_notice(
        envelope(Channel.PORTAL, "k-1"), "k-1"
    )
    assert receipt.reference == "portal-msg-1"
    receiver.ids.clear()
    receiver.script.append((204, {}))
    other = WebhookChannel(hook_settings).serviceplan_deliver_notice(
        envelope(Channel.PORTAL, "k-2"), "k-2"
    )
    assert other.reference == "webhook:k-2"


def test_only_its_channels_are_taken(receiver, hook_settings):
    with pytest.raises(NoticeRefused):
        WebhookChannel(hook_settings).serviceplan_deliver_notice(envelope(Channel.SMS, "k"), "k")
    assert receiver.accepted == []


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("http://portal.clinic.example/hooks", SECRET),
        ("ftp://127.0.0.1/hooks", SECRET),
        ("https://portal.clinic.example/hooks", "short"),
        ("https://portal.clinic.example/hooks", "whsec_c2hvcnQ="),
        ("https://portal.clinic.example/hooks", "whsec_not base64!"),
    ],
)
def test_plain_http_off_loopback_and_a_short_secret_are_refused(url, secret):
    with pytest.raises(InvalidInput):
        WebhookSettings(url=url, secret=secret)


def test_settings_come_from_the_environment():
    env = {
        "SERVICEPLAN_WEBHOOK_URL": "https://portal.clinic.example/hooks",
        "SERVICEPLAN_WEBHOOK_SECRET": SECRET,
        "SERVICEPLAN_WEBHOOK_CHANNELS": "portal, EMAIL",
    }
    settings = WebhookSettings.from_env(env)
    assert settings is not None
    assert settings.channels == {Channel.PORTAL, Channel.EMAIL}
    assert not settings.look_up
    assert WebhookSettings.from_env({**env, "SERVICEPLAN_WEBHOOK_LOOK_UP": "1"}).look_up
    assert SECRET not in repr(settings)
    assert WebhookSettings.from_env({}) is None
    with pytest.raises(InvalidInput, match="CHANNELS"):
        WebhookSettings.from_env({**env, "SERVICEPLAN_WEBHOOK_CHANNELS": "pigeon"})


def test_installed_the_channel_is_off_until_a_receiver_is_named(monkeypatch, clock):
    monkeypatch.delenv("SERVICEPLAN_WEBHOOK_URL", raising=False)
    plan = ServicePlan(memory_store(), clock=clock, settings=Settings())
    assert plan.plugins.channels()["webhook"] == frozenset()
    monkeypatch.setenv("SERVICEPLAN_WEBHOOK_URL", "https://portal.clinic.example/hooks")
    monkeypatch.setenv("SERVICEPLAN_WEBHOOK_SECRET", SECRET)
    assert plan.plugins.channels()["webhook"] == frozenset({Channel.PORTAL})
    assert plan.plugins.deliverers(Channel.PORTAL) == ["webhook"]


def _envelope(plan, patient, key, visit):
    """The envelope the worker handed the channel, rebuilt to hand it over again."""
    notice = plan.get_notice(key).notice
    words = compose(notice, DeliverySettings(), plan.settings.timezone)
    return Envelope(notice, str(patient), words, appointment(plan, plan.get_visit(visit)))


def test_a_bad_setting_fails_each_delivery_instead_of_falling_back(
    monkeypatch, plan, patient, desk
):
    monkeypatch.setenv("SERVICEPLAN_WEBHOOK_URL", "https://portal.clinic.example/hooks")
    monkeypatch.setenv("SERVICEPLAN_WEBHOOK_SECRET", "short")
    monkeypatch.setenv("SERVICEPLAN_WEBHOOK_CHANNELS", "portal,pigeon")
    plan.plugins.register(WebhookChannel(), "webhook")
    assert plan.plugins.deliverers(Channel.PORTAL) == ["webhook"]
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    assert DeliveryWorker(plan).run_once().failed == 1
    assert plan.get_notice(key).status is NoticeStatus.OWED
