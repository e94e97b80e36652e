"""The office's stock file: what it may say, and the line named when an edit went wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inventory_file_helpers import DRAWER_CSV, DRAWER_TOML, write_drawer
from serviceplan import Money, OfferingKind
from serviceplan.errors import InvalidInput
from serviceplan_inventory_file import StockFileError, read_stock_file

ITEM = """\
[[item]]
code = "cafe-card"
kind = "restaurant-gift-card"
description = "Gift card for the cafe next door"
retail_value = "10.00"
count = 3
"""


def toml_problem(tmp_path, text: str) -> StockFileError:
    with pytest.raises(StockFileError) as refused:
        read_stock_file(write_drawer(tmp_path, "toml", text))
    return refused.value


def csv_problem(tmp_path, text: str) -> StockFileError:
    with pytest.raises(StockFileError) as refused:
        read_stock_file(write_drawer(tmp_path, "csv", text))
    return refused.value


@pytest.mark.parametrize("kind", ["toml", "csv"])
def test_both_formats_read_the_same_drawer(tmp_path, kind):
    lines = read_stock_file(write_drawer(tmp_path, kind))
    card, mug = (line.item for line in lines)
    assert card.kind is OfferingKind.RESTAURANT_GIFT_CARD
    assert card.retail_value == Money("10.00")
    assert (card.available, mug.available) == (3, 2)
    assert all(line.counted is None for line in lines)


def test_a_counted_time_may_be_given_for_the_file_or_one_item(tmp_path):
    text = (
        "counted = 2026-12-01T08:00:00Z\n"
        + ITEM
        + ITEM.replace("cafe-card", "tea").replace(
            "count = 3", 'count = 3\ncounted = "2026-12-01T10:30:00+00:00"'
        )
    )
    first, second = read_stock_file(write_drawer(tmp_path, "toml", text))
    assert first.counted == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert second.counted == datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


def test_a_csv_file_may_name_its_currency_and_count_time(tmp_path):
    text = (
        "code,kind,description,retail_value,count,currency,counted\n"
        "lunch,lunch,Lunch at the cafeteria,12.00,4,CAD,2026-12-01T08:00:00-05:00\n"
        "pen,swag,Clinic pen,2,100,,\n"
    )
    lunch, pen = read_stock_file(write_drawer(tmp_path, "csv", text))
    assert lunch.item.retail_value == Money("12.00", "CAD")
    assert lunch.counted == datetime(2026, 12, 1, 13, tzinfo=UTC)
    assert (pen.item.retail_value, pen.counted) == (Money("2"), None)


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (ITEM.replace('"10.00"', "10.00"), "item 1", 'written as text, like "10.00"'),
        (ITEM.replace("count = 3", "count = -1"), "item 1", "count must be a whole number"),
        (ITEM.replace("count = 3", "count = true"), "item 1", "count must be a whole number"),
        (ITEM.replace("restaurant-gift-card", "visa-gift-card"), "item 1", "cash equivalent"),
        (ITEM.replace("restaurant-gift-card", "waiver"), "item 1", "never a peace offering"),
        (ITEM.replace("restaurant-gift-card", "voucher"), "item 1", "unknown offering kind"),
        (ITEM.replace('code = "cafe-card"', "code = 7"), "item 1", "code must be text"),
        (ITEM.replace('code = "cafe-card"', 'code = "cafe card"'), "item 1", "short code"),
        (ITEM.replace("count = 3\n", ""), "item 1", "count is missing"),
        (ITEM + 'colour = "red"\n', "item 1", "unknown field 'colour'"),
        (ITEM + "counted = 2026-12-01T08:00:00\n", "item 1", "with its UTC offset"),
        (ITEM + ITEM, "item 2", "'cafe-card' is listed twice"),
        (ITEM + "count = 4\n", "TOML", "Cannot overwrite a value"),
        ('item = "cafe-card"\n', "item", "[[item]] table"),
    ],
)
def test_a_wrong_toml_edit_is_refused_with_the_item_named(tmp_path, text, where, problem):
    refused = toml_problem(tmp_path, text)
    assert refused.where == where
    assert problem in refused.problem
    assert str(refused).startswith(f"drawer.toml, {where}: ")


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("code,kind,description,count\n", "line 1", "missing column 'retail_value'"),
        (DRAWER_CSV + "pen,swag,Clinic pen,2.00,many\n", "line 4", "count must be a whole"),
        (DRAWER_CSV + "pen,swag,Clinic pen,2.00,١٢\n", "line 4", "count must be a whole"),
        (DRAWER_CSV + "pen,swag,Clinic pen,2.00,5,6\n", "line 4", "more cells than columns"),
        (DRAWER_CSV + "pen,swag,,2.00,5\n", "line 4", "description is missing"),
        (DRAWER_CSV + "pen,swag,Clinic pen,two,5\n", "line 4", "not an amount of money"),
        (
            DRAWER_CSV.replace("count\n", "count,counted\n") + "pen,swag,Pen,2.00,5,noon\n",
            "line 4",
            "counted must be a time like",
        ),
    ],
)
def test_a_wrong_csv_edit_is_refused_with_the_line_named(tmp_path, text, where, problem):
    refused = csv_problem(tmp_path, text)
    assert (refused.where, refused.file) == (where, "drawer.csv")
    assert problem in refused.problem


def test_only_toml_and_csv_files_are_read(tmp_path):
    path = tmp_path / "drawer.xlsx"
    path.write_text(DRAWER_TOML)
    with pytest.raises(StockFileError, match=r"must end in \.toml or \.csv"):
        read_stock_file(path)


def test_a_stock_file_error_is_invalid_input(tmp_path):
    assert isinstance(toml_problem(tmp_path, ITEM + ITEM), InvalidInput)
