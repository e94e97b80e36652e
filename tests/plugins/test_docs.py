"""docs/plugins.md documents every hook with its signature, and its examples run."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from serviceplan.plugins import hook_names, hookspecs

DOCS = Path(__file__).parents[2] / "docs" / "plugins.md"
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)


def typed_signature(name: str) -> str:
    signature = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"{name}({params}) -> {signature.return_annotation}"


def python_examples() -> list[str]:
    return [m["code"] for m in FENCE.finditer(DOCS.read_text()) if m["info"].split() == ["python"]]


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_documented_with_its_signature(name):
    text = DOCS.read_text()
    params = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
    assert f"### `{name}({params})`" in text
    assert f"`{typed_signature(name)}`" in text


def test_the_docs_name_no_hook_that_does_not_exist():
    documented = set(re.findall(r"^### `(serviceplan_\w+)\(", DOCS.read_text(), re.MULTILINE))
    assert documented == set(hook_names())


@pytest.mark.parametrize("code", python_examples(), ids=lambda code: code.splitlines()[-1][:40])
def test_every_example_runs(code):
    exec(compile(code, str(DOCS), "exec"), {"__name__": "docs_example"})  # noqa: S102
