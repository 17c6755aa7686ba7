"""A standup's scope (the team's deals, mine, a role's or a person's) and its minutes as
the team saw them when it ended, kept with the record so past standups can be read.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "standup", sa.Column("scope", sa.String(80), nullable=False, server_default="team")
    )
    op.add_column("standup", sa.Column("minutes", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("standup", "minutes")
    op.drop_column("standup", "scope")
