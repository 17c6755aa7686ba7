"""The standup digest: per deal and role, what changed since the last standup, what is due
or overdue, what is blocked, which handoffs wait on whom, and the top risks; for the AR
also the invoices due or past due and the milestones due for invoicing (payments received
since the last standup are among the AR's changes).

Pure: it takes deal rooms and events and gives plain data; the standup screen walks it,
``dealroom standup`` prints it, and the minutes record it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from dealroom.domain import TRIANGLE, HandoffState, Role, TaskStatus, rules
from dealroom.domain.money import minor_to_text
from dealroom.domain.rules import in_play
from dealroom.export.escape import md
from dealroom.i18n import _, ngettext
from dealroom.store.cash_views import DealCash, InvoiceState, PlannedMilestone
from dealroom.store.views import (
    DealRoomView,
    EventView,
    HandoffView,
    RiskView,
    StandupView,
    TaskView,
)

TOP_RISKS = 3


def waiting_days(h: HandoffView, today: date) -> int:
    """Whole days a sent handoff has waited for its receiver."""
    start = (h.sent_at or h.created_at).astimezone(UTC).date()
    return max(0, (today - start).days)


@dataclass(frozen=True, slots=True)
class RoleDigest:
    role: Role
    lead: str | None
    changes: list[EventView]
    due: list[TaskView]  # open, due today or overdue
    blocked: list[TaskView]
    waiting: list[HandoffView]  # sent, not yet accepted: to this role first
    top_risks: list[RiskView]
    #: The AR's: invoices due today or past due with money outstanding, and milestones
    #: due for invoicing that are not invoiced yet (in the deal's currency).
    unpaid: list[InvoiceState] = field(default_factory=list)
    to_invoice: list[PlannedMilestone] = field(default_factory=list)
    currency: str = ""

    def cash_notes(self, show: Callable[[str], str]) -> list[str]:
        """The cash lines of the AR's part, with user text through ``show``."""

        def money(minor: int) -> str:
            return f"{minor_to_text(minor, self.currency)} {self.currency}"

        out = []
        for i in self.unpaid:
            n = i.days_overdue
            said = (
                ngettext(
                    "invoice {number} {n} day overdue: {amount} outstanding",
                    "invoice {number} {n} days overdue: {amount} outstanding",
                    n,
                )
                if n
                else _("invoice {number} due today: {amount} outstanding")
            )
            out.append(said.format(number=show(i.invoice.number), n=n, amount=money(i.outstanding)))
        for p in self.to_invoice:
            out.append(
                _("to invoice: {milestone} ({amount})").format(
                    milestone=show(p.milestone.name), amount=money(p.to_invoice)
                )
            )
        return out


@dataclass(frozen=True, slots=True)
class DealDigest:
    room: DealRoomView
    deal_changes: list[EventView]  # stage moves, gates, status, members, the deal itself
    roles: list[RoleDigest]
    urgency: int

    @property
    def code(self) -> str:
        return self.room.deal.code

    @property
    def quiet(self) -> bool:
        """Nothing to say: no changes, nothing due, blocked, waiting or risky."""
        return not self.deal_changes and all(
            not (r.changes or r.due or r.blocked or r.waiting or r.top_risks)
            and not (r.unpaid or r.to_invoice)
            for r in self.roles
        )


def _event_role(e: EventView, room: DealRoomView) -> Role | None:
    if e.entity == "task":
        found = next((t.role for t in room.tasks if t.id == e.entity_id), None)
    elif e.entity == "risk":
        found = next((r.role for r in room.risks if r.id == e.entity_id), None)
    elif e.entity in ("milestone", "invoice", "payment"):
        return Role.AR  # invoicing and collection are the AR's
    elif e.entity == "handoff":
        h = next((h for h in room.handoffs if h.id == e.entity_id), None)
        found = (
            None if h is None else (h.to_role if e.action in ("accept", "reject") else h.from_role)
        )
    else:
        return None
    if found is None:  # deleted since: the summary names the role where it can
        found = next((r for r in TRIANGLE if f" {r.value} " in f" {e.summary} "), None)
    return found


