"""`ServicePlan`: the one object a clinic's software talks to, composed of small desks.

Each command belongs to the desk of its play or record (`PatientDesk`, `VisitDesk`,
`DelayDesk`, `NoticeDesk`, `IncidentDesk`, `OfferingDesk`, `MoveDesk`, `WaitlistDesk`,
`ReplyDesk`); `ServicePlan` offers them
all under one name, typed, so `plan.announce_delay(...)` reads as it always did.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from eventsourcing.persistence import Transcoding

from serviceplan.app.clock import Clock, system_clock
from serviceplan.app.delays import DelayDesk
from serviceplan.app.desk import Desk
from serviceplan.app.incidents import IncidentDesk
from serviceplan.app.moves import MoveDesk
from serviceplan.app.notices import NoticeDesk
from serviceplan.app.offerings import OfferingDesk
from serviceplan.app.patients import PatientDesk
from serviceplan.app.plan import Plan
from serviceplan.app.policies.adoption import LegacyNotices
from serviceplan.app.policies.delay_notices import DelayNotices
from serviceplan.app.policies.moves import SchedulerMoves
from serviceplan.app.policies.offer_rounds import OfferRounds
from serviceplan.app.policies.opening_fill import OpeningFill
from serviceplan.app.policies.openings import FreedTime
from serviceplan.app.policies.queue_changes import QueueChanges
from serviceplan.app.policies.stock import OfferingStock
from serviceplan.app.replies import ReplyDesk
from serviceplan.app.settings import Settings
from serviceplan.app.visits import VisitDesk
from serviceplan.app.waitlist import WaitlistDesk
from serviceplan.config import ClinicConfig, load_config
from serviceplan.plugins import DISABLE
from serviceplan.plugins import loading as plugin_loading
from serviceplan.read.views import Views

D = TypeVar("D", bound=Desk)
P = ParamSpec("P")
R = TypeVar("R")
DESKS: tuple[type[Desk], ...] = (
    PatientDesk, VisitDesk, DelayDesk, NoticeDesk, IncidentDesk, OfferingDesk, MoveDesk,
    WaitlistDesk, ReplyDesk,
)  # fmt: skip
POLICIES = (
    QueueChanges, DelayNotices, SchedulerMoves, OfferingStock, LegacyNotices, FreedTime,
    OfferRounds, OpeningFill,
)  # fmt: skip


class Command(Generic[D, P, R]):
    """A desk's command offered on `ServicePlan`: `plan.name(...)` calls `desk.name(...)`."""

    def __init__(self, method: Callable[Concatenate[D, P], R]) -> None:
        self.method = method
        self.__doc__ = method.__doc__

    @property
    def desk(self) -> type[Desk]:
        """The desk the command belongs to (the class its method is defined on)."""
        name = self.method.__qualname__.split(".")[0]
        return next(d for d in DESKS if d.__name__ == name)

    @overload
    def __get__(self, plan: None, owner: type) -> Command[D, P, R]: ...

    @overload
    def __get__(self, plan: ServicePlan, owner: type) -> Callable[P, R]: ...

    def __get__(self, plan: ServicePlan | None, owner: type) -> Any:
        if plan is None:
            return self
        return self.method.__get__(plan.desks[self.desk])


