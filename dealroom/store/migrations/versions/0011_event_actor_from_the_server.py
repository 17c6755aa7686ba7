"""On PostgreSQL the server, not the client, says who acted: a member role's event has that
role (``session_user``) as its actor, or, when an administrator acted for a member, as its
``by``, and the role must then be an administrator. A member that names anyone else is
refused. The owner role, which migrates and could drop the guard, is not bound. (On
SQLite the OS login is read by the app: file permissions are the boundary there, and
``dealroom verify`` finds what was changed behind the app's back.)

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_PG_ACTOR = """
CREATE OR REPLACE FUNCTION dealroom_event_actor() RETURNS trigger AS $$
BEGIN
    -- The owner (who migrates, and could drop this guard anyway) is not bound: it loads
    -- the demo's history and runs the team's scripts. Member roles are.
    IF session_user = (SELECT tableowner FROM pg_tables
                       WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME)
       OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper) THEN
        RETURN NEW;
    END IF;
    IF coalesce(NEW."by", '') = '' THEN
        IF NEW.actor IS DISTINCT FROM session_user THEN
            RAISE EXCEPTION 'you are connected as %, so an event you write is by %, not by %',
                session_user, session_user, NEW.actor
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF NEW."by" IS DISTINCT FROM session_user THEN
        RAISE EXCEPTION 'you are connected as %, not as %', session_user, NEW."by"
            USING ERRCODE = 'insufficient_privilege';
    ELSIF NOT EXISTS (SELECT 1 FROM administrator WHERE login = session_user) THEN
        RAISE EXCEPTION 'acting for % takes an administrator; % is not one',
            NEW.actor, session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_PG_ACTOR)
    op.execute(
        "CREATE TRIGGER event_actor BEFORE INSERT ON event "
        "FOR EACH ROW EXECUTE FUNCTION dealroom_event_actor()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS event_actor ON event")
    op.execute("DROP FUNCTION IF EXISTS dealroom_event_actor()")
