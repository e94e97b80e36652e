"""The `serviceplan` command line: the demo day, the read models, and the whole history.

Commands: demo, board, incidents, report, audit, export and replay; deliver and follow run the
followers (notice delivery, the read models) as processes of their own.

Exit codes: 0 when all went well, 1 when the clinic's rules refused something, 2 for bad usage or
a bad input file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from serviceplan.cli.commands import audit, board, incidents
from serviceplan.cli.demo_command import demo
from serviceplan.cli.follow_commands import deliver, follow
from serviceplan.cli.history_commands import export, replay
from serviceplan.cli.report_command import report
from serviceplan.cli.session import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from serviceplan.errors import InvalidInput, ServicePlanError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="serviceplan")
def cli() -> None:
    """A clinic's backup plan for unexpected patient problems.

    Every command reads the event log of a store (a SQLite file, see --db) into read models
    kept beside the events, and shows them.
    """


for command in (demo, board, incidents, report, audit, export, replay, deliver, follow):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 refused, 2 bad usage or input)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli.main(args=args, prog_name="serviceplan", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as problem:
        problem.show()
        return problem.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_REFUSED
    except InvalidInput as problem:
        click.echo(f"Error: {problem}", err=True)
        return EXIT_USAGE
    except ServicePlanError as problem:
        click.echo(f"Refused: {problem}", err=True)
        return EXIT_REFUSED
    return EXIT_OK
