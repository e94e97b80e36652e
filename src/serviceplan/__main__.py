"""The `serviceplan` command: `serviceplan demo` plays a simulated clinic day."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from serviceplan import demo


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="serviceplan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    play = commands.add_parser("demo", help="play a simulated clinic day on a SQLite file")
    play.add_argument("--db", type=Path, default=Path(".serviceplan/demo.sqlite3"))
    args = parser.parse_args(argv)
    demo.run(args.db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
