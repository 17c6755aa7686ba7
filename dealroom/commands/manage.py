"""Commands that change the set-up: deals, people, and the schema."""

from __future__ import annotations

import argparse
from typing import Any

from dealroom.commands import COMMANDS
from dealroom.commands.common import (
    CommandError,
    Context,
    UsageError,
    console,
    parse_day,
    state_word,
)
from dealroom.domain import TRIANGLE, DealStatus, Level, Role, Tier, rules
from dealroom.i18n import _, pgettext
from dealroom.store.inputs import DealUpdate
from dealroom.textutil import money, one_line


def register(sub: Any) -> None:
    deal = sub.add_parser("deal", help=_(COMMANDS["deal"].help)).add_subparsers(
        dest="deal_command", metavar="ACTION", required=True
    )
    p = deal.add_parser("add", help=_("a new deal (as a Lead, or --stage opportunity)"))
    p.add_argument("code", help=_("deal code such as ACME-5G (letters, digits, - _ .)"))
    p.add_argument("--name", required=True)
    p.add_argument("--account", required=True, help=_("customer; created if new"))
    p.add_argument("--tier", help=_("tier of a new account: S, A, B or C (default C)"))
    _deal_fields(p)
    p.add_argument("--stage", default="lead", help=_("lead (default) or opportunity"))
    for role in TRIANGLE:
        p.add_argument(
            f"--{role.value.lower()}", metavar="HANDLE", help=f"{role.long_name} ({role.value})"
        )
    p.set_defaults(handler=cmd_deal_add)

    p = deal.add_parser("edit", help=_("change a deal's fields"))
    p.add_argument("code")
    p.add_argument("--name")
    p.add_argument("--account", help=_("move to this customer (created if new)"))
    _deal_fields(p)
    p.set_defaults(handler=cmd_deal_edit)

    p = deal.add_parser(
        "status",
        help=_("mark a deal won, lost or dropped (with --reason), or open again"),
        description=_(
            "Won is for a signed contract (Contract or later); lost and dropped need "
            "a reason, which the log keeps. 'open' reopens a lost or dropped deal."
        ),
    )
    p.add_argument("code")
    p.add_argument("status", type=str.lower, choices=[s.value for s in DealStatus])
    p.add_argument("--reason", default="", help=_("why (needed for lost and dropped)"))
    p.set_defaults(handler=cmd_deal_status)

    person = sub.add_parser("person", help=_(COMMANDS["person"].help)).add_subparsers(
        dest="person_command", metavar="ACTION", required=True
    )
    p = person.add_parser("add", help=_("add a team member"))
    p.add_argument("handle", help=_("their login name, used by --as and DEALROOM_USER"))
    p.add_argument("name", help=_("full name as shown"))
    p.add_argument("--email", default="")
    p.set_defaults(handler=cmd_person_add)
    p = person.add_parser("list", help=_("everyone the deal room knows"))
    p.set_defaults(handler=cmd_person_list)

    account = sub.add_parser("account", help=_(COMMANDS["account"].help)).add_subparsers(
        dest="account_command", metavar="ACTION", required=True
    )
    p = account.add_parser("add", help=_("a new customer account"))
    p.add_argument("name")
    p.add_argument("--tier", default="C", help=_("S, A, B or C (default C)"))
    p.set_defaults(handler=cmd_account_add)
    p = account.add_parser("edit", help=_("rename an account or change its tier"))
    p.add_argument("name", help=_("the account's name now"))
    p.add_argument("--name", dest="new_name", metavar="NEW", help=_("its new name"))
    p.add_argument("--tier", help=_("S, A, B or C"))
    p.set_defaults(handler=cmd_account_edit)
    p = account.add_parser("list", help=_("every account, with its tier"))
    p.set_defaults(handler=cmd_account_list)

    member = sub.add_parser(
        "member",
        help=_(COMMANDS["member"].help),
        description=_(
            "Who works a deal. AR, SR, FR and the sponsor (who approves the deal's "
            "gates and receives its escalations) are one person each: setting one replaces "
            "whoever held it. A deal may have many experts."
        ),
    ).add_subparsers(dest="member_command", metavar="ACTION", required=True)
    p = member.add_parser("set", help=_("make a person AR, SR, FR, sponsor or an expert of a deal"))
    p.add_argument("code")
    p.add_argument("role", help=_("AR, SR, FR, sponsor or expert"))
    p.add_argument("handle")
    p.set_defaults(handler=cmd_member_set)
    p = member.add_parser("remove", help=_("take a person off a deal"))
    p.add_argument("code")
    p.add_argument("role", help=_("AR, SR, FR, sponsor or expert"))
    p.add_argument("handle", nargs="?", help=_("who (may be left out for a one-person role)"))
    p.set_defaults(handler=cmd_member_remove)
    p = member.add_parser("list", help=_("a deal's members, role by role"))
    p.add_argument("code")
    p.set_defaults(handler=cmd_member_list)

    p = sub.add_parser("upgrade", help=_(COMMANDS["upgrade"].help))
    p.set_defaults(handler=cmd_upgrade)