def digest(
    room: DealRoomView, events: Iterable[EventView], today: date, cash: DealCash | None = None
) -> DealDigest:
    by_role: dict[Role, list[EventView]] = {r: [] for r in TRIANGLE}
    deal_changes: list[EventView] = []
    for e in events:
        role = _event_role(e, room)
        (by_role[role] if role else deal_changes).append(e)
    roles = []
    for role in TRIANGLE:
        tasks = [t for t in room.tasks_for(role) if not t.done]
        lead = room.leads.get(role)
        waiting = [h for h in room.handoffs_for(role) if h.state is HandoffState.SENT]
        waiting.sort(key=lambda h: (h.to_role is not role, h.sent_at or h.created_at, h.id))
        roles.append(
            RoleDigest(
                role=role,
                lead=lead.name if lead else None,
                changes=by_role[role],
                due=[t for t in tasks if t.due is not None and t.due <= today],
                blocked=[t for t in tasks if t.status is TaskStatus.BLOCKED],
                waiting=waiting,
                top_risks=[r for r in room.risks_for(role) if r.is_open][:TOP_RISKS],
                **(_cash_part(cash, today) if role is Role.AR and cash is not None else {}),
            )
        )
    return DealDigest(room, deal_changes, roles, urgency(room, today))


def _owed(cash: DealCash | None) -> bool:
    """A closed deal whose customer has not paid is still walked: Lead-to-Cash ends when
    the cash is in."""
    return cash is not None and cash.outstanding > 0


def _cash_part(cash: DealCash, today: date) -> dict[str, Any]:
    unpaid = [i for i in cash.invoices if i.outstanding and i.invoice.due <= today]
    return {"unpaid": unpaid, "to_invoice": cash.to_invoice, "currency": cash.currency}


def urgency(room: DealRoomView, today: date) -> int:
    """Most urgent first (see :func:`~dealroom.domain.rules.urgency`)."""
    return rules.urgency(
        overdue=sum(1 for t in room.tasks if t.overdue(today)),
        blocked=sum(1 for t in room.tasks if not t.done and t.status is TaskStatus.BLOCKED),
        risky=sum(
            1
            for r in room.risks
            if r.is_open and (r.escalated or r.exposure >= rules.HIGH_EXPOSURE)
        ),
        waiting=sum(1 for h in room.handoffs if h.state is HandoffState.SENT),
        close=room.deal.close_date,
        today=today,
    )


def walk(
    rooms: Sequence[DealRoomView],
    events: Iterable[EventView],
    today: date,
    cashes: Mapping[int, DealCash] | None = None,
) -> list[DealDigest]:
    """Digests of the deals in play (see :func:`walked`), most urgent first (then by code)."""
    per_deal: dict[int | None, list[EventView]] = {}
    for e in events:
        per_deal.setdefault(e.deal_id, []).append(e)
    cashes = cashes or {}
    out = list(
        walked(((r, per_deal.get(r.deal.id, []), cashes.get(r.deal.id)) for r in rooms), today)
    )
    out.sort(key=most_urgent_first)
    return out


def walked(
    deals: Iterable[tuple[DealRoomView, Sequence[EventView], DealCash | None]], today: date
) -> Iterator[DealDigest]:
    """The digest of each deal (its room, its changes and its cash) in play: open, and won
    until Closed (Delivery and Invoice & cash are the FR's and the AR's work); and a closed
    one while money is outstanding. In the order given."""
    for room, events, cash in deals:
        if in_play(room.deal.status, room.deal.stage) or _owed(cash):
            yield digest(room, events, today, cash)


def most_urgent_first(d: DealDigest) -> tuple[int, str]:
    return (-d.urgency, d.code)


def scoped(digests: Sequence[DealDigest], scope: str) -> list[DealDigest]:
    """The digests a standup of ``scope`` walks (see ``rules.check_scope``): the team's
    deals; the deals ``mine:HANDLE`` is a member of (any role, the sponsor too); the deals
    ``person:HANDLE`` leads; or every deal with only ``role:R``'s side shown."""
    kind, _sep, value = scope.partition(":")
    if kind == "role":
        return [replace(d, roles=[r for r in d.roles if r.role.value == value]) for d in digests]
    if kind == "mine":
        return [d for d in digests if any(m.handle == value for m in d.room.members)]
    if kind == "person":
        return [d for d in digests if any(m.handle == value for m in d.room.leads.values())]
    return list(digests)


