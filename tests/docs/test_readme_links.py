"""The READMEs' relative links lead somewhere: MkDocs checks the site's links, not these."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READMES = [ROOT / "README.md", *sorted(ROOT.glob("adapters/*/README.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_of_a_readme_exists(readme):
    targets = [t for t in LINK.findall(readme.read_text()) if "://" not in t]
    assert targets, f"{readme.name} links to nothing"
    missing = [t for t in targets if not (readme.parent / t).exists()]
    assert not missing, f"{readme.relative_to(ROOT)} links to missing files: {missing}"
