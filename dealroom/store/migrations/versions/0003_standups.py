"""Standups: when each ran, who ran it, which deals it covered, and its notes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standup",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_by", sa.String(64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deals", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_standup_started_at", "standup", ["started_at"])
    op.create_table(
        "standup_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("standup_id", sa.Integer(), sa.ForeignKey("standup.id"), nullable=False),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=True),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_standup_note_standup_id", "standup_note", ["standup_id"])


def downgrade() -> None:
    op.drop_table("standup_note")
    op.drop_table("standup")
