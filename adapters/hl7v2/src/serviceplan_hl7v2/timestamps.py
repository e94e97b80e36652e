"""HL7 v2 date/time values (DTM) and durations, read into aware datetimes and whole minutes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from serviceplan_hl7v2.errors import TABLE_VALUE_NOT_FOUND, MalformedMessage

_DTM = re.compile(
    r"^(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?P<h>\d{2})(?P<mi>\d{2})"
    r"(?:(?P<s>\d{2})(?:\.\d{1,4})?)?(?:(?P<sign>[+-])(?P<zh>\d{2})(?P<zm>\d{2}))?$"
)
SECONDS_PER = {"s": 1, "sec": 1, "min": 60, "h": 3600, "hr": 3600}


def moment(value: str, zone: tzinfo, segment: str, field: int) -> datetime:
    """Read a DTM to the minute or finer; a value without an offset is in the clinic's zone."""
    found = _DTM.match(value)
    if found is None:
        problem = "a date and time like 20210924093000+0215 (to the minute at least) is needed"
        raise MalformedMessage(segment, field, problem)
    parts = found.groupdict()
    try:
        if parts["sign"] is not None:
            offset = timedelta(hours=int(parts["zh"]), minutes=int(parts["zm"]))
            zone = timezone(-offset if parts["sign"] == "-" else offset)
        return datetime(
            int(parts["y"]), int(parts["mo"]), int(parts["d"]),
            int(parts["h"]), int(parts["mi"]), int(parts["s"] or 0), tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        raise MalformedMessage(segment, field, "not a real date and time") from None


def minutes(amount: str, units: str, segment: str, field: int) -> int:
    """Read a duration and its units (s, min, h; minutes when none) as whole minutes."""
    if not amount.isdigit():
        raise MalformedMessage(segment, field, "a duration is a whole number")
    per = SECONDS_PER.get(units.lower() or "min")
    if per is None:
        raise MalformedMessage(
            segment,
            field + 1,
            f"duration units {units!r} are not s, min or h",
            hl7_code=TABLE_VALUE_NOT_FOUND,
        )
    seconds = int(amount) * per
    if seconds % 60:
        raise MalformedMessage(segment, field, "a duration is a whole number of minutes")
    return seconds // 60
