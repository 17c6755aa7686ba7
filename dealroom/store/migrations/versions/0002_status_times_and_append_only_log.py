"""When a task last changed status and a risk was escalated; the event log append-only.

Reviews flag a task blocked for longer than N days and an escalation left open, which
needs the time of the change on the row. Existing rows take their last update time.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_PG_GUARD = """
CREATE OR REPLACE FUNCTION dealroom_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE task SET status_changed_at = updated_at")
    with op.batch_alter_table("task") as batch:
        batch.alter_column(
            "status_changed_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )

    with op.batch_alter_table("risk") as batch:
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        sa.text("UPDATE risk SET escalated_at = updated_at WHERE escalated = :yes").bindparams(
            yes=True
        )
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD)
        op.execute(
            "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
            "FOR EACH ROW EXECUTE FUNCTION dealroom_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER event_no_{verb.lower()} BEFORE {verb} ON event "
                "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_append_only ON event")
        op.execute("DROP FUNCTION IF EXISTS dealroom_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS event_no_update")
        op.execute("DROP TRIGGER IF EXISTS event_no_delete")
    with op.batch_alter_table("risk") as batch:
        batch.drop_column("escalated_at")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("status_changed_at")
