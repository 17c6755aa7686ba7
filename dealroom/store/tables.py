"""The tables, as SQLModel models.

Enumerated values are stored as short strings (checked by the domain), not as native
database enums, so a new stage or status is a code change and not a type migration.
Every editable row carries ``version``: SQLAlchemy's ``version_id_col`` makes an update
against a stale version match no row, which the store reports as a conflict.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


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
    tier: str = Field(default="C", max_length=1)
    version: int = Field(default=1, sa_column=_account_v)
    __mapper_args__ = {"version_id_col": _account_v}


_deal_v = _version()


class Deal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=20_000)
    account_id: int = Field(foreign_key="account.id", index=True)
    amount: int = Field(default=0, description="whole currency units")
    currency: str = Field(default="CNY", max_length=3)
    close_date: date | None = None
    stage: str = Field(default="lead", max_length=16, index=True)
    probability_override: int | None = None
    level: str = Field(default="III", max_length=3)
    status: str = Field(default="open", max_length=8, index=True)
    status_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_deal_v)
    __mapper_args__ = {"version_id_col": _deal_v}


_member_v = _version()


class DealMember(SQLModel, table=True):
    __tablename__ = "deal_member"
    __table_args__ = (UniqueConstraint("deal_id", "person_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=8)
    version: int = Field(default=1, sa_column=_member_v)
    __mapper_args__ = {"version_id_col": _member_v}


_plan_v = _version()


class StagePlan(SQLModel, table=True):
    """Planned and actual dates of one stage of one deal: the shared timeline."""

    __tablename__ = "stage_plan"
    __table_args__ = (UniqueConstraint("deal_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    stage: str = Field(max_length=16)
    planned: date | None = None
    actual: date | None = None
    version: int = Field(default=1, sa_column=_plan_v)
    __mapper_args__ = {"version_id_col": _plan_v}


_task_v = _version()


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    role: str = Field(max_length=8)
    title: str = Field(sa_column=Column(Text, nullable=False))
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    due: date | None = None
    status: str = Field(default="todo", max_length=8)
    stage: str | None = Field(default=None, max_length=16)
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
    role: str = Field(max_length=8)
    title: str = Field(sa_column=Column(Text, nullable=False))
    likelihood: int = 3
    impact: int = 3
    mitigation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    status: str = Field(default="open", max_length=12)
    escalated: bool = False
    escalated_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_risk_v)
    __mapper_args__ = {"version_id_col": _risk_v}


_handoff_v = _version()


class Handoff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    from_role: str = Field(max_length=8)
    to_role: str = Field(max_length=8)
    title: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    due: date | None = None
    state: str = Field(default="drafted", max_length=10)
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
    gate: str = Field(max_length=8)
    decision: str = Field(max_length=10)
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
    stage: str = Field(max_length=16)
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
    stage: str = Field(max_length=16)
    key: str = Field(max_length=40)
    answer: str = Field(default="unanswered", max_length=12)
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
    decision_role: str = Field(default="user", max_length=16)
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
