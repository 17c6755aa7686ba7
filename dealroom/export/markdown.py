"""Status reports as GitHub-flavoured Markdown that user text cannot break: every piece
of user text goes through :func:`~dealroom.export.escape.md`.

Output depends only on the data, ``today`` and ``since``: rows are in a stable order and
times are in UTC, so two days' reports can be diffed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from dealroom.domain import STAGE_INFO, TRIANGLE, DealStatus, GateDecision, Role, rules
from dealroom.domain.money import Rates, rate_text
from dealroom.export.cash import cash_section
from dealroom.export.escape import md, table
from dealroom.export.methods import methods_sections
from dealroom.store.cash_views import DealCash
from dealroom.store.method_views import DealMethodsView
from dealroom.store.views import DealRoomView, EventView, HandoffView, RiskView, TaskView
from dealroom.textutil import money


def _day(d: date | None) -> str:
    return d.isoformat() if d else "—"


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


GATE_WORD = {
    GateDecision.APPROVED: "approved",
    GateDecision.REJECTED: "rejected",
    GateDecision.DEFERRED: "deferred",
}


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
    prob = f"{d.probability}%" + (" (set by hand)" if d.probability_override is not None else "")
    status = d.status.value + (f" ({md(d.status_reason)})" if d.status_reason else "")
    sponsor = room.sponsor
    out += [
        f"**{md(d.account)}** (tier {d.tier.value}) · {STAGE_INFO[d.stage].label} · "
        f"{money(d.amount, d.currency)} · {prob} · close {_day(d.close_date)} · "
        f"level {d.level.value} · {status} · sponsor {md(sponsor.name) if sponsor else 'none'}",
        "",
    ]
    out += [f"{h}# Timeline", ""]
    rows = []
    for step in room.timeline:
        stage = STAGE_INFO[step.stage].label
        if step.current:
            stage = f"**{stage}** (current)"
        gate = ""
        if step.gate is not None:
            state = GATE_WORD[step.gate_state] if step.gate_state else "not decided"
            gate = f"{step.gate.value} {state}"
        actual = _day(step.actual)
        if step.went_back:
            actual += f" (left back {step.went_back.isoformat()})"
        rows.append([stage, _day(step.planned), actual, gate])
    out += table(["Stage", "Planned", "Actual", "Gate before it"], rows)
    if room.moves_back:
        out += ["", "Moved back:", ""]
        out += [f"- {md(m.describe(names))}" for m in room.moves_back]
    amendments = [g for g in room.gates if g.gate.value == "ATAC"]
    if amendments:
        out += [
            "",
            "Contract amendments (ATAC): "
            + "; ".join(
                f"{GATE_WORD[g.decision]} {g.decided_at.astimezone(UTC).date()}"
                + (f" ({md(g.note)})" if g.note else "")
                for g in amendments
            ),
        ]
    out.append("")
    for role in TRIANGLE:
        out += _role_section(room, role, today, h + "#")
    if cash is not None:
        out += cash_section(cash, h + "#")
    if methods is not None:
        out += methods_sections(methods, h + "#", names)
    if since is not None:
        out += [f"{h}# Changes since {since.isoformat()}", ""]
        if events:
            for e in events:
                who = md(names.get(e.actor, e.actor))
                out.append(f"- {_stamp(e.at)} · {who} · {md(e.summary)}")
        else:
            out.append("No changes.")
        out.append("")
    return "\n".join(out)


def _role_section(room: DealRoomView, role: Role, today: date, h: str) -> list[str]:
    lead = room.leads.get(role)
    out = [f"{h} {role.value} · {role.long_name} · {md(lead.name) if lead else 'no lead'}", ""]
    tasks = sorted(room.tasks_for(role), key=lambda t: (t.done, t.due or date.max, t.id))
    out.append("**Tasks**")
    out.append("")
    out += [_task_line(t, today) for t in tasks] or ["No tasks."]
    out.append("")
    risks = room.risks_for(role)
    out += ["**Risks**", ""]
    if risks:
        out += table(
            ["Risk", "Exposure", "Owner", "Mitigation", "Status"],
            [_risk_cells(r) for r in risks],
            align="lrlll",
        )
    else:
        out.append("No risks.")
    out.append("")
    handoffs = room.handoffs_for(role)
    out += ["**Handoffs**", ""]
    if handoffs:
        out += table(
            ["From → To", "What", "State", "Age"],
            [_handoff_cells(x, today) for x in handoffs],
            align="lllr",
        )
    else:
        out.append("No handoffs.")
    out.append("")
    return out


def _task_line(t: TaskView, today: date) -> str:
    box = "x" if t.done else " "
    owner = md(t.owner_name) if t.owner_name else "no owner"
    due = f"due {_day(t.due)}" if t.due else "no due date"
    flags = ""
    if t.overdue(today):
        flags = " · **overdue**"
    elif t.status.value == "blocked":
        flags = " · **blocked**"
    elif t.status.value == "doing":
        flags = " · doing"
    return f"- [{box}] {md(t.title)} — {owner}, {due}{flags}"


def _risk_cells(r: RiskView) -> list[str]:
    level = rules.risk_level(r.exposure).value
    status = r.status.value + (f" · {md(r.escalation)}" if r.escalated else "")
    return [
        md(r.title),
        f"{r.exposure} ({level})",
        md(r.owner_name or "—"),
        md(r.mitigation) or "—",
        status,
    ]


def _handoff_cells(x: HandoffView, today: date) -> list[str]:
    start = (x.sent_at or x.created_at).astimezone(UTC).date()
    age = f"{max(0, (today - start).days)}d"
    state = x.state.value + (f": {md(x.reason)}" if x.reason else "")
    return [f"{x.from_role.value} → {x.to_role.value}", md(x.title), state, age]


def portfolio(rooms: Sequence[DealRoomView], *, today: date, rates: Rates) -> str:
    """The head of ``export --all``: the funnel of every active deal and the open pipeline
    by currency, in the base currency at the rates in force ``today``. A deal whose
    currency has no rate is counted, never summed."""
    base = rates.base
    out = [f"# Pipeline status — {today.isoformat()}", ""]
    in_force = rates.in_force(today)
    said = "; ".join(
        f"1 {c} = {rate_text(r)} {base} (from {d.isoformat()})" for c, (d, r) in in_force.items()
    )
    out += [
        f"Amounts in {base}, the base currency, at the rates in force on {today.isoformat()}"
        + (f": {said}." if said else " (no other currency has a rate)."),
        "",
    ]
    converted = [
        (r, rates.weighted(r.deal.amount, r.deal.currency, r.deal.probability, today))
        for r in rooms
    ]
    funnel = rules.funnel((r.deal.stage, w) for r, w in converted)
    apart = any(f.unrated for f in funnel.values())
    head = ["Stage", "Deals", f"Weighted ({base})"] + (["No rate"] if apart else [])
    rows = [
        [STAGE_INFO[s].label, str(f.deals), f"{f.weighted:,}"]
        + ([str(f.unrated) if f.unrated else ""] if apart else [])
        for s, f in funnel.items()
    ]
    out += table(head, rows, align="lrrr" if apart else "lrr")
    out += [
        "",
        "Every active deal: open ones, and won ones still in delivery or invoicing (weighted "
        "at 100%).",
        "",
        "## Open pipeline by currency",
        "",
        "Open deals only: what the forecast below forecasts.",
        "",
    ]
    by_currency: dict[str, list[int | None]] = {}
    for r, w in converted:
        if r.deal.status is not DealStatus.OPEN:
            continue
        row = by_currency.setdefault(r.deal.currency, [0, 0, 0, 0])
        row[0] = (row[0] or 0) + 1
        row[1] = (row[1] or 0) + r.deal.amount
        row[2] = (row[2] or 0) + r.deal.weighted
        row[3] = None if w is None or row[3] is None else row[3] + w
    lines = [
        [c, str(n), f"{a:,}", f"{w:,}", "no rate" if b is None else f"{b:,}"]
        for c, (n, a, w, b) in sorted(by_currency.items())
    ]
    counted = [v for v in by_currency.values() if v[3] is not None]
    lines.append(
        [
            f"**All, in {base}**",
            str(sum(v[0] or 0 for v in counted)),
            "",
            "",
            f"**{sum(v[3] or 0 for v in counted):,}**",
        ]
    )
    head = ["Currency", "Deals", "Pipeline", "Weighted", f"Weighted in {base}"]
    out += table(head, lines, align="lrrrr")
    out.append("")
    return "\n".join(out)
