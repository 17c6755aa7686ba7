"""The tables, as SQLModel models.

Enumerated values are the domain's enums, stored as short strings (see
:class:`~dealroom.store.columns.Choice`): a row read back holds members, not strings.
Every editable row carries ``version``: SQLAlchemy's ``version_id_col`` makes an update
against a stale version match no row, which the store reports as a conflict.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from dealroom.domain import (
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    Level,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
    Tier,
)
from dealroom.domain.cash import Settlement, Trigger
from dealroom.domain.checklist import Answer
from dealroom.domain.powermap import DecisionRole
from dealroom.store.columns import Choice


def _choice(enum: type[StrEnum], length: int, *, default: Any = ..., index: bool = False) -> Any:
    """A field holding one of ``enum``'s members (``default=None``: may be empty)."""
    column: Column[Any] = Column(Choice(enum, length), nullable=default is None, index=index)
    return Field(default=default, sa_column=column)


#: Money in integers: 64-bit (SQLite's INTEGER always is; PostgreSQL's needs BIGINT).
AMOUNT = BigInteger().with_variant(Integer(), "sqlite")


def _version() -> Column[int]:
    return Column("version", Integer, nullable=False, default=1)


_person_v = _version()


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=200)
    version: int = Field(default=1, sa_column=_person_v)
    __mapper_args__ = {"version_id_col": _person_v}


_account_v = _version()


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    tier: Tier = _choice(Tier, 1, default=Tier.C)
    version: int = Field(default=1, sa_column=_account_v)
    __mapper_args__ = {"version_id_col": _account_v}


_deal_v = _version()


class Deal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=20_000)
    account_id: int = Field(foreign_key="account.id", index=True)
    amount: int = Field(
        default=0,
        sa_column=Column(AMOUNT, nullable=False, default=0),
        description="whole units",
    )
    currency: str = Field(default="CNY", max_length=3)
    close_date: date | None = None
    stage: Stage = _choice(Stage, 16, default=Stage.LEAD, index=True)
    probability_override: int | None = None
    level: Level = _choice(Level, 3, default=Level.III)
    status: DealStatus = _choice(DealStatus, 8, default=DealStatus.OPEN, index=True)
    status_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime
    updated_at: datetime
    #: The id the team's CRM or sheet gave the deal, for an import to find it again.
    source_id: str | None = Field(default=None, max_length=200, unique=True, index=True)
    version: int = Field(default=1, sa_column=_deal_v)
    __mapper_args__ = {"version_id_col": _deal_v}


_member_v = _version()


