"""Command-line transcripts in the docs, run for real: `$ serviceplan ...` and the output after it.

A fenced block whose first line starts with `$ ` is a transcript: each `$` line (continued by a
trailing backslash) is a command, the lines up to the next `$` are what it prints (stdout and
stderr together), and a last line `exit N` is its exit code (0 when absent). A block that starts
with `Usage: serviceplan ...` is that command's `--help`. The commands of one page run in order in
one scratch folder, so `make demo` early on a page makes the store later commands read.

Run this file to rewrite the transcripts of pages after a change to the command line or the demo:
`.venv/bin/python tests/docs/doc_transcripts.py docs/cli.md` (review the diff before committing).
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from click import formatting
from click.testing import CliRunner
from docs_moment import at_docs_moment

from serviceplan.cli import main

BLOCK = re.compile(r"^```(?:text|json)\n(.*?)^```", re.MULTILINE | re.DOTALL)
HELP = re.compile(r"Usage: serviceplan(?: (\w+))? \[OPTIONS\]")
EXIT = re.compile(r"exit (\d+)")
RANDOM_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
"""A random id (version 4), or one derived from a random one (version 5: a moved visit's)."""
ALIASES = {("make", "demo"): ["demo", "--db", ".serviceplan/demo.sqlite3"]}
"""Commands the docs show by their Makefile name, and the command line they run."""
SCRATCH_FILES = {
    "notes.sqlite3": "Notes from the front desk, not a database.\n",
    "killed.jsonl": '{"format":"serviceplan-history","version":2}\n',  # an export stopped early
}
"""Files the transcripts expect to find (to show what happens with a file that is no store)."""
ENV: dict[str, str | None] = {"COLUMNS": None, "LINES": None, "SERVICEPLAN_STAND_INS": None}
"""As when piped: no terminal size, so tables are 100 columns wide and help 80; and as a clinic
runs it, without the stand-ins the tests choose (the demo chooses its own)."""


@dataclass(frozen=True)
class Run:
    """One command of a transcript: what is typed, what it prints, how it exits."""

    typed: list[str]
    argv: list[str]
    shown: str
    code: int


def runs(block: str) -> Iterator[Run]:
    """Read the commands of a transcript block, or the one `--help` a usage block shows."""
    lines = block.splitlines()
    usage = HELP.match(lines[0]) if lines else None
    if usage:
        yield Run([], [*filter(None, [usage[1]]), "--help"], block, 0)
        return
    while lines and lines[0].startswith("$ "):
        typed = [lines.pop(0)]
        while typed[-1].endswith("\\") and lines:
            typed.append(lines.pop(0))
        output = []
        while lines and not lines[0].startswith("$ "):
            output.append(lines.pop(0))
        while output and not output[-1].strip():
            output.pop()
        code = 0
        if output and (found := EXIT.fullmatch(output[-1])):
            code = int(found[1])
            output.pop()
        yield Run(typed, argv_of(typed), "\n".join(output), code)


def argv_of(typed: list[str]) -> list[str]:
    """Turn the typed lines into the arguments of `serviceplan`."""
    words = shlex.split(" ".join(line.removesuffix("\\") for line in typed).removeprefix("$ "))
    if tuple(words[:2]) in ALIASES:
        return ALIASES[words[0], words[1]] + words[2:]
    if words[0] != "serviceplan":
        msg = f"a transcript may only run serviceplan, not {words[0]}"
        raise ValueError(msg)
    return words[1:]


def transcripts(page: Path) -> list[Run]:
    """Return the runs of every transcript on a page, in order."""
    return [run for block in BLOCK.findall(page.read_text()) for run in runs(block)]


def prepare(folder: Path) -> None:
    """Put the files the transcripts expect into the scratch folder."""
    for name, text in SCRATCH_FILES.items():
        (folder / name).write_text(text)


def execute(argv: list[str]) -> tuple[int, str]:
    """Run `serviceplan` as a terminal-less user would, at the docs' moment; return code, output."""
    with at_docs_moment(), CliRunner().isolation(env=ENV) as (_, _, output):
        formatting.FORCED_WIDTH = None  # the runner forces 80; a pipe gives click its default
        code = main(argv)
        return code, output.getvalue().decode()


def normal(text: str) -> str:
    """Compare output as a reader sees it: no trailing spaces, random ids masked."""
    lines = [line.rstrip() for line in RANDOM_ID.sub("<random id>", text).splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def rewrite(page: Path, folder: Path) -> None:
    """Replace each transcript's output on `page` with what the commands print now."""
    text = page.read_text()
    prepare(folder)

    def fresh(found: re.Match[str]) -> str:
        parts, same = [], True
        for run in runs(found[1]):
            code, output = execute(run.argv)
            same = same and code == run.code and normal(output) == normal(run.shown)
            lines = [*run.typed, *[line.rstrip() for line in output.rstrip().splitlines()]]
            parts.append("\n".join([*lines, f"exit {code}"] if code else lines))
        if same:  # keep the block as written (its random ids, say) when nothing changed
            return found[0]
        return found[0].replace(found[1], "\n\n".join(parts) + "\n")

    page.write_text(BLOCK.sub(fresh, text))


if __name__ == "__main__":
    import contextlib
    import tempfile

    for name in sys.argv[1:]:
        target = Path(name).resolve()
        with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
            rewrite(target, Path(scratch))
