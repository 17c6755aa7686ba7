"""Reading a command line and saying how a command ended: its parser, its checks, the exit
status and the one line of an error. :mod:`dealroom.cli` runs one command per process
with these, ``dealroom batch`` (:mod:`dealroom.commands.batch`) one per line of its input.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Mapping, Sequence

from dealroom import __version__
from dealroom.commands import COMMANDS
from dealroom.i18n import N_, _

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_ERROR = EXIT_REFUSED
EXIT_USAGE = 2
EXIT_CONFLICT = 3
EXIT_UNAVAILABLE = 4

DESCRIPTION = N_("""\
A deal room for iron-triangle sales teams: the Account (AR), Solution (SR) and
Fulfillment (FR) leads keep their tasks, risks and handoffs on one shared
Lead-to-Cash timeline. Without a command, opens the app.""")

EPILOG = N_("""\
environment:
  DEALROOM_DB     database file or SQLAlchemy URL (default: a file in your data folder)
  DEALROOM_USER   who you are (default: your login name)

examples:
  dealroom --demo                       the app on fresh demo data
  dealroom list --stage bid             the pipeline at Bid
  dealroom deal add ACME-5G --name "5G core" --account "ACME" --amount 1.2m --close +90d
  dealroom task add ACME-5G --role SR --title "BoQ v2" --due fri --json
  dealroom gate ACME-5G ATB approve --note "board 11-23" && dealroom stage ACME-5G next
  dealroom --db postgresql://dealroom@db.example.com/sales list

