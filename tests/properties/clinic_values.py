"""Hypothesis strategies for every value that goes into an event, and for moments in many zones.

Strings come from the validators' own patterns (written strictly, ASCII only), money from Decimals
with and without cents, moments from zones with odd offsets (+05:30, +12:45, -03:30, a 30-minute
daylight shift), so a lossy transcoding has somewhere to show.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    EmailAddress,
    Impact,
    Level,
    Money,
    Notice,
    NoticeKind,
    Observation,
    PhoneNumber,
    Receipt,
    Slip,
    Staff,
    Task,
    TaskKind,
    Topic,
)
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.notice import UNTIMED
from serviceplan.domain.patient import LedgerEntry
from serviceplan.domain.playbook import Proposal
from serviceplan.domain.reasons import OFFICE_CODES, PATIENT_CODES
from serviceplan.domain.step import Step, StepStatus
from serviceplan.domain.waitlist import Wants

ZONES = (
    UTC,
    timezone(timedelta(hours=-3, minutes=-30)),
    ZoneInfo("America/New_York"),
    ZoneInfo("America/St_Johns"),
    ZoneInfo("Europe/London"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Pacific/Chatham"),
)


def unambiguous(moment: datetime) -> bool:
    """Say whether the wall-clock time names one instant (not in a DST gap or repeated hour).

    Python never calls such a time equal to the same instant in another zone (PEP 495), so
    equality tests use these; `test_stored_values.py` checks the others by instant and offset.
    """
    other_fold = moment.replace(fold=1 - moment.fold)
    return other_fold.utcoffset() == moment.utcoffset()


ANY_MOMENTS = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from(ZONES),
)
MOMENTS = ANY_MOMENTS.filter(unambiguous)


def moments_after(moment: datetime, days: int = 400) -> st.SearchStrategy[datetime]:
    """Moments at or after `moment`, each in a zone of its own."""
    later = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=days))
    zones = st.sampled_from(ZONES)
    return st.builds(lambda d, z: (moment + d).astimezone(z), later, zones).filter(unambiguous)


CODES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", fullmatch=True)
TEXTS = st.text(min_size=1, max_size=120).filter(str.strip)
STAFF = st.builds(
    Staff,
    id=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}", fullmatch=True),
    role=st.from_regex(r"[a-z][a-z0-9_-]{0,39}", fullmatch=True),
)
PHONES = st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True).map(PhoneNumber)
EMAILS = st.emails().filter(lambda a: len(a) <= 254).map(EmailAddress)
CONTACT_POINTS = st.builds(ContactPoints, st.none() | PHONES, st.none() | EMAILS)
AMOUNTS = st.decimals(min_value=0, max_value=10**7, places=2) | st.integers(0, 10**9).map(Decimal)
MONEY = st.builds(Money, AMOUNTS, st.from_regex(r"[A-Z]{3}", fullmatch=True))
REASONS = st.sampled_from(sorted(PATIENT_CODES | OFFICE_CODES)).map(CancellationReason)
OBSERVATIONS = st.builds(Observation, st.sampled_from(Level), st.sampled_from(Topic))
TASKS = st.builds(
    Task,
    task_id=st.uuids(),
    kind=st.sampled_from(TaskKind),
    owner=CODES,
    due=MOMENTS,
    outcome=st.none() | TEXTS,
    done_at=st.none() | MOMENTS,
)
LEDGER_ENTRIES = st.builds(LedgerEntry, st.uuids(), MONEY, MOMENTS)
SLIPS = st.builds(Slip, st.uuids(), st.uuids(), MOMENTS, MOMENTS)
IMPACTS = st.builds(Impact, st.lists(SLIPS, max_size=6).map(tuple))
PROPOSALS = st.builds(Proposal, CODES, TEXTS)
CHECKS = st.builds(EmpowermentCheck, st.booleans(), st.booleans(), st.booleans())
STEPS = st.builds(
    Step,
    step_id=st.uuids(),
    code=CODES,
    by=STAFF,
    at=MOMENTS,
    check=st.none() | CHECKS,
    status=st.sampled_from(StepStatus),
    decided_by=st.none() | STAFF,
)
RECEIPTS = st.builds(Receipt, key=CODES, via=CODES, reference=TEXTS)
ANY_ID = st.uuids()
ANY_CHANNEL = st.sampled_from(Channel)


@st.composite
def notices(
    draw: st.DrawFn,
    patient_id: st.SearchStrategy[Any] = ANY_ID,
    channels: st.SearchStrategy[Channel] = ANY_CHANNEL,
) -> Notice:
    """A notice of any kind on any channel; all but a follow-up name a time; it expires last."""
    kind = draw(st.sampled_from(NoticeKind))
    when = draw(MOMENTS if kind not in UNTIMED else st.none() | MOMENTS)
    not_before = draw(st.none() | MOMENTS)
    expires = draw(st.none() | (moments_after(not_before, 30) if not_before else MOMENTS))
    if not_before is not None and expires == not_before:
        expires = None
    return Notice(
        key=draw(CODES), kind=kind, patient_id=draw(patient_id),
        channel=draw(channels), visit_id=draw(st.none() | st.uuids()),
        when=when, not_before=not_before, expires=expires,
    )  # fmt: skip


NOTICES = notices()


@st.composite
def wants(draw: st.DrawFn) -> Wants:
    """What a patient on the waitlist wants: days in order, times of day in order."""
    first, last = sorted(draw(st.lists(st.dates(), min_size=2, max_size=2)))
    earliest, latest = sorted(draw(st.lists(st.times(), min_size=2, max_size=2)))
    return Wants(
        visit_type=draw(CODES), first_day=first, last_day=last, provider=draw(st.none() | CODES),
        weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)), earliest=earliest,
        latest=latest,
    )  # fmt: skip


WANTS = wants()

VALUE_OBJECT_STRATEGIES: dict[type[Any], st.SearchStrategy[Any]] = {
    PhoneNumber: PHONES,
    EmailAddress: EMAILS,
    ContactPoints: CONTACT_POINTS,
    Money: MONEY,
    Staff: STAFF,
    CancellationReason: REASONS,
    Observation: OBSERVATIONS,
    Task: TASKS,
    LedgerEntry: LEDGER_ENTRIES,
    Slip: SLIPS,
    Impact: IMPACTS,
    Proposal: PROPOSALS,
    EmpowermentCheck: CHECKS,
    Step: STEPS,
    Notice: NOTICES,
    Receipt: RECEIPTS,
    Wants: WANTS,
}


def assert_exactly(loaded: object, original: object) -> None:
    """Assert `loaded` is `original` to the last detail: types, cents, offsets, tuples, members.

    Plain equality forgives `Decimal("15")` for `Decimal("15.00")` and a changed offset for the
    same instant, and it refuses a repeated-hour time its own instant; this does none of that.
    """
    assert type(loaded) is type(original), f"{loaded!r} is not a {type(original).__name__}"
    if isinstance(original, datetime):
        assert isinstance(loaded, datetime)
        assert loaded.utcoffset() == original.utcoffset(), f"{loaded} changed its offset"
        assert loaded.astimezone(UTC) == original.astimezone(UTC), f"{loaded} moved in time"
    elif isinstance(original, Decimal):
        assert isinstance(loaded, Decimal)
        assert loaded.as_tuple() == original.as_tuple(), f"{loaded} is not {original}"
    elif isinstance(original, tuple | list):
        assert len(loaded) == len(original)  # type: ignore[arg-type]
        for mine, theirs in zip(loaded, original, strict=True):  # type: ignore[call-overload]
            assert_exactly(mine, theirs)
    elif attrs.has(type(original)):
        for field in attrs.fields(type(original)):
            assert_exactly(getattr(loaded, field.name), getattr(original, field.name))
    elif dataclasses.is_dataclass(original):
        for field in dataclasses.fields(original):
            assert_exactly(getattr(loaded, field.name), getattr(original, field.name))
    else:
        assert loaded == original
