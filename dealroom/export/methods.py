"""The Markdown sections of the methods that win a deal: checklists, power map,
competitors, assessment, review triggers, and the forecast of ``export --all``.

User text goes through :func:`md` like everywhere else in the export."""

from __future__ import annotations

from collections.abc import Mapping

from dealroom.domain import STAGES
from dealroom.domain.assessment import FACTORS
from dealroom.domain.forecast import Figures, Forecast, Slice
from dealroom.domain.powermap import format_support
from dealroom.export.escape import md, table
from dealroom.store.method_views import DealMethodsView
from dealroom.textutil import money


def methods_sections(m: DealMethodsView, h: str, names: Mapping[str, str]) -> list[str]:
    """The checklist, power map, competitors, assessment and review sections of one deal;
    ``h`` is the heading marks of a section (``###``)."""
    out = _checklist(m, h, names)
    out += _power_map(m, h, names)
    out += _competitors(m, h)
    out += _assessment(m, h)
    out += _review(m, h)
    return out


def _checklist(m: DealMethodsView, h: str, names: Mapping[str, str]) -> list[str]:
    out = [f"{h} Stage checklists", ""]
    rows = []
    for stage in STAGES:
        done = m.completion(stage)
        if done.total == 0:
            continue
        key = "—"
        if done.key_item is not None:
            key = ("holds: " if done.key_item_holds else "open: ") + md(done.key_item.text)
        label = stage.label + (" (current)" if stage is m.deal.stage else "")
        rows.append(
            [
                label,
                f"{done.yes}/{done.total}",
                f"{done.partly}",
                f"{done.no}",
                f"{done.percent}%",
                key,
            ]
        )
    out += table(["Stage", "Yes", "Partly", "No", "Done", "Key item"], rows, align="lrrrrl")
    out.append("")
    stage = m.deal.stage
    items = m.template.get(stage, [])
    if items:
        out += [f"**{stage.label}**", ""]
        for item in items:
            given = m.answer(stage, item.key)
            box = "x" if given is not None and given.answer.value == "yes" else " "
            line = f"- [{box}] {md(item.text)}" + (" (key item)" if item.key_item else "")
            if given is not None and given.answer.answered:
                who = md(names.get(given.answered_by, given.answered_by))
                line += f" — {given.answer.label}, {who}"
                if given.note:
                    line += f": {md(given.note)}"
            out.append(line)
        out.append("")
    return out


def _power_map(m: DealMethodsView, h: str, names: Mapping[str, str]) -> list[str]:
    out = [f"{h} Power map", ""]
    if not m.contacts:
        out += ["No one on the power map yet.", ""]
    else:
        rows = [
            [
                md(c.name),
                md(c.title) or "—",
                c.role.label,
                str(c.influence),
                "yes" if c.key_decider else "",
                format_support(c.support),
                md(c.owner_name or "") or "—",
                md(c.leaning_to or "") or "—",
                c.last_contact.isoformat() if c.last_contact else "—",
            ]
            for c in sorted(
                m.contacts, key=lambda c: (c.role.order, not c.key_decider, -c.influence, c.name)
            )
        ]
        out += table(
            [
                "Person",
                "Title",
                "Role",
                "Influence",
                "Key decider",
                "Support",
                "Owner",
                "Leans to",
                "Last contact",
            ],
            rows,
            align="lllrlrlll",
        )
        out.append("")
    gaps = m.gaps
    if gaps:
        out += ["**Gaps**", ""]
        out += [f"- {md(g.message)}" for g in gaps]
        out.append("")
    return out


def _competitors(m: DealMethodsView, h: str) -> list[str]:
    out = [f"{h} Competitors", ""]
    if not m.competitors:
        return [*out, "No competitors noted.", ""]
    out += table(
        ["Competitor", "Relationship", "Strengths", "Weaknesses", "Allies", "Our differentiator"],
        [
            [
                md(c.name),
                *(
                    md(getattr(c, f)) or "—"
                    for f in ("relationship", "strengths", "weaknesses", "allies", "differentiator")
                ),
            ]
            for c in m.competitors
        ],
    )
    out.append("")
    return out


def _assessment(m: DealMethodsView, h: str) -> list[str]:
    summary = m.assessment
    out = [f"{h} Opportunity assessment", ""]
    if summary.scored == 0:
        return [*out, "Not assessed yet.", ""]
    out += [
        f"Overall **{summary.mark.value}** · {summary.scored} of {len(FACTORS)} factors scored",
        "",
    ]
    current = m.current_scores
    out += table(
        ["Question", "Mark", "Scored", "Scores"],
        [
            [
                q.question.label,
                q.mark.value,
                f"{q.scored}/{q.factors}",
                ", ".join(
                    f"{f.label} {format_support(current[f.key].score)}"
                    for f in q.question.factors
                    if f.key in current
                )
                or "—",
            ]
            for q in summary.questions
        ],
        align="llrl",
    )
    out.append("")
    notes = [(f, current[f.key]) for f in FACTORS if f.key in current and current[f.key].note]
    if notes:
        out += [f"- {f.label} ({format_support(x.score)}): {md(x.note)}" for f, x in notes]
        out.append("")
    return out


def _review(m: DealMethodsView, h: str) -> list[str]:
    triggers = m.triggers
    last = m.last_review
    if not triggers and last is None:
        return []
    out = [f"{h} Deal review", ""]
    if last is not None:
        out.append(f"Last review held {last.held_on.isoformat()}.")
        out.append("")
    if triggers:
        out += ["A review meeting is due:", ""]
        out += [f"- {t.kind.label}: {md(t.message)}" for t in triggers]
        out.append("")
    return out


def forecast_section(fc: Forecast, names: Mapping[str, str]) -> list[str]:
    """The forecast of ``export --all``, in the base currency: by close month, person and
    tier; the open deals whose currency has no rate are listed apart."""
    currency = fc.currency
    out = ["## Forecast", ""]
    if not fc.total.pipeline.count and not fc.unrated:
        return [*out, "No open deals.", ""]

    def cells(f: Figures) -> list[str]:
        return [str(f.count), money(f.amount, currency), money(f.weighted, currency)]

    out += [f"Open deals, in {currency} at the rates in force today.", ""]
    out += table(
        ["Close", "Deals", "Amount", "Weighted"],
        [[b.label, *cells(b.figures)] for b in fc.buckets],
        align="lrrr",
    )
    out.append("")
    head = ["", "Next 3 months (weighted)", "This year (weighted)", "Pipeline (weighted)"]
    rows = [["**All**", *_slice(fc.total, currency)]]
    rows += [[f"Tier {t.value}", *_slice(s, currency)] for t, s in fc.by_tier.items()]
    rows += [[md(names.get(p, p)), *_slice(s, currency)] for p, s in fc.by_person.items()]
    out += table(head, rows, align="lrrr")
    out.append("")
    if fc.unrated:
        listed = ", ".join(f"{md(d.code)} ({money(d.amount, d.currency)})" for d in fc.unrated)
        out += [f"Not in the figures, no rate for their currency: {listed}.", ""]
    return out


def _slice(s: Slice, currency: str) -> list[str]:
    return [
        money(getattr(s, part).weighted, currency)
        for part in ("next_3_months", "this_year", "pipeline")
    ]
