"""The ``dealroom`` command: the language, the inert output, and dispatch.

Sub-commands live in :mod:`dealroom.commands` and never import Textual; only running
the app (no sub-command) loads the UI. The parser, the exit statuses and how an error is
told are :mod:`dealroom.commands.running`'s, shared with ``dealroom batch``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Mapping, Sequence

from dealroom import i18n
from dealroom.commands.running import (
    DATE_OPTIONS,
    DESCRIPTION,
    EPILOG,
    EXIT_CONFLICT,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    attach_offsets,
    build_parser,
    exit_status,
    parse_args,
    refusal,
    refuse,
    undecodable,
)
from dealroom.i18n import N_, _

__all__ = [
    "BULK_GC",
    "DATE_OPTIONS",
    "DESCRIPTION",
    "EPILOG",
    "EXIT_CONFLICT",
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
    "attach_offsets",
    "build_parser",
    "bulk_work",
    "exit_status",
    "main",
    "parse_args",
    "speak",
    "undecodable",
]

#: argparse's own words ("usage: ", "options", its error lines). The standard library looks
#: them up in its gettext domain "argparse", which no catalog here fills: they are marked
#: for dealroom's catalog here, and :func:`argparse_speaking` points argparse's lookups
#: (its module globals ``_`` and ``ngettext``, called as it formats) at :mod:`dealroom.i18n`
#: while a command line is read. English is the msgid: argparse's words unchanged.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("unrecognized arguments: %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
)


@contextlib.contextmanager
def argparse_speaking() -> Iterator[None]:
    """argparse's own words through dealroom's catalog, in the language spoken (see
    :data:`ARGPARSE_WORDS`), for as long as the block runs."""
    found = vars(argparse)
    saved = {name: found[name] for name in ("_", "ngettext")}
    found.update(_=i18n._, ngettext=i18n.ngettext)
    try:
        yield
    finally:
        found.update(saved)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command (or the app). What a command prints, its help and its errors
    included, passes through :class:`~dealroom.textutil.InertStream`: user text never
    acts on the terminal."""
    with inert_output(), argparse_speaking():
        given = list(sys.argv[1:] if argv is None else argv)
        speak(given, os.environ)
        problem = undecodable(given, os.environ)
        if problem:
            from dealroom.commands.common import CommandError

            return refuse(argparse.Namespace(json="--json" in given), CommandError(problem))
        args = parse_args(given)
        if args.command is not None:
            return _dispatch(args)
    return _dispatch(args)


def speak(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """Choose the language before anything is said (``--help`` included): ``--lang``,
    else ``DEALROOM_LANG``, else the locale (:func:`dealroom.i18n.choose`). The first
    ``--lang`` counts: the global one, before the command, where a report's own follows
    (``dealroom --lang zh_CN export ACME-5G --lang en``: said in Chinese, written in English)."""
    given = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            given = argv[i + 1]
        elif arg.startswith("--lang="):
            given = arg.split("=", 1)[1]
        if given is not None:
            break
    lang = i18n.choose(given, environ)
    i18n.use(lang)
    return lang


@contextlib.contextmanager
def inert_output() -> Iterator[None]:
    from dealroom.textutil import InertStream

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = InertStream(sys.stdout), InertStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


#: Cyclic garbage collection during one command: a young collection per this many new
#: objects, not Python's 700. A report builds hundreds of thousands of short-lived,
#: acyclic rows and strings, and the default ran the collector thousands of times over
#: the same survivors (``dealroom export --all`` on 1,000 deals, alternated runs: median
#: 4.57 s → 3.98 s, the same peak memory). Cycles are still collected, less often. The
#: app keeps Python's default.
BULK_GC = (50_000, 20, 100)


@contextlib.contextmanager
def bulk_work() -> Iterator[None]:
    """One command's work with :data:`BULK_GC`, the previous thresholds back after."""
    before = gc.get_threshold()
    gc.set_threshold(*BULK_GC)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _dispatch(args: argparse.Namespace) -> int:
    from dealroom.commands.common import Context
    from dealroom.settings import Settings

    try:
        ctx = Context.from_args(args, Settings.from_env(os.environ))
        if args.command is None:
            return _run_app(ctx)
        with bulk_work():
            result: int = args.handler(ctx, args)
        return result
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `dealroom list | head`
        sys.stderr.close()
        return 0
    except Exception as exc:  # refused, or a defect: one line, a defect's details kept
        return refuse(args, refusal(exc, args))


def _run_app(ctx: object) -> int:
    from dealroom.commands.common import Context, fail

    assert isinstance(ctx, Context)
    from dealroom.domain.rules import check_actor

    check_actor(ctx.actor)  # said here, in one line, not in the app once it has the terminal
    if ctx.demo:
        from dealroom.commands.demo import fresh_demo

        fresh_demo(ctx)
    try:
        from dealroom.app import run_app
    except ImportError:
        return fail(
            _(
                "the deal room app is not part of this build yet; the commands work: "
                "`dealroom list`, `dealroom show CODE`, `dealroom --help`"
            )
        )
    why = run_app(ctx.db, ctx.actor, ctx.settings)
    return fail(why) if why else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
