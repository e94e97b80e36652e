"""`python -m serviceplan`: the same as the `serviceplan` command."""

from __future__ import annotations

from serviceplan.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
