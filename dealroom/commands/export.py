"""``dealroom export``: deal status as Markdown, for chat, mail or a wiki."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealroom import i18n
from dealroom.commands import COMMANDS
from dealroom.commands.common import CommandError, Context, UsageError, parse_day
from dealroom.domain import rules
from dealroom.i18n import _, ngettext

if TYPE_CHECKING:
    from dealroom.store import Store


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help=_(COMMANDS["export"].help),
        description=_(
            "A status report per deal as GitHub-flavoured Markdown: title line, LTC "
            "timeline with gate states, each role's tasks, risks and handoffs, and what changed "
            "since --since. With --all, a portfolio summary heads the report. Same data and "
            "dates, same output."
        ),
    )
    p.add_argument("codes", nargs="*", metavar="CODE", help=_("deal codes"))
    p.add_argument("--all", action="store_true", help=_("every active deal"))
    p.add_argument(
        "--format",
        choices=["markdown", "json", "csv"],
        default="markdown",
        help=_(
            "markdown (the report), json (the data, schema in docs/EXPORT_JSON.md) or csv "
            "(a deals sheet, formulas neutralised)"
        ),
    )
    output_arguments(p)
    lang_argument(p)
    p.add_argument("--since", help=_("list the changes since this date (UTC midnight)"))
    p.add_argument("--today", help=_("the day overdue and ages are counted from (default today)"))
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "standup",
        help=_(COMMANDS["standup"].help),
        description=_(
            "What the standup screen walks, for a cron job or a chat bot: per open "
            "deal (most urgent first) and role, the changes since the last recorded standup (or "
            "the last 24 hours, or --since), what is due or overdue, blocked work, handoffs "
            "waiting and the top risks."
        ),
    )
    p.add_argument("--since", help=_("changes since this date (UTC midnight)"))
    p.add_argument("--today", help=_("the day overdue is counted from (default today)"))
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--mine", action="store_true", help=_("only deals you are a member of"))
    scope.add_argument("--role", help=_("only one side of every deal: AR, SR or FR"))
    scope.add_argument("--person", metavar="HANDLE", help=_("only the deals this person leads"))
    past = p.add_mutually_exclusive_group()
    past.add_argument(
        "--list",
        action="store_true",
        help=_("the past standups, newest first, with their numbers"),
    )
    past.add_argument(
        "--show", metavar="N", type=int, help=_("the minutes of past standup N (see --list)")
    )
    output_arguments(p)
    lang_argument(p)
    p.set_defaults(handler=cmd_standup)

    p = sub.add_parser(
        "calendar",
        help=_(COMMANDS["calendar"].help),
        description=_(
            "The dates of every active deal as an iCalendar file for a calendar app: "
            "open tasks' and sent handoffs' due days, the stages' planned days not reached yet "
            "(with the gate review that opens each), and invoices' due days while money is "
            "outstanding. Each event keeps its UID, so importing the file again updates the "
            "events rather than adding copies."
        ),
    )
    p.add_argument("--mine", action="store_true", help=_("only deals you are a member of"))
    output_arguments(p)
    lang_argument(p)
    p.set_defaults(handler=cmd_calendar)


def lang_argument(p: argparse.ArgumentParser) -> None:
    """``--lang LANG`` after the command too (``dealroom export --all --lang zh_CN``): the
    language the report is written in. Before the command it is the global option, the
    same ``args.lang``; unset here, it leaves that one as it is."""
    p.add_argument(
        "--lang",
        metavar="LANG",
        default=argparse.SUPPRESS,
        help=_("the report's language, e.g. zh_CN (default: the language dealroom speaks)"),
    )


def report_language(args: argparse.Namespace) -> str | None:
    """The language ``--lang`` asks the report in (None: the one spoken)."""
    lang: str | None = getattr(args, "lang", None)
    return i18n.normalise(lang) if lang else None


def cmd_calendar(ctx: Context, args: argparse.Namespace) -> int:
    with i18n.speaking(report_language(args)):
        return _calendar(ctx, args)


def _calendar(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.export.calendar import calendar

    with ctx.open() as store:
        codes = [r.deal.code for r in store.reads.pipeline(mine=True)] if args.mine else None
        rooms = store.reads.deal_rooms(codes) if codes is None or codes else []
        cashes = store.cash.of_deals([r.deal for r in rooms], today=store.today())
        stamp = store.now()
    text = calendar(rooms, cashes, stamp).decode("utf-8")
    if args.output is None or args.output == "-":
        # the format's CRLF line ends as they are: its user text is made inert already
        getattr(sys.stdout, "raw", sys.stdout).write(text)
        return 0
    write(text, ctx, args)
    return 0


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    with i18n.speaking(report_language(args)):
        return _export(ctx, args)


def _export(ctx: Context, args: argparse.Namespace) -> int:
    if bool(args.codes) == bool(args.all):
        raise UsageError(_("give deal codes or --all (not both)"))
    from dealroom.export.report import status_report_pieces

    with ctx.open() as store:
        today = parse_day(args.today, store.today(), "--today") or store.today()
        since = parse_day(args.since, today, "--since", toward="past")
        codes = None if args.all else args.codes
        # Written as the deals are read, a page at a time.
        if args.format == "json":
            _json_export(store, codes, today, ctx, args)
        elif args.format == "csv":
            from dealroom.export.csv_export import deals_csv

            rooms = (deal.room for page in store.pages.deals(codes, today=today) for deal in page)
            write_pieces(deals_csv(rooms), ctx, args)
        else:
            pieces = status_report_pieces(store, codes, today=today, since=since, summary=args.all)
            write_pieces(pieces, ctx, args)
    return 0


def _json_export(
    store: Store, codes: list[str] | None, today: date, ctx: Context, args: argparse.Namespace
) -> None:
    from dealroom.export.json_export import export_json

    pieces = export_json(
        ((deal.room, deal.cash) for page in store.pages.deals(codes, today=today) for deal in page),
        exported_at=store.now(),
        base_currency=store.money.rates().base,
        log_head=store.chain.head(),
    )
    write_pieces(pieces, ctx, args)


def ended(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces, and a newline after them unless the last that says anything ends with
    one."""
    last = ""
    for piece in pieces:
        if piece:
            last = piece
            yield piece
    if not last.endswith("\n"):
        yield "\n"


