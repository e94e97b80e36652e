"""The `serviceplan-hl7v2` command: apply SIU files, or listen for a live MLLP feed.

The plan's store comes from the environment, as for `serviceplan` itself (SERVICEPLAN_DB or
eventsourcing's variables); the ledger of applied messages is a SQLite file of its own.
"""

from __future__ import annotations

import argparse
import ssl
import sys
from collections.abc import Sequence
from datetime import timedelta
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
    settings = Settings() if args.zone is None else Settings(timezone=ZoneInfo(args.zone))
    plan = ServicePlan(settings=settings)
    ledger = SqliteLedger(args.ledger or default_db_path().parent / "hl7v2-ledger.sqlite3")
    options = FeedOptions(
        message_time=getattr(args, "message_time", False),
        assigning_authority=args.assigning_authority,
        behind=timedelta(days=getattr(args, "max_age", 7)),
    )
    feed = SiuFeed(plan, ledger=ledger, options=options)
    if args.command == "apply":
        return _apply(feed, args.files)
    context = None
    if args.tls_cert is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    listener = MllpListener(feed, args.host, args.port, ssl_context=context)
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
        reply = feed.handle_bytes(path.read_bytes()).decode("latin-1")
        msa = next(s for s in reply.split("\r") if s.startswith("MSA"))
        err = [s for s in reply.split("\r") if s.startswith("ERR")]
        detail = err[0].rsplit("|", 1)[-1] if err else ""
        print(f"{path}: {msa.split('|')[1]} {detail}".rstrip())  # noqa: T201 (as above)
        failed += not msa.startswith("MSA|AA")
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="serviceplan-hl7v2", description=__doc__)
    parser.add_argument(
        "--zone", default=None, help="the clinic's time zone (default: the one the store records)"
    )
    parser.add_argument("--ledger", type=Path, help="SQLite file of applied control ids")
    parser.add_argument(
        "--assigning-authority", help="whose chart number PID-3 names (CX-4 namespace or OID)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    apply = commands.add_parser("apply", help="apply SIU messages from files, in order")
    apply.add_argument("files", nargs="+", type=Path)
    apply.add_argument(
        "--message-time", action="store_true", help="record at each message's MSH-7 time"
    )
    apply.add_argument(
        "--max-age",
        type=float,
        default=7,
        help="with --message-time, how many days before now MSH-7 may be (default 7)",
    )
    listen = commands.add_parser("listen", help="answer an MLLP feed until interrupted")
    listen.add_argument("--host", default="127.0.0.1")
    listen.add_argument("--port", type=int, default=2575)
    listen.add_argument("--tls-cert", type=Path, help="serve MLLP over TLS with this certificate")
    listen.add_argument("--tls-key", type=Path, help="the certificate's private key file")
    return parser


if __name__ == "__main__":
    sys.exit(main())
