"""The typed errors serviceplan raises; a refused command records nothing.

Every error derives from `ServicePlanError`, so a caller can catch the whole family, and each
message is written for a front-desk developer, not for the framework underneath.
"""

from __future__ import annotations

from uuid import UUID


class ServicePlanError(Exception):
    """Base of every error serviceplan raises on purpose."""


class InvalidInput(ServicePlanError, ValueError):  # noqa: N818 (the clinic's word, not "Error")
    """A command or value object was given something it cannot accept."""


class NotFound(ServicePlanError, LookupError):  # noqa: N818
    """No record exists with the given id."""

    what = "record"

    def __init__(self, record_id: UUID | str) -> None:
        self.record_id = record_id
        super().__init__(f"no {self.what} with id {record_id}")


class PatientNotFound(NotFound):
    """No patient with that id."""

    what = "patient"


class VisitNotFound(NotFound):
    """No visit with that id."""

    what = "visit"


class DelayNotFound(NotFound):
    """No delay with that id."""

    what = "delay"


class IncidentNotFound(NotFound):
    """No incident with that id."""

    what = "incident"


class OfferingNotFound(NotFound):
    """No offering with that id."""

    what = "offering"


class TaskNotFound(NotFound):
    """No task with that id on the incident."""

    what = "task"


class NotAllowedNow(ServicePlanError):  # noqa: N818
    """The record is in a state where this command makes no sense (a move the clinic forbids)."""

    def __init__(self, what: str, state: str, command: str) -> None:
        self.what = what
        self.state = state
        self.command = command
        super().__init__(f"cannot {command}: the {what} is {state}")


class VisitInPast(InvalidInput):
    """A visit was booked to start before the time the booking was made."""


class DelayAlreadyResolved(NotAllowedNow):
    """A resolved delay is history; announce a new one instead of revising it."""


class OfferingRefused(ServicePlanError):  # noqa: N818
    """An offering breaks one of the clinic's rules for peace offerings."""


class CashLikeOffering(OfferingRefused):
    """Cash, cash equivalents and general-purpose gift cards are never offerings."""


class ChargeWaiverRefused(OfferingRefused):
    """Waiving or writing off a charge or co-pay is never a peace offering."""


class OverItemLimit(OfferingRefused):
    """The retail value is above the per-item limit."""


class OverYearlyLimit(OfferingRefused):
    """The patient's offerings over the last 12 months would pass the yearly limit."""


class NotOfficeFault(OfferingRefused):
    """Offerings make amends for the office's own fault, and only for that."""


class OutOfStock(OfferingRefused):
    """The stock the offering comes from has none left."""


class NotPermitted(ServicePlanError):  # noqa: N818
    """The staff member's role does not allow this command."""


class ConcurrentUpdate(ServicePlanError):  # noqa: N818
    """Someone else changed the same record first; reload and try again."""


class BadStoreSetting(ServicePlanError, ValueError):  # noqa: N818
    """A storage setting (a key, a key file, an interval) cannot be used as given."""


class StoreNotEmpty(ServicePlanError):  # noqa: N818
    """A history can only be imported into a store that holds no events yet."""


class BadHistoryFile(ServicePlanError, ValueError):  # noqa: N818
    """A history file cannot be imported; `line` says where (1-based) and `reason` why.

    Nothing of a refused file is applied.
    """

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


class NoticeNotFound(NotFound):
    """The patient has no notice with that key."""

    what = "notice"


class NoticeRefused(ServicePlanError):  # noqa: N818
    """The patient cannot get this notice: no consent, an opt-out, or no address on the channel."""


class SlotUnavailable(ServicePlanError):  # noqa: N818
    """The scheduler has no free time there: outside the provider's hours or already booked."""


class InvalidPlugin(ServicePlanError):  # noqa: N818
    """A plugin breaks the hook contract: an unknown hook name or an answer of the wrong type."""


class NoPlugin(ServicePlanError):  # noqa: N818
    """No plugin answers for a role (every implementation of it was disabled)."""
