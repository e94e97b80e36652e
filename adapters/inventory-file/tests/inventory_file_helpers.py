"""The front desk's gift drawer, written as the office would write it: in TOML or in CSV."""

from __future__ import annotations

from pathlib import Path

DRAWER_TOML = """\
# The gift drawer at the front desk. Change a count after you count the drawer.
[[item]]
code = "cafe-card"
kind = "restaurant-gift-card"
description = "Gift card for the cafe next door"
retail_value = "10.00"
count = 3

[[item]]
code = "mug"
kind = "swag"
description = "Clinic mug"
retail_value = "8.00"
count = 2
"""

DRAWER_CSV = """\
code,kind,description,retail_value,count
cafe-card,restaurant-gift-card,Gift card for the cafe next door,10.00,3
mug,swag,Clinic mug,8.00,2
"""


def write_drawer(folder: Path, kind: str = "toml", text: str | None = None) -> Path:
    """Write the drawer file in `kind` (toml or csv) and return its path."""
    path = folder / f"drawer.{kind}"
    path.write_text(text if text is not None else {"toml": DRAWER_TOML, "csv": DRAWER_CSV}[kind])
    return path


def left(plugin, code: str) -> int:
    """What is left of `code`, as the plugin says."""
    return next(i.available for i in plugin.serviceplan_offering_stock() if i.code == code)
