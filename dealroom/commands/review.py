"""``dealroom review``: a deal review meeting's agenda, which deals need one, and the
record that one was held."""

from __future__ import annotations

import argparse
from typing import Any

from dealroom import i18n
from dealroom.commands import COMMANDS
from dealroom.commands.common import Context, UsageError, parse_day
from dealroom.commands.export import lang_argument, output_arguments, report_language
from dealroom.i18n import _


def register(sub: Any) -> None:
    p = sub.add_parser(
        "review",
        help=_(COMMANDS["review"].help),
        description=_(
            "Without --held, write the agenda of a deal review meeting as Markdown, "
            "drawn from the deal's data: background and why the review is due, the decision "
            "chain and its gaps, customer and competitor moves since the last review, strengths "
            "and weaknesses, and the next actions with owner, date and check point. With "
            "--due, list the active deals that need a review and why. With --held, record that "
            "the deal's review was held (today, or --on DATE), which clears the reasons up to "
            "that day."
        ),
    )
    p.add_argument("code", nargs="?", metavar="CODE", help=_("the deal"))
    p.add_argument("--due", action="store_true", help=_("list the deals that need a review"))
    p.add_argument("--held", action="store_true", help=_("record that the review was held"))
    p.add_argument("--on", metavar="DATE", help=_("with --held: the day it was held"))
    p.add_argument("--note", default="", help=_("with --held: what was decided"))
    output_arguments(p)
    lang_argument(p)
    p.set_defaults(handler=cmd_review)


def cmd_review(ctx: Context, args: argparse.Namespace) -> int:
    with i18n.speaking(report_language(args)):
        return _review(ctx, args)


def _review(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.commands.export import write

    if args.due == bool(args.code):
        raise UsageError(_("give a deal code, or --due (not both)"))
    if args.due and (args.held or args.output):
        raise UsageError(_("--due lists the deals that need a review: leave out --held and -o"))
    if args.held and args.output:
        raise UsageError(_("--held records a review; -o goes with the agenda: leave out one"))
    if not args.held and (args.on or args.note):
        raise UsageError(_("--on and --note go with --held"))
    with ctx.open() as store:
        if args.due:
            due = store.methods.deals_needing_review()
            lines = [f"{code}: {'; '.join(reasons)}" for code, reasons in due.items()]
            from dealroom.textutil import one_line

            print("\n".join(one_line(line) for line in lines) or _("no deal needs a review"))
            return 0
        if args.held:
            day = parse_day(args.on, store.today(), "--on", toward="past")
            held = store.methods.record_review(args.code, held_on=day, note=args.note)
            said = _("recorded the review of {code} held on {day}")
            print(said.format(code=args.code.strip().upper(), day=held.held_on))
            return 0
        agenda = store.methods.review_agenda(args.code)
        head = store.chain.head()
    from dealroom.domain.chain import witnessed
    from dealroom.export.escape import md

    write(witnessed(agenda.to_markdown(md), head), ctx, args)
    return 0
