"""`dealroom init --postgres`: members connect as their own roles, in a group that may read
and append to the event log but never rewrite it. The server refuses a member's UPDATE,
DELETE and TRUNCATE on the log, and any change to the schema; the app works as a member."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from dealroom.cli import EXIT_USAGE, main
from dealroom.domain import Role
from dealroom.store import open_store
from dealroom.store.errors import IdentityError

pytestmark = pytest.mark.usefixtures("at_head")


def _as(url: str, role: str) -> str:
    """The same database, logged in as ``role`` (the server trusts local connections)."""
    return make_url(url).set(username=role).render_as_string(hide_password=False)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def pg_url(db_url: str) -> str:
    """PostgreSQL's ``db_url`` only: roles are the server's (the tests below ask for it)."""
    return db_url


@pytest.fixture
def roles(pg_url: str) -> Iterator[tuple[str, str]]:
    """A group role and a member login role of this test's own (roles are the server's)."""
    tag = uuid.uuid4().hex[:8]
    group, member = f"dr_members_{tag}", f"dr_eve_{tag}"
    yield group, member
    with psycopg.connect(_libpq(pg_url), autocommit=True) as conn:
        for role in (member, group):
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_member_cannot_rewrite_the_log_but_the_app_works_for_them(
    pg_url: str, roles: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    group, member = roles
    assert main(["init", "--postgres", pg_url, "--member", member, "--member-role", group]) == 0
    out = capsys.readouterr().out
    assert f"in {group}" in out and "refuses them UPDATE, DELETE and TRUNCATE" in out
    assert "Administrators: postgres (the owner names more" in out

    with open_store(pg_url, actor="postgres") as owner:  # the owner, who administers it
        owner.people.add_person(member, "Eve Member")
        owner.people.add_account("ACME")
    with open_store(_as(pg_url, member), actor=member) as st:  # the app, as the member
        assert st.database.login == member
        st.deals.create_deal("ACME-5G", "5G core", "ACME", leads={Role.AR: member})
        st.items.add_task("ACME-5G", Role.AR, "Call the CFO")
        assert st.chain.verify().broken is None
        assert [(e.actor, e.by) for e in st.reads.events()][-2:] == [(member, "")] * 2
    with pytest.raises(IdentityError, match=f"you are logged in as {member}"):
        open_store(_as(pg_url, member), actor="postgres")  # the app refuses another name

    with psycopg.connect(_libpq(_as(pg_url, member)), autocommit=True) as conn:
        assert conn.execute("SELECT session_user").fetchone() == (member,)
        for statement in (
            "INSERT INTO administrator VALUES ('someone', now(), 'someone')",
            # ...and the server refuses an event in another's name, or "for" another
            "INSERT INTO event (at, actor, entity, action, by) "
            "VALUES (now(), 'postgres', 'deal', 'update', '')",
            f"INSERT INTO event (at, actor, entity, action, by) "
            f"VALUES (now(), 'postgres', 'deal', 'update', '{member}')",
            "UPDATE event SET actor = 'ghost'",
            "DELETE FROM event",
            "TRUNCATE event",
            "ALTER TABLE event DISABLE TRIGGER event_append_only",
            "DROP TABLE event",
            "CREATE TABLE mine (x int)",
            "UPDATE alembic_version SET version_num = '9999'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM event").fetchone()[0] > 0  # type: ignore[index]

    with psycopg.connect(_libpq(pg_url), autocommit=True) as conn:  # an upgrade's new table
        conn.execute("CREATE TABLE later_one (id serial PRIMARY KEY, x int)")
    with psycopg.connect(_libpq(_as(pg_url, member)), autocommit=True) as conn:
        conn.execute("INSERT INTO later_one (x) VALUES (1)")  # the members' without a new init
    with psycopg.connect(_libpq(pg_url), autocommit=True) as conn:
        conn.execute("DROP TABLE later_one")
    assert main(["init", "--postgres", pg_url, "--member-role", group]) == 0  # again: harmless
    capsys.readouterr()


def test_init_takes_either_a_folder_or_postgres(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["init"])
    assert stop.value.code == EXIT_USAGE
    assert main(["init", "--postgres", "postgresql://x/y", "--group", "sales"]) == EXIT_USAGE
    assert "--group goes with --shared" in capsys.readouterr().err
    assert main(["init", "--shared", "/tmp/x", "--member", "eve"]) == EXIT_USAGE
    assert "--shared needs --group" in capsys.readouterr().err
