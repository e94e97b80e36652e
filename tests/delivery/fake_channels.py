"""Channels a test can steer: a gateway that counts what it really sent, and its bad days."""

from __future__ import annotations

import random
import threading

from serviceplan import Channel, Receipt, hookimpl
from serviceplan.plugins import Envelope, RegisterChannel


class Gateway:
    """An SMS gateway that sends each key once and remembers every call."""

    channels = (Channel.SMS,)

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.sent: dict[str, Envelope] = {}

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        for channel in self.channels:
            register(channel)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:
        self.calls.append(key)
        self.before_sending(key)
        if key not in self.sent:
            self.sent[key] = envelope
        self.after_sending(key)
        return Receipt(key=key, via="gateway", reference=f"msg-{key}")

    def before_sending(self, key: str) -> None:
        """A gateway that is down fails here, before anything goes out."""

    def after_sending(self, key: str) -> None:
        """A gateway whose answer is lost fails here, after the message went out."""


class FlakyGateway(Gateway):
    """Fails 30% of its calls, seeded: half before sending, half after (the answer is lost)."""

    def __init__(self, seed: int, rate: float = 0.3) -> None:
        super().__init__()
        self.random = random.Random(seed)  # noqa: S311 (a seeded test, not a secret)
        self.rate = rate
        self.failures = 0
        self._lost_answer = False

    def before_sending(self, key: str) -> None:  # noqa: ARG002 (a hook for subclasses)
        draw = self.random.random()
        self._lost_answer = draw < self.rate / 2
        if self.rate / 2 <= draw < self.rate:
            self.failures += 1
            raise ConnectionError("gateway unreachable")

    def after_sending(self, key: str) -> None:  # noqa: ARG002
        if self._lost_answer:
            self.failures += 1
            raise TimeoutError("the gateway took the message but its answer was lost")


class DownGateway(Gateway):
    """A gateway that is down all day."""

    def before_sending(self, key: str) -> None:  # noqa: ARG002 (a hook for subclasses)
        raise ConnectionError("connection refused by sms.example.org for +15555550100")


class HungGateway(Gateway):
    """A gateway that hangs until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def before_sending(self, key: str) -> None:  # noqa: ARG002 (a hook for subclasses)
        self.release.wait(timeout=30)


class EmailGateway(Gateway):
    """An e-mail service."""

    channels = (Channel.EMAIL,)
