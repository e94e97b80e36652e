"""JSON for programs: read-model records as plain objects, times as ISO text with their offset."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import attrs

from serviceplan.domain.money import Money


def _plain(_: object, __: object, value: Any) -> Any:  # noqa: ANN401 (any field value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, timedelta):
        return int(value.total_seconds() // 60)
    return value


def plain(record: Any) -> Any:  # noqa: ANN401 (an attrs record, or a list of them)
    """Turn an attrs record (or a list of them) into JSON-ready dicts and lists."""
    if isinstance(record, list | tuple):
        return [plain(r) for r in record]
    return attrs.asdict(record, value_serializer=_plain)


def dumps(value: Any) -> str:  # noqa: ANN401 (JSON-ready data)
    """Return indented JSON text."""
    return json.dumps(value, indent=2, ensure_ascii=False)
