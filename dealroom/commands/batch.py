"""``dealroom batch``: many commands in one process, one JSON line each, for scripts and
chat bots that write many things.

Each line of standard input is one command: a JSON array of the words after ``dealroom``
(``["task", "add", "ACME-5G", "--role", "AR", "--title", "Call the CFO"]``), or an object
``{"argv": [...], "id": ...}`` whose ``id`` (any JSON value) comes back with the answer.
Blank lines are skipped. Each line runs the same handler as the command would, through
the same parser, rules, write path and event log, with the same exit status; only the
store is opened once for the whole batch (:attr:`Context.store`), not once per line.

For each line, in order, one JSON object on standard output: ``line`` (its number in the
input, from 1), ``id`` (the line's, else null), ``exit`` (the status the command would
have exited with), ``output`` (what it printed on standard output) and, when ``exit`` is
not 0, ``error``: ``{"kind": ..., "message": ...}`` (the kinds of ``--json``, see
:func:`~dealroom.commands.running.exit_status`). What a line writes on standard error
(its error line, argparse's usage) passes on to the batch's standard error.

A line that cannot be run (not UTF-8, not JSON, another shape, a usage error) gets its
own result with status 2, and the batch goes on. The batch's own status is 0 when every
line exited 0, else the status of the first line that did not; ``--stop-on-error`` stops
there. What is not one read or write of the data does not run in a line (see
:data:`NOT_IN_A_LINE`), and a line does not choose the database, who acts or the language
(``--db``, ``--as``, ``--demo``, ``--lang`` before the command): the batch's own options do
(``dealroom --db FILE --as HANDLE batch``).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, replace
from typing import IO, Any

from dealroom.commands import COMMANDS
from dealroom.commands.common import CommandError, Context, UsageError, fail
from dealroom.commands.running import (
    EXIT_OK,
    EXIT_USAGE,
    attach_offsets,
    build_parser,
    exit_status,
    refusal,
    refuse,
    undecodable,
)
from dealroom.i18n import _
from dealroom.textutil import json_text

#: Commands a line may not run: none of them is one read or write of the data. ``batch``
#: would read the input this batch reads; ``import`` is a batch of its own (a whole file in
#: one transaction, a dry run first); ``demo`` and ``init`` make a database, ``upgrade``
#: migrates its schema (opening the batch's store has done that already) and ``backup``
#: copies its file: work on the database itself, each once, as a command of its own.
NOT_IN_A_LINE = frozenset({"batch", "import", "demo", "init", "upgrade", "backup"})
#: The global options that are the batch's, not a line's: ``dest`` → how they are typed.
BATCH_OPTIONS = {"db": "--db", "actor": "--as", "demo": "--demo", "lang": "--lang"}
#: The ``--json`` kind of an exit status a command returned without raising.
KIND_OF_STATUS = {1: "refused", 2: "usage", 3: "conflict", 4: "unavailable"}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "batch",
        help=_(COMMANDS["batch"].help),
        description=_(
            "Read commands on standard input, one JSON value per line: an array of the words "
            'after dealroom (["task", "add", "ACME-5G", "--role", "AR", "--title", "Call the '
            'CFO"]), or an object with that array as "argv" and an "id" given back with the '
            "answer. Each line runs as that command would, with its rules, event log and exit "
            "status, in one process on one open database. For each line, one JSON object on "
            'standard output: "line", "id", "exit", "output" (what the command printed) and, '
            'when "exit" is not 0, "error" with its "kind" and "message". A line that is not '
            "JSON or not a command gets exit 2 and the batch goes on. The batch exits 0 if "
            "every line did, else with the status of the first line that did not. --db, --as "
            "and --lang go before batch, not in a line; import, demo, init, upgrade, backup "
            "and batch do not run in a line."
        ),
    )
    p.add_argument(
        "--stop-on-error",
        action="store_true",
        help=_("stop at the first line that fails: the lines after it are not run"),
    )
    # An error of the batch itself (the database cannot be opened) is a JSON object on
    # standard output too, as with --json: what reads the output reads JSON only.
    p.set_defaults(handler=cmd_batch, json=True)


def cmd_batch(ctx: Context, args: argparse.Namespace) -> int:
    out = getattr(sys.stdout, "raw", sys.stdout)  # JSON text: inert as it is
    with ctx.open() as store:
        batch = Batch(replace(ctx, store=store))
        status = EXIT_OK
        for result in batch.run(input_lines(sys.stdin)):
            out.write(json_text(result.json()) + "\n")
            out.flush()  # a bot waits for each answer before it writes the next line
            if result.exit != EXIT_OK:
                status = status or result.exit
                if args.stop_on_error:
                    break
    return status


def input_lines(stream: IO[str] | None) -> Iterator[bytes]:
    """Standard input's lines as bytes: each decoded on its own, so one line that is not
    UTF-8 is that line's error, not the batch's."""
    if stream is None:
        return
    raw = getattr(stream, "buffer", None)
    if raw is not None:
        yield from raw
        return
    for line in stream:  # a text stream without bytes beneath (a test's)
        yield line.encode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class LineResult:
    """What one line did, as the batch answers it."""

    line: int
    id: object
    exit: int
    output: str = ""
    kind: str = ""
    message: str = ""

    def json(self) -> dict[str, object]:
        body: dict[str, object] = {
            "line": self.line,
            "id": self.id,
            "exit": self.exit,
            "output": self.output,
        }
        if self.exit != EXIT_OK:
            body["error"] = {"kind": self.kind, "message": self.message}
        return body


class Batch:
    """Runs lines as commands on one context (whose store stays open), with the parsers
    built once per command module."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._parsers: dict[str | None, argparse.ArgumentParser] = {}

    def run(self, lines: Iterator[bytes]) -> Iterator[LineResult]:
        for n, raw in enumerate(lines, 1):
            result = self.line(n, raw)
            if result is not None:
                yield result

    def line(self, n: int, raw: bytes) -> LineResult | None:
        """The result of input line ``n``; None for a blank line. A line that is not a
        command says so on standard error too, as a command's error would."""
        result = self._read(n, raw)
        if isinstance(result, LineResult):
            fail(result.message, result.exit)
            return result
        if result is None:
            return None
        ident, argv = result
        return self.command(n, ident, argv)

    def _read(self, n: int, raw: bytes) -> tuple[object, list[str]] | LineResult | None:
        """The id and the words of line ``n``; its error if it has none; None if blank."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            shown = repr(raw.rstrip(b"\r\n"))[2:-1]
            said = _("the line is not UTF-8 text: '{text}'").format(text=shown)
            return LineResult(n, None, EXIT_USAGE, kind="usage", message=said)
        if n == 1:
            text = text.removeprefix("\ufeff")  # a byte order mark some editors write
        if not text.strip():
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            said = _("the line is not JSON: {why} at column {column}")
            message = said.format(why=exc.msg, column=exc.colno)
            return LineResult(n, None, EXIT_USAGE, kind="usage", message=message)
        ident = value.get("id") if isinstance(value, dict) else None
        argv = _argv(value)
        if argv is None:
            message = _(
                'a line is a JSON array of strings, the words after "dealroom", or an object '
                'with that array as "argv" and, if you like, an "id"'
            )
            return LineResult(n, ident, EXIT_USAGE, kind="usage", message=message)
        return ident, argv

    def command(self, n: int, ident: object, argv: list[str]) -> LineResult:
        """``argv`` run as ``dealroom argv`` would run it, its output captured."""
        out, err = io.StringIO(), io.StringIO()
        args: argparse.Namespace | None = None
        kind = message = ""
        with redirect_stdout(out), redirect_stderr(err):
            try:
                problem = undecodable(argv, {})
                if problem:  # as the command line refuses it (exit 1)
                    raise CommandError(problem)
                args = self.parse(attach_offsets(argv))
                args.db = self.ctx.db  # the batch's, for what an error says of the database
                code: int = args.handler(self.ctx, args)
            except SystemExit as stop:  # argparse: a usage error (2), or --help (0)
                code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
            except Exception as exc:
                given = args or argparse.Namespace(json=False)
                refused = refusal(exc, given, ["dealroom", "batch:", *argv])
                code = refuse(given, refused)
                kind, message = exit_status(refused)[1], str(refused)
        said = err.getvalue()
        if said:
            sys.stderr.write(said)
        if code != EXIT_OK and not kind:
            kind, message = KIND_OF_STATUS.get(code, "refused"), _last_line(said)
        return LineResult(n, ident, code, out.getvalue(), kind, message)

    def parse(self, argv: list[str]) -> argparse.Namespace:
        """The two passes of :func:`~dealroom.commands.running.parse_args` on parsers
        built once, and what a line may not ask refused between them. A line that starts
        with a command's name (as nearly all do) names it without the first pass: nothing
        before it, no global option."""
        if argv and argv[0] in COMMANDS:
            first, rest = argparse.Namespace(command=argv[0]), argv[1:]
        else:
            first, rest = self._parser(None).parse_known_args(argv)
        for dest, option in BATCH_OPTIONS.items():
            if getattr(first, dest, None):
                said = _(
                    "{option} is the batch's, not a line's: give it before batch "
                    "(dealroom {option} … batch)"
                )
                raise UsageError(said.format(option=option))
        if first.command is None and not rest:
            raise UsageError(_("a line runs a command: the app does not open in a batch"))
        if first.command in NOT_IN_A_LINE:
            said = _(
                "dealroom {command} does not run in a batch (a line is one read or write "
                "of the data): run it as a command of its own"
            )
            raise UsageError(said.format(command=first.command))
        return self._parser(first.command).parse_args(argv)

    def _parser(self, command: str | None) -> argparse.ArgumentParser:
        """The parser of ``command`` (its module's commands), built on first use: building
        one imports the module and adds its arguments, and reading a line with it again
        changes nothing in it."""
        key = COMMANDS[command].module if command in COMMANDS else None
        parser = self._parsers.get(key)
        if parser is None:
            parser = self._parsers[key] = build_parser(command)
        return parser


def _argv(value: object) -> list[str] | None:
    """The words of a line's JSON value, or None if it has another shape."""
    if isinstance(value, dict):
        if set(value) - {"argv", "id"}:
            return None
        value = value.get("argv")
    if isinstance(value, list) and all(isinstance(word, str) for word in value):
        return value
    return None


def _last_line(text: str) -> str:
    """The last line a command wrote on standard error (its error), without the
    ``dealroom: error:`` that :func:`~dealroom.commands.common.fail` puts before it."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    head, _sep, tail = _("dealroom: error: {message}").partition("{message}")
    last = lines[-1]
    if head and last.startswith(head) and last.endswith(tail):
        return last[len(head) : len(last) - len(tail)]
    return last
