"""The Markdown sections of the methods that win a deal: checklists, power map,
competitors, assessment, review triggers, and the forecast of ``export --all``.

User text goes through :func:`md` like everywhere else in the export."""

from __future__ import annotations

from collections.abc import Mapping

from dealroom.domain import STAGE_INFO, STAGES, Stage
from dealroom.domain.assessment import FACTORS
from dealroom.domain.checklist import Answer
from dealroom.domain.forecast import Bucket, Figures, Forecast, Horizon, Slice
from dealroom.domain.powermap import format_support
from dealroom.export.escape import md, table
from dealroom.i18n import N_, _, ngettext, pgettext
from dealroom.store.method_views import DealMethodsView
from dealroom.textutil import money

#: A checklist answer, as a report says it (the stored value is the key).
ANSWER_WORD = {
    Answer.UNANSWERED: N_("not answered"),
    Answer.YES: N_("yes"),
    Answer.PARTLY: N_("partly"),
    Answer.NO: N_("no"),
}


def stage_word(stage: Stage) -> str:
    """A stage's name, as a report says it (线索 / Lead)."""
    return _(STAGE_INFO[stage].label)


def bucket_label(b: Bucket) -> str:
    """A forecast bucket's label: ``Overdue``, ``2026-11``, ``Rest of 2026``, ``Later``,
    ``No close date``."""
    if b.horizon is Horizon.OVERDUE:
        return pgettext("forecast: close dates already past", "Overdue")
    if b.horizon is Horizon.REST_OF_YEAR and b.first is not None:
        return _("Rest of {year}").format(year=b.first.year)
    if b.horizon is Horizon.LATER:
        return pgettext("forecast: after the months shown", "Later")
    if b.horizon is Horizon.UNDATED:
        return _("No close date")
    return b.label  # a month: 2026-11


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
    out = [f"{h} " + _("Stage checklists"), ""]
    rows = []
    for stage in STAGES:
        done = m.completion(stage)
        if done.total == 0:
            continue
        key = "—"
        if done.key_item is not None:
            said = _("holds: {item}") if done.key_item_holds else _("open: {item}")
            key = said.format(item=md(done.key_item.text))
        label = stage_word(stage)
        if stage is m.deal.stage:
            label = _("{stage} (current)").format(stage=label)
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
    head = [_("Stage"), _("Yes"), _("Partly"), _("No"), _("Done"), _("Key item")]
    out += table(head, rows, align="lrrrrl")
    out.append("")
    stage = m.deal.stage
    items = m.template.get(stage, [])
    if items:
        out += ["**" + stage_word(stage) + "**", ""]
        for item in items:
            given = m.answer(stage, item.key)
            box = "x" if given is not None and given.answer.value == "yes" else " "
            text = md(item.text)
            if item.key_item:
                text = _("{item} (key item)").format(item=text)
            if given is not None and given.answer.answered:
                who = md(names.get(given.answered_by, given.answered_by))
                answer = _(ANSWER_WORD[given.answer])
                text = (
                    _("{item} — {answer}, {who}: {note}").format(
                        item=text, answer=answer, who=who, note=md(given.note)
                    )
                    if given.note
                    else _("{item} — {answer}, {who}").format(item=text, answer=answer, who=who)
                )
            line = f"- [{box}] {text}"
            out.append(line)
        out.append("")
    return out


def _power_map(m: DealMethodsView, h: str, names: Mapping[str, str]) -> list[str]:
    out = [f"{h} " + _("Power map"), ""]
    if not m.contacts:
        out += [_("No one on the power map yet."), ""]
    else:
        rows = [
            [
                md(c.name),
                md(c.title) or "—",
                _(c.role.label),
                str(c.influence),
                _("yes") if c.key_decider else "",
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
                pgettext("power map column: a person at the customer", "Person"),
                pgettext("power map column: a person's job title", "Title"),
                _("Role"),
                _("Influence"),
                _("Key decider"),
                _("Support"),
                _("Owner"),
                _("Leans to"),
                _("Last contact"),
            ],
            rows,
            align="lllrlrlll",
        )
        out.append("")
    gaps = m.gaps
    if gaps:
        out += ["**" + _("Gaps") + "**", ""]
        out += [f"- {md(g.message)}" for g in gaps]
        out.append("")
    return out