class DealMember(SQLModel, table=True):
    __tablename__ = "deal_member"
    __table_args__ = (UniqueConstraint("deal_id", "person_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: Role = _choice(Role, 8)
    version: int = Field(default=1, sa_column=_member_v)
    __mapper_args__ = {"version_id_col": _member_v}


_plan_v = _version()


class StagePlan(SQLModel, table=True):
    """Planned and actual dates of one stage of one deal: the shared timeline."""

    __tablename__ = "stage_plan"
    __table_args__ = (UniqueConstraint("deal_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    stage: Stage = _choice(Stage, 16)
    planned: date | None = None
    actual: date | None = None
    version: int = Field(default=1, sa_column=_plan_v)
    __mapper_args__ = {"version_id_col": _plan_v}


class StageMove(SQLModel, table=True):
    """One move of a deal between LTC stages: the exit from ``from_stage`` and the entry
    to ``to_stage`` (``from_stage`` is empty where the deal was created). Rows are only
    ever added: this is the deal's stage history."""

    __tablename__ = "stage_move"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    from_stage: Stage | None = _choice(Stage, 16, default=None)
    to_stage: Stage = _choice(Stage, 16)
    back: bool = False
    day: date
    at: datetime
    actor: str = Field(max_length=64)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


_task_v = _version()


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    role: Role = _choice(Role, 8)
    title: str = Field(sa_column=Column(Text, nullable=False))
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    due: date | None = None
    status: TaskStatus = _choice(TaskStatus, 8, default=TaskStatus.TODO)
    stage: Stage | None = _choice(Stage, 16, default=None)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    version: int = Field(default=1, sa_column=_task_v)
    __mapper_args__ = {"version_id_col": _task_v}


_risk_v = _version()


class Risk(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    role: Role = _choice(Role, 8)
    title: str = Field(sa_column=Column(Text, nullable=False))
    likelihood: int = 3
    impact: int = 3
    mitigation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    status: RiskStatus = _choice(RiskStatus, 12, default=RiskStatus.OPEN)
    escalated: bool = False
    escalated_at: datetime | None = None
    #: The person (the deal's sponsor at the time) the risk was escalated to.
    escalated_to_id: int | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_risk_v)
    __mapper_args__ = {"version_id_col": _risk_v}


_handoff_v = _version()


class Handoff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    from_role: Role = _choice(Role, 8)
    to_role: Role = _choice(Role, 8)
    title: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    due: date | None = None
    state: HandoffState = _choice(HandoffState, 10, default=HandoffState.DRAFTED)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sent_at: datetime | None = None
    decided_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_handoff_v)
    __mapper_args__ = {"version_id_col": _handoff_v}


class GateRecord(SQLModel, table=True):
    """One decision at a gate. Never edited: a later decision supersedes it."""

    __tablename__ = "gate_decision"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    gate: Gate = _choice(Gate, 8)
    decision: GateDecision = _choice(GateDecision, 10)
    decided_by: str = Field(max_length=64)
    decided_at: datetime
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Event(SQLModel, table=True):
    """The append-only log: who changed what, when, with old and new values."""

    __table_args__ = (Index("ix_event_deal_id_id", "deal_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=64)
    deal_id: int | None = Field(default=None, foreign_key="deal.id")
    entity: str = Field(max_length=16)
    entity_id: int | None = None
    entity_version: int | None = None
    action: str = Field(max_length=16)
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    #: The chain (``dealroom.domain.chain``): the hash of the event before, and this one's.
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)
    #: The administrator's login when one acted for ``actor``; empty otherwise.
    by: str = Field(default="", max_length=64)


class Administrator(SQLModel, table=True):
    """A login that manages the team and may act for another member."""

    login: str = Field(primary_key=True, max_length=64)
    added_at: datetime
    added_by: str = Field(max_length=64)


_milestone_v = _version()


class Milestone(SQLModel, table=True):
    """One line of a deal's payment plan: a share of the contract or a fixed amount."""

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    position: int = 0
    name: str = Field(max_length=200)
    #: Basis points of the contract (3000 = 30%), or None for a fixed ``amount``.
    share_bp: int | None = None
    #: Minor units of the deal's currency, for a fixed milestone.
    amount: int | None = Field(default=None, sa_column=Column(AMOUNT, nullable=True))
    trigger: Trigger = _choice(Trigger, 12)
    planned: date | None = None
    version: int = Field(default=1, sa_column=_milestone_v)
    __mapper_args__ = {"version_id_col": _milestone_v}


_invoice_v = _version()


class Invoice(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("number"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id", index=True)
    number: str = Field(max_length=40)
    issued: date
    due: date
    #: Minor units of the deal's currency.
    amount: int = Field(sa_column=Column(AMOUNT, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = Field(default=1, sa_column=_invoice_v)
    __mapper_args__ = {"version_id_col": _invoice_v}


class InvoiceSettlement(SQLModel, table=True):
    """A payment, credit note or write-off against an invoice."""

    __tablename__ = "settlement"
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    kind: Settlement = _choice(Settlement, 10)
    on: date
    amount: int = Field(sa_column=Column(AMOUNT, nullable=False))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Setting(SQLModel, table=True):
    """One of the database's own settings (``base_currency``): a key and its text."""

    key: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=200)


class ExchangeRate(SQLModel, table=True):
    """One unit of ``currency`` is worth ``rate`` units of ``base`` from ``valid_from`` on."""

    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency", "base", "valid_from"),)
    id: int | None = Field(default=None, primary_key=True)
    currency: str = Field(max_length=3)
    base: str = Field(max_length=3)
    #: A decimal, kept as its text: exact on SQLite (whose NUMERIC is a float) too.
    rate: str = Field(max_length=40)
    valid_from: date


class GateApprover(SQLModel, table=True):
    """The policy: a person named to decide one gate on every deal, besides its sponsor."""

    __tablename__ = "gate_approver"
    gate: Gate = Field(sa_column=Column(Choice(Gate, 8), primary_key=True))
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    added_at: datetime
    added_by: str = Field(max_length=64)


_standup_v = _version()


class Standup(SQLModel, table=True):
    """One daily standup: its time, who ran it, the deals it covered, actions it created."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(index=True)
    ended_at: datetime | None = None
    run_by: str = Field(max_length=64)
    since: datetime
    deals: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    actions: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    #: Which deals it walks: ``team``, ``mine:HANDLE``, ``role:FR`` or ``person:HANDLE``.
    scope: str = Field(default="team", max_length=80)
    #: The minutes as the team saw them when the standup ended (Markdown).
    minutes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = Field(default=1, sa_column=_standup_v)
    __mapper_args__ = {"version_id_col": _standup_v}


class StandupNote(SQLModel, table=True):
    """A note taken during a standup, attributed to whoever typed it. Never edited."""

    __tablename__ = "standup_note"
    id: int | None = Field(default=None, primary_key=True)
    standup_id: int = Field(foreign_key="standup.id", index=True)
    deal_id: int | None = Field(default=None, foreign_key="deal.id")
    author: str = Field(max_length=64)
    at: datetime
    text: str = Field(sa_column=Column(Text, nullable=False))


# --- the methods that win a deal -------------------------------------------------------

_checklist_item_v = _version()


class ChecklistTemplate(SQLModel, table=True):
    """One line of a stage's checklist, shared by every deal; a retired line keeps its key
    (and the answers given to it) but is no longer asked."""

    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("stage", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    stage: Stage = _choice(Stage, 16)
    key: str = Field(max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    key_item: bool = False
    position: int = 0
    retired: bool = False
    version: int = Field(default=1, sa_column=_checklist_item_v)
    __mapper_args__ = {"version_id_col": _checklist_item_v}


_checklist_answer_v = _version()


class ChecklistAnswer(SQLModel, table=True):
    """A deal's answer to one checklist line, by ``(stage, key)``."""

    __tablename__ = "checklist_answer"
    __table_args__ = (UniqueConstraint("deal_id", "stage", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    stage: Stage = _choice(Stage, 16)
    key: str = Field(max_length=40)
    answer: Answer = _choice(Answer, 12, default=Answer.UNANSWERED)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    answered_by: str = Field(max_length=64)
    answered_at: datetime
    version: int = Field(default=1, sa_column=_checklist_answer_v)
    __mapper_args__ = {"version_id_col": _checklist_answer_v}


_contact_v = _version()


class ContactRecord(SQLModel, table=True):
    """One person on the customer's side of a deal: the power map."""

    __tablename__ = "contact"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    name: str = Field(max_length=120)
    title: str = Field(default="", max_length=120)
    decision_role: DecisionRole = _choice(DecisionRole, 16, default=DecisionRole.USER)
    influence: int = 3
    key_decider: bool = False
    support: int = 0
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    leaning_to: str | None = Field(default=None, max_length=120)
    last_contact: date | None = None
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_contact_v)
    __mapper_args__ = {"version_id_col": _contact_v}


_competitor_v = _version()


class CompetitorRecord(SQLModel, table=True):
    __tablename__ = "competitor"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    name: str = Field(max_length=80)
    relationship: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    strengths: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    weaknesses: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    allies: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    differentiator: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_competitor_v)
    __mapper_args__ = {"version_id_col": _competitor_v}


class AssessmentScore(SQLModel, table=True):
    """One scoring of one assessment factor. Never edited: the latest per factor is the
    current score, and all of them are its history."""

    __tablename__ = "assessment_score"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    factor: str = Field(max_length=40)
    score: int
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    scored_by: str = Field(max_length=64)
    scored_at: datetime


class DealReview(SQLModel, table=True):
    """A deal review meeting that was held. Never edited."""

    __tablename__ = "deal_review"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    held_on: date
    held_by: str = Field(max_length=64)
    at: datetime
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


metadata = SQLModel.metadata
