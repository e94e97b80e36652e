"""How a clinic tunes the feed: who acts, how its scheduler's codes map to the clinic's."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from serviceplan import CancellationReason, Staff
from serviceplan_hl7v2.siu import Trigger

FEED_STAFF = Staff("hl7-feed", "system")

DEFAULT_REASONS: Mapping[Trigger, str] = MappingProxyType(
    {
        Trigger.RESCHEDULE: "other",
        Trigger.MODIFICATION: "other",
        Trigger.CANCELLATION: "other",
        Trigger.DISCONTINUATION: "other",
        Trigger.DELETION: "oth-err",
    }
)
"""The cancellation reason of a move or cancellation whose SCH-6 names none we know."""


def _frozen(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _known_reasons(
    _: object, __: attrs.Attribute[Mapping[str, str]], value: Mapping[str, str]
) -> None:
    for code in value.values():
        CancellationReason(code)


@attrs.frozen
class FeedOptions:
    """The feed's settings; every one has a default that suits the samples' scheduler."""

    by: Staff = FEED_STAFF
    """Who the feed's commands are recorded as."""
    visit_types: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen)
    """Service codes (AIS-3) to the clinic's visit types; unmapped codes are used as they are."""
    providers: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen)
    """Resource ids (AIP-3, AIL-3) to the clinic's providers; unmapped ids are used as they are."""
    reasons: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen, validator=_known_reasons
    )
    """Event reasons (SCH-6) to cancellation reason codes, beyond the codes themselves."""
    identifier_type: str = "MR"
    """Which PID-3 identifier is the chart number the clinic registers patients with."""
    processing_ids: frozenset[str] = frozenset({"P"})
    """The MSH-11 processing ids applied; a test message ("T") to a live plan is refused."""
    message_time: bool = False
    """Record commands at the message's time (MSH-7) instead of the plan's clock: for backlogs."""

    def reason(self, trigger: Trigger, event_reason: str | None) -> CancellationReason:
        """The coded reason for a move or cancellation: mapped, given, or the default."""
        if event_reason is not None:
            if event_reason in self.reasons:
                return CancellationReason(self.reasons[event_reason])
            try:
                return CancellationReason(event_reason.lower())
            except ValueError:
                pass
        return CancellationReason(DEFAULT_REASONS[trigger])
