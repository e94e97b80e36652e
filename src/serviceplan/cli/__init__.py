"""The `serviceplan` command line: the demo day, the read models, and the whole history.

Commands: demo, board, incidents, report, audit, status, export and replay; deliver and follow
run the followers (notice delivery, the read models) as processes of their own.

Exit codes tell the cause (see `serviceplan.cli.failures`): 0 ok, 1 a domain refusal, 2 bad
usage or a bad file, 3 the store, 4 the key, 5 a plugin, 6 the configuration, 7 a follower that
gave up, 8 an unexpected error. Log lines go to standard error (`-v`, `-q`); no traceback is
shown but with `--debug`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import attrs
import click

from serviceplan.cli import logs
from serviceplan.cli.commands import audit, board, incidents
from serviceplan.cli.demo_command import demo
from serviceplan.cli.failures import EXIT_INTERRUPTED, EXIT_OK, classify
from serviceplan.cli.follow_commands import deliver, follow
from serviceplan.cli.history_commands import export, replay
from serviceplan.cli.report_command import report
from serviceplan.cli.status_command import status

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@attrs.define
class Run:
    """What the options before the command chose, for `main` to act on after it."""

    debug: bool = False


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="clinic-serviceplan")
@click.option(
    "-v", "--verbose", count=True, help="say more on stderr: -v what it does, -vv the details"
)
@click.option("-q", "--quiet", is_flag=True, help="say only errors on stderr")
@click.option("--debug", is_flag=True, help="show the traceback of an unexpected error")
@click.pass_obj
def cli(run: Run, verbose: int, *, quiet: bool, debug: bool) -> None:
    """A clinic's backup plan for unexpected patient problems.

    Every command reads the event log of a store (a SQLite file, see --db) into read models
    kept beside the events, and shows them. Warnings and errors go to stderr.
    """
    run.debug = debug
    logs.choose(logs.level_for(verbose, quiet=quiet))


for command in (demo, board, incidents, report, audit, status, export, replay, deliver, follow):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit code (see `serviceplan.cli.failures`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    run = Run(debug="--debug" in args[: _first_command(args)])
    with logs.logging_to_stderr():
        try:
            cli.main(args=args, prog_name="serviceplan", standalone_mode=False, obj=run)
        except click.exceptions.Exit as done:
            return done.exit_code
        except click.ClickException as problem:
            problem.show()
            return problem.exit_code
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            return EXIT_INTERRUPTED
        except Exception as error:  # noqa: BLE001 (every failure becomes an exit code and a line)
            code, line = classify(error)
            if run.debug:
                traceback.print_exception(error, file=sys.stderr)
            click.echo(line, err=True)
            return code
    return EXIT_OK


def _first_command(args: list[str]) -> int:
    """Return the index of the first word that is not an option (the command's name)."""
    return next((n for n, arg in enumerate(args) if not arg.startswith("-")), len(args))
