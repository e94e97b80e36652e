"""How a clinic tunes the feed: who acts, how its scheduler's codes map to the clinic's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType

import attrs

from serviceplan import CancellationReason, Staff
from serviceplan.domain.reasons import ENTERED_IN_ERROR, UNKNOWN
from serviceplan_hl7v2 import charsets
from serviceplan_hl7v2.siu import VERSIONS, Trigger

FEED_STAFF = Staff("hl7-feed", "system")


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
    """Personnel ids (AIP-3) to the clinic's providers; unmapped ids are used as they are."""
    reasons: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen, validator=_known_reasons
    )
    """Event reasons (SCH-6) to causes; a cause code itself is taken as it is, anything else is
    the `unknown` cause, never the office's fault."""
    identifier_type: str = "MR"
    """Which PID-3 identifier type is the chart number the clinic registers patients with."""
    assigning_authority: str | None = None
    """Whose chart number: the PID-3 assigning authority (CX-4 namespace or universal id)."""
    processing_ids: frozenset[str] = frozenset({"P"})
    """The MSH-11 processing ids applied; a test message ("T") to a live plan is refused."""
    versions: frozenset[str] = VERSIONS
    """The MSH-12 versions read."""
    charset: str = charsets.DEFAULT
    """The codec of a message that declares no character set in MSH-18."""
    message_time: bool = False
    """Record commands at the message's time (MSH-7) instead of the plan's clock: for backlogs."""
    behind: timedelta = timedelta(days=7)
    """With `message_time`, how far before the receiving clock MSH-7 may be."""
    ahead: timedelta = timedelta(minutes=5)
    """With `message_time`, how far after the receiving clock MSH-7 may be (clock skew)."""

    def reason(self, trigger: Trigger, event_reason: str | None) -> CancellationReason:
        """The cause of a move or cancellation: a deletion is an error, else mapped or unknown."""
        if trigger is Trigger.DELETION:
            return CancellationReason(ENTERED_IN_ERROR)
        if event_reason is None:
            return CancellationReason(UNKNOWN)
        if event_reason in self.reasons:
            return CancellationReason(self.reasons[event_reason])
        try:
            return CancellationReason(event_reason.lower())
        except ValueError:
            return CancellationReason(UNKNOWN)
