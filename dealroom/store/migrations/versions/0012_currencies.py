"""Money the team can read: the database's settings (its base currency) and exchange rates
with the day each holds from.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "exchange_rate",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("base", sa.String(3), nullable=False),
        sa.Column("rate", sa.String(40), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.UniqueConstraint("currency", "base", "valid_from"),
    )


def downgrade() -> None:
    op.drop_table("exchange_rate")
    op.drop_table("setting")
