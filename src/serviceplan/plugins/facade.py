"""`Plugins`: the typed face of the hooks, one method per hook, so call sites stay typed.

`plan.plugins.free_slots(...)` calls `pm.hook.serviceplan_free_slots(...)`, as pluggy documents
it (wrappers, monitoring and `firstresult` included), and checks that the answer has the type
the hook promises; `pm.hook` alone would return whatever a plugin gave back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from uuid import UUID

import attrs

from serviceplan.domain.contact import Channel
from serviceplan.domain.delay import Delay
from serviceplan.domain.incident import Incident
from serviceplan.domain.notice import Receipt
from serviceplan.domain.reasons import CancellationReason
from serviceplan.errors import InvalidPlugin
from serviceplan.plugins.calls import Caller, expect, expect_list, plugin_label
from serviceplan.plugins.manager import PluginManager
from serviceplan.plugins.records import Booking, Envelope, Preparation, Proposal, Slot, StockItem


class Plugins:
    """The plugins of one application and a typed method for each hook."""

    def __init__(
        self,
        manager: PluginManager,
        *,
        builtins: frozenset[str] = frozenset(),
        strict: bool = False,
    ) -> None:
        self.manager = manager
        self.builtins = builtins
        self._call = Caller(manager, strict=strict)

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register `plugin` (a module, class instance or object with `serviceplan_*` hooks)."""
        registered = self.manager.register(plugin, name)
        if registered is None:
            raise InvalidPlugin(f"plugin name {name} is disabled")
        return registered

    def unregister(self, name: str) -> None:
        """Take the plugin registered as `name` out."""
        self.manager.unregister(name=name)

    @contextmanager
    def registered(self, plugin: object, name: str | None = None) -> Iterator[str]:
        """Register `plugin` for the length of a `with` block (a test, say)."""
        registered = self.register(plugin, name)
        try:
            yield registered
        finally:
            self.unregister(registered)

    # Notification channel

    def channels(self) -> dict[str, frozenset[Channel]]:
        """Return each plugin's channels, in call order; a plugin failing to say is skipped."""
        hook = "serviceplan_channels"
        found: dict[str, frozenset[Channel]] = {}
        for name in self._call.implementers(hook):
            carried: set[Channel] = set()
            register = partial(_register_channel, carried, name)
            done, _ = self._call.guarded(
                hook, name, partial(self._call.only, hook, name, register=register)
            )
            if done:
                found[name] = frozenset(carried)
        return found

    def deliverers(self, channel: Channel, order: Sequence[str] = ()) -> list[str]:
        """Return the plugins to try for `channel`, in order; built-ins only if nothing else.

        Plugins named in `order` come first, as named; the others follow in pluggy's call order.
        """
        delivering = set(self._call.implementers("serviceplan_deliver_notice"))
        names = [n for n, c in self.channels().items() if channel in c and n in delivering]
        clinic = [n for n in names if n not in self.builtins] or names
        rank = {name: n for n, name in enumerate(order)}
        return sorted(clinic, key=lambda name: rank.get(name, len(rank)))

    def deliver_notice(self, via: str, envelope: Envelope) -> Receipt:
        """Have the plugin `via` send `envelope`; its receipt is checked against the key."""
        hook = "serviceplan_deliver_notice"
        answer = self._call.only(hook, via, envelope=envelope, key=envelope.key)
        receipt: Receipt = expect(answer, Receipt, hook, via)
        if receipt.key != envelope.key:
            raise InvalidPlugin(f"plugin {via} returned a receipt for another notice")
        return attrs.evolve(receipt, via=plugin_label(via))

    def can_look_up(self, via: str) -> bool:
        """Say whether the plugin `via` can ask its peer what it got (`look_up_notice`)."""
        return via in self._call.implementers("serviceplan_look_up_notice")

    def look_up_notice(self, via: str, key: str) -> Receipt | None:
        """Ask the plugin `via` whether its peer got the notice `key`: its receipt, or None."""
        hook = "serviceplan_look_up_notice"
        answer = self._call.only(hook, via, key=key)
        if answer is None:
            return None
        receipt: Receipt = expect(answer, Receipt, hook, via)
        if receipt.key != key:
            raise InvalidPlugin(f"plugin {via} looked up another notice")
        return attrs.evolve(receipt, via=plugin_label(via))

    # Scheduler

    def free_slots(self, provider: str, start: datetime, end: datetime) -> list[Slot]:
        """Return the provider's free slots from `start` up to `end`, earliest first."""
        hook = "serviceplan_free_slots"
        name, answer = self._call.first(hook, provider=provider, start=start, end=end)
        return expect_list(answer, Slot, hook, name)

    def first_slot_of_morning(self, provider: str, day: date) -> Slot | None:
        """Return the provider's first slot of the morning of `day` if it is free, else None."""
        hook = "serviceplan_first_slot_of_morning"
        name, answer = self._call.first(hook, provider=provider, day=day)
        if answer is None:
            raise InvalidPlugin(f"no scheduler answered {hook}: a taken slot is [], not None")
        found = expect_list(answer, Slot, hook, name)
        if len(found) > 1:
            raise InvalidPlugin(f"plugin {name} returned {len(found)} slots from {hook}")
        return found[0] if found else None

    @property
    def has_scheduler(self) -> bool:
        """Say whether a plugin books slots (else the record alone is the clinic's schedule)."""
        return bool(self._call.implementers("serviceplan_book_slot"))

    def book_slot(self, booking: Booking) -> str:
        """Book the visit in the scheduling system and return its reference."""
        name, answer = self._call.first("serviceplan_book_slot", booking=booking)
        return expect(answer, str, "serviceplan_book_slot", name)

    def move_booking(self, booking: Booking, start: datetime) -> str:
        """Move a booked visit to `start` and return its reference."""
        name, answer = self._call.first("serviceplan_move_booking", booking=booking, start=start)
        return expect(answer, str, "serviceplan_move_booking", name)

    def cancel_booking(self, booking: Booking, reason: CancellationReason | None = None) -> bool:
        """Cancel a booked visit for `reason`; False when the scheduler had no such booking."""
        hook = "serviceplan_cancel_booking"
        name, answer = self._call.first(hook, booking=booking, reason=reason)
        return expect(answer, bool, hook, name)

    def no_show_booking(self, booking: Booking) -> bool:
        """Mark a booked visit as missed; False when the scheduler had no such booking."""
        name, answer = self._call.first("serviceplan_no_show_booking", booking=booking)
        return expect(answer, bool, "serviceplan_no_show_booking", name)

    # Offering inventory

    def offering_stock(self) -> list[StockItem]:
        """Return what the office keeps for peace offerings."""
        name, answer = self._call.first("serviceplan_offering_stock")
        return expect_list(answer, StockItem, "serviceplan_offering_stock", name)

    def reserve_stock(self, item: str, offering_id: UUID) -> str:
        """Hold one `item` for an offering and return the hold's reference."""
        hook = "serviceplan_reserve_stock"
        name, answer = self._call.first(hook, item=item, offering_id=offering_id)
        return expect(answer, str, hook, name)

    def release_stock(self, offering_id: UUID) -> bool:
        """Put an offering's held item back; False when nothing was held."""
        name, answer = self._call.first("serviceplan_release_stock", offering_id=offering_id)
        return expect(answer, bool, "serviceplan_release_stock", name)

    def issue_stock(self, offering_id: UUID) -> bool:
        """Hand over an offering's held item."""
        name, answer = self._call.first("serviceplan_issue_stock", offering_id=offering_id)
        return expect(answer, bool, "serviceplan_issue_stock", name)

    # Playbook

    def incident_steps(self, incident: Incident) -> list[Proposal]:
        """Return every plugin's recommended steps for the incident; a broken one is skipped."""
        return self._proposals("serviceplan_incident_steps", incident=incident)

    def delay_steps(self, delay: Delay) -> list[Proposal]:
        """Return every plugin's recommended steps for the delay; a broken one is skipped."""
        return self._proposals("serviceplan_delay_steps", delay=delay)

    def _proposals(self, hook: str, **kwargs: object) -> list[Proposal]:
        lists = self._call.each(hook, partial(_proposal_list, hook), **kwargs)
        return [proposal for proposals in lists for proposal in proposals]

    # Preparation

    def preparation(self, visit_type: str, language: str) -> Preparation | None:
        """Return what to expect from the visit type, from the first plugin that knows it."""
        hook = "serviceplan_preparation"
        if not self._call.implementers(hook):
            return None
        name, answer = self._call.first(hook, visit_type=visit_type, language=language)
        return None if answer is None else expect(answer, Preparation, hook, name)


def _register_channel(carried: set[Channel], plugin: str, channel: Channel) -> None:
    carried.add(expect(channel, Channel, "serviceplan_channels", plugin))


def _proposal_list(hook: str, plugin: str, answer: object) -> list[Proposal]:
    return expect_list(answer, Proposal, hook, plugin)
