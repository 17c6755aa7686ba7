"""``dealroom rate``: the base (reporting) currency and the exchange rates every total,
funnel, forecast and sort converts at."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from dealroom.commands import COMMANDS
from dealroom.commands.common import Context, console, parse_day
from dealroom.i18n import N_, _, ngettext, pgettext
from dealroom.textutil import json_text

if TYPE_CHECKING:
    from dealroom.domain.cash import Settlement
    from dealroom.store.cash_views import DealCash

#: ``invoice pay|credit|write-off``: what each records.
SETTLE_HELP = (
    ("pay", N_("a payment received")),
    ("credit", N_("a credit note (with --reason)")),
    ("write-off", N_("write off what will not be paid (with --reason)")),
)


def register(sub: Any) -> None:
    rate = sub.add_parser(
        "rate",
        help=_(COMMANDS["rate"].help),
        description=_(
            "Every total, funnel, forecast and sort is in the database's base "
            "currency, converted at the rate in force on the day: the latest one set from that "
            "day or before. A deal whose currency has no rate is counted apart as 'no rate', "
            "never summed. Only an administrator sets the base and the rates."
        ),
    ).add_subparsers(dest="rate_command", metavar="ACTION", required=True)
    p = rate.add_parser("list", help=_("the base currency and the rates in force"))
    p.add_argument("--on", metavar="DAY", help=_("the rates in force on DAY (default today)"))
    p.add_argument("--all", action="store_true", help=_("every rate set, not only those in force"))
    p.add_argument("--json", action="store_true", help=_("machine-readable list"))
    p.set_defaults(handler=cmd_rate_list)
    p = rate.add_parser("set", help=_("what one unit of a currency is worth in the base"))
    p.add_argument("currency", help=_("an ISO 4217 code, e.g. USD"))
    p.add_argument("rate", help=_("units of the base currency, e.g. 7.10"))
    p.add_argument(
        "--from", dest="valid_from", metavar="DAY", help=_("from DAY on (default today)")
    )
    p.set_defaults(handler=cmd_rate_set)
    p = rate.add_parser("base", help=_("make a currency the base (reporting) currency"))
    p.add_argument("currency", help=_("an ISO 4217 code, e.g. CNY"))
    p.set_defaults(handler=cmd_rate_base)
    _register_cash(sub)


def cmd_rate_list(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.money import rate_text

    with ctx.open() as store:
        today = store.today()
        rates = store.money.rates()
    on = parse_day(args.on, today, "--on", toward="past") or today
    shown = [
        (r.currency, r.valid_from, r.rate)
        for r in rates.rates
        if r.base == rates.base
        and (args.all or rates.in_force(on).get(r.currency) == (r.valid_from, r.rate))
    ]
    if args.json:
        print(
            json_text(
                {
                    "base": rates.base,
                    "on": on.isoformat(),
                    "rates": [
                        {"currency": c, "rate": rate_text(r), "from": d.isoformat()}
                        for c, d, r in shown
                    ],
                }
            )
        )
        return 0
    out = console()
    said = _("Base currency: {base} (rates in force on {day})")
    out.print(said.format(base=rates.base, day=on.isoformat()), markup=False)
    if not shown:
        said = _(
            "No rates yet: deals in other currencies count as 'no rate'. Set one with "
            "`dealroom rate set USD 7.10 --from {day}`."
        )
        out.print(said.format(day=on.isoformat()), markup=False)
    for currency, valid_from, rate in shown:
        said = _("1 {currency} = {rate} {base}  from {day}")
        out.print(
            said.format(
                currency=currency, rate=rate_text(rate), base=rates.base, day=valid_from.isoformat()
            ),
            markup=False,
        )
    return 0


def cmd_rate_set(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.money import parse_rate, rate_text

    rate = parse_rate(args.rate)
    with ctx.open() as store:
        valid_from = parse_day(args.valid_from, store.today(), "--from", toward="past")
        set_ = store.money.set_rate(args.currency, rate, valid_from or store.today())
    said = _("1 {currency} = {rate} {base} from {day}.")
    console().print(
        said.format(
            currency=set_.currency,
            rate=rate_text(set_.rate),
            base=set_.base,
            day=set_.valid_from.isoformat(),
        ),
        markup=False,
    )
    return 0


def cmd_rate_base(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        changed = store.money.set_base(args.currency)
        base = store.money.rates().base
    said = (
        _("{base} is the base currency.") if changed else _("{base} is the base currency already.")
    )
    console().print(said.format(base=base), markup=False)
    return 0


def _register_cash(sub: Any) -> None:
    """``plan``, ``invoice`` and ``receivables``."""
    from dealroom.domain.cash import Trigger

    plan = sub.add_parser(
        "plan",
        help=_(COMMANDS["plan"].help),
        description=_(
            "A deal's payment plan: milestones, each a share of the contract or a "
            "fixed amount, with what makes it due (signature, delivery, acceptance, a date). "
            "The plan says whether it adds up to the contract. Kept by the deal's AR or sponsor."
        ),
    ).add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    p = plan.add_parser("show", help=_("the plan, the invoices and what is outstanding"))
    p.add_argument("code")
    p.add_argument("--json", action="store_true", help=_("machine-readable"))
    p.set_defaults(handler=cmd_plan_show)
    p = plan.add_parser("add", help=_("a milestone at the end of the plan"))
    p.add_argument("code")
    p.add_argument("name", help=_('e.g. "30%% on signature"'))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--share", metavar="PCT", help=_("a share of the contract, e.g. 30"))
    what.add_argument("--amount", help=_("a fixed amount in the deal's currency, e.g. 120,000.50"))
    p.add_argument(
        "--trigger",
        choices=[t.value for t in Trigger],
        default=Trigger.SIGNATURE.value,
        help=_("what makes it due for invoicing (default signature)"),
    )
    p.add_argument("--planned", metavar="DAY", help=_("the day it is planned for"))
    p.set_defaults(handler=cmd_plan_add)
    p = plan.add_parser("remove", help=_("take a milestone with no invoice off the plan"))
    p.add_argument("milestone_id", type=int, metavar="MILESTONE_ID")
    p.set_defaults(handler=cmd_plan_remove)

    invoice = sub.add_parser(
        "invoice",
        help=_(COMMANDS["invoice"].help),
        description=_(
            "Invoices of a won deal, against its milestones, and what settles them: "
            "payments (part or whole; never more than is outstanding), credit notes and "
            "write-offs (each with a reason). Kept by the deal's AR or sponsor."
        ),
    ).add_subparsers(dest="invoice_command", metavar="ACTION", required=True)
    p = invoice.add_parser("add", help=_("raise an invoice"))
    p.add_argument("code")
    p.add_argument("number", help=_("the invoice's number, unique, e.g. INV-2026-014"))
    p.add_argument("--milestone", type=int, metavar="ID", help=_("the milestone it bills"))
    p.add_argument("--amount", help=_("default: what the milestone has not been invoiced for"))
    p.add_argument("--date", metavar="DAY", help=_("the invoice's day (default today)"))
    p.add_argument("--terms", type=int, default=30, help=_("days until due (default 30)"))
    p.add_argument("--note", default="")
    p.set_defaults(handler=cmd_invoice_add)
    for verb, what_ in SETTLE_HELP:
        p = invoice.add_parser(verb, help=_(what_))
        p.add_argument("number", help=_("the invoice's number"))
        p.add_argument("amount", help=_("in the deal's currency, e.g. 180,000 or 1.2m"))
        p.add_argument("--date", metavar="DAY", help=_("the day (default today)"))
        p.add_argument("--reason", default="", help=_("why (a credit note or write-off needs one)"))
        p.set_defaults(handler=cmd_invoice_settle, kind=verb)
    p = invoice.add_parser("due", help=_("move the day an invoice falls due"))
    p.add_argument("number")
    p.add_argument("day")
    p.set_defaults(handler=cmd_invoice_due)

    p = sub.add_parser(
        "receivables",
        help=_(COMMANDS["receivables"].help),
        description=_(
            "Every invoice with something outstanding, aged by days past due "
            "(current, 1-30, 31-60, 61-90, over 90) on a day, per customer and per AR, in the "
            "base currency; what has no rate is counted apart in its own currency."
        ),
    )
    p.add_argument("--as-of", dest="as_of", metavar="DAY", help=_("the day (default today)"))
    p.add_argument("--json", action="store_true", help=_("machine-readable"))
    p.set_defaults(handler=cmd_receivables)


def settlement_word(kind: Settlement) -> str:
    """A payment, a credit note or a write-off, as ``plan show`` lists it."""
    words = {
        "payment": pgettext("what settles an invoice", "payment"),
        "credit": pgettext("what settles an invoice", "credit"),
        "write_off": pgettext("what settles an invoice", "write_off"),
    }
    return words.get(kind.value, kind.value)


def _cash_text(cash: DealCash) -> list[str]:
    from dealroom.domain.cash import share_text
    from dealroom.domain.money import minor_to_text
    from dealroom.textutil import one_line

    cur = cash.currency

    def m(minor: int) -> str:
        return f"{minor_to_text(minor, cur)} {cur}"

    contract = _("contract {amount}").format(amount=m(cash.contract))
    from dealroom.export.cash import plan_sentence

    out = [f"{cash.code} · {contract} · {plan_sentence(cash.check, cur, clause=True)}"]
    if not cash.plan:
        out.append("  " + _("no payment plan yet: `dealroom plan add CODE NAME --share PCT`"))
    for p in cash.plan:
        ms = p.milestone
        part = share_text(ms.share_bp) if ms.share_bp is not None else _("fixed")
        facts = [f"#{ms.id} {one_line(ms.name)}", part, m(p.amount)]
        facts.append(_("on {trigger}").format(trigger=ms.trigger.label))
        if ms.planned:
            facts.append(_("planned {day}").format(day=ms.planned.isoformat()))
        if p.invoiced:
            facts.append(_("invoiced {amount}").format(amount=m(p.invoiced)))
        if p.to_invoice:
            facts.append(_("due for invoicing {amount}").format(amount=m(p.to_invoice)))
        out.append("  " + " · ".join(facts))
    for i in cash.invoices:
        inv = i.invoice
        if not i.outstanding:
            state = _("paid")
        elif i.days_overdue:
            state = ngettext(
                "outstanding {amount} · {n} day overdue",
                "outstanding {amount} · {n} days overdue",
                i.days_overdue,
            ).format(amount=m(i.outstanding), n=i.days_overdue)
        else:
            state = _("outstanding {amount}").format(amount=m(i.outstanding))
        facts = [
            _("invoice {number}").format(number=one_line(inv.number)),
            inv.issued.isoformat(),
            m(inv.amount),
            _("due {day}").format(day=inv.due.isoformat()),
            state,
        ]
        out.append("  " + " · ".join(facts))
        for x in i.settlements:
            why = f" ({one_line(x.reason)})" if x.reason else ""
            out.append(f"    {x.on.isoformat()} {settlement_word(x.kind)} {m(x.amount)}{why}")
    if cash.invoices:
        said = _("invoiced {amount} · outstanding {left}")
        out.append("  " + said.format(amount=m(cash.invoiced), left=m(cash.outstanding)))
    return out


def cmd_plan_show(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        cash = store.cash.deal(args.code)
    if args.json:
        print(json_text(cash_json(cash)))
        return 0
    out = console()
    for line in _cash_text(cash):
        out.print(line, markup=False)
    return 0


def cash_json(cash: DealCash) -> dict[str, Any]:
    return {
        "code": cash.code,
        "currency": cash.currency,
        "minor_places": _places(cash.currency),
        "contract": cash.contract,
        "plan_adds_up": cash.check.adds_up,
        "plan_gap": cash.check.gap,
        "milestones": [
            {
                "id": p.milestone.id,
                "name": p.milestone.name,
                "share_bp": p.milestone.share_bp,
                "amount": p.amount,
                "trigger": p.milestone.trigger.value,
                "planned": p.milestone.planned.isoformat() if p.milestone.planned else None,
                "invoiced": p.invoiced,
                "due_for_invoicing": p.due,
            }
            for p in cash.plan
        ],
        "invoices": [
            {
                "number": i.invoice.number,
                "milestone_id": i.invoice.milestone_id,
                "issued": i.invoice.issued.isoformat(),
                "due": i.invoice.due.isoformat(),
                "amount": i.invoice.amount,
                "outstanding": i.outstanding,
                "days_overdue": i.days_overdue,
                "settlements": [
                    {"kind": x.kind.value, "on": x.on.isoformat(), "amount": x.amount,
                     "reason": x.reason}
                    for x in i.settlements
                ],
            }
            for i in cash.invoices
        ],
    }  # fmt: skip


def _places(currency: str) -> int:
    from dealroom.domain.money import minor_places

    return minor_places(currency)


def cmd_plan_add(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.cash import Trigger, check_share
    from dealroom.domain.money import parse_minor

    with ctx.open() as store:
        currency = store.reads.deal(args.code).currency
        share = check_share(args.share) if args.share is not None else None
        amount = parse_minor(args.amount, currency) if args.amount is not None else None
        planned = parse_day(args.planned, store.today(), "--planned")
        made = store.cash.add_milestone(
            args.code,
            args.name,
            share_bp=share,
            amount=amount,
            trigger=Trigger(args.trigger),
            planned=planned,
        )
        cash = store.cash.deal(args.code)
    said = _("Added milestone #{id} to {code}; {plan}.")
    from dealroom.export.cash import plan_sentence

    plan = plan_sentence(cash.check, cash.currency, clause=True)
    console().print(said.format(id=made.id, code=cash.code, plan=plan), markup=False)
    return 0


def cmd_plan_remove(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        store.cash.delete_milestone(args.milestone_id)
    console().print(_("Removed milestone #{id}.").format(id=args.milestone_id), markup=False)
    return 0


def cmd_invoice_add(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.money import minor_to_text, parse_minor

    with ctx.open() as store:
        currency = store.reads.deal(args.code).currency
        amount = parse_minor(args.amount, currency) if args.amount is not None else None
        issued = parse_day(args.date, store.today(), "--date", toward="past")
        inv = store.cash.raise_invoice(
            args.code,
            args.number,
            milestone_id=args.milestone,
            issued=issued,
            amount=amount,
            terms=args.terms,
            note=args.note,
        )
    said = _("Invoice {number}: {amount} {currency}, due {day}.")
    console().print(
        said.format(
            number=inv.number,
            amount=minor_to_text(inv.amount, currency),
            currency=currency,
            day=inv.due.isoformat(),
        ),
        markup=False,
    )
    return 0


def cmd_invoice_settle(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.cash import Settlement
    from dealroom.domain.money import minor_to_text, parse_minor

    kind = {"pay": Settlement.PAYMENT, "credit": Settlement.CREDIT}.get(
        args.kind, Settlement.WRITE_OFF
    )
    with ctx.open() as store:
        currency = store.cash.invoice(args.number).currency
        amount = parse_minor(args.amount, currency)
        on = parse_day(args.date, store.today(), "--date", toward="past")
        state = store.cash.settle(args.number, amount, kind=kind, on=on, reason=args.reason)
    left = minor_to_text(state.outstanding, currency)
    said = (
        _("Invoice {number}: paid in full.")
        if not state.outstanding
        else _("Invoice {number}: {amount} {currency} outstanding.")
    )
    message = said.format(number=state.invoice.number, amount=left, currency=currency)
    console().print(message, markup=False)
    return 0


def cmd_invoice_due(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        day = parse_day(args.day, store.today(), "due")
        inv = store.cash.update_invoice(args.number, due=day)
    said = _("Invoice {number} falls due {day}.")
    console().print(said.format(number=inv.number, day=inv.due.isoformat()), markup=False)
    return 0


def cmd_receivables(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.export.cash import ageing_markdown, receivables_json

    with ctx.open() as store:
        as_of = parse_day(args.as_of, store.today(), "--as-of", toward="past") or store.today()
        owed = store.cash.receivables(as_of=as_of)
        base = store.money.rates().base
    if args.json:
        print(json_text(receivables_json(owed, as_of, base)))
        return 0
    print(ageing_markdown(owed, as_of, base), end="")
    return 0
