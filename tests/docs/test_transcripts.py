"""The command-line transcripts in the docs are what the commands print today.

See `doc_transcripts.py` for the format, and for how to rewrite them after a change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_transcripts import execute, normal, prepare, transcripts

ROOT = Path(__file__).resolve().parents[2]
PAGES = [page for page in sorted((ROOT / "docs").rglob("*.md")) if transcripts(page)]


def test_the_command_line_page_has_transcripts():
    assert ROOT / "docs" / "cli.md" in PAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_transcript_shows_what_the_command_prints(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    prepare(tmp_path)
    for run in transcripts(page):
        code, output = execute(run.argv)
        command = " ".join(["serviceplan", *run.argv])
        assert normal(output) == normal(run.shown), f"{page.name}: {command} prints otherwise"
        assert code == run.code, f"{page.name}: {command} exits {code}, not {run.code}"
