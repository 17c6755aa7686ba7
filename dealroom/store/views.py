"""What reads return: plain, frozen, detached objects.

Nothing here touches the database, so a screen can hold and pass these around freely
(and importing this module costs nothing: no SQLAlchemy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from dealroom.domain import (
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    Level,
    RiskLevel,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
    Tier,
    rules,
)
from dealroom.domain.checklist import StageCompletion
from dealroom.domain.history import FieldChange, field_changes, kind_label, kind_of
from dealroom.i18n import _


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    handle: str
    name: str
    email: str
    version: int


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    name: str
    tier: Tier
    version: int


@dataclass(frozen=True, slots=True)
class DealView:
    id: int
    code: str
    name: str
    account_id: int
    account: str
    tier: Tier
    amount: int
    currency: str
    close_date: date | None
    stage: Stage
    probability_override: int | None
    level: Level
    status: DealStatus
    status_reason: str
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def probability(self) -> int:
        return rules.probability(self.stage, self.probability_override, self.status)

    @property
    def weighted(self) -> int:
        return rules.weighted(self.amount, self.probability)


@dataclass(frozen=True, slots=True)
class MemberView:
    id: int
    deal_id: int
    person_id: int
    handle: str
    name: str
    role: Role
    version: int


@dataclass(frozen=True, slots=True)
class TaskView:
    id: int
    deal_id: int
    role: Role
    title: str
    owner: str | None
    owner_name: str | None
    due: date | None
    status: TaskStatus
    stage: Stage | None
    note: str
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    version: int

    @property
    def done(self) -> bool:
        return self.status is TaskStatus.DONE

    def overdue(self, today: date) -> bool:
        return rules.is_overdue(self.due, self.done, today)


@dataclass(frozen=True, slots=True)
class RiskView:
    id: int
    deal_id: int
    role: Role
    title: str
    likelihood: int
    impact: int
    mitigation: str
    owner: str | None
    owner_name: str | None
    status: RiskStatus
    escalated: bool
    escalated_at: datetime | None
    escalated_to_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    escalated_to_name: str | None = None
    """The sponsor the risk was escalated to (while it is escalated)."""

    @property
    def exposure(self) -> int:
        return rules.exposure(self.likelihood, self.impact)

    @property
    def escalation(self) -> str:
        """``escalated to NAME`` (the sponsor it went to), or empty when not escalated; in the
        language spoken."""
        if not self.escalated:
            return ""
        if self.escalated_to_name:
            return _("escalated to {name}").format(name=self.escalated_to_name)
        return _("escalated")

    @property
    def level(self) -> RiskLevel:
        return rules.risk_level(self.exposure)

    @property
    def is_open(self) -> bool:
        return self.status is not RiskStatus.CLOSED


@dataclass(frozen=True, slots=True)
class HandoffView:
    id: int
    deal_id: int
    from_role: Role
    to_role: Role
    title: str
    note: str
    due: date | None
    state: HandoffState
    reason: str
    sent_at: datetime | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    def age_days(self, now: datetime) -> int:
        """Days since it was sent (or drafted, if never sent)."""
        start = self.sent_at or self.created_at
        return max(0, (now - start).days)


@dataclass(frozen=True, slots=True)
class GateView:
    id: int
    deal_id: int
    gate: Gate
    decision: GateDecision
    decided_by: str
    decided_at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class TimelineStage:
    stage: Stage
    planned: date | None
    actual: date | None
    gate: Gate | None
    gate_state: GateDecision | None
    current: bool
    reached: bool
    went_back: date | None = None
    """The last day the deal moved back out of this stage, if it ever did."""


@dataclass(frozen=True, slots=True)
class StageMoveView:
    """A move back on a deal's stage history: from where, to where, when, by whom, why."""

    deal_id: int
    from_stage: Stage
    to_stage: Stage
    day: date
    actor: str
    reason: str

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """``moved back from Bid to Lead on 2026-11-22 by Wei Zhang: the reason``, in the
        language spoken."""
        who = (names or {}).get(self.actor, self.actor) or _("someone, before history was kept")
        said = (
            _("moved back from {old} to {new} on {day} by {who}: {reason}")
            if self.reason
            else _("moved back from {old} to {new} on {day} by {who}")
        )
        return said.format(
            old=_(self.from_stage.label),
            new=_(self.to_stage.label),
            day=self.day.isoformat(),
            who=who,
            reason=self.reason,
        )


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    at: datetime
    actor: str
    deal_id: int | None
    deal_code: str | None
    entity: str
    entity_id: int | None
    entity_version: int | None
    action: str
    changes: dict[str, list[object]]
    summary: str
    by: str = ""
    """The administrator who acted for ``actor``, if one did."""

    @property
    def who(self) -> str:
        """``ana``, or ``root for ana`` when an administrator acted for her."""
        return _("{by} for {actor}").format(by=self.by, actor=self.actor) if self.by else self.actor


