"""Every hook a clinic's plugin may implement, grouped by role; `docs/plugins.md` shows each.

Call them through `plan.plugins` (the typed facade, a thin view of `pm.hook`), which knows how
each role is answered:

- scheduler, offering inventory and preparation (`firstresult`): pluggy asks the plugins in turn
  (a clinic's plugin before the built-in default) until one answers something other than None,
  and a plugin's error reaches the caller; so a scheduler answers every question it owns (a
  taken first slot is `[]`, never None);
- notification channels and playbooks: every plugin is asked, each through a caller of its own
  and in its own `try`, so one broken plugin never silences the others.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from serviceplan.domain.delay import Delay
from serviceplan.domain.incident import Incident
from serviceplan.domain.notice import Receipt
from serviceplan.domain.reasons import CancellationReason
from serviceplan.plugins.markers import hookspec
from serviceplan.plugins.records import (
    Booking,
    Envelope,
    Preparation,
    Proposal,
    RegisterChannel,
    Slot,
    StockItem,
)

# Notification channel


@hookspec
def serviceplan_channels(register: RegisterChannel) -> None:
    """Register each channel (SMS, voice, e-mail, portal) the plugin delivers on."""


@hookspec
def serviceplan_deliver_notice(envelope: Envelope, key: str) -> Receipt:
    """Send one notice and return its receipt; a key seen before gets its first receipt, unsent."""


@hookspec
def serviceplan_look_up_notice(key: str) -> Receipt | None:
    """Ask the peer whether it got the notice `key`: its receipt, None if not; raise if unsure."""


# Scheduler


@hookspec(firstresult=True)
def serviceplan_free_slots(provider: str, start: datetime, end: datetime) -> list[Slot]:
    """Return the provider's free slots starting from `start` up to `end`, earliest first."""


@hookspec(firstresult=True)
def serviceplan_first_slot_of_morning(provider: str, day: date) -> list[Slot]:
    """Return `[slot]`, the first slot of the morning of `day` if it is free, else `[]`."""


@hookspec(firstresult=True)
def serviceplan_book_slot(booking: Booking) -> str:
    """Book the visit in the scheduling system and return its reference (the same when repeated)."""


@hookspec(firstresult=True)
def serviceplan_move_booking(booking: Booking, start: datetime) -> str:
    """Move a booked visit to `start` and return its reference."""


@hookspec(firstresult=True)
def serviceplan_cancel_booking(booking: Booking, reason: CancellationReason | None) -> bool:
    """Cancel a booked visit for `reason`, returning False when the scheduler had no booking."""


@hookspec(firstresult=True)
def serviceplan_no_show_booking(booking: Booking) -> bool:
    """Mark a booked visit as missed, returning False when the scheduler had no such booking."""


# Offering inventory


@hookspec(firstresult=True)
def serviceplan_offering_stock() -> list[StockItem]:
    """Return what the office keeps for peace offerings, with retail values and what is left."""


@hookspec(firstresult=True)
def serviceplan_reserve_stock(item: str, offering_id: UUID) -> str:
    """Hold one `item` for an offering and return the hold's reference (the same when repeated)."""


@hookspec(firstresult=True)
def serviceplan_release_stock(offering_id: UUID) -> bool:
    """Put an offering's held item back, returning False when nothing was held for it."""


@hookspec(firstresult=True)
def serviceplan_issue_stock(offering_id: UUID) -> bool:
    """Hand over an offering's held item so it leaves the stock, returning True once it has."""


# Playbook


@hookspec
def serviceplan_incident_steps(incident: Incident) -> list[Proposal]:
    """Recommend extra steps for an incident, or an empty list."""


@hookspec
def serviceplan_delay_steps(delay: Delay) -> list[Proposal]:
    """Recommend extra steps for a provider's delay, or an empty list."""


# Preparation


@hookspec(firstresult=True)
def serviceplan_preparation(visit_type: str, language: str) -> Preparation | None:
    """Return what to expect from a visit type, or None to leave it to the next plugin."""