def _competitors(m: DealMethodsView, h: str) -> list[str]:
    out = [f"{h} " + _("Competitors"), ""]
    if not m.competitors:
        return [*out, _("No competitors noted."), ""]
    head = [
        _("Competitor"),
        _("Relationship"),
        _("Strengths"),
        _("Weaknesses"),
        _("Allies"),
        _("Our differentiator"),
    ]
    out += table(
        head,
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
    out = [f"{h} " + _("Opportunity assessment"), ""]
    if summary.scored == 0:
        return [*out, _("Not assessed yet."), ""]
    total = len(FACTORS)
    overall = ngettext(
        "Overall {mark} · {n} of {total} factor scored",
        "Overall {mark} · {n} of {total} factors scored",
        total,
    )
    out += [overall.format(mark=f"**{summary.mark.value}**", n=summary.scored, total=total), ""]
    current = m.current_scores
    out += table(
        [_("Question"), _("Mark"), _("Scored"), _("Scores")],
        [
            [
                _(q.question.label),
                q.mark.value,
                f"{q.scored}/{q.factors}",
                ", ".join(
                    f"{_(f.label)} {format_support(current[f.key].score)}"
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
        out += [
            "- "
            + _("{factor} ({score}): {note}").format(
                factor=_(f.label), score=format_support(x.score), note=md(x.note)
            )
            for f, x in notes
        ]
        out.append("")
    return out


def _review(m: DealMethodsView, h: str) -> list[str]:
    triggers = m.triggers
    last = m.last_review
    if not triggers and last is None:
        return []
    out = [f"{h} " + _("Deal review"), ""]
    if last is not None:
        out.append(_("Last review held {day}.").format(day=last.held_on.isoformat()))
        out.append("")
    if triggers:
        out += [_("A review meeting is due:"), ""]
        out += [
            "- " + _("{reason}: {detail}").format(reason=_(t.kind.label), detail=md(t.message))
            for t in triggers
        ]
        out.append("")
    return out


def forecast_section(fc: Forecast, names: Mapping[str, str]) -> list[str]:
    """The forecast of ``export --all``, in the base currency: by close month, person and
    tier; the open deals whose currency has no rate are listed apart."""
    currency = fc.currency
    out = ["## " + _("Forecast"), ""]
    if not fc.total.pipeline.count and not fc.unrated:
        return [*out, _("No open deals."), ""]

    def cells(f: Figures) -> list[str]:
        return [str(f.count), money(f.amount, currency), money(f.weighted, currency)]

    out += [_("Open deals, in {currency} at the rates in force today.").format(currency=currency)]
    out.append("")
    out += table(
        [_("Close"), _("Deals"), _("Amount"), _("Weighted")],
        [[bucket_label(b), *cells(b.figures)] for b in fc.buckets],
        align="lrrr",
    )
    out.append("")
    head = ["", _("Next 3 months (weighted)"), _("This year (weighted)"), _("Pipeline (weighted)")]
    rows = [["**" + _("All") + "**", *_slice(fc.total, currency)]]
    rows += [
        [_("Tier {tier}").format(tier=t.value), *_slice(s, currency)] for t, s in fc.by_tier.items()
    ]
    rows += [[md(names.get(p, p)), *_slice(s, currency)] for p, s in fc.by_person.items()]
    out += table(head, rows, align="lrrr")
    out.append("")
    if fc.unrated:
        listed = ", ".join(f"{md(d.code)} ({money(d.amount, d.currency)})" for d in fc.unrated)
        out += [_("Not in the figures, no rate for their currency: {deals}.").format(deals=listed)]
        out.append("")
    return out


def _slice(s: Slice, currency: str) -> list[str]:
    return [
        money(getattr(s, part).weighted, currency)
        for part in ("next_3_months", "this_year", "pipeline")
    ]
