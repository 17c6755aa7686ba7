"""``dealroom verify``: walk the event log's hash chain and say whether it holds, or name
the first event that was changed, removed or moved after it was written."""

from __future__ import annotations

import argparse
from typing import Any

from dealroom.commands import COMMANDS
from dealroom.commands.common import CommandError, Context, UsageError, console
from dealroom.i18n import N_, _
from dealroom.textutil import json_text

#: ``admin add|remove`` and ``approver add|remove``: what each does.
ADMIN_HELP = (("add", N_("make a login an administrator")), ("remove", N_("take it back")))
APPROVER_HELP = (("add", N_("name a person to decide a gate")), ("remove", N_("take it back")))


def register(sub: Any) -> None:
    p = sub.add_parser(
        "verify",
        help=_(COMMANDS["verify"].help),
        description=_(
            "Each event in the log carries a hash over its content and the hash of "
            "the event before it. verify walks the chain from the first event: it names the "
            "first event that was changed, or that no longer follows the one before it (an "
            "event removed, reordered or inserted). Every export and standup minutes ends with "
            "the log's head (log head #4182 3f9a1c2b7d4e): --head 4182:3f9a1c2b7d4e checks "
            "that nothing up to that event changed since it was pasted. Exit status 1 when the "
            "log does not hold."
        ),
    )
    p.add_argument("--head", metavar="ID:HASH", help=_("a head from an export, e.g. 4182:3f9a1c2b"))
    p.add_argument("--json", action="store_true", help=_("machine-readable result"))
    p.set_defaults(handler=cmd_verify)

    admin = sub.add_parser(
        "admin",
        help=_(COMMANDS["admin"].help),
        description=_(
            "Administrators (logins) manage the team and may act for another member "
            'with --as or DEALROOM_USER; the log then records both ("root for ana"). Whoever '
            "made the database is its first administrator; only an administrator names another."
        ),
    ).add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    a = admin.add_parser("list", help=_("the administrators"))
    a.set_defaults(handler=cmd_admin_list)
    for verb, what in ADMIN_HELP:
        a = admin.add_parser(verb, help=_(what))
        a.add_argument("login")
        a.set_defaults(handler=cmd_admin_change, verb=verb)

    approver = sub.add_parser(
        "approver",
        help=_(COMMANDS["approver"].help),
        description=_(
            "A gate is decided by the deal's sponsor (on a level-III deal also by its "
            "AR). The policy may name people who decide a gate on every deal besides them: the "
            "decision board's chair for ATC, say. Only an administrator names or unnames them."
        ),
    ).add_subparsers(dest="approver_command", metavar="ACTION", required=True)
    a = approver.add_parser("list", help=_("the gates and who is named for each"))
    a.add_argument("--json", action="store_true", help=_("machine-readable list"))
    a.set_defaults(handler=cmd_approver_list)
    for verb, what in APPROVER_HELP:
        a = approver.add_parser(verb, help=_(what))
        a.add_argument("gate", help=_("ATI, ATB, ATC, ATAC or ATCC"))
        a.add_argument("handle", help=_("the person's handle"))
        a.set_defaults(handler=cmd_approver_change, verb=verb)


def cmd_verify(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.chain import head_text, parse_head

    witness: tuple[int, str] | None = None
    if args.head is not None:
        try:
            witness = parse_head(args.head)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    with ctx.open() as store:
        walked = store.chain.verify(upto=witness[0] if witness else None)
    holds = walked.broken is None
    if holds and witness is not None and not walked.last_hash.startswith(witness[1]):
        said = _(
            "event #{id} is not the one that was witnessed: its hash is "
            "{hash}, not {witnessed}; the log was rewritten up to it"
        )
        message = said.format(id=witness[0], hash=walked.last_hash[:12], witnessed=witness[1])
        holds = False
    elif walked.broken is not None:
        message = _("the log does not hold: {problem}").format(problem=walked.broken)
    elif walked.last_id is None:
        message = _("The log is empty.")
    else:
        said = (
            _("The log holds up to the witnessed head #{id}: {n} events, head {head}.")
            if witness
            else _("The log holds: {n} events, head {head}.")
        )
        message = said.format(
            id=witness[0] if witness else "",
            n=f"{walked.count:,}",
            head=head_text(walked.last_id, walked.last_hash),
        )
    if args.json:
        print(
            json_text(
                {
                    "ok": holds,
                    "events": walked.count,
                    "head": [walked.last_id, walked.last_hash] if walked.last_id else None,
                    "broken_at": walked.broken.event_id if walked.broken else None,
                    "message": message,
                }
            )
        )
    if not holds:
        raise CommandError(message)
    if not args.json:
        console().print(message, markup=False)
    return 0


def cmd_admin_list(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.textutil import one_line

    with ctx.open() as store:
        names = store.people.administrators()
    for name in names:
        console().print(one_line(name), markup=False)
    return 0


def cmd_admin_change(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.textutil import one_line

    with ctx.open() as store:
        if args.verb == "add":
            store.people.add_administrator(args.login)
            said = _("{login} is an administrator.").format(login=args.login)
        else:
            store.people.remove_administrator(args.login)
            said = _("{login} is no longer an administrator.").format(login=args.login)
    console().print(one_line(said), markup=False)
    return 0


def cmd_approver_list(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain import Gate
    from dealroom.textutil import one_line

    with ctx.open() as store:
        named = store.policy.approvers()
    if args.json:
        print(json_text({g.value: [h for h, _ in named.get(g, [])] for g in Gate}))
        return 0
    for gate in Gate:
        said = _("{gate}: the deal's sponsor (on a level-III deal also its AR){others}")
        others = "".join(
            _(", and {name} ({handle})").format(name=name, handle=handle)
            for handle, name in named.get(gate, [])
        )
        console().print(one_line(said.format(gate=gate.value, others=others)), markup=False)
    return 0


def cmd_approver_change(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain import Gate, rules
    from dealroom.textutil import one_line

    gate = rules.parse_choice(Gate, args.gate, field="gate")
    with ctx.open() as store:
        if args.verb == "add":
            store.policy.name_approver(gate, args.handle)
            said = _("{handle} decides {gate} on every deal.")
        else:
            store.policy.unname_approver(gate, args.handle)
            said = _("{handle} no longer decides {gate} on every deal.")
        said = said.format(handle=args.handle, gate=gate.value)
    console().print(one_line(said), markup=False)
    return 0
