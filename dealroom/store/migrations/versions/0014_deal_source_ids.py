"""Imported deals remember where they came from: the id the team's CRM or sheet gave them
(Salesforce's Opportunity ID, HubSpot's Record ID, a column the mapping names), so a
second import of the same file updates them instead of adding them again.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deal", sa.Column("source_id", sa.String(200), nullable=True))
    op.create_index("ix_deal_source_id", "deal", ["source_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_deal_source_id", table_name="deal")
    op.drop_column("deal", "source_id")  # SQLite drops a column in place since 3.35