# --- as Markdown -----------------------------------------------------------------------


def _who(names: dict[str, str], handle: str) -> str:
    return md(names.get(handle, handle))


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def scope_words(scope: str, names: Mapping[str, str] | None = None) -> str:
    """How a standup's scope reads in a report (as ``rules.scope_label``, which events
    keep in English): ``the team's deals``, ``the deals Ana Lima leads``."""
    kind, _sep, value = scope.partition(":")
    if kind == "role":
        return _("the {role} side of the team's deals").format(role=value)
    name = (names or {}).get(value, value)
    if kind == "mine":
        return _("the deals {name} is on").format(name=name)
    if kind == "person":
        return _("the deals {name} leads").format(name=name)
    return _("the team's deals")


def escalation_words(r: RiskView) -> str:
    """``escalated to NAME`` (the sponsor it went to), ``escalated``, or empty."""
    if not r.escalated:
        return ""
    if r.escalated_to_name:
        return _("escalated to {name}").format(name=r.escalated_to_name)
    return _("escalated")


def deal_digest_markdown(d: DealDigest, today: date, names: dict[str, str]) -> list[str]:
    deal = d.room.deal
    facts = [
        md(deal.account),
        _(deal.stage.label),
        f"{deal.probability}%",
        _("close {day}").format(day=deal.close_date or "—"),
    ]
    out = [f"## {md(deal.code)} — {md(deal.name)}", "", " · ".join(facts), ""]
    if d.deal_changes:
        out += ["**" + _("Deal") + "**", ""]
        out += [f"- {_who(names, e.actor)}: {md(e.summary)}" for e in d.deal_changes]
        out.append("")
    for r in d.roles:
        lead = md(r.lead) if r.lead else _("no lead")
        out += [f"### {r.role.value} · {lead}", ""]
        lines = [
            "- "
            + _("changed: {who}: {summary}").format(who=_who(names, e.actor), summary=md(e.summary))
            for e in r.changes
        ]
        for t in r.due:
            when = (
                _("overdue: {title} ({owner}, {day})")
                if t.due and t.due < today
                else _("due today: {title} ({owner}, {day})")
            )
            owner = md(t.owner_name or _("no owner"))
            lines.append("- " + when.format(title=md(t.title), owner=owner, day=t.due))
        lines += [
            "- "
            + _("blocked: {title} ({owner})").format(
                title=md(t.title), owner=md(t.owner_name or _("no owner"))
            )
            for t in r.blocked
        ]
        lines += [
            "- "
            + _("waiting: {route} {title} ({n}d)").format(
                route=f"{h.from_role.value} → {h.to_role.value}",
                title=md(h.title),
                n=waiting_days(h, today),
            )
            for h in r.waiting
        ]
        lines += [
            "- "
            + (
                _("risk {exposure} {escalation}: {title}").format(
                    exposure=r2.exposure, escalation=md(escalation_words(r2)), title=md(r2.title)
                )
                if r2.escalated
                else _("risk {exposure}: {title}").format(exposure=r2.exposure, title=md(r2.title))
            )
            for r2 in r.top_risks
        ]
        lines += [f"- {line}" for line in r.cash_notes(md)]
        out += lines or ["- " + _("nothing to report")]
        out.append("")
    return out


def digest_head(n: int, *, since: datetime, today: date) -> list[str]:
    """The first lines of ``dealroom standup``, for ``n`` deals."""
    return [
        "# " + _("Standup digest — {day}").format(day=today.isoformat()),
        "",
        ngettext(
            "Changes since {time}. {n} deal in play, most urgent first.",
            "Changes since {time}. {n} deals in play, most urgent first.",
            n,
        ).format(time=_stamp(since), n=n),
        "",
    ]


