"""Shared by the feed's tests: the real samples, fixtures, times in the sender's zone, edits."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from serviceplan import ServicePlan

ROOT = Path(__file__).resolve().parents[3]


def shared_data() -> Path:
    """Find the shared samples: beside this repository, or beside the one it was cloned from.

    CI lays `shared/` beside the clone; a clone made for a local check finds it beside its origin.
    """
    beside = ROOT / ".." / "shared" / "data"
    if beside.is_dir():
        return beside
    origin = subprocess.run(  # noqa: S603 (a fixed git command)
        ["git", "-C", str(ROOT), "remote", "get-url", "origin"],  # noqa: S607
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return Path(origin) / ".." / "shared" / "data" if origin else beside


SAMPLES = shared_data() / "hl7v2-siu"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GHH = timezone(timedelta(hours=2, minutes=15))
"""The samples' sender writes its times at +02:15."""
TRIGGERS = ("S12", "S13", "S14", "S15", "S16", "S17", "S26")


def ghh(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in September 2021 at the sender's offset."""
    return datetime(2021, 9, day, hour, minute, tzinfo=GHH)


def sample(name: str) -> str:
    """A real message from ../shared/data/hl7v2-siu, exactly as stored (its lines end in LF)."""
    return (SAMPLES / f"{name}.hl7").read_bytes().decode("utf-8")


def fixture(name: str) -> str:
    """A message written for a case the samples lack (see fixtures/)."""
    return (FIXTURES / f"{name}.hl7").read_bytes().decode("utf-8")


def lines(text: str) -> list[str]:
    """The message's segments, whichever line ends it was saved with."""
    return [line for line in re.split(r"\r\n|\r|\n", text) if line]


def edit(text: str, segment: str, field: int, value: str) -> str:
    """The message with field `field` of the first `segment` set to `value` (CR line ends)."""
    segments = lines(text)
    for i, line in enumerate(segments):
        if line.startswith(segment + "|"):
            parts = line.split("|")
            index = field - 1 if segment == "MSH" else field
            parts += [""] * (index + 1 - len(parts))
            parts[index] = value
            segments[i] = "|".join(parts)
            return "\r".join(segments)
    msg = f"no {segment} segment"
    raise AssertionError(msg)


def without(text: str, *segments: str) -> str:
    """The message without any of `segments`."""
    return "\r".join(s for s in lines(text) if s[:3] not in segments)


def event_names(plan: ServicePlan, since: int = 0) -> list[str]:
    """The names of the events recorded after position `since`, in order."""
    return [
        n.topic.rsplit(".", 1)[-1]
        for n in plan.recorder.select_notifications(start=since + 1, limit=100_000)
    ]


def segment(reply: str, name: str) -> list[str]:
    """The fields of the first `name` segment of an acknowledgement (fields[1] is field 1)."""
    for line in reply.split("\r"):
        if line.startswith(name + "|"):
            fields = line.split("|")
            return ["MSH", "|", *fields[1:]] if name == "MSH" else fields
    msg = f"no {name} segment in the reply"
    raise AssertionError(msg)


def strictly_valid(reply: str) -> str:
    """The acknowledgement, once `hl7apy` has validated it strictly (structure, fields, types)."""
    from hl7apy.consts import VALIDATION_LEVEL  # noqa: PLC0415 (a test tool, loaded when used)
    from hl7apy.parser import parse_message  # noqa: PLC0415

    parsed = parse_message(reply, validation_level=VALIDATION_LEVEL.STRICT, find_groups=True)
    assert parsed.validate()
    return reply