@dataclass(frozen=True, slots=True)
class FeedItem:
    """An event as a running app tells it: who (by name, in which role on the deal), and
    whether it is a handoff sent to one of the acting person's roles."""

    event: EventView
    actor_name: str
    actor_roles: tuple[Role, ...]
    handoff_for_me: Role | None = None

    @property
    def by(self) -> str:
        """``Wei Zhang (SR)``, or the name alone when they hold no role on the deal."""
        roles = "/".join(r.value for r in self.actor_roles)
        return f"{self.actor_name} ({roles})" if roles else self.actor_name


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change in a deal's history: the event, who made it (by name), and the roles
    whose side of the deal it touched (none for the deal as a whole)."""

    event: EventView
    actor_name: str
    roles: tuple[Role, ...]

    @property
    def kind(self) -> str:
        return kind_of(self.event.entity, self.event.action)

    @property
    def changes(self) -> list[FieldChange]:
        return field_changes(self.event.changes)

    @property
    def item(self) -> str:
        """``task #12`` for a change of one item, else the kind alone (in the language
        spoken)."""
        e = self.event
        if e.entity in ("task", "risk", "handoff") and e.entity_id is not None:
            return _("{thing} #{id}").format(thing=kind_label(e.entity), id=e.entity_id)
        return kind_label(self.kind)


@dataclass(frozen=True, slots=True)
class PipelineRow:
    deal: DealView
    leads: dict[Role, str]
    overdue_tasks: int
    blocked_tasks: int
    high_risks: int
    waiting_handoffs: int
    pending_gate: Gate | None
    #: The database's base currency, and the deal's amount and weighted amount in it at
    #: the rate in force on the day read (None: its currency has no rate that day).
    base: str = "CNY"
    base_amount: int | None = None
    base_weighted: int | None = None
    #: Invoices past due with something outstanding.
    overdue_invoices: int = 0

    @property
    def flags(self) -> str:
        """Flags as symbols, for lists: ``!2`` overdue, ``#1`` blocked, ``▲1`` high risk,
        ``⇄1`` handoff waiting, ``◆ATB`` gate pending, ``$1`` an invoice overdue."""
        parts = []
        if self.overdue_tasks:
            parts.append(f"!{self.overdue_tasks}")
        if self.blocked_tasks:
            parts.append(f"#{self.blocked_tasks}")
        if self.high_risks:
            parts.append(f"▲{self.high_risks}")
        if self.waiting_handoffs:
            parts.append(f"⇄{self.waiting_handoffs}")
        if self.pending_gate:
            parts.append(f"◆{self.pending_gate.value}")
        if self.overdue_invoices:
            parts.append(f"${self.overdue_invoices}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class DealRoomView:
    """Everything the deal room shows, read in a fixed number of queries."""

    deal: DealView
    members: list[MemberView]
    timeline: list[TimelineStage]
    gates: list[GateView]
    tasks: list[TaskView]
    risks: list[RiskView]
    handoffs: list[HandoffView]
    leads: dict[Role, MemberView] = field(default_factory=dict)
    completion: dict[Stage, StageCompletion] = field(default_factory=dict)
    """Each stage's checklist completion."""
    marks: str = "????"
    """The opportunity assessment's four marks (see ``domain.assessment``)."""
    moves_back: list[StageMoveView] = field(default_factory=list)
    """Every time the deal moved back a stage, oldest first, with the reason given."""

    @property
    def sponsor(self) -> MemberView | None:
        """The deal's sponsor: who approves its gates and receives its escalations."""
        return next((m for m in self.members if m.role is Role.SPONSOR), None)

    @property
    def gate_states(self) -> dict[Gate, GateDecision]:
        return rules.latest_gate_states((g.gate, g.decision) for g in self.gates)

    def tasks_for(self, role: Role) -> list[TaskView]:
        return [t for t in self.tasks if t.role is role]

    def risks_for(self, role: Role) -> list[RiskView]:
        return sorted(
            (r for r in self.risks if r.role is role),
            key=lambda r: (not r.is_open, not r.escalated, -r.exposure, r.id),
        )

    def handoffs_for(self, role: Role) -> list[HandoffView]:
        return [h for h in self.handoffs if role in (h.from_role, h.to_role)]


@dataclass(frozen=True, slots=True)
class MyWorkView:
    """The acting person's open tasks and risks and the handoffs waiting on their roles."""

    tasks: list[TaskView]
    risks: list[RiskView]
    handoffs: list[HandoffView]
    deals: dict[int, tuple[str, str]]  # deal id -> (code, name)


@dataclass(frozen=True, slots=True)
class NoteView:
    id: int
    standup_id: int
    deal_id: int | None
    deal_code: str | None
    author: str
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class StandupView:
    """A standup record: when, who ran it, what it covered, its notes and actions."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    run_by: str
    since: datetime
    deals: list[str]
    actions: list[int]
    notes: list[NoteView]
    version: int
    scope: str = "team"
    minutes: str = ""


@dataclass(frozen=True, slots=True)
class PastStandup:
    """A past standup as its minutes need it: the record, the actions it created (those
    still there), and the codes of their deals by deal id."""

    record: StandupView
    actions: list[TaskView]
    codes: dict[int, str]
