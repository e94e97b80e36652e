"""The `serviceplan-hl7v2` command: apply SIU files, or listen for a live MLLP feed.

The plan's store comes from the environment, as for `serviceplan` itself (SERVICEPLAN_DB or
eventsourcing's variables); the ledger of applied messages is a SQLite file of its own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from serviceplan import ServicePlan, Settings
from serviceplan.store.config import default_db_path
from serviceplan_hl7v2.feed import SiuFeed
from serviceplan_hl7v2.ledger import SqliteLedger
from serviceplan_hl7v2.mllp import MllpListener
from serviceplan_hl7v2.options import FeedOptions


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code (1 if a file was not applied)."""
    args = _parser().parse_args(argv)
    plan = ServicePlan(settings=Settings(timezone=ZoneInfo(args.zone)))
    ledger = SqliteLedger(args.ledger or default_db_path().parent / "hl7v2-ledger.sqlite3")
    options = FeedOptions(message_time=getattr(args, "message_time", False))
    feed = SiuFeed(plan, ledger=ledger, options=options)
    if args.command == "apply":
        return _apply(feed, args.files)
    listener = MllpListener(feed, args.host, args.port)
    host, port = listener.address
    print(f"listening on {host}:{port}", flush=True)  # noqa: T201 (the command's output)
    try:
        listener.serve_forever()
    except KeyboardInterrupt:
        listener.close()
    return 0


def _apply(feed: SiuFeed, files: Sequence[Path]) -> int:
    """Apply each file's message in turn; print its acknowledgement code and what it did."""
    failed = 0
    for path in files:
        reply = feed.handle(path.read_bytes().decode("utf-8"))
        msa = next(s for s in reply.split("\r") if s.startswith("MSA"))
        err = [s for s in reply.split("\r") if s.startswith("ERR")]
        detail = err[0].rsplit("|", 1)[-1] if err else ""
        print(f"{path}: {msa.split('|')[1]} {detail}".rstrip())  # noqa: T201 (as above)
        failed += not msa.startswith("MSA|AA")
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="serviceplan-hl7v2", description=__doc__)
    parser.add_argument("--zone", default="UTC", help="the clinic's time zone (default UTC)")
    parser.add_argument("--ledger", type=Path, help="SQLite file of applied control ids")
    commands = parser.add_subparsers(dest="command", required=True)
    apply = commands.add_parser("apply", help="apply SIU messages from files, in order")
    apply.add_argument("files", nargs="+", type=Path)
    apply.add_argument(
        "--message-time", action="store_true", help="record at each message's MSH-7 time"
    )
    listen = commands.add_parser("listen", help="answer an MLLP feed until interrupted")
    listen.add_argument("--host", default="127.0.0.1")
    listen.add_argument("--port", type=int, default=2575)
    return parser


if __name__ == "__main__":
    sys.exit(main())
