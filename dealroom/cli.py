"""The ``dealroom`` command: argument parsing and dispatch.

Sub-commands live in :mod:`dealroom.commands` and never import Textual; only running
the app (no sub-command) loads the UI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dealroom import __version__

EXIT_ERROR = 1
EXIT_USAGE = 2

DESCRIPTION = """\
A deal room for iron-triangle sales teams: the Account (AR), Solution (SR) and
Fulfillment (FR) leads keep their tasks, risks and handoffs on one shared
Lead-to-Cash timeline. Without a command, opens the app."""

EPILOG = """\
environment:
  DEALROOM_DB     database file or SQLAlchemy URL (default: a file in your data folder)
  DEALROOM_USER   who you are (default: your login name)

examples:
  dealroom --demo                       the app on fresh demo data
  dealroom list --stage bid             the pipeline at Bid
  dealroom deal add ACME-5G --name "5G core" --account "ACME" --amount 1.2m --close +90d
  dealroom --db postgresql://dealroom@db.example.com/sales list"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealroom",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", metavar="URL", help="database file or URL (or set DEALROOM_DB)")
    parser.add_argument(
        "--as", dest="actor", metavar="HANDLE", help="act as this person (or set DEALROOM_USER)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open on freshly seeded demo data, kept apart from the team's database",
    )
    parser.add_argument("--version", action="version", version=f"dealroom {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    from dealroom.commands import demo, export, listing, manage

    for module in (listing, export, manage, demo):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from dealroom.commands.common import CommandError, Context, fail
    from dealroom.domain import RuleError
    from dealroom.store.errors import StoreError

    try:
        ctx = Context.from_args(args)
        if args.command is None:
            return _run_app(ctx)
        result: int = args.handler(ctx, args)
        return result
    except (RuleError, StoreError, CommandError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `dealroom list | head`
        sys.stderr.close()
        return 0


def _run_app(ctx: object) -> int:
    from dealroom.commands.common import Context, fail

    assert isinstance(ctx, Context)
    if ctx.demo:
        from dealroom.commands.demo import fresh_demo

        fresh_demo(ctx)
    try:
        from dealroom.app import run_app
    except ImportError:
        return fail(
            "the deal room app is not part of this build yet; the commands work: "
            "`dealroom list`, `dealroom show CODE`, `dealroom --help`"
        )
    return run_app(ctx.db, ctx.actor)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