def _deal_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--amount", help=_("whole units: 1200000, 1,200,000, 1.2m, 300k"))
    p.add_argument("--currency", help=_("3-letter code (default CNY)"))
    p.add_argument("--close", help=_("expected close date: 2026-12-01, +90d, dec 1"))
    p.add_argument("--level", help=_("project level I, II or III"))
    p.add_argument("--probability", help=_("win probability 0-100 set by hand; 'auto' clears it"))


def _field_values(store: Any, args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if args.amount is not None:
        values["amount"] = rules.parse_amount(args.amount)
    if args.currency is not None:
        values["currency"] = rules.check_currency(args.currency)
    if args.close is not None:
        values["close_date"] = parse_day(args.close, store.today(), "--close")
    if args.level is not None:
        values["level"] = rules.parse_choice(Level, args.level, field="level")
    if args.probability is not None:
        values["probability"] = rules.parse_probability(args.probability)
    return values


def cmd_deal_add(ctx: Context, args: argparse.Namespace) -> int:
    stage = rules.parse_stage(args.stage)
    tier = rules.parse_choice(Tier, args.tier, field="tier") if args.tier else None
    leads = {role: getattr(args, role.value.lower()) for role in TRIANGLE}
    with ctx.open() as store:
        values = _field_values(store, args)
        deal = store.deals.create_deal(
            args.code,
            args.name,
            args.account,
            stage=stage,
            tier=tier,
            leads={r: h for r, h in leads.items() if h},
            **values,
        )
    said = _("Created {code} for {account}: {amount} at {stage} ({n}%).")
    console().print(
        said.format(
            code=deal.code,
            account=one_line(deal.account),
            amount=money(deal.amount, deal.currency),
            stage=_(deal.stage.label),
            n=deal.probability,
        ),
        markup=False,
    )
    return 0


#: The fields ``deal edit`` may change, in the order it names those it changed.
EDITED = ("name", "account", "amount", "currency", "close_date", "level", "probability")


def field_word(name: str) -> str:
    """A deal's field (``close_date``) as ``deal edit`` names it, in the language spoken."""
    words = {
        "name": pgettext("a deal's field", "name"),
        "account": pgettext("a deal's field", "account"),
        "amount": pgettext("a deal's field", "amount"),
        "currency": pgettext("a deal's field", "currency"),
        "close_date": pgettext("a deal's field", "close_date"),
        "level": pgettext("a deal's field", "level"),
        "probability": pgettext("a deal's field", "probability"),
    }
    return words[name]


def cmd_deal_edit(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        values = _field_values(store, args)
        if args.name is not None:
            values["name"] = args.name
        if args.account is not None:
            values["account"] = args.account
        if not values:
            raise CommandError(
                _(
                    "nothing to change: give at least one of --name, --account, "
                    "--amount, --currency, --close, --level, --probability"
                )
            )
        before = store.reads.deal(args.code)
        after = store.deals.update_deal(args.code, DealUpdate(**values), version=before.version)
    changed = [field_word(k) for k in EDITED if getattr(before, k) != getattr(after, k)]
    separator = pgettext("between the names of a list", ", ")
    what = separator.join(changed) if changed else _("nothing (the values were already set)")
    console().print(_("Updated {code}: {what}.").format(code=after.code, what=what), markup=False)
    return 0


def cmd_deal_status(ctx: Context, args: argparse.Namespace) -> int:
    status = DealStatus(args.status)
    with ctx.open() as store:
        before = store.reads.deal(args.code)
        if before.status is status and not args.reason:
            said = _("{code} is already {status}.")
            console().print(said.format(code=before.code, status=state_word(status)), markup=False)
            return 0
        after = store.deals.set_status(before.code, status, args.reason, version=before.version)
    said = (
        _("Marked {code} {status}: {reason}.")
        if after.status_reason
        else _("Marked {code} {status}.")
    )
    message = said.format(
        code=after.code, status=state_word(after.status), reason=one_line(after.status_reason or "")
    )
    console().print(message, markup=False)
    return 0


def cmd_person_add(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        person = store.people.add_person(args.handle, args.name, args.email)
    said = _("Added {name} ({handle}).")
    console().print(said.format(name=one_line(person.name), handle=person.handle), markup=False)
    return 0


def _listing(lines: list[str], empty: str) -> int:
    """Print a list a line each, or what to do when it is empty."""
    out = console()
    for line in lines or [empty]:
        out.print(line, markup=False)
    return 0


def cmd_person_list(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        people = store.reads.people()
    lines = [f"{p.handle:<14} {one_line(p.name)}" for p in people]
    return _listing(lines, _("Nobody yet: `dealroom person add HANDLE NAME`."))


def cmd_account_add(ctx: Context, args: argparse.Namespace) -> int:
    tier = rules.parse_choice(Tier, args.tier, field="tier")
    with ctx.open() as store:
        account = store.people.add_account(args.name, tier)
    said = _("Added account {name} (tier {tier}).")
    console().print(said.format(name=one_line(account.name), tier=account.tier.value), markup=False)
    return 0


def cmd_account_edit(ctx: Context, args: argparse.Namespace) -> int:
    if args.new_name is None and args.tier is None:
        raise UsageError(_("say what to change: --name NEW, --tier S|A|B|C, or both"))
    tier = rules.parse_choice(Tier, args.tier, field="tier") if args.tier is not None else None
    with ctx.open() as store:
        before = store.reads.account(args.name)
        after = store.people.edit_account(
            before.name, new_name=args.new_name, tier=tier, version=before.version
        )
    if after.version == before.version:
        said = _("{name} is already tier {tier}; nothing changed.")
    else:
        said = _("Account {name}, tier {tier}.")
    console().print(said.format(name=one_line(after.name), tier=after.tier.value), markup=False)
    return 0


def cmd_account_list(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        accounts = store.reads.accounts()
    lines = [f"{a.tier.value}  {one_line(a.name)}" for a in accounts]
    return _listing(lines, _("No accounts yet: `dealroom account add NAME --tier B`."))


def _role(text: str) -> Role:
    return rules.parse_choice(Role, text, field="role")


def cmd_member_set(ctx: Context, args: argparse.Namespace) -> int:
    role = _role(args.role)
    with ctx.open() as store:
        code = store.reads.deal(args.code).code
        store.deals.set_member(code, role, args.handle)
        room = store.reads.deal_room(code)
    names = [m.name for m in room.members if m.role is role]
    console().print(f"{code} {role.value}: {', '.join(map(one_line, names))}", markup=False)
    return 0


def cmd_member_remove(ctx: Context, args: argparse.Namespace) -> int:
    role = _role(args.role)
    if args.handle is None and not role.single:
        raise UsageError(_("say which expert: dealroom member remove CODE expert HANDLE"))
    with ctx.open() as store:
        code = store.reads.deal(args.code).code
        store.deals.remove_member(code, role, args.handle)
        room = store.reads.deal_room(code)
    left = [one_line(m.name) for m in room.members if m.role is role]
    console().print(f"{code} {role.value}: {', '.join(left) or _('nobody')}", markup=False)
    return 0


def cmd_member_list(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        room = store.reads.deal_room(args.code)
    out = console()
    for role in Role:
        held = [f"{one_line(m.name)} ({m.handle})" for m in room.members if m.role is role]
        out.print(f"{role.value:<8} {', '.join(held) or '—'}", markup=False)
    return 0


def cmd_upgrade(ctx: Context, args: argparse.Namespace) -> int:
    """Bring the schema up to date; every failure is one line (exit 4: the database)."""
    from sqlalchemy.exc import DBAPIError

    from dealroom.store.engine import (
        HEAD_REVISION,
        check_sqlite_file,
        current_revision,
        describe_url,
        ensure_schema,
        explain_not_writable,
        explain_operational,
        make_engine,
        sqlite_path,
    )
    from dealroom.store.errors import ReadOnlyError
    from dealroom.store.location import resolve_url

    url = resolve_url(ctx.db)
    where = describe_url(url)
    path = sqlite_path(url)
    writable = check_sqlite_file(path) if path else True
    engine = make_engine(url, read_only=not writable)
    try:
        before = current_revision(engine)
        if before == HEAD_REVISION:
            said = _("{database} is up to date (schema {revision}).")
            print(said.format(database=where, revision=HEAD_REVISION))
            return 0
        if not writable and path is not None:
            said = _("cannot upgrade {database}: {why}")
            raise ReadOnlyError(said.format(database=where, why=explain_not_writable(path)))
        ensure_schema(engine, may_write=True)
    except DBAPIError as exc:
        raise explain_operational(exc, url) from None
    finally:
        engine.dispose()
    if before:
        said = _("Upgraded {database} from schema {old} to {revision}.")
    else:
        said = _("Upgraded {database} from schema empty to {revision}.")
    print(said.format(database=where, old=before, revision=HEAD_REVISION))
    return 0
