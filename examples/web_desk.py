"""A front desk behind a web application: the day board as JSON, and a few desk commands.

An example to copy from, not part of the library (`pip install 'clinic-serviceplan[web]'` brings
Starlette). One `ServicePlan` and one `DayBoard` serve the whole process. The endpoints read the
request on the event loop and run the plan's commands and the board's questions on Starlette's
pool of threads (they block on the store), so threads share both (see docs/web-app.md). Each request
reads the clock once and passes that moment to its commands as `now=`; a command that lost a race
to another desk is run again (`retry`); every error of `serviceplan.errors` becomes the HTTP
status of `STATUS`, with the error's type and message, which never carry patients' data.

Who is asking is the application's business: `create_app` is given `staff_of`, which reads the
signed-in staff member from the request (a session, a token) and returns None for nobody.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from http import HTTPStatus
from typing import Any, TypeVar

import msgspec
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from serviceplan import Channel, ContactPoints, PhoneNumber, ServicePlan, Staff, errors, retry
from serviceplan.read import DayBoard, ProviderBoard

T = TypeVar("T")
log = logging.getLogger("web_desk")
StaffOf = Callable[[Request], Staff | None]

STATUS: Mapping[type[errors.ServicePlanError], HTTPStatus] = {
    errors.ServicePlanError: HTTPStatus.INTERNAL_SERVER_ERROR,
    errors.InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.NotAStore: HTTPStatus.INTERNAL_SERVER_ERROR,
    errors.BadHistoryFile: HTTPStatus.BAD_REQUEST,
    errors.NotFound: HTTPStatus.NOT_FOUND,
    errors.NotPermitted: HTTPStatus.FORBIDDEN,
    errors.NotAllowedNow: HTTPStatus.CONFLICT,
    errors.ConcurrentUpdate: HTTPStatus.CONFLICT,
    errors.SlotUnavailable: HTTPStatus.CONFLICT,
    errors.OpeningGone: HTTPStatus.CONFLICT,
    errors.StoreNotEmpty: HTTPStatus.CONFLICT,
    errors.OfferingRefused: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.OutOfStock: HTTPStatus.CONFLICT,
    errors.NoticeRefused: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.StoreProblem: HTTPStatus.INTERNAL_SERVER_ERROR,
    errors.StoreUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}
"""The HTTP status of each kind of error; a subclass not listed takes its nearest base's.

Mirrors the command line's exit codes: a refusal by the clinic's rules is the client's to
change (4xx); the store, the key, the plugins and the configuration are the server's (5xx).
"""


def status_of(kind: type[BaseException]) -> HTTPStatus:
    """Return the HTTP status for an error type of `serviceplan.errors`."""
    for base in kind.__mro__:
        if base in STATUS:
            return STATUS[base]
    return HTTPStatus.INTERNAL_SERVER_ERROR


class NewPatient(msgspec.Struct, forbid_unknown_fields=True):
    """A registration: the patient's mobile number, and whether they agreed to texts."""

    phone: str
    consent_to_texts: bool = False


class NewVisit(msgspec.Struct, forbid_unknown_fields=True):
    """A booking."""

    patient_id: uuid.UUID
    provider: str
    visit_type: str
    start: datetime


class NewDelay(msgspec.Struct, forbid_unknown_fields=True):
    """A provider running late."""

    provider: str
    late_from: datetime
    minutes: int
    reason: str


class BadRequest(Exception):  # noqa: N818 (an HTTP status, named as HTTP names it)
    """The request itself cannot be read: not JSON, a field missing or of the wrong type."""


class NotSignedIn(Exception):  # noqa: N818 (what the answer says)
    """Nobody is signed in: the answer is 401."""


