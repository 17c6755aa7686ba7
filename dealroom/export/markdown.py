"""Status reports as GitHub-flavoured Markdown that user text cannot break: every piece
of user text goes through :func:`~dealroom.export.escape.md`.

Output depends only on the data, ``today`` and ``since``: rows are in a stable order and
times are in UTC, so two days' reports can be diffed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from dealroom.domain import (
    TRIANGLE,
    DealStatus,
    GateDecision,
    HandoffState,
    RiskLevel,
    RiskStatus,
    Role,
    rules,
)
from dealroom.domain.money import Rates, rate_text
from dealroom.export.cash import cash_section
from dealroom.export.digest import escalation_words
from dealroom.export.escape import md, table
from dealroom.export.methods import methods_sections, stage_word
from dealroom.i18n import N_, _, pgettext
from dealroom.store.cash_views import DealCash
from dealroom.store.method_views import DealMethodsView
from dealroom.store.views import (
    DealRoomView,
    DealView,
    EventView,
    HandoffView,
    RiskView,
    StageMoveView,
    TaskView,
)
from dealroom.textutil import money


def _day(d: date | None) -> str:
    return d.isoformat() if d else "—"


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


GATE_WORD = {
    GateDecision.APPROVED: N_("approved"),
    GateDecision.REJECTED: N_("rejected"),
    GateDecision.DEFERRED: N_("deferred"),
}

#: A deal's status, as a report says it (the stored value is the key).
DEAL_STATUS_WORD = {
    DealStatus.OPEN: N_("open"),
    DealStatus.WON: N_("won"),
    DealStatus.LOST: N_("lost"),
    DealStatus.DROPPED: N_("dropped"),
}

#: A handoff's state, as a report says it.
HANDOFF_STATE_WORD = {
    HandoffState.DRAFTED: N_("drafted"),
    HandoffState.SENT: N_("sent"),
    HandoffState.ACCEPTED: N_("accepted"),
    HandoffState.REJECTED: N_("rejected"),
}


def _risk_status(status: RiskStatus) -> str:
    if status is RiskStatus.OPEN:
        return pgettext("risk status", "open")
    if status is RiskStatus.MITIGATING:
        return _("mitigating")
    return _("closed")


def _risk_level(level: RiskLevel) -> str:
    if level is RiskLevel.HIGH:
        return pgettext("risk level", "high")
    if level is RiskLevel.MEDIUM:
        return pgettext("risk level", "medium")
    return pgettext("risk level", "low")


def _moved_back(m: StageMoveView, names: dict[str, str]) -> str:
    """``moved back from Bid to Lead on 2026-11-22 by Wei Zhang: the reason``."""
    who = names.get(m.actor, m.actor) or _("someone, before history was kept")
    said = (
        _("moved back from {old} to {new} on {day} by {who}: {reason}")
        if m.reason
        else _("moved back from {old} to {new} on {day} by {who}")
    )
    return said.format(
        old=stage_word(m.from_stage),
        new=stage_word(m.to_stage),
        day=m.day.isoformat(),
        who=who,
        reason=m.reason,
    )


def deal_report(
    room: DealRoomView,
    *,
    today: date,
    events: Sequence[EventView] = (),
    since: date | None = None,
    names: dict[str, str] | None = None,
    level: int = 2,
    methods: DealMethodsView | None = None,
    cash: DealCash | None = None,
) -> str:
    """One deal: title line, timeline with gates, a section per role, with ``methods`` its
    checklists, power map, competitors and assessment, and the changes since ``since``."""
    h = "#" * level
    d = room.deal
    names = names or {}
    out = [f"{h} {md(d.code)} — {md(d.name)}", ""]
    prob = f"{d.probability}%"
    if d.probability_override is not None:
        prob = _("{probability} (set by hand)").format(probability=prob)
    status = _(DEAL_STATUS_WORD[d.status])
    if d.status_reason:
        status = _("{status} ({reason})").format(status=status, reason=md(d.status_reason))
    sponsor = room.sponsor
    facts = [
        _("{account} (tier {tier})").format(account=f"**{md(d.account)}**", tier=d.tier.value),
        stage_word(d.stage),
        money(d.amount, d.currency),
        prob,
        _("close {day}").format(day=_day(d.close_date)),
        _("level {level}").format(level=d.level.value),
        status,
        _("sponsor {name}").format(name=md(sponsor.name)) if sponsor else _("sponsor none"),
    ]
    out += [" · ".join(facts), ""]
    out += [f"{h}# " + _("Timeline"), ""]
    rows = []
    for step in room.timeline:
        stage = stage_word(step.stage)
        if step.current:
            stage = _("{stage} (current)").format(stage=f"**{stage}**")
        gate = ""
        if step.gate is not None:
            state = _(GATE_WORD[step.gate_state]) if step.gate_state else _("not decided")
            gate = f"{step.gate.value} {state}"
        actual = _day(step.actual)
        if step.went_back:
            actual = _("{day} (left back {back})").format(
                day=actual, back=step.went_back.isoformat()
            )
        rows.append([stage, _day(step.planned), actual, gate])
    out += table([_("Stage"), _("Planned"), _("Actual"), _("Gate before it")], rows)
    if room.moves_back:
        out += ["", _("Moved back:"), ""]
        out += [f"- {md(_moved_back(m, names))}" for m in room.moves_back]
    amendments = [g for g in room.gates if g.gate.value == "ATAC"]
    if amendments:
        decisions = [
            _("{decision} {day} ({note})").format(
                decision=_(GATE_WORD[g.decision]),
                day=g.decided_at.astimezone(UTC).date(),
                note=md(g.note),
            )
            if g.note
            else _("{decision} {day}").format(
                decision=_(GATE_WORD[g.decision]), day=g.decided_at.astimezone(UTC).date()
            )
            for g in amendments
        ]
        out += [
            "",
            _("Contract amendments (ATAC): {decisions}").format(decisions="; ".join(decisions)),
        ]
    out.append("")
    for role in TRIANGLE:
        out += _role_section(room, role, today, h + "#")
    if cash is not None:
        out += cash_section(cash, h + "#")
    if methods is not None:
        out += methods_sections(methods, h + "#", names)
    if since is not None:
        out += [f"{h}# " + _("Changes since {day}").format(day=since.isoformat()), ""]
        if events:
            for e in events:
                who = md(names.get(e.actor, e.actor))
                out.append(f"- {_stamp(e.at)} · {who} · {md(e.summary)}")
        else:
            out.append(_("No changes."))
        out.append("")
    return "\n".join(out)


def _role_section(room: DealRoomView, role: Role, today: date, h: str) -> list[str]:
    lead = room.leads.get(role)
    who = md(lead.name) if lead else _("no lead")
    out = [f"{h} {role.value} · {role.long_name} · {who}", ""]
    tasks = sorted(room.tasks_for(role), key=lambda t: (t.done, t.due or date.max, t.id))
    out.append("**" + _("Tasks") + "**")
    out.append("")
    out += [_task_line(t, today) for t in tasks] or [_("No tasks.")]
    out.append("")
    risks = room.risks_for(role)
    out += ["**" + _("Risks") + "**", ""]
    if risks:
        out += table(
            [_("Risk"), _("Exposure"), _("Owner"), _("Mitigation"), _("Status")],
            [_risk_cells(r) for r in risks],
            align="lrlll",
        )
    else:
        out.append(_("No risks."))
    out.append("")
    handoffs = room.handoffs_for(role)
    out += ["**" + _("Handoffs") + "**", ""]
    if handoffs:
        out += table(
            [_("From → To"), _("What"), _("State"), _("Age")],
            [_handoff_cells(x, today) for x in handoffs],
            align="lllr",
        )
    else:
        out.append(_("No handoffs."))
    out.append("")
    return out


def _task_line(t: TaskView, today: date) -> str:
    box = "x" if t.done else " "
    owner = md(t.owner_name) if t.owner_name else _("no owner")
    due = _("due {day}").format(day=_day(t.due)) if t.due else _("no due date")
    flags = ""
    if t.overdue(today):
        flags = " · **" + _("overdue") + "**"
    elif t.status.value == "blocked":
        flags = " · **" + _("blocked") + "**"
    elif t.status.value == "doing":
        flags = " · " + _("doing")
    line = _("{title} — {owner}, {due}").format(title=md(t.title), owner=owner, due=due)
    return f"- [{box}] {line}{flags}"


def _risk_cells(r: RiskView) -> list[str]:
    level = _risk_level(rules.risk_level(r.exposure))
    status = _risk_status(r.status)
    if r.escalated:
        status += f" · {md(escalation_words(r))}"
    return [
        md(r.title),
        _("{exposure} ({level})").format(exposure=r.exposure, level=level),
        md(r.owner_name or "—"),
        md(r.mitigation) or "—",
        status,
    ]


def _handoff_cells(x: HandoffView, today: date) -> list[str]:
    start = (x.sent_at or x.created_at).astimezone(UTC).date()
    age = _("{n}d").format(n=max(0, (today - start).days))
    state = _(HANDOFF_STATE_WORD[x.state])
    if x.reason:
        state = _("{state}: {reason}").format(state=state, reason=md(x.reason))
    return [f"{x.from_role.value} → {x.to_role.value}", md(x.title), state, age]


def portfolio(deals: Iterable[DealView], *, today: date, rates: Rates) -> str:
    """The head of ``export --all``: the funnel of every active deal and the open pipeline
    by currency, in the base currency at the rates in force ``today``. A deal whose
    currency has no rate is counted, never summed."""
    base = rates.base
    out = ["# " + _("Pipeline status — {day}").format(day=today.isoformat()), ""]
    in_force = rates.in_force(today)
    said = "; ".join(
        _("1 {currency} = {rate} {base} (from {day})").format(
            currency=c, rate=rate_text(r), base=base, day=d.isoformat()
        )
        for c, (d, r) in in_force.items()
    )
    amounts = (
        _("Amounts in {base}, the base currency, at the rates in force on {day}: {rates}.")
        if said
        else _(
            "Amounts in {base}, the base currency, at the rates in force on {day} (no other "
            "currency has a rate)."
        )
    )
    out += [amounts.format(base=base, day=today.isoformat(), rates=said), ""]
    converted = [(d, rates.weighted(d.amount, d.currency, d.probability, today)) for d in deals]
    funnel = rules.funnel((d.stage, w) for d, w in converted)
    apart = any(f.unrated for f in funnel.values())
    head = [_("Stage"), _("Deals"), _("Weighted ({currency})").format(currency=base)]
    head += [_("No rate")] if apart else []
    rows = [
        [stage_word(s), str(f.deals), f"{f.weighted:,}"]
        + ([str(f.unrated) if f.unrated else ""] if apart else [])
        for s, f in funnel.items()
    ]
    out += table(head, rows, align="lrrr" if apart else "lrr")
    out += [
        "",
        _(
            "Every active deal: open ones, and won ones still in delivery or invoicing "
            "(weighted at 100%)."
        ),
        "",
        "## " + _("Open pipeline by currency"),
        "",
        _("Open deals only: what the forecast below forecasts."),
        "",
    ]
    by_currency: dict[str, list[int | None]] = {}
    for d, w in converted:
        if d.status is not DealStatus.OPEN:
            continue
        row = by_currency.setdefault(d.currency, [0, 0, 0, 0])
        row[0] = (row[0] or 0) + 1
        row[1] = (row[1] or 0) + d.amount
        row[2] = (row[2] or 0) + d.weighted
        row[3] = None if w is None or row[3] is None else row[3] + w
    lines = [
        [c, str(n), f"{a:,}", f"{w:,}", _("no rate") if b is None else f"{b:,}"]
        for c, (n, a, w, b) in sorted(by_currency.items())
    ]
    counted = [v for v in by_currency.values() if v[3] is not None]
    lines.append(
        [
            "**" + _("All, in {currency}").format(currency=base) + "**",
            str(sum(v[0] or 0 for v in counted)),
            "",
            "",
            f"**{sum(v[3] or 0 for v in counted):,}**",
        ]
    )
    head = [
        _("Currency"),
        _("Deals"),
        pgettext("column: the deals' amounts added up", "Pipeline"),
        _("Weighted"),
        _("Weighted in {currency}").format(currency=base),
    ]
    out += table(head, lines, align="lrrrr")
    out.append("")
    return "\n".join(out)
