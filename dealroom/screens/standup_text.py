"""What the standup shows of a deal, a role and a person, as text: every piece of user text
as data."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from dealroom.export.digest import DealDigest, RoleDigest, escalation_words, waiting_days
from dealroom.i18n import _
from dealroom.store.views import NoteView, TaskView
from dealroom.textutil import one_line


def role_text(r: RoleDigest, today: date, names: dict[str, str], who: str = "") -> Text:
    out = Text()
    lead = one_line(r.lead) if r.lead else _("no lead")
    out.append(f"{r.role.value} · {lead}{who}\n", style="bold underline")
    lines = 0
    for e in r.changes:
        out.append("  ~ ", style="cyan")
        out.append(f"{one_line(names.get(e.actor, e.actor))}: {one_line(e.summary)}\n")
        lines += 1
    for t in r.due:
        late = t.due is not None and t.due < today
        out.append("  ! " if late else "  • ", style="bold red" if late else "yellow")
        said = (
            _("overdue: {title} ({owner}, {day})")
            if late
            else _("due today: {title} ({owner}, {day})")
        )
        owner = one_line(t.owner_name or _("no owner"))
        out.append(said.format(title=one_line(t.title), owner=owner, day=t.due) + "\n")
        lines += 1
    for t in r.blocked:
        out.append("  # ", style="bold yellow")
        owner = one_line(t.owner_name or _("no owner"))
        out.append(_("blocked: {title} ({owner})").format(title=one_line(t.title), owner=owner))
        out.append("\n")
        lines += 1
    for h in r.waiting:
        out.append("  ⇄ ", style="cyan")
        out.append(
            _("waiting: {route} {title} ({n}d)").format(
                route=f"{h.from_role.value} → {h.to_role.value}",
                title=one_line(h.title),
                n=waiting_days(h, today),
            )
            + "\n"
        )
        lines += 1
    for k in r.top_risks:
        out.append("  ⇑ " if k.escalated else "  ▲ ", style="bold red" if k.exposure >= 15 else "")
        out.append(
            _("risk {exposure}: {title}").format(exposure=k.exposure, title=one_line(k.title))
        )
        escalation = " " + _("({escalation})").format(escalation=one_line(escalation_words(k)))
        out.append(escalation + "\n" if k.escalated else "\n", style="dim")
        lines += 1
    for i, line in enumerate(r.cash_notes(one_line)):  # the unpaid invoices first
        overdue = i < len(r.unpaid) and r.unpaid[i].days_overdue > 0
        out.append("  $ ", style="bold red" if overdue else "yellow")
        out.append(line + "\n")
        lines += 1
    if not lines:
        out.append("  " + _("nothing to report") + "\n", style="dim")
    return out


def deal_text(d: DealDigest, today: date, names: dict[str, str]) -> Text:
    deal = d.room.deal
    out = Text()
    out.append(f"{one_line(deal.code)}  {one_line(deal.name)}\n", style="bold")
    facts = [
        one_line(deal.account),
        _(deal.stage.label),
        f"{deal.probability}%",
        _("close {day}").format(day=deal.close_date or "—"),
    ]
    out.append(" · ".join(facts) + "\n\n", style="dim")
    if d.deal_changes:
        out.append(_("Deal") + "\n", style="bold underline")
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
    out.append(_("This standup") + "\n", style="bold underline")
    for n in mine_notes:
        out.append("  ✎ ", style="cyan")
        out.append(f"{one_line(n.text)} ({one_line(names.get(n.author, n.author))})\n")
    for t in mine_actions:
        out.append("  → ", style="green")
        said = (
            _("action for {role}: {title} ({owner}, due {day})")
            if t.due
            else _("action for {role}: {title} ({owner})")
        )
        owner = one_line(t.owner_name or _("no owner"))
        out.append(said.format(role=t.role.value, title=one_line(t.title), owner=owner, day=t.due))
        out.append("\n")
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