class WebDesk:
    """The endpoints, over one plan and its day board shared by every request."""

    def __init__(self, plan: ServicePlan, board: DayBoard, staff_of: StaffOf) -> None:
        self.plan = plan
        self.board = board
        self.staff_of = staff_of

    def staff(self, request: Request) -> Staff:
        """Return the signed-in staff member, or answer 401."""
        found = self.staff_of(request)
        if found is None:
            raise NotSignedIn
        return found

    async def register(self, request: Request) -> Response:
        """Register a patient, with consent to texts when given."""
        new, by, now = await _body(request, NewPatient), self.staff(request), self.plan.now()
        patient = await run_in_threadpool(self._register, new, by, now)
        return _json({"patient_id": str(patient)}, HTTPStatus.CREATED)

    def _register(self, new: NewPatient, by: Staff, now: datetime) -> uuid.UUID:
        contact = ContactPoints(PhoneNumber(new.phone))
        patient = self.plan.register_patient(contact=contact, preferred=Channel.SMS, by=by, now=now)
        if new.consent_to_texts:
            retry(self.plan.give_consent)(patient, Channel.SMS, by=by, now=now)
        return patient

    async def book(self, request: Request) -> Response:
        """Book a visit."""
        new, by = await _body(request, NewVisit), self.staff(request)
        visit = await run_in_threadpool(
            retry(self.plan.book_visit), new.patient_id, provider=new.provider,
            visit_type=new.visit_type, start=new.start, by=by, now=self.plan.now(),
        )  # fmt: skip
        return _json({"visit_id": str(visit)}, HTTPStatus.CREATED)

    async def check_in(self, request: Request) -> Response:
        """Record that the patient arrived."""
        visit, by = _path_id(request, "visit_id"), self.staff(request)
        await run_in_threadpool(retry(self.plan.check_in), visit, by=by, now=self.plan.now())
        return _json({"visit_id": str(visit), "status": "checked-in"})

    async def announce(self, request: Request) -> Response:
        """Announce that a provider runs late."""
        new, by = await _body(request, NewDelay), self.staff(request)
        delay = await run_in_threadpool(
            retry(self.plan.announce_delay), provider=new.provider, late_from=new.late_from,
            minutes=new.minutes, reason=new.reason, by=by, now=self.plan.now(),
        )  # fmt: skip
        return _json({"delay_id": str(delay)}, HTTPStatus.CREATED)

    async def day_board(self, request: Request) -> Response:
        """Show a day's board, caught up with everything recorded so far."""
        self.staff(request)
        try:
            day = date.fromisoformat(request.path_params["day"])
        except ValueError:
            raise BadRequest("the day is not a date (YYYY-MM-DD)") from None
        provider = request.query_params.get("provider")
        sections = await run_in_threadpool(self._read_board, day, provider)
        return _json({"day": day.isoformat(), "providers": [_section(s) for s in sections]})

    def _read_board(self, day: date, provider: str | None) -> list[ProviderBoard]:
        self.board.catch_up()
        return self.board.day(day, provider)


def create_app(plan: ServicePlan, board: DayBoard, *, staff_of: StaffOf) -> Starlette:
    """Return the desk's web application over one plan and its day board."""
    desk = WebDesk(plan, board, staff_of)
    routes = [
        Route("/patients", desk.register, methods=["POST"]),
        Route("/visits", desk.book, methods=["POST"]),
        Route("/visits/{visit_id}/check-in", desk.check_in, methods=["POST"]),
        Route("/delays", desk.announce, methods=["POST"]),
        Route("/board/{day}", desk.day_board, methods=["GET"]),
    ]
    handlers: Mapping[Any, Callable[[Request, Exception], Response]] = {
        errors.ServicePlanError: _refused,
        BadRequest: _bad_request,
        NotSignedIn: _nobody,
    }
    return Starlette(routes=routes, exception_handlers=handlers)


async def _body(request: Request, kind: type[T]) -> T:
    """Read the request's JSON body as `kind`; not JSON, or not of that shape, is a bad request."""
    try:
        return msgspec.json.decode(await request.body(), type=kind)
    except msgspec.DecodeError as error:  # a ValidationError is a DecodeError too
        raise BadRequest(str(error)) from None


def _path_id(request: Request, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params[name])
    except ValueError:
        raise BadRequest(f"{name} is not an id") from None


def _section(board: ProviderBoard) -> dict[str, object]:
    """One provider's day as JSON: the rows, the delays, and whom to call (with a number)."""
    return {
        "provider": board.provider,
        "delays": [
            {"delay_id": d.delay_id, "late_from": d.late_from, "minutes": d.minutes,
             "resolved": d.resolved_at is not None}
            for d in board.delays
        ],
        "rows": [
            {"visit_id": r.visit_id, "patient_id": r.patient_id, "visit_type": r.visit_type,
             "booked_start": r.booked_start, "expected_start": r.expected_start,
             "delay_minutes": r.delay_minutes, "status": r.status.value, "told": r.notices.told,
             "choice": r.choice, "to_call": r.to_call}
            for r in board.rows
        ],
        "call_list": [{"visit_id": r.visit_id, "phone": r.phone} for r in board.call_list],
    }  # fmt: skip


def _json(content: object, status: int = HTTPStatus.OK) -> Response:
    return Response(msgspec.json.encode(content), status, media_type="application/json")


def _refused(_: Request, error: Exception) -> Response:
    """Answer one of serviceplan's errors with its status; a server's fault shows only its type."""
    status = status_of(type(error))
    if status < HTTPStatus.INTERNAL_SERVER_ERROR:
        return _json({"error": type(error).__name__, "detail": str(error)}, status)
    log.error("%s: %s", type(error).__name__, error)  # names places and settings, not patients
    return _json({"error": type(error).__name__, "detail": "see the server's log"}, status)


def _bad_request(_: Request, error: Exception) -> Response:
    return _json({"error": "BadRequest", "detail": str(error)}, HTTPStatus.BAD_REQUEST)


def _nobody(_: Request, __: Exception) -> Response:
    return _json({"error": "NotSignedIn", "detail": "sign in first"}, HTTPStatus.UNAUTHORIZED)