exit status:
  0  done
  1  refused: a rule, a value or an id was not accepted, or is not found
  2  usage: an unknown command or option, or options that do not go together
  3  conflict: someone changed the item at the same time; read it again and retry
  4  the database cannot be opened, reached or written (permissions, locked, down)
  Errors are one line on standard error; with --json, also {"ok": false, "error":
  ..., "kind": ...} on standard output (argparse's own usage errors excepted).""")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; of the sub-commands only ``command``'s module is imported and its
    arguments known, the others are listed by name and help text."""
    parser = argparse.ArgumentParser(
        prog="dealroom",
        description=_(DESCRIPTION),
        epilog=_(EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", metavar="URL", help=_("database file or URL (or set DEALROOM_DB)"))
    parser.add_argument(
        "--as", dest="actor", metavar="HANDLE", help=_("act as this person (or set DEALROOM_USER)")
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open on freshly seeded demo data, kept apart from the team's database"),
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help=_("the language to speak, e.g. zh_CN (or set DEALROOM_LANG; default: the locale)"),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"dealroom {__version__}",
        help=_("show program's version number and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = COMMANDS[command].module if command in COMMANDS else None
    registered = False
    for name, (module, help_text) in COMMANDS.items():
        if module != chosen:
            sub.add_parser(name, help=_(help_text), add_help=False)
        elif not registered:  # the module registers all of its commands, in order
            importlib.import_module(f"dealroom.commands.{module}").register(sub)
            registered = True
    return parser


#: Options whose value is a date, which may be an offset back in time (``--since -7d``).
DATE_OPTIONS = frozenset({"--since", "--until", "--on", "--today", "--due", "--close"})
_BACK = re.compile(r"^-\d{1,4}\s*[dw]?$")


def attach_offsets(argv: Sequence[str]) -> list[str]:
    """``--since -7d`` as ``--since=-7d``: argparse would take ``-7d`` for an option."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in DATE_OPTIONS and _BACK.match(arg):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Two passes: which command (its arguments unknown yet), then that command in full.
    Building every command's parser would import every command module (~40 ms)."""
    argv = attach_offsets(sys.argv[1:] if argv is None else argv)
    first, rest = build_parser().parse_known_args(argv)
    if first.command is None and not rest:
        return first  # the app
    return build_parser(first.command).parse_args(argv)


def undecodable(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """Which argument (or ``DEALROOM_*`` variable) holds bytes that are not UTF-8 text,
    shown with those bytes escaped; empty when all are text."""

    def bad(value: str) -> bool:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False

    def shown(value: str) -> str:
        try:  # the bytes given, where Python could only decode them as escapes
            raw = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = value.encode("utf-8", "backslashreplace")
        return repr(raw)[2:-1]  # b'a\xff' -> a\xff

    for i, value in enumerate(argv):
        if bad(value):
            option = argv[i - 1] if i > 0 and argv[i - 1].startswith("-") else ""
            if option:
                said = _("the value of {option} is not UTF-8 text: '{text}'")
                return said.format(option=option, text=shown(value))
            said = _("argument {n} is not UTF-8 text: '{text}'")
            return said.format(n=i + 1, text=shown(value))
    for name, value in environ.items():
        if name.startswith("DEALROOM_") and bad(value):
            said = _("{name} is not UTF-8 text: '{text}'")
            return said.format(name=name, text=shown(value))
    return ""


def refusal(
    exc: Exception, args: argparse.Namespace, words: Sequence[str] | None = None
) -> Exception:
    """The error a command ended with, as what it is refused with (:func:`refuse`): a
    rule's, the store's, a command's or a file's error as it is; an operating system's
    error on a file the command reads or writes (not the database) as one line naming the
    file; anything else through :func:`_unexpected`. ``words``: the command line, for the
    log of an internal error (default: this process's)."""
    from dealroom.commands.common import CommandError
    from dealroom.domain import RuleError
    from dealroom.files import FileRefused
    from dealroom.store.errors import StoreError

    if isinstance(exc, (RuleError, StoreError, CommandError, FileRefused)):
        return exc
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return CommandError(f"{exc.strerror or exc}{where}")
    return _unexpected(exc, args, sys.argv if words is None else words)


def _unexpected(exc: Exception, args: argparse.Namespace, words: Sequence[str]) -> Exception:
    """An error no command expected, as one line: a database driver's error explained
    (exit 4), anything else an internal error whose traceback is written to a log file
    the line names."""
    from sqlalchemy.exc import DBAPIError

    from dealroom.commands.common import CommandError

    if isinstance(exc, DBAPIError):
        from dealroom.store.engine import explain_operational
        from dealroom.store.location import resolve_url

        return explain_operational(exc, resolve_url(getattr(args, "db", None)))
    import traceback

    from platformdirs import user_state_path

    kind = type(exc).__name__
    try:
        log = user_state_path("dealroom", appauthor=False) / "errors.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8", errors="backslashreplace") as out:
            out.write(f"dealroom {__version__}: {' '.join(words)}\n")
            out.write("".join(traceback.format_exception(exc)) + "\n")
    except OSError:
        return CommandError(_("internal error: {kind}: {error}").format(kind=kind, error=exc))
    said = _("internal error: {kind}: {error} (the details are in {file}; please report it)")
    return CommandError(said.format(kind=kind, error=exc, file=log))


def exit_status(exc: Exception) -> tuple[int, str]:
    """The exit status of an error and its kind, as ``--json`` names it."""
    from dealroom.commands.common import UsageError
    from dealroom.store.errors import (
        ConflictError,
        NotFoundError,
        UnavailableError,
        WriteRaceError,
    )

    kinds: tuple[tuple[type[Exception], int, str], ...] = (
        (UsageError, EXIT_USAGE, "usage"),
        (ConflictError, EXIT_CONFLICT, "conflict"),
        (WriteRaceError, EXIT_CONFLICT, "conflict"),
        (UnavailableError, EXIT_UNAVAILABLE, "unavailable"),
        (NotFoundError, EXIT_REFUSED, "not_found"),
    )
    for kind, code, name in kinds:
        if isinstance(exc, kind):
            return code, name
    return EXIT_REFUSED, "refused"


def refuse(args: argparse.Namespace, exc: Exception) -> int:
    """One line on standard error; with ``--json`` also an error object on standard output."""
    from dealroom.commands.common import fail
    from dealroom.textutil import json_text

    code, kind = exit_status(exc)
    if getattr(args, "json", False):
        print(json_text({"ok": False, "error": str(exc), "kind": kind}))
    return fail(str(exc), code)
