"""Every Python example in the docs and the README runs, so the docs cannot rot.

The fences of one page run in order in one namespace, as a reader would type them; a fence
whose info string says `notest` is shown, not run (for output or for code needing a server).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def examples(page: Path) -> list[str]:
    """Return the runnable Python fences of a page, in order."""
    return [code for info, code in FENCE.findall(page.read_text()) if "notest" not in info]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_examples_on_this_page_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_example_{page.stem}"}
    for number, code in enumerate(examples(page), start=1):
        try:
            exec(compile(code, f"{page.name} example {number}", "exec"), namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001 (report which example broke, then fail)
            pytest.fail(f"{page.name} example {number} failed: {error!r}")


def test_the_docs_have_examples_to_run():
    assert sum(len(examples(page)) for page in PAGES) >= 3
