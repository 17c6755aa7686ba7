"""PostgreSQL roles for a team: the owner migrates; members connect as their own login
roles, in one group role that may read and write the deals but only read and append to the
event log. So a member with ``psql`` cannot rewrite history: ``UPDATE``, ``DELETE`` and
``TRUNCATE`` on the log are refused by the server, and only the owner (who owns the tables)
could disable the log's guard or change the schema."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, text

from dealroom.i18n import _
from dealroom.store.errors import StoreError
from dealroom.store.tables import metadata

#: The group role members are put in, unless told another.
MEMBER_ROLE = "dealroom_member"
#: Tables a member may only read and append to.
APPEND_ONLY = ("event",)
#: Tables a member may only read (the owner names the administrators).
READ_ONLY = ("alembic_version", "administrator")


def grant_members(engine: Engine, members: Sequence[str] = (), group: str = MEMBER_ROLE) -> str:
    """As the owner: make ``group`` (if new) with the least privileges the app needs on the
    current schema, and put each of ``members`` (login roles, made if new, with no password:
    how they log in is the server's ``pg_hba.conf``) in it. Returns the schema. Running it
    again is harmless."""
    if engine.dialect.name != "postgresql":
        raise StoreError(_("roles are PostgreSQL's: an SQLite file is shared by its permissions"))
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as conn:
        schema = str(conn.execute(text("SELECT current_schema()")).scalar())
        for role, login in [(group, False), *((m, True) for m in members)]:
            found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
            if found.first() is None:
                conn.execute(text(f"CREATE ROLE {quote(role)} {'LOGIN' if login else 'NOLOGIN'}"))
        g, s = quote(group), quote(schema)
        conn.execute(text(f"GRANT USAGE ON SCHEMA {s} TO {g}"))
        conn.execute(text(f"REVOKE CREATE ON SCHEMA {s} FROM {g}"))
        conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {g}"))
        for table in dict.fromkeys([*(t.name for t in metadata.sorted_tables), *READ_ONLY]):
            if table in APPEND_ONLY:
                rights = "SELECT, INSERT"
            elif table in READ_ONLY:
                rights = "SELECT"
            else:
                rights = "SELECT, INSERT, UPDATE, DELETE"
            conn.execute(text(f"GRANT {rights} ON {s}.{quote(table)} TO {g}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {g}"))
        # Tables and sequences a later upgrade makes (as the owner) are the members' too.
        conn.execute(
            text(
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {g}"
            )
        )
        conn.execute(
            text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {g}")
        )
        for member in members:
            conn.execute(text(f"GRANT {g} TO {quote(member)}"))
    return schema
