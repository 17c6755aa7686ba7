"""The cash end of Lead-to-Cash: each deal's payment plan (milestones), its invoices, and
the payments, credit notes and write-offs against them. On PostgreSQL a deal's amount
becomes a 64-bit integer, as SQLite's always was (a deal over 2.1 billion overflowed).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: 64-bit on PostgreSQL; SQLite's INTEGER is 64-bit already.
AMOUNT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deal_id", sa.Integer, sa.ForeignKey("deal.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("share_bp", sa.Integer, nullable=True),
        sa.Column("amount", AMOUNT, nullable=True),
        sa.Column("trigger", sa.String(12), nullable=False),
        sa.Column("planned", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deal_id", sa.Integer, sa.ForeignKey("deal.id"), nullable=False, index=True),
        sa.Column(
            "milestone_id", sa.Integer, sa.ForeignKey("milestone.id"), nullable=True, index=True
        ),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("issued", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("amount", AMOUNT, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "settlement",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "invoice_id", sa.Integer, sa.ForeignKey("invoice.id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("amount", AMOUNT, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("deal", "amount", type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("deal", "amount", type_=sa.Integer(), existing_nullable=False)
    op.drop_table("settlement")
    op.drop_table("invoice")
    op.drop_table("milestone")
