"""Money owed, as Markdown and JSON: ``dealroom receivables`` (the ageing report) and a
deal's payment plan and receivables in its export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from dealroom.domain.cash import Age, PlanCheck, share_text
from dealroom.domain.cashflow import CashForecast
from dealroom.domain.money import minor_places, minor_to_text
from dealroom.export.escape import md, table
from dealroom.i18n import N_, _, ngettext, pgettext
from dealroom.store.cash_views import DealCash, Receivable

#: An age bucket's column, as the ageing report heads it (the stored value is the key).
AGE_WORD = {
    Age.CURRENT: N_("Current"),
    Age.D1_30: N_("1–30 days"),
    Age.D31_60: N_("31–60 days"),
    Age.D61_90: N_("61–90 days"),
    Age.OVER_90: N_("Over 90 days"),
}


def plan_sentence(check: PlanCheck, currency: str, *, clause: bool = False) -> str:
    """``The plan adds up to the contract, 1,200,000.00 CNY.`` or ``The plan is … short
    of the contract, …``; with ``clause``, the same as a clause of a line (``the plan adds
    up to the contract, 1,200,000.00 CNY``)."""
    total = f"{minor_to_text(check.contract, currency)} {currency}"
    gap = f"{minor_to_text(abs(check.gap), currency)} {currency}"
    if check.adds_up:
        said = (
            _("the plan adds up to the contract, {total}")
            if clause
            else _("The plan adds up to the contract, {total}.")
        )
    elif check.gap > 0:
        said = (
            _("the plan is {gap} short of the contract, {total}")
            if clause
            else _("The plan is {gap} short of the contract, {total}.")
        )
    else:
        said = (
            _("the plan is {gap} over the contract, {total}")
            if clause
            else _("The plan is {gap} over the contract, {total}.")
        )
    return said.format(gap=gap, total=total)


def cash_bucket_label(label: str) -> str:
    """A cash forecast bucket: ``Overdue``, ``Later``, ``Undated``, or a month as it is."""
    if label == "Overdue":
        return pgettext("cash forecast: due days already past", "Overdue")
    if label == "Later":
        return pgettext("cash forecast: after the months shown", "Later")
    if label == "Undated":
        return pgettext("cash forecast: no day expected", "Undated")
    return label  # a month: 2026-11


def _buckets(rows: Sequence[Receivable]) -> dict[Age, int]:
    out = dict.fromkeys(Age, 0)
    for r in rows:
        if r.in_base is not None:
            out[r.age] += r.in_base
    return out


def ageing_markdown(owed: Sequence[Receivable], as_of: date, base: str) -> str:
    """The ageing report: per customer and per AR, in the base currency, then every
    outstanding invoice; what has no rate is listed apart in its own currency."""
    out = ["# " + _("Receivables — as of {day}").format(day=as_of.isoformat()), ""]
    if not owed:
        return "\n".join([*out, _("Nothing is outstanding."), ""])
    out += [
        _(
            "Outstanding invoices aged by days past due, in {base} (the base currency) at the "
            "rates in force on {day}."
        ).format(base=base, day=as_of.isoformat()),
        "",
    ]
    head = [*(_(AGE_WORD[a]) for a in Age), _("Total")]

    def cells(rows: Sequence[Receivable]) -> list[str]:
        b = _buckets(rows)
        return [minor_to_text(b[a], base) for a in Age] + [minor_to_text(sum(b.values()), base)]

    by = (
        (_("By customer"), _("Customer"), lambda r: r.account),
        (_("By AR"), "AR", lambda r: r.ar or "—"),
    )
    for heading, title, key in by:
        groups: dict[str, list[Receivable]] = {}
        for r in owed:
            groups.setdefault(key(r), []).append(r)
        rows = [[md(name), *cells(rs)] for name, rs in sorted(groups.items())]
        rows.append(["**" + _("All") + "**", *(f"**{c}**" for c in cells(owed))])
        out += ["## " + heading, ""]
        out += table([title, *head], rows, align="l" + "r" * len(head))
        out.append("")
    out += ["## " + _("Invoices"), ""]
    rows = [
        [
            md(r.number), md(r.code), md(r.account), md(r.ar or "—"), r.due.isoformat(),
            str(r.days_overdue) if r.days_overdue else "",
            f"{minor_to_text(r.outstanding, r.currency)} {r.currency}",
            _("no rate") if r.in_base is None else minor_to_text(r.in_base, base),
        ]
        for r in owed
    ]  # fmt: skip
    head = [
        pgettext("column: an invoice's number", "Invoice"), _("Deal"), _("Customer"), "AR",
        pgettext("column: the day an invoice is due", "Due"), _("Days overdue"),
        _("Outstanding"), _("In {currency}").format(currency=base),
    ]  # fmt: skip
    out += table(head, rows, align="lllllrrr")
    apart = [r for r in owed if r.in_base is None]
    if apart:
        listed = ", ".join(
            f"{md(r.number)} ({minor_to_text(r.outstanding, r.currency)} {r.currency})"
            for r in apart
        )
        out += [
            "",
            _("Not in the totals, no rate for their currency: {invoices}.").format(invoices=listed),
        ]
    out.append("")
    return "\n".join(out)


def receivables_json(owed: Sequence[Receivable], as_of: date, base: str) -> dict[str, Any]:
    """Amounts in minor units, with how many decimals each currency has."""
    return {
        "as_of": as_of.isoformat(),
        "base_currency": base,
        "base_minor_places": minor_places(base),
        "buckets": {a.value: v for a, v in _buckets(owed).items()},
        "invoices": [
            {
                "number": r.number,
                "deal": r.code,
                "customer": r.account,
                "ar": r.ar,
                "due": r.due.isoformat(),
                "days_overdue": r.days_overdue,
                "age": r.age.value,
                "currency": r.currency,
                "minor_places": minor_places(r.currency),
                "outstanding": r.outstanding,
                "outstanding_in_base": r.in_base,
            }
            for r in owed
        ],
    }


def cash_section(cash: DealCash, h: str = "###") -> list[str]:
    """A deal's payment plan and its invoices, for its export (empty: no plan, no
    invoice)."""
    if not cash.plan and not cash.invoices:
        return []
    cur = cash.currency

    def m(minor: int) -> str:
        return f"{minor_to_text(minor, cur)} {cur}"

    out = [f"{h} " + _("Payment plan and receivables"), "", plan_sentence(cash.check, cur), ""]
    if cash.plan:
        out += table(
            [
                _("Milestone"),
                _("Share"),
                _("Amount"),
                _("Due on"),
                _("Planned"),
                _("Invoiced"),
                _("To invoice"),
            ],
            [
                [
                    md(p.milestone.name),
                    share_text(p.milestone.share_bp) if p.milestone.share_bp is not None else "",
                    m(p.amount),
                    p.milestone.trigger.label,
                    p.milestone.planned.isoformat() if p.milestone.planned else "",
                    m(p.invoiced) if p.invoiced else "",
                    m(p.to_invoice) if p.to_invoice else "",
                ]
                for p in cash.plan
            ],
            align="lrrllrr",
        )
        out.append("")
    if cash.invoices:
        out += table(
            [
                pgettext("column: an invoice's number", "Invoice"),
                _("Issued"),
                _("Amount"),
                pgettext("column: the day an invoice is due", "Due"),
                _("Outstanding"),
                pgettext("column: days past due", "Overdue"),
            ],
            [
                [
                    md(i.invoice.number),
                    i.invoice.issued.isoformat(),
                    m(i.invoice.amount),
                    i.invoice.due.isoformat(),
                    m(i.outstanding) if i.outstanding else _("paid"),
                    ngettext("{n} day", "{n} days", i.days_overdue).format(n=i.days_overdue)
                    if i.days_overdue
                    else "",
                ]
                for i in cash.invoices
            ],
            align="llrlrr",
        )
        said = _("Invoiced {invoiced}; outstanding {outstanding}.")
        out += ["", said.format(invoiced=m(cash.invoiced), outstanding=m(cash.outstanding)), ""]
    return out


def cash_forecast_section(cf: CashForecast, names: Mapping[str, str]) -> list[str]:
    """``export --all``'s cash forecast: when the money is expected, per AR and tier."""
    base = cf.base
    out = [
        "## " + _("Cash forecast"),
        "",
        _(
            "Expected collections in {base}: won deals by their invoices' due days and their "
            "milestones' planned days (30 days' terms), open deals weighted by their probability "
            "30 days after their close date. The rules: docs/CASH.md."
        ).format(base=base),
        "",
    ]
    expected = _("Expected ({currency})").format(currency=base)
    out += table(
        [_("When"), _("Items"), expected],
        [
            [cash_bucket_label(b.label), str(b.count), minor_to_text(b.amount, base)]
            for b in cf.buckets
        ]
        + [["**" + _("All") + "**", "", f"**{minor_to_text(cf.total, base)}**"]],
        align="lrr",
    )
    out += [""]
    out += table(
        ["AR", expected],
        [[md(names.get(h, h)), minor_to_text(v, base)] for h, v in cf.by_ar.items()],
        align="lr",
    )
    out += [""]
    out += table(
        [_("Tier"), expected],
        [[t.value, minor_to_text(v, base)] for t, v in cf.by_tier.items()],
        align="lr",
    )
    out.append("")
    if cf.unrated:
        listed = ", ".join(
            f"{md(e.code)} ({minor_to_text(e.amount, e.currency)} {e.currency})" for e in cf.unrated
        )
        out += [_("Not in the figures, no rate for their currency: {deals}.").format(deals=listed)]
        out.append("")
    return out
