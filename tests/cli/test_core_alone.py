"""The core alone: `make demo` installs serviceplan without its extras, and the demo must run.

The extras (PostgreSQL's driver, the cipher, the web framework) are hidden from a fresh
interpreter, as they are absent from a core-only install; the demo day and the commands a
clinic runs on its SQLite file must not need them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXTRAS = ("psycopg", "psycopg_pool", "Crypto", "starlette", "httpx")
HIDE = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in EXTRAS)


def run_without_extras(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", HIDE + code], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_demo_day_and_the_board_run_on_the_core_alone(tmp_path):
    played = run_without_extras(
        "from serviceplan.cli import main\n"
        "code = main(['demo', '--db', 'demo.sqlite3'])\n"
        "code = code or main(['board', '--db', 'demo.sqlite3', '--date', '2026-12-01'])\n"
        "code = code or main(['export', '--db', 'demo.sqlite3', 'day.jsonl'])\n"
        "raise SystemExit(code)\n",
        tmp_path,
    )

    assert played.returncode == 0, played.stderr
    assert "Traceback" not in played.stderr
    assert "events written to day.jsonl" in played.stdout
