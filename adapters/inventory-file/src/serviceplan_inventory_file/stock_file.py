"""The stock file the office edits: one entry per item, in TOML or CSV, read fresh on every call.

Each entry gives the item's code, kind, description, retail value and `count`: how many were in
the drawer when the office last counted it. An optional `counted` time (with its UTC offset) says
when that was, so hand-overs recorded before the count are not taken off twice.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

import attrs

from serviceplan import Money
from serviceplan.domain.offering import offering_kind
from serviceplan.errors import InvalidInput, ServicePlanError
from serviceplan.plugins import StockItem
from serviceplan_inventory_file.errors import StockFileError

REQUIRED = ("code", "kind", "description", "retail_value", "count")
OPTIONAL = ("currency", "counted")


@attrs.frozen
class StockLine:
    """One item of the file: the item with its counted number as `available`, and when counted."""

    item: StockItem
    counted: datetime | None = None


def read_stock_file(path: Path) -> list[StockLine]:
    """Read every item of the file, refusing the whole file if one entry is wrong."""
    suffix = path.suffix.lower()
    if suffix == ".toml":
        entries = _toml_entries(path)
    elif suffix == ".csv":
        entries = _csv_entries(path)
    else:
        raise StockFileError(path.name, "file name", "the stock file must end in .toml or .csv")
    lines: list[StockLine] = []
    for where, entry in entries:
        line = _stock_line(path.name, where, entry)
        if any(seen.item.code == line.item.code for seen in lines):
            raise StockFileError(path.name, where, f"item {line.item.code!r} is listed twice")
        lines.append(line)
    return lines


def _toml_entries(path: Path) -> Iterator[tuple[str, Mapping[str, object]]]:
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise StockFileError(path.name, "TOML", str(error)) from None
    items = data.get("item", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise StockFileError(path.name, "item", "write each item as an [[item]] table")
    default = data.get("counted")
    for number, item in enumerate(items, start=1):
        entry = {"counted": default, **item} if default is not None else item
        yield f"item {number}", entry


def _csv_entries(path: Path) -> Iterator[tuple[str, Mapping[str, object]]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise StockFileError(path.name, "line 1", f"missing column {missing[0]!r}")
        reader.fieldnames = header
        for row in reader:
            where = f"line {reader.line_num}"
            if None in row:
                raise StockFileError(path.name, where, "more cells than columns")
            yield where, {k: v.strip() for k, v in row.items() if v is not None and v.strip()}


def _stock_line(file: str, where: str, entry: Mapping[str, object]) -> StockLine:
    unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise StockFileError(file, where, f"unknown field {unknown[0]!r}")
    missing = [name for name in REQUIRED if name not in entry]
    if missing:
        raise StockFileError(file, where, f"{missing[0]} is missing")
    try:
        item = StockItem(
            code=_text(entry["code"], "code"),
            kind=offering_kind(_text(entry["kind"], "kind")),
            description=_text(entry["description"], "description"),
            retail_value=_money(entry["retail_value"], entry.get("currency", "USD")),
            available=_count(entry["count"]),
        )
        counted = _counted(entry.get("counted"))
    except ServicePlanError as error:
        raise StockFileError(file, where, str(error)) from None
    return StockLine(item, counted)


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text")
    return value


def _money(value: object, currency: object) -> Money:
    if isinstance(value, float):
        raise InvalidInput('retail_value must be written as text, like "10.00"')
    return Money(value, _text(currency, "currency"))


def _count(value: object) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput("count must be a whole number, zero or more")
    return value


def _counted(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput("counted must be a time like 2026-12-01T08:00:00-05:00") from None
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput("counted must be a time with its UTC offset")
    return value
