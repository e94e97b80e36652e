"""Every `pip install` in the docs names this repository's distributions, or a named third party.

The name `serviceplan` on the package index belongs to an unrelated project: a line that still
said `pip install serviceplan` would install someone else's code.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    ROOT / "README.md",
    ROOT / "CHANGELOG.md",
    *sorted(ROOT.glob("adapters/*/README.md")),
    *sorted((ROOT / "docs").rglob("*.md")),
]
PIP_INSTALL = re.compile(r"pip install((?:[ \t]+[^\s`;]+)*)")
THIRD_PARTY = {"py-spy"}  # a profiler, in docs/performance.md
"""Packages from elsewhere that the docs may tell a reader to install, by name."""


def projects() -> dict[Path, dict[str, Any]]:
    """Each distribution of this repository: its folder and its `[project]` table."""
    files = [ROOT / "pyproject.toml", *sorted(ROOT.glob("adapters/*/pyproject.toml"))]
    return {f.parent: tomllib.loads(f.read_text())["project"] for f in files}


def ours() -> dict[str, set[str]]:
    """Each distribution's name, with the extras it declares."""
    return {
        canonicalize_name(str(p["name"])): set(p.get("optional-dependencies", {}))
        for p in projects().values()
    }


def install_lines(page: Path) -> list[list[str]]:
    """The arguments of every `pip install` on a page, in code blocks and inline code alike."""
    return [shlex.split(found) for found in PIP_INSTALL.findall(page.read_text())]


def problems(arguments: list[str]) -> list[str]:
    """What is wrong with one line's arguments: unknown names, unknown extras, missing folders."""
    wrong: list[str] = []
    known = ours()
    editable = False
    for argument in arguments:
        word = argument
        if word.startswith("-"):
            editable = word in {"-e", "--editable"}
            continue
        if editable:
            editable = False
            folder, _, extras = word.partition("[")
            project = projects().get((ROOT / folder).resolve())
            if project is None:
                wrong.append(f"{word}: no distribution of this repository in {folder}")
                continue
            word = f"{project['name']}[{extras}" if extras else str(project["name"])
        requirement = Requirement(word)
        name = canonicalize_name(requirement.name)
        if name in known:
            wrong += [f"{word}: no extra {e}" for e in requirement.extras - known[name]]
        elif name not in THIRD_PARTY:
            wrong.append(f"{word}: neither a distribution of this repository nor a named one")
    return wrong


def test_the_core_is_not_the_unrelated_serviceplan_on_the_index():
    assert "serviceplan" not in ours()
    assert canonicalize_name("clinic-serviceplan") in ours()


def test_every_adapter_depends_on_a_compatible_range_of_the_core():
    core = projects()[ROOT]
    for folder, project in projects().items():
        if folder == ROOT:
            continue
        (on_core,) = [
            Requirement(d)
            for d in project["dependencies"]
            if canonicalize_name(Requirement(d).name) == canonicalize_name(str(core["name"]))
        ]
        assert on_core.specifier.contains(str(core["version"]), prereleases=True), folder.name
        assert any(s.operator == "<" for s in on_core.specifier), f"{folder.name}: no upper bound"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_pip_install_on_a_page_names_a_known_distribution(page):
    wrong = [p for arguments in install_lines(page) for p in problems(arguments)]
    assert not wrong, f"{page.relative_to(ROOT)}: {wrong}"


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("pip install serviceplan", "neither a distribution of this repository"),
        ("pip install 'clinic-serviceplan[web2]'", "no extra web2"),
        ("pip install -e 'docs[testing]'", "no distribution of this repository in docs"),
    ],
)
def test_a_wrong_install_line_is_caught(line, complaint):
    (arguments,) = [shlex.split(found) for found in PIP_INSTALL.findall(line)]
    assert any(complaint in p for p in problems(arguments))


def test_the_docs_do_tell_readers_what_to_install():
    lines = [a for page in PAGES for a in install_lines(page) if a]
    assert any("clinic-serviceplan" in a for arguments in lines for a in arguments)