def output_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=_("write here instead of stdout (never the database, nor through a symbolic link)"),
    )
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))


def write(text: str, ctx: Context, args: argparse.Namespace) -> None:
    """``text`` to standard output, or to ``-o FILE`` safely (:mod:`dealroom.files`)."""
    write_pieces([text], ctx, args)


def write_pieces(pieces: Iterable[str], ctx: Context, args: argparse.Namespace) -> None:
    """A text made of ``pieces``, each written as it comes (a long report never whole in
    memory), ending with a newline; to standard output, or to ``-o FILE`` safely, where
    nothing is left if making the text fails (:mod:`dealroom.files`)."""
    from dealroom.files import database_files, write_file

    output: str | None = args.output
    if output is None or output == "-":
        for piece in ended(pieces):
            sys.stdout.write(piece)
        return
    path = Path(output).expanduser()
    try:
        protect = database_files(ctx.db_file())
        size = write_file(path, ended(pieces), force=args.force, protect=protect)
    except OSError as exc:
        said = _("cannot write {file}: {why}").format(file=path, why=exc.strerror or exc)
        raise CommandError(said) from None
    said = ngettext("Wrote {file} ({n} byte).", "Wrote {file} ({n} bytes).", size)
    print(said.format(file=path, n=f"{size:,}"), file=sys.stderr)


def cmd_standup(ctx: Context, args: argparse.Namespace) -> int:
    with i18n.speaking(report_language(args)):
        return _standup(ctx, args)


def _standup(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.chain import witnessed_pieces
    from dealroom.export.digest import scoped, walked
    from dealroom.export.report import midnight
    from dealroom.export.standup import digest_pieces

    if args.list or args.show is not None:
        return _past_standups(ctx, args)
    scope = "team"
    if args.role:
        scope = rules.check_scope(f"role:{args.role}")
    elif args.person:
        scope = rules.check_scope(f"person:{args.person}")
    with ctx.open() as store:
        today = parse_day(args.today, store.today(), "--today") or store.today()
        day = parse_day(args.since, today, "--since", toward="past")
        since = midnight(day) if day is not None else store.standups.default_since()
        codes = [r.deal.code for r in store.reads.pipeline(mine=True)] if args.mine else None
        names = {p.handle: p.name for p in store.reads.people()}
        pages = store.pages.deals(codes, today=today, since=since)
        digests = (
            d
            for page in pages
            for d in scoped(list(walked(((x.room, x.events, x.cash) for x in page), today)), scope)
        )
        pieces = digest_pieces(digests, since=since, today=today, names=names)
        write_pieces(witnessed_pieces(pieces, store.chain.head), ctx, args)
    return 0


def _past_standups(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.export.digest import kept_minutes, standup_line

    with ctx.open() as store:
        names = {p.handle: p.name for p in store.reads.people()}
        if args.list:
            lines = [standup_line(s, names) for s in store.standups.past()]
            write("\n".join(lines) if lines else _("No standups yet."), ctx, args)
            return 0
        past = store.standups.past_standup(args.show)
    write(kept_minutes(past.record, past.actions, names, past.codes), ctx, args)
    return 0