def minutes_markdown(
    standup: StandupView,
    digests: Sequence[DealDigest],
    actions: Sequence[TaskView],
    *,
    today: date,
    names: dict[str, str],
) -> str:
    """The standup's minutes: who, when, the deals covered, notes, actions, summary."""
    covered = [d for d in digests if d.code in standup.deals]
    ended = _stamp(standup.ended_at) if standup.ended_at else _("not ended")
    escalated = sum(1 for d in covered for r in d.room.risks if r.escalated and r.is_open)
    waiting = sum(1 for d in covered for h in d.room.handoffs if h.state is HandoffState.SENT)
    said = _(
        "Standup #{id}, run by {who}, {start} to {end}; changes since {since}; {scope}."
    ).format(
        id=standup.id,
        who=_who(names, standup.run_by),
        start=_stamp(standup.started_at),
        end=ended,
        since=_stamp(standup.since),
        scope=md(scope_words(standup.scope, names)),
    )
    out = [
        "# " + _("Standup minutes — {day}").format(day=today.isoformat()),
        "",
        said,
        "",
        "## " + _("Summary"),
        "",
        *_counts(standup, len(covered), actions),
        "- " + _("risks escalated and open: {n}").format(n=escalated),
        "- " + _("handoffs still waiting: {n}").format(n=waiting),
        "",
    ]
    out += _captured(standup, actions, names, {d.room.deal.id: d.code for d in digests})
    for d in covered:
        out += deal_digest_markdown(d, today, names)
    return "\n".join(out)


def kept_minutes(
    standup: StandupView,
    actions: Sequence[TaskView],
    names: dict[str, str],
    codes: dict[int, str],
) -> str:
    """A past standup's minutes: as kept when it ended; for one never finished in the
    app, its record (deals covered, notes, actions) under a line that says so."""
    if standup.minutes:
        return standup.minutes
    when = _stamp(standup.started_at)
    record = (
        _("Run by {who}; {scope}. Not finished: this is its record.")
        if standup.ended_at is None
        else _("Run by {who}; {scope}. Ended without minutes: this is its record.")
    )
    out = [
        "# " + _("Standup #{id} — {time}").format(id=standup.id, time=when),
        "",
        record.format(who=_who(names, standup.run_by), scope=md(scope_words(standup.scope, names))),
        "",
        *_counts(standup, len(standup.deals), actions),
        "",
    ]
    return "\n".join(out + _captured(standup, actions, names, codes))


def _counts(standup: StandupView, covered: int, actions: Sequence[TaskView]) -> list[str]:
    codes = ", ".join(md(c) for c in standup.deals)
    deals = (
        _("deals covered: {n} ({codes})").format(n=covered, codes=codes)
        if standup.deals
        else _("deals covered: {n}").format(n=covered)
    )
    return [f"- {deals}", "- " + _("actions created: {n}").format(n=len(actions))]


def _captured(
    standup: StandupView,
    actions: Sequence[TaskView],
    names: dict[str, str],
    codes: dict[int, str],
) -> list[str]:
    """The minutes' actions and notes sections."""
    out: list[str] = []
    if actions:
        out += ["## " + _("Actions"), ""]
        out += [
            "- [ ] "
            + _("{code} {role}: {title} — {owner}, due {day}").format(
                code=md(codes.get(t.deal_id, "?")),
                role=t.role.value,
                title=md(t.title),
                owner=md(t.owner_name or _("no owner")),
                day=t.due or "—",
            )
            for t in actions
        ]
        out.append("")
    if standup.notes:
        out += ["## " + _("Notes"), ""]
        out += [
            "- "
            + (
                _("{who} on {code}: {text}").format(
                    who=_who(names, n.author), code=md(n.deal_code), text=md(n.text)
                )
                if n.deal_code
                else _("{who}: {text}").format(who=_who(names, n.author), text=md(n.text))
            )
            for n in standup.notes
        ]
        out.append("")
    return out


def standup_line(standup: StandupView, names: dict[str, str]) -> str:
    """One past standup in a list: number, start, chair, scope, deals, state."""
    state = _("finished") if standup.ended_at else _("not finished")
    deals, notes, actions = len(standup.deals), len(standup.notes), len(standup.actions)
    return "  ".join(
        [
            f"#{standup.id}",
            _stamp(standup.started_at),
            names.get(standup.run_by, standup.run_by),
            scope_words(standup.scope, names),
            ngettext("{n} deal", "{n} deals", deals).format(n=deals),
            ngettext("{n} note", "{n} notes", notes).format(n=notes),
            ngettext("{n} action", "{n} actions", actions).format(n=actions),
            state,
        ]
    )
