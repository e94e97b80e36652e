"""Small guards shared by value objects and aggregates, so every refusal reads the same way."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

from serviceplan.errors import InvalidInput

MAX_TEXT = 500
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def aware(value: object, name: str) -> datetime:
    """Return `value` if it is a timezone-aware datetime; clinic times must name their zone."""
    if not isinstance(value, datetime):
        raise InvalidInput(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{name} must carry a timezone (got a naive datetime)")
    return value


def an_id(value: object, name: str) -> UUID:
    """Return `value` if it is a UUID; ids are never names or free text."""
    if not isinstance(value, UUID):
        raise InvalidInput(f"{name} must be a UUID, not {type(value).__name__}")
    return value


def text(value: object, name: str, *, max_length: int = MAX_TEXT, empty: bool = False) -> str:
    """Return `value` stripped if it is a string of sensible length."""
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text, not {type(value).__name__}")
    stripped = value.strip()
    if not stripped and not empty:
        raise InvalidInput(f"{name} must not be empty")
    if len(stripped) > max_length:
        raise InvalidInput(f"{name} is longer than {max_length} characters")
    if not storable(stripped):
        raise InvalidInput(f"{name} holds broken Unicode (a lone surrogate) that cannot be stored")
    return stripped


def storable(value: str) -> bool:
    """Say whether `value` can be written as UTF-8, as every store keeps text."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def member(value: object, kind: type[Any], name: str) -> Any:  # noqa: ANN401 (an enum member)
    """Return `value` if it is a member of the enum `kind`; plain strings are refused."""
    if not isinstance(value, kind):
        choices = ", ".join(f"{kind.__name__}.{m.name}" for m in kind)
        raise InvalidInput(f"{name} must be one of {choices} (got {value!r})")
    return value


def minutes(value: object, name: str, *, low: int = 1, high: int = 24 * 60) -> int:
    """Return `value` if it is a whole number of minutes within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} must be a whole number of minutes")
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high} minutes (got {value})")
    return value


def code(value: object, name: str) -> str:
    """Return `value` if it is a short code (a provider, a stock item, a step), not prose."""
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise InvalidInput(f"{name} must be a short code of letters, digits, '.', '-' or '_'")
    return value


def staff(value: object) -> Any:  # noqa: ANN401 (Staff; typed at the call sites)
    """Return `value` if it names who acts; every event keeps its actor."""
    from serviceplan.domain.staff import Staff  # noqa: PLC0415 (staff imports this module)

    if not isinstance(value, Staff):
        raise InvalidInput("by must name the staff member acting (a Staff)")
    return value
