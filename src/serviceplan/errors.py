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
    """A storage setting (a key, a key file, an interval, the store module) cannot be used."""


class BadKey(BadStoreSetting):
    """The store's key is missing, malformed, unreadable, or does not open the store's events."""


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


class IncompleteHistory(BadHistoryFile):
    """A history file is cut short or altered: its trailer is missing, or does not match."""


class StoreProblem(ServicePlanError):  # noqa: N818
    """The store cannot be reached, opened, read or written as it should."""


class StoreUnavailable(StoreProblem):
    """The store cannot be reached or opened: a server down, a database missing, a locked file."""


class NotAStore(InvalidInput):
    """A file given as a store (or as read models' views) belongs to something else."""


class UnreadableEvent(StoreProblem):
    """A stored event cannot be read as it was recorded; `where` names its place in the store.

    `where` is the event's position in the log when known ("the event at position 57"), else
    its aggregate and version. The message never quotes the event's content.
    """

    def __init__(self, where: str, topic: str, reason: str) -> None:
        self.where = where
        self.topic = topic
        self.reason = reason
        name = topic.rpartition(":")[2] or topic
        super().__init__(f"{where} ({name}) {reason}")


class DamagedEvent(UnreadableEvent):
    """A stored event is damaged: not valid JSON, undecryptable, or missing a field it must hold."""


class NewerEvent(UnreadableEvent):
    """A stored event was written by a newer serviceplan than this one: upgrade to read it."""


class NoticeNotFound(NotFound):
    """The patient has no notice with that key."""

    what = "notice"


class NoticeRefused(ServicePlanError):  # noqa: N818
    """The patient cannot get this notice: no consent, an opt-out, or no address on the channel."""


class SlotUnavailable(ServicePlanError):  # noqa: N818
    """The scheduler has no free time there: outside the provider's hours or already booked."""


class PluginProblem(ServicePlanError):  # noqa: N818
    """A plugin is missing, broken, or breaks the hook contract."""


class InvalidPlugin(PluginProblem):
    """A plugin breaks the hook contract: an unknown hook name or an answer of the wrong type."""


class NoPlugin(PluginProblem):
    """No plugin answers for a role: none is installed, or every one was disabled.

    The scheduler and the offering inventory have no default outside the demo and the tests,
    whose stand-ins answer only when chosen (`serviceplan.with_stand_ins`).
    """


class BrokenPlugins(PluginProblem):
    """An enabled plugin failed to load, so a follower (`deliver`, `follow`) will not start."""


class FollowerGaveUp(ServicePlanError):  # noqa: N818
    """A follower's passes failed so many times in a row that it stopped, for its supervisor."""


class OpeningNotFound(NotFound):
    """No opening with that id."""

    what = "opening"


class WaitlistEntryNotFound(NotFound):
    """No waitlist entry with that id."""

    what = "waitlist entry"


class ReplyNotFound(NotFound):
    """No reply with that id."""

    what = "reply"


class OpeningGone(ServicePlanError):  # noqa: N818
    """The time was taken by someone who answered first, or its offer ran out."""


class StoreFactConflict(StoreProblem):
    """A store already records another value for one of its own facts (its zone, its key)."""

    def __init__(self, name: str, recorded: str, given: str) -> None:
        self.name, self.recorded, self.given = name, recorded, given
        super().__init__(
            f"the store records its {name} as {recorded!r}, not {given!r}: open it as it was"
            " made, or migrate it as docs/operations.md says"
        )


class ConfigProblem(ServicePlanError, ValueError):  # noqa: N818
    """A clinic's configuration cannot be used: `where` (a file, or a variable), `key`, `fix`.

    The message says where, which key, what is wrong with its value and how to fix it; it never
    quotes a secret.
    """

    def __init__(self, where: str, key: str, problem: str, fix: str) -> None:
        self.where, self.key, self.problem, self.fix = where, key, problem, fix
        place = f"{where}: {key}" if key else where
        super().__init__(f"{place}: {problem}; {fix}")


class UnknownConfigKey(ConfigProblem):
    """The configuration names a key serviceplan does not know (a typo, or an old name)."""


class BadConfigValue(ConfigProblem):
    """A key of the configuration has a value that cannot be used."""


class SecretInConfig(ConfigProblem):
    """A secret is written in the configuration file; it belongs in a file or a variable."""


class NoConfigFile(ConfigProblem):
    """The configuration file named by `--config` or `$SERVICEPLAN_CONFIG` cannot be read."""


class ZoneMissing(BadStoreSetting):
    """A file or PostgreSQL store was opened with no clinic zone given nor recorded."""


class ZoneChanged(StoreFactConflict):
    """The store records another zone than the one given: open it as made, or migrate it."""

    def __init__(self, name: str, recorded: str, given: str) -> None:
        super().__init__(name, recorded, given)
        said = (
            f"the store records its zone as {recorded!r}, not {given!r}: give the zone it was made"
            f" with, or migrate it (migrate_zone_from = {recorded!r} in [store], see"
            " docs/operations.md)"
        )
        self.args = (said,)
