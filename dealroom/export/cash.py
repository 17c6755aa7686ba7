"""Money owed, as Markdown and JSON: ``dealroom receivables`` (the ageing report) and a
deal's payment plan and receivables in its export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from dealroom.domain.cash import Age, share_text
from dealroom.domain.cashflow import CashForecast
from dealroom.domain.money import minor_places, minor_to_text
from dealroom.export.escape import md, table
from dealroom.store.cash_views import DealCash, Receivable


def _buckets(rows: Sequence[Receivable]) -> dict[Age, int]:
    out = dict.fromkeys(Age, 0)
    for r in rows:
        if r.in_base is not None:
            out[r.age] += r.in_base
    return out


def ageing_markdown(owed: Sequence[Receivable], as_of: date, base: str) -> str:
    """The ageing report: per customer and per AR, in the base currency, then every
    outstanding invoice; what has no rate is listed apart in its own currency."""
    out = [f"# Receivables — as of {as_of.isoformat()}", ""]
    if not owed:
        return "\n".join([*out, "Nothing is outstanding.", ""])
    out += [
        f"Outstanding invoices aged by days past due, in {base} (the base currency) at the "
        f"rates in force on {as_of.isoformat()}.",
        "",
    ]
    head = [*(a.label for a in Age), "Total"]

    def cells(rows: Sequence[Receivable]) -> list[str]:
        b = _buckets(rows)
        return [minor_to_text(b[a], base) for a in Age] + [minor_to_text(sum(b.values()), base)]

    for title, key in (("Customer", lambda r: r.account), ("AR", lambda r: r.ar or "—")):
        groups: dict[str, list[Receivable]] = {}
        for r in owed:
            groups.setdefault(key(r), []).append(r)
        rows = [[md(name), *cells(rs)] for name, rs in sorted(groups.items())]
        rows.append(["**All**", *(f"**{c}**" for c in cells(owed))])
        out += [f"## By {'customer' if title == 'Customer' else 'AR'}", ""]
        out += table([title, *head], rows, align="l" + "r" * len(head))
        out.append("")
    out += ["## Invoices", ""]
    rows = [
        [
            md(r.number), md(r.code), md(r.account), md(r.ar or "—"), r.due.isoformat(),
            str(r.days_overdue) if r.days_overdue else "",
            f"{minor_to_text(r.outstanding, r.currency)} {r.currency}",
            "no rate" if r.in_base is None else minor_to_text(r.in_base, base),
        ]
        for r in owed
    ]  # fmt: skip
    out += table(
        ["Invoice", "Deal", "Customer", "AR", "Due", "Days overdue", "Outstanding", f"In {base}"],
        rows,
        align="lllllrrr",
    )
    apart = [r for r in owed if r.in_base is None]
    if apart:
        listed = ", ".join(
            f"{md(r.number)} ({minor_to_text(r.outstanding, r.currency)} {r.currency})"
            for r in apart
        )
        out += ["", f"Not in the totals, no rate for their currency: {listed}."]
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

    out = [f"{h} Payment plan and receivables", "", f"The plan {cash.check.said(cur)}.", ""]
    if cash.plan:
        out += table(
            ["Milestone", "Share", "Amount", "Due on", "Planned", "Invoiced", "To invoice"],
            [
                [
                    md(p.milestone.name),
                    share_text(p.milestone.share_bp) if p.milestone.share_bp is not None else "",
                    m(p.amount),
                    p.milestone.trigger.value,
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
            ["Invoice", "Issued", "Amount", "Due", "Outstanding", "Overdue"],
            [
                [
                    md(i.invoice.number),
                    i.invoice.issued.isoformat(),
                    m(i.invoice.amount),
                    i.invoice.due.isoformat(),
                    m(i.outstanding) if i.outstanding else "paid",
                    f"{i.days_overdue} days" if i.days_overdue else "",
                ]
                for i in cash.invoices
            ],
            align="llrlrr",
        )
        out += ["", f"Invoiced {m(cash.invoiced)}; outstanding {m(cash.outstanding)}.", ""]
    return out


def cash_forecast_section(cf: CashForecast, names: Mapping[str, str]) -> list[str]:
    """``export --all``'s cash forecast: when the money is expected, per AR and tier."""
    base = cf.base
    out = [
        "## Cash forecast",
        "",
        f"Expected collections in {base}: won deals by their invoices' due days and their "
        "milestones' planned days (30 days' terms), open deals weighted by their probability "
        "30 days after their close date. The rules: docs/CASH.md.",
        "",
    ]
    out += table(
        ["When", "Items", f"Expected ({base})"],
        [[b.label, str(b.count), minor_to_text(b.amount, base)] for b in cf.buckets]
        + [["**All**", "", f"**{minor_to_text(cf.total, base)}**"]],
        align="lrr",
    )
    out += [""]
    out += table(
        ["AR", f"Expected ({base})"],
        [[md(names.get(h, h)), minor_to_text(v, base)] for h, v in cf.by_ar.items()],
        align="lr",
    )
    out += [""]
    out += table(
        ["Tier", f"Expected ({base})"],
        [[t.value, minor_to_text(v, base)] for t, v in cf.by_tier.items()],
        align="lr",
    )
    out.append("")
    if cf.unrated:
        listed = ", ".join(
            f"{md(e.code)} ({minor_to_text(e.amount, e.currency)} {e.currency})" for e in cf.unrated
        )
        out += [f"Not in the figures, no rate for their currency: {listed}.", ""]
    return out
