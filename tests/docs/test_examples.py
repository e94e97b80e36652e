"""Every Python example in the docs and the README runs, so the docs cannot rot.

The fences of one page run in order in one namespace, as a reader would type them. A fence marked
```` ```python {.notest} ```` is shown, not run (for code needing a server). A fence marked
```` ```text {.output} ```` right after a Python example is what that example prints: the test
compares the two, so output shown on a page is output the code really gives. Marks go in braces,
the form MkDocs' superfences reads; a bare word after the language would break the page.
The examples run as a reader runs them: without the stand-ins the rest of the suite chooses.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from docs_moment import at_docs_moment

from serviceplan.plugins import STAND_INS

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
HEADER = re.compile(r"(?P<language>\w[\w+-]*)?\s*(?:\{(?P<marks>[^}]*)\})?\s*")
ANY_FENCE = re.compile(r"^[ \t]*```(.*)$", re.MULTILINE)


class Fence(NamedTuple):
    """One fenced block of a page: its language, its marks (`.notest`, `.output`), its text."""

    language: str
    marks: frozenset[str]
    text: str

    @property
    def runs(self) -> bool:
        return self.language == "python" and "notest" not in self.marks

    @property
    def is_output(self) -> bool:
        return self.language == "text" and "output" in self.marks


def parse(header: str, text: str) -> Fence:
    """Read a fence's header: a language, then marks in braces (`python {.notest}`)."""
    found = HEADER.fullmatch(header.strip())
    if found is None:
        return Fence("", frozenset(), text)
    marks = frozenset(m.removeprefix(".") for m in (found["marks"] or "").split())
    return Fence(found["language"] or "", marks, text)


def fences(page: Path) -> list[Fence]:
    """Return the fenced blocks of a page that start at the left margin, in order."""
    return [parse(header, text) for header, text in FENCE.findall(page.read_text())]


def examples(page: Path) -> list[str]:
    """Return the runnable Python fences of a page, in order."""
    return [fence.text for fence in fences(page) if fence.runs]


def shown_output(blocks: list[Fence], index: int) -> str | None:
    """Return the output block right after the fence at `index`, if the page shows one."""
    after = blocks[index + 1] if index + 1 < len(blocks) else None
    return after.text if after is not None and after.is_output else None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_examples_on_this_page_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(STAND_INS, raising=False)
    namespace: dict[str, object] = {"__name__": f"docs_example_{page.stem}"}
    blocks = fences(page)
    number = 0
    for index, fence in enumerate(blocks):
        if not fence.runs:
            continue
        number += 1
        printed = io.StringIO()
        try:
            with at_docs_moment(), contextlib.redirect_stdout(printed):
                exec(compile(fence.text, f"{page.name} example {number}", "exec"), namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001 (report which example broke, then fail)
            pytest.fail(f"{page.name} example {number} failed: {error!r}")
        shown = shown_output(blocks, index)
        if shown is not None:
            assert printed.getvalue().rstrip() == shown.rstrip(), (
                f"{page.name} example {number} printed something else than the page shows"
            )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fence_header_is_one_markdown_reads(page):
    for header in ANY_FENCE.findall(page.read_text()):
        assert HEADER.fullmatch(header.strip()), (
            f"{page.name}: fence header {header!r} would not render; put marks in braces, "
            "like ```python {.notest}"
        )


def test_output_blocks_follow_an_example():
    for page in PAGES:
        blocks = fences(page)
        for index, fence in enumerate(blocks):
            if fence.is_output:
                assert index > 0, f"{page.name}: an output block opens the page"
                assert blocks[index - 1].runs, f"{page.name}: output after a fence that never runs"


def test_the_docs_have_examples_to_run():
    assert sum(len(examples(page)) for page in PAGES) >= 3