class ServicePlan(Plan):
    """A clinic's backup plan for patient problems, recorded as events.

    Persistence comes from the environment (eventsourcing's variables); with none set, events go
    to a SQLite file (see `serviceplan.store.config.default_db_path`). Plugins come from the
    `serviceplan` entry points and the `plugins=` argument; `plan.plugins` calls them, typed.
    What follows a command (the notices a delay owes, a move the scheduler makes, an item taken
    from stock) is done by the policies right after it (`inline=False` leaves them to
    `plan.follow()` and the delivery worker).
    """

    name = "ServicePlan"

    def __init__(  # noqa: PLR0913 (each is an independent, optional part of the set-up)
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Clock = system_clock,
        settings: Settings | None = None,
        transcodings: tuple[Transcoding, ...] = (),
        plugins: Iterable[object] = (),
        entry_points: bool = True,
        views: Views | None = None,
        inline: bool = True,
    ) -> None:
        super().__init__(
            env, clock=clock, settings=settings, transcodings=transcodings, plugins=plugins,
            entry_points=entry_points, views=views, inline=inline,
        )  # fmt: skip
        self.desks: dict[type[Desk], Desk] = {desk: desk(self) for desk in DESKS}
        """The desks whose commands the plan offers, one of each."""
        self.followers = [policy(self) for policy in POLICIES]

    @classmethod
    def from_config(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        clock: Clock = system_clock,
        plugins: Iterable[object] = (),
        views: Views | None = None,
        inline: bool = True,
    ) -> ServicePlan:
        """Open the clinic's plan as its configuration file says (see `serviceplan.config`).

        The file is `path`, else `$SERVICEPLAN_CONFIG`, else the default path; the commands
        (`serviceplan deliver --config ...`) read the same file the same way.
        """
        return cls.configured(
            load_config(path), clock=clock, plugins=plugins, views=views, inline=inline
        )

    @classmethod
    def configured(  # noqa: PLR0913 (each is an independent, optional part of the set-up)
        cls,
        config: ClinicConfig,
        *,
        clock: Clock = system_clock,
        plugins: Iterable[object] = (),
        views: Views | None = None,
        inline: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> ServicePlan:
        """Open the plan of a configuration already read; `env` replaces its store's settings."""
        store = dict(config.store_env() if env is None else env)
        installed = [e.name for e in plugin_loading.installed()]
        kept_out = config.disabled_plugins(installed)
        if kept_out:
            already = store.get(DISABLE) or os.environ.get(DISABLE, "")
            store[DISABLE] = ",".join(sorted({*kept_out, *filter(None, already.split(","))}))
        path = config.views_path
        chosen = views if views is not None or path is None else Views(path)
        plan = cls(
            store, clock=clock, settings=config.settings(), plugins=plugins, views=chosen,
            inline=inline,
        )  # fmt: skip
        plan.config = config
        return plan

    # Patients
    register_patient = Command(PatientDesk.register_patient)
    get_patient = Command(PatientDesk.get_patient)
    change_contact = Command(PatientDesk.change_contact)
    give_consent = Command(PatientDesk.give_consent)
    withdraw_consent = Command(PatientDesk.withdraw_consent)
    opt_out = Command(PatientDesk.opt_out)

    # Visits
    book_visit = Command(VisitDesk.book_visit)
    get_visit = Command(VisitDesk.get_visit)
    check_in = Command(VisitDesk.check_in)
    start_visit = Command(VisitDesk.start_visit)
    complete_visit = Command(VisitDesk.complete_visit)
    cancel_visit = Command(VisitDesk.cancel_visit)
    mark_no_show = Command(VisitDesk.mark_no_show)
    reschedule_visit = Command(VisitDesk.reschedule_visit)
    record_choice = Command(VisitDesk.record_choice)
    current_visit = Command(VisitDesk.current_visit)
    visits_of = Command(VisitDesk.visits_of)

    # Delays
    announce_delay = Command(DelayDesk.announce_delay)
    revise_delay = Command(DelayDesk.revise_delay)
    resolve_delay = Command(DelayDesk.resolve_delay)
    get_delay = Command(DelayDesk.get_delay)
    impact_of = Command(DelayDesk.impact_of)
    open_delays = Command(DelayDesk.open_delays)
    detect_delay = Command(DelayDesk.detect_delay)
    desk_lists = Command(DelayDesk.desk_lists)

    # Notices
    request_notice = Command(NoticeDesk.request_notice)
    get_notice = Command(NoticeDesk.get_notice)
    notices_of = Command(NoticeDesk.notices_of)
    notices_on = Command(NoticeDesk.notices_on)
    notices_owed = Command(NoticeDesk.notices_owed)
    notices_given_up = Command(NoticeDesk.notices_given_up)

    # Incidents
    open_incident = Command(IncidentDesk.open_incident)
    get_incident = Command(IncidentDesk.get_incident)
    add_observation = Command(IncidentDesk.add_observation)
    set_cause = Command(IncidentDesk.set_cause)
    take_step = Command(IncidentDesk.take_step)
    decide_step = Command(IncidentDesk.decide_step)
    open_task = Command(IncidentDesk.open_task)
    finish_task = Command(IncidentDesk.finish_task)
    determine_fault = Command(IncidentDesk.determine_fault)
    escalate = Command(IncidentDesk.escalate)
    resolve_incident = Command(IncidentDesk.resolve_incident)
    reopen_incident = Command(IncidentDesk.reopen_incident)

    # Offerings
    propose_offering = Command(OfferingDesk.propose_offering)
    get_offering = Command(OfferingDesk.get_offering)
    approve_offering = Command(OfferingDesk.approve_offering)
    issue_offering = Command(OfferingDesk.issue_offering)
    decline_offering = Command(OfferingDesk.decline_offering)
    withdraw_offering = Command(OfferingDesk.withdraw_offering)

    # Moves through the scheduler
    move_visit = Command(MoveDesk.move_visit)
    move_to_first_slot = Command(MoveDesk.move_to_first_slot)
    first_slot_of_morning = Command(MoveDesk.first_slot_of_morning)

    # The waitlist
    join_waitlist = Command(WaitlistDesk.join_waitlist)
    leave_waitlist = Command(WaitlistDesk.leave_waitlist)
    get_waitlist_entry = Command(WaitlistDesk.get_waitlist_entry)
    waitlist_of = Command(WaitlistDesk.waitlist_of)
    report_free_time = Command(WaitlistDesk.report_free_time)
    get_opening = Command(WaitlistDesk.get_opening)
    open_openings = Command(WaitlistDesk.open_openings)
    accept_offer = Command(WaitlistDesk.accept_offer)
    decline_offer = Command(WaitlistDesk.decline_offer)
    close_opening = Command(WaitlistDesk.close_opening)
    offer_openings = Command(WaitlistDesk.offer_openings)

    # Replies by text
    receive_reply = Command(ReplyDesk.receive_reply)
    get_reply = Command(ReplyDesk.get_reply)
    replies_for_desk = Command(ReplyDesk.replies_for_desk)
    replies_of = Command(ReplyDesk.replies_of)
    settle_reply = Command(ReplyDesk.settle_reply)


def commands() -> dict[str, Command[Any, Any, Any]]:
    """Return every command `ServicePlan` offers, by name."""
    return {n: c for n, c in vars(ServicePlan).items() if isinstance(c, Command)}
