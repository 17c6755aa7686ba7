"""The deal room's core tables.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _version() -> sa.Column:
    return sa.Column("version", sa.Integer(), nullable=False)


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handle", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        _version(),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("tier", sa.String(1), nullable=False),
        _version(),
    )
    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(20000), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("probability_override", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(3), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        *_stamps(),
        _version(),
    )
    op.create_index("ix_deal_account_id", "deal", ["account_id"])
    op.create_index("ix_deal_stage", "deal", ["stage"])
    op.create_index("ix_deal_status", "deal", ["status"])
    op.create_table(
        "deal_member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        _version(),
        sa.UniqueConstraint("deal_id", "person_id", "role"),
    )
    op.create_index("ix_deal_member_deal_id", "deal_member", ["deal_id"])
    op.create_index("ix_deal_member_person_id", "deal_member", ["person_id"])
    op.create_table(
        "stage_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("planned", sa.Date(), nullable=True),
        sa.Column("actual", sa.Date(), nullable=True),
        _version(),
        sa.UniqueConstraint("deal_id", "stage"),
    )
    op.create_index("ix_stage_plan_deal_id", "stage_plan", ["deal_id"])
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("stage", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamps(),
        _version(),
    )
    op.create_index("ix_task_deal_id", "task", ["deal_id"])
    op.create_table(
        "risk",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        *_stamps(),
        _version(),
    )
    op.create_index("ix_risk_deal_id", "risk", ["deal_id"])
    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=False),
        sa.Column("from_role", sa.String(8), nullable=False),
        sa.Column("to_role", sa.String(8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        *_stamps(),
        _version(),
    )
    op.create_index("ix_handoff_deal_id", "handoff", ["deal_id"])
    op.create_table(
        "gate_decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=False),
        sa.Column("gate", sa.String(8), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_gate_decision_deal_id", "gate_decision", ["deal_id"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=True),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("entity_version", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index("ix_event_at", "event", ["at"])
    op.create_index("ix_event_deal_id_id", "event", ["deal_id", "id"])


def downgrade() -> None:
    for name in (
        "event",
        "gate_decision",
        "handoff",
        "risk",
        "task",
        "stage_plan",
        "deal_member",
        "deal",
        "account",
        "person",
    ):
        op.drop_table(name)
