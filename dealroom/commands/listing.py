"""Reading commands: ``list`` (the pipeline), ``show`` (one deal), ``log`` (the event log)."""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date, datetime
from typing import Any

from rich.text import Text

from dealroom.commands import COMMANDS
from dealroom.commands.columns import RED, YELLOW, Column, render, use_color
from dealroom.commands.common import Context, console, parse_day, state_word
from dealroom.domain import STAGE_INFO, TRIANGLE, GateDecision, Stage, rules
from dealroom.i18n import _, ngettext
from dealroom.store.views import DealRoomView, EventView, PipelineRow
from dealroom.textutil import json_text, money, one_line, short_money


def register(sub: Any) -> None:
    p = sub.add_parser(
        "list",
        help=_(COMMANDS["list"].help),
        description=_(
            "The pipeline: one row per active deal (open or won). Flags: "
            "!N overdue tasks, #N blocked tasks, ▲N open high-exposure or escalated "
            "risks, ⇄N handoffs waiting for acceptance, ◆GATE the next gate pending."
        ),
    )
    p.add_argument("--stage", help=_("only deals in this LTC stage (name or 0-7)"))
    p.add_argument("--mine", action="store_true", help=_("only deals you are a member of"))
    p.add_argument("--all", action="store_true", help=_("include lost and dropped deals"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help=_(COMMANDS["show"].help))
    p.add_argument("code", help=_("deal code, e.g. ACME-5G"))
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("log", help=_(COMMANDS["log"].help))
    p.add_argument("code", nargs="?", help=_("only this deal"))
    p.add_argument("--since", help=_("from this date (2026-11-01, -7d, mon)"))
    p.add_argument(
        "--limit",
        type=_positive,
        default=None,
        help=_("at most this many (1 or more), newest last"),
    )
    p.add_argument(
        "--json",
        action="store_true",
        help=_("machine-readable: each event with its changes as {field: {old, new}}"),
    )
    p.set_defaults(handler=cmd_log)


def _t(value: str) -> Text:
    """User text as a Rich cell: literal, one line, controls made visible."""
    return Text(one_line(value), no_wrap=True, overflow="ellipsis")


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    stage = rules.parse_stage(args.stage) if args.stage else None
    rows, today = pipeline_rows(ctx, stage, mine=args.mine, closed=args.all)
    if args.json:
        print(json_text([_row_json(r) for r in rows], indent=1))
        return 0
    if not rows:
        print(
            _("No deals you are a member of.")
            if args.mine
            else _("No deals match. Try `dealroom demo`.")
        )
        return 0
    width = shutil.get_terminal_size((200, 24)).columns if sys.stdout.isatty() else 200
    print(pipeline_table(rows, today, width, color=use_color(ctx.settings.no_color)))
    n = len(rows)
    said = ngettext("{n} deal · {total}", "{n} deals · {total}", n)
    print("\n" + said.format(n=n, total=pipeline_total(rows)))
    return 0


def pipeline_rows(
    ctx: Context, stage: Stage | None, *, mine: bool, closed: bool
) -> tuple[list[PipelineRow], date]:
    """The pipeline and the day it was read on: the one kept from the last read while the
    event log's head is unchanged (no database layer loaded), else read and kept
    (``store.snapshot``)."""
    from dealroom.store import snapshot

    kept = None
    if ctx.store is None:  # in ``dealroom batch`` the store is loaded and open already
        stage_value = stage.value if stage is not None else None
        kept = snapshot.key_for(ctx.db, ctx.actor, stage=stage_value, mine=mine, closed=closed)
    if kept is not None:
        day = datetime.now().astimezone().date()
        found = snapshot.load(kept, day)
        if found is not None:
            return found.rows, day
    with ctx.open() as store:
        at, rows = store.reads.pipeline_at(stage=stage, mine=mine, include_closed=closed)
        today = store.today()
    if kept is not None:
        snapshot.save(kept, today, at, rows)
    return rows, today


def pipeline_total(rows: list[PipelineRow]) -> str:
    """``12.3M CNY (weighted 4.5M)``, in the base currency; the deals whose currency has
    no rate said apart, in their own currencies."""
    base = rows[0].base if rows else ""
    amount = sum(r.base_amount for r in rows if r.base_amount is not None)
    weighted = sum(r.base_weighted for r in rows if r.base_weighted is not None)
    said = _("{amount} {currency} (weighted {weighted})").format(
        amount=short_money(amount), currency=base, weighted=short_money(weighted)
    )
    apart: dict[str, int] = {}
    for r in rows:
        if r.base_amount is None:
            apart[r.deal.currency] = apart.get(r.deal.currency, 0) + r.deal.amount
    if apart:
        count = sum(1 for r in rows if r.base_amount is None)
        own = ", ".join(f"{short_money(a)} {c}" for c, a in sorted(apart.items()))
        apart_said = ngettext(
            "no rate, not counted: {n} deal ({amounts})",
            "no rate, not counted: {n} deals ({amounts})",
            count,
        )
        said += " · " + apart_said.format(n=count, amounts=own)
    return said


def pipeline_table(rows: list[PipelineRow], today: Any, width: int, *, color: bool = False) -> str:
    """The pipeline as aligned text; narrow terminals keep the columns a standup needs."""
    wide, medium = width >= 150, width >= 110
    columns = [Column(_("Code")), Column(_("Name"), flexible=True, max_width=36)]
    if medium:
        columns.append(Column(_("Account"), flexible=True, max_width=24))
    columns.append(Column(_("Stage")))
    if medium:
        columns.append(Column(_("Amount"), right=True))
    base = rows[0].base if rows else ""
    weighted = _("Weighted {currency}").format(currency=base).strip()
    columns += [Column(weighted, right=True), Column(_("Close"))]
    if wide:
        columns += [Column(r.value, flexible=True, max_width=16) for r in TRIANGLE]
    columns.append(Column(_("Flags")))
    body, styles = [], []
    for row in rows:
        d = row.deal
        late = d.close_date is not None and d.close_date < today and d.status.value == "open"
        stage = _(STAGE_INFO[d.stage].label if medium else STAGE_INFO[d.stage].short)
        cells = [one_line(d.code), one_line(d.name)]
        if medium:
            cells.append(one_line(d.account))
        if d.status.value != "open":
            stage = _("{stage} ({status})").format(stage=stage, status=state_word(d.status))
        cells.append(stage)
        if medium:
            cells.append(f"{short_money(d.amount)} {d.currency}")
        in_base = _("no rate") if row.base_weighted is None else short_money(row.base_weighted)
        cells += [
            f"{in_base} {d.probability}%",
            (d.close_date.isoformat() if d.close_date else "—") + (" !" if late else ""),
        ]
        if wide:
            cells += [one_line(row.leads.get(role, "—")) for role in TRIANGLE]
        cells.append(row.flags)
        style = [""] * len(cells)
        style[-2] = RED if late else ""
        style[-1] = YELLOW if row.flags else ""
        body.append(cells)
        styles.append(style)
    return render(columns, body, styles, total=width, color=color)


def _row_json(row: PipelineRow) -> dict[str, Any]:
    from dealroom.export.json_export import deal_core

    d = row.deal
    return {
        **deal_core(d),
        "amount": d.amount,
        "currency": d.currency,
        "probability": d.probability,
        "weighted": d.weighted,
        "base_currency": row.base,
        "amount_in_base": row.base_amount,
        "weighted_in_base": row.base_weighted,
        "close_date": d.close_date.isoformat() if d.close_date else None,
        "leads": {r.value: name for r, name in row.leads.items()},
        "overdue_tasks": row.overdue_tasks,
        "blocked_tasks": row.blocked_tasks,
        "high_risks": row.high_risks,
        "waiting_handoffs": row.waiting_handoffs,
        "pending_gate": row.pending_gate.value if row.pending_gate else None,
    }


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open() as store:
        room = store.reads.deal_room(args.code)
        today, now = store.today(), store.now()
    render_room(room, today, now)
    return 0


def _line(text: str, style: str = "") -> Text:
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def render_room(room: DealRoomView, today: Any, now: Any) -> None:
    out = console()
    d = room.deal
    head = Text()
    head.append(d.code, style="bold")
    head.append(f"  {one_line(d.name)}\n")
    by_hand = d.probability_override is not None
    facts = [
        _("{account} (tier {tier})").format(account=one_line(d.account), tier=d.tier),
        money(d.amount, d.currency),
        (_("{n}% (set by hand)") if by_hand else "{n}%").format(n=d.probability),
        _("close {day}").format(day=d.close_date or "—"),
        _("level {level}").format(level=d.level),
        state_word(d.status),
    ]
    head.append(" · ".join(facts))
    if d.status_reason:
        head.append(f" ({one_line(d.status_reason)})")
    sponsor = room.sponsor
    said = _("sponsor {name}").format(name=one_line(sponsor.name)) if sponsor else None
    head.append("\n" + (said or _("sponsor — (none yet)")))
    out.print(head)
    line = Text()
    for step in room.timeline:
        if step.gate:
            mark = (
                {
                    GateDecision.APPROVED: "✓",
                    GateDecision.REJECTED: "✗",
                    GateDecision.DEFERRED: "…",
                }.get(step.gate_state, "?")
                if step.gate_state
                else "·"
            )
            line.append(f" ◆{step.gate.value}{mark} ", style="cyan")
        style = "reverse bold" if step.current else ("" if step.reached else "dim")
        when = step.actual or step.planned
        line.append(_(STAGE_INFO[step.stage].short), style=style)
        if when:
            line.append(f" {when:%m-%d}", style="dim")
        if step.went_back:
            line.append("↩", style="yellow")
        line.append(" →" if step.stage is not Stage.CLOSED else "")
    out.print(line)
    for move in room.moves_back:
        out.print(Text(f"  ↩ {one_line(move.describe())}", style="yellow"))
    for role in TRIANGLE:
        lead = room.leads.get(role)
        out.print(
            Text(
                f"\n{role.value} · {role.long_name} · {lead.name if lead else _('no lead')}",
                style="bold underline",
            )
        )
        for t in room.tasks_for(role):
            flag = (
                "✓"
                if t.done
                else ("!" if t.overdue(today) else ("#" if t.status.value == "blocked" else " "))
            )
            due = _("due {day}").format(day=t.due or "—")
            out.print(
                _line(
                    f"  [{flag}] #{t.id} {one_line(t.title)} · {t.owner_name or '—'} · "
                    f"{due} · {state_word(t.status)}"
                )
            )
        for r in room.risks_for(role):
            esc = "⇑ " if r.escalated else ""
            exposure = _("exposure {n}").format(n=r.exposure)
            out.print(
                _line(f"  ▲ #{r.id} {esc}{one_line(r.title)} · {exposure} · {state_word(r.status)}")
            )
        for h in room.handoffs_for(role):
            age = _("{n}d").format(n=h.age_days(now))
            out.print(
                _line(
                    f"  ⇄ #{h.id} {h.from_role}→{h.to_role} {one_line(h.title)} · "
                    f"{state_word(h.state)} · {age}"
                )
            )


def cmd_log(ctx: Context, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, time

    from dealroom.domain.history import field_changes

    with ctx.open() as store:
        since = parse_day(args.since, store.today(), "--since", toward="past")
        start = datetime.combine(since, time()).astimezone(UTC) if since else None
        events = store.reads.events(code=args.code, since=start)
    if args.limit is not None:
        events = events[-args.limit :]
    if args.json:
        print(json_text([_event_json(e) for e in events], indent=1))
        return 0
    out = console()
    for e in events:
        stamp = e.at.astimezone().strftime("%Y-%m-%d %H:%M")
        where = f"{e.deal_code} " if e.deal_code else ""
        out.print(Text(f"{stamp}  {one_line(e.who):<10} {where}{one_line(e.summary)}"))
        for change in field_changes(e.changes):
            out.print(Text(f"{'':28}{one_line(change.plain())}"))
    if not events:
        out.print(_("No events."))
    return 0


def _event_json(e: EventView) -> dict[str, object]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "by": e.by or None,
        "deal": e.deal_code,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "action": e.action,
        "summary": e.summary,
        "changes": {name: {"old": old, "new": new} for name, (old, new) in e.changes.items()},
    }


def _positive(text: str) -> int:
    """A count of 1 or more (argparse says what was wrong, as a usage error)."""
    try:
        value = int(text)
    except ValueError:
        said = _("{text} is not a whole number").format(text=repr(text))
        raise argparse.ArgumentTypeError(said) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("{n} is not 1 or more").format(n=value))
    return value
