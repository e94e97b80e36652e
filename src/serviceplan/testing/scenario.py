"""Given / when / then for a clinic's day: test playbook rules by replaying event histories.

`Scenario(plan).given(...)` records what already happened (commands, or domain events from a
history), `.when(...)` runs one command, `.then(...)` checks the events it recorded, in order,
and `.then_refused(...)` checks a refusal that recorded nothing. It raises `AssertionError`
with a readable message, so it works under pytest or any other runner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
from eventsourcing.domain import DomainEventProtocol

from serviceplan.app.service_plan import ServicePlan

Command = Callable[[ServicePlan], Any]


@attrs.frozen
class Expect:
    """An expected event: its name (`Announced`, or `Delay.Announced`) and some attributes."""

    name: str
    attributes: dict[str, Any] = attrs.field(factory=dict)

    def mismatch(self, event: object) -> str | None:
        """Return why `event` is not the expected one, or None when it is."""
        name = event_name(event)
        if self.name not in {name, type(event).__qualname__}:
            return f"expected {self.name}, got {name}"
        for key, wanted in self.attributes.items():
            actual = getattr(event, key, _MISSING)
            if actual != wanted:
                return f"{name}.{key}: expected {wanted!r}, got {actual!r}"
        return None


def expect(name: str, **attributes: Any) -> Expect:  # noqa: ANN401 (any attribute value)
    """Build an expected event: `expect("Announced", minutes=45)`.

    A name the records share (`Requested`, `Opened`) may name its record too:
    `expect("NoticeRecord.Requested")`.
    """
    return Expect(name, attributes)


def event_name(event: object) -> str:
    """Return an event's short name, as a clinic would say it (`Announced`)."""
    return type(event).__name__


_MISSING = object()


class Scenario:
    """One given / when / then over a `ServicePlan`."""

    def __init__(self, plan: ServicePlan) -> None:
        self.plan = plan
        self.result: Any = None
        self.error: BaseException | None = None
        self.new_events: list[DomainEventProtocol[Any]] = []

    def given(self, *history: Command | Iterable[DomainEventProtocol[Any]]) -> Scenario:
        """Record what already happened: commands to run, or stored domain events to replay."""
        for step in history:
            if callable(step):
                step(self.plan)
            else:
                self.plan.events.put(list(step))
        return self

    def when(self, command: Command) -> Scenario:
        """Run one command, keeping its result, or its error, and the events it recorded."""
        position = self.plan.event_count
        self.result, self.error = None, None
        try:
            self.result = command(self.plan)
        except Exception as error:  # noqa: BLE001 (a refusal is an outcome to check)
            self.error = error
        self.new_events = self.events_since(position)
        return self

    def then(self, *expected: str | Expect) -> Scenario:
        """Check the command succeeded and recorded exactly these events, in order."""
        if self.error is not None:
            msg = f"expected events, but the command was refused: {self.error!r}"
            raise AssertionError(msg)
        wanted = [e if isinstance(e, Expect) else Expect(e) for e in expected]
        names = [event_name(e) for e in self.new_events]
        if len(wanted) != len(self.new_events):
            msg = f"expected {[w.name for w in wanted]}, recorded {names}"
            raise AssertionError(msg)
        for want, event in zip(wanted, self.new_events, strict=True):
            problem = want.mismatch(event)
            if problem is not None:
                raise AssertionError(f"{problem} (recorded {names})")
        return self

    def then_refused(self, error: type[BaseException], match: str | None = None) -> Scenario:
        """Check the command was refused with `error` (its message containing `match`)."""
        if not isinstance(self.error, error):
            raise AssertionError(f"expected {error.__name__}, got {self.error!r}")  # noqa: TRY004 (a test failure)
        if match is not None and match not in str(self.error):
            raise AssertionError(f"expected {match!r} in {str(self.error)!r}")
        if self.new_events:
            names = [event_name(e) for e in self.new_events]
            raise AssertionError(f"a refused command recorded {names}")
        return self

    def events_since(self, position: int) -> list[DomainEventProtocol[Any]]:
        """Return the domain events recorded after notification `position`, in order."""
        notifications = self.plan.recorder.select_notifications(start=position + 1, limit=10**9)
        return [self.plan.mapper.to_domain_event(n) for n in notifications]
