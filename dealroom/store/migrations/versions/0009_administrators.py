"""Administrators, and events that say who acted for whom.

An administrator (a login) manages the team and may act for another member; the event then
records both: the member as ``actor``, the administrator's login as ``by``. The first
administrator is whoever made the database: the owner of the SQLite file, or the role that
runs this migration on PostgreSQL.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import os
import pwd
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def first_administrator(bind: sa.Connection) -> str:
    if bind.dialect.name == "postgresql":
        return str(bind.execute(sa.text("SELECT session_user")).scalar())
    database = bind.engine.url.database
    uid = os.geteuid()
    if database and database != ":memory:" and Path(database).exists():
        uid = Path(database).stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def upgrade() -> None:
    op.create_table(
        "administrator",
        sa.Column("login", sa.String(64), primary_key=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
    )
    op.add_column("event", sa.Column("by", sa.String(64), nullable=False, server_default=""))
    bind = op.get_bind()
    login = first_administrator(bind)
    bind.execute(
        sa.text("INSERT INTO administrator (login, added_at, added_by) VALUES (:l, :at, :l)"),
        {"l": login, "at": datetime.now(UTC)},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("event", "by")
    else:
        with op.batch_alter_table("event") as batch:
            batch.drop_column("by")
        for verb in ("UPDATE", "DELETE"):  # the table was copied: its guard is made again
            op.execute(f"DROP TRIGGER IF EXISTS event_no_{verb.lower()}")
            op.execute(
                f"CREATE TRIGGER event_no_{verb.lower()} BEFORE {verb} ON event "
                "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
            )
    op.drop_table("administrator")
