"""PostgreSQL tells running apps when the event log grows.

Every change writes an event, so a statement-level trigger on the event table is enough:
it sends one NOTIFY per writing statement, delivered when the transaction commits, and
every app that LISTENs refreshes. SQLite needs nothing here: apps there ask the file's
``PRAGMA data_version``.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: The channel apps LISTEN on; ``dealroom.store.watch`` uses the same name.
CHANNEL = "dealroom_events"

_NOTIFY = f"""
CREATE OR REPLACE FUNCTION dealroom_notify_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_NOTIFY)
        op.execute(
            "CREATE TRIGGER event_notify AFTER INSERT ON event "
            "FOR EACH STATEMENT EXECUTE FUNCTION dealroom_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_notify ON event")
        op.execute("DROP FUNCTION IF EXISTS dealroom_notify_change()")
