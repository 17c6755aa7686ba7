"""What the standup shows of a deal, a role and a person, as text: every piece of user text
as data."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from dealroom.export.digest import DealDigest, RoleDigest, waiting_days
from dealroom.store.views import NoteView, TaskView
from dealroom.textutil import one_line


def role_text(r: RoleDigest, today: date, names: dict[str, str], who: str = "") -> Text:
    out = Text()
    out.append(f"{r.role.value} · {one_line(r.lead or 'no lead')}{who}\n", style="bold underline")
    lines = 0
    for e in r.changes:
        out.append("  ~ ", style="cyan")
        out.append(f"{one_line(names.get(e.actor, e.actor))}: {one_line(e.summary)}\n")
        lines += 1
    for t in r.due:
        late = t.due is not None and t.due < today
        out.append("  ! " if late else "  • ", style="bold red" if late else "yellow")
        out.append(
            f"{'overdue' if late else 'due today'}: {one_line(t.title)} "
            f"({one_line(t.owner_name or 'no owner')}, {t.due})\n"
        )
        lines += 1
    for t in r.blocked:
        out.append("  # ", style="bold yellow")
        out.append(f"blocked: {one_line(t.title)} ({one_line(t.owner_name or 'no owner')})\n")
        lines += 1
    for h in r.waiting:
        out.append("  ⇄ ", style="cyan")
        out.append(
            f"waiting: {h.from_role.value} → {h.to_role.value} {one_line(h.title)} "
            f"({waiting_days(h, today)}d)\n"
        )
        lines += 1
    for k in r.top_risks:
        out.append("  ⇑ " if k.escalated else "  ▲ ", style="bold red" if k.exposure >= 15 else "")
        out.append(f"risk {k.exposure}: {one_line(k.title)}")
        out.append(f" ({one_line(k.escalation)})\n" if k.escalated else "\n", style="dim")
        lines += 1
    for line in r.cash_notes(one_line):
        out.append("  $ ", style="bold red" if "overdue" in line else "yellow")
        out.append(line + "\n")
        lines += 1
    if not lines:
        out.append("  nothing to report\n", style="dim")
    return out


def deal_text(d: DealDigest, today: date, names: dict[str, str]) -> Text:
    deal = d.room.deal
    out = Text()
    out.append(f"{one_line(deal.code)}  {one_line(deal.name)}\n", style="bold")
    out.append(
        f"{one_line(deal.account)} · {deal.stage.label} · {deal.probability}% · "
        f"close {deal.close_date or '—'}\n\n",
        style="dim",
    )
    if d.deal_changes:
        out.append("Deal\n", style="bold underline")
        for e in d.deal_changes:
            out.append("  ~ ", style="cyan")
            out.append(f"{one_line(names.get(e.actor, e.actor))}: {one_line(e.summary)}\n")
        out.append("\n")
    for r in d.roles:
        out.append_text(role_text(r, today, names))
        out.append("\n")
    return out


def captured_text(
    d: DealDigest, notes: list[NoteView], actions: list[TaskView], names: dict[str, str]
) -> Text:
    """What this standup has noted and decided on the deal so far."""
    out = Text()
    mine_notes = [n for n in notes if n.deal_code == d.code]
    mine_actions = [t for t in actions if t.deal_id == d.room.deal.id]
    if not mine_notes and not mine_actions:
        return out
    out.append("This standup\n", style="bold underline")
    for n in mine_notes:
        out.append("  ✎ ", style="cyan")
        out.append(f"{one_line(n.text)} ({one_line(names.get(n.author, n.author))})\n")
    for t in mine_actions:
        out.append("  → ", style="green")
        due = f", due {t.due}" if t.due else ""
        owner = one_line(t.owner_name or "no owner")
        out.append(f"action for {t.role.value}: {one_line(t.title)} ({owner}{due})\n")
    return out


def person_text(name: str, digests: list[DealDigest], today: date, names: dict[str, str]) -> Text:
    """One person's part in the walk: each role they lead, deal by deal."""
    out = Text()
    out.append(f"{one_line(name)}\n\n", style="bold")
    for d in digests:
        for r in d.roles:
            if r.lead == name:
                out.append(f"{one_line(d.code)} ", style="bold")
                out.append_text(role_text(r, today, names))
                out.append("\n")
    return out
