"""The web example (`examples/web_desk.py`) and the statuses `docs/web-app.md` documents."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from starlette.requests import Request

from serviceplan import Staff

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "web-app.md"
STATUS_ROW = re.compile(r"^\| `(\w+)` \| (\d{3}) [A-Za-z ]+ \|$", re.MULTILINE)
STAFF_HEADER = "x-test-staff"


def load_example() -> ModuleType:
    """Import `examples/web_desk.py`, which is a file to copy from, not an installed module."""
    if "web_desk" in sys.modules:
        return sys.modules["web_desk"]
    spec = importlib.util.spec_from_file_location("web_desk", ROOT / "examples" / "web_desk.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["web_desk"] = module
    spec.loader.exec_module(module)
    return module


def documented_statuses() -> dict[str, int]:
    """The table of docs/web-app.md: each error type's name, with its HTTP status."""
    section = PAGE.read_text().split("## Errors and HTTP statuses", 1)[1].split("\n## ", 1)[0]
    return {name: int(status) for name, status in STATUS_ROW.findall(section)}


def staff_from_header(request: Request) -> Staff | None:
    """The tests' stand-in for a sign-in: `id/role` in a header (a real app has a session)."""
    value = request.headers.get(STAFF_HEADER)
    if value is None:
        return None
    staff_id, _, role = value.partition("/")
    return Staff(staff_id, role or "front-desk")
