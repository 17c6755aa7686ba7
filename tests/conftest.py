"""Shared fixtures: a store on a fresh SQLite file and, where configured, on PostgreSQL.

Set ``DEALROOM_TEST_PG_URL`` (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to run every store test on
PostgreSQL too. Each test process (``pytest -n``) then makes a database of its own (the
role needs CREATEDB), dropped at the end, so tests running at once never see each other's
rows, notifications or migration locks; in it each test gets an empty schema of its own or
the shared schema at head, put back as the migrations left it.

A test that uses the ``store`` fixture (or ``at_head``) starts from a database at the
current schema that was migrated once per test process (an SQLite file copied, the
PostgreSQL schema put back), which is what opening an empty one would have made;
``db_url`` alone is an empty database, for the tests of creating and upgrading one.

The app-driving helpers (pilots, the small team database) are in ``tests/pilots.py``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import TupleRow
from seeding import open_seeder
from sqlalchemy import URL, make_url

from dealroom.store import Store, open_store

#: The shared helpers (tests/pilots.py, tests/snapshot_app.py): plugins for their fixtures,
#: and imported by the tests for their functions, their asserts rewritten as a test's are.
pytest_plugins = ["pilots", "snapshot_app"]
pytest.register_assert_rewrite(*pytest_plugins, "hostile")

from pilots import TODAY  # noqa: E402  (the fixed today of the tests, a Monday)

PG_URL = os.environ.get("DEALROOM_TEST_PG_URL", "")
PG_SKIP = (
    "PostgreSQL tests skipped: set DEALROOM_TEST_PG_URL, e.g. "
    "DEALROOM_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class Clock:
    """A settable clock: ``clock.advance(hours=2)`` moves time on for the store."""

    def __init__(self, start: datetime) -> None:
        self.value = start

    def __call__(self) -> datetime:
        return self.value

    def advance(self, **delta: float) -> None:
        self.value += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


# --- nothing from the tester's environment ------------------------------------------------


@pytest.fixture(autouse=True)
def _hermetic(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test reads the tester's keymap, database, user name or language, and none
    writes to the user data folder or the current folder that the others share: a test
    that wants one of these sets it itself. Each starts (and ends) speaking English."""
    from dealroom import i18n

    for name in ("DEALROOM_DB", "DEALROOM_USER", "DEALROOM_SPEAKER_MINUTES", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEALROOM_LANG", "en")
    i18n.use(i18n.SOURCE)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DEALROOM_KEYMAP", str(home / "no-keymap.toml"))
    monkeypatch.setenv("DEALROOM_EXPORT_DIR", str(home / "exports"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    yield
    i18n.use(i18n.SOURCE)


# --- the order: the long tests first ----------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The ``slow`` tests first (the rest keep their order): started early, each runs
    beside the many short ones instead of alone at the end of a parallel run."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# --- PostgreSQL skips: one line in the summary ---------------------------------------------


def _on_postgresql(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("db_url") == "postgresql"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Without ``DEALROOM_TEST_PG_URL`` a PostgreSQL test is skipped here, before its
    fixtures, from this one place: ``-ra`` folds them all into one line that says how many
    and how to run them."""
    if not PG_URL and _on_postgresql(item):
        pytest.skip(PG_SKIP)


# --- databases --------------------------------------------------------------------------


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def _sqlite_at_head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file at the current schema, made once per test process."""
    path = tmp_path_factory.mktemp("template") / "head.db"
    open_store(f"sqlite:///{path}", actor="ana").close()  # closed: no -wal file beside it
    return path


def _in_schema(url: URL, schema: str) -> str:
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


class _PgDatabase:
    """This test process's own PostgreSQL database (its tests run one at a time in it, so
    none sees another process's rows, notifications or migration lock), with one schema
    at the current schema, ``head``, that the tests using ``at_head`` share in turn: before
    each, it is put back as the migrations left it (rows and sequences; rebuilt if a test
    changed its tables). That takes a few milliseconds, where migrating a new schema takes
    most of a second; ``DROP DATABASE`` (a checkpoint each) is left for the end."""

    HEAD = "head"

    def __init__(self) -> None:
        self.name = f"dealroom_{_worker()}_{uuid.uuid4().hex[:10]}"
        self.url = make_url(PG_URL).set(database=self.name)
        self.conninfo = self.url.set(drivername="postgresql").render_as_string(False)
        self._reset = b""
        self._shape = ""
        self._may_reset = True
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        try:
            self._build_head()
        except BaseException:
            self.drop()
            raise

    def _admin(self) -> psycopg.Connection[TupleRow]:
        base = make_url(PG_URL).set(drivername="postgresql").render_as_string(False)
        return psycopg.connect(base, autocommit=True, connect_timeout=10)

    def _connect(self) -> psycopg.Connection[TupleRow]:
        return psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10)

    def new_schema(self) -> str:
        """An empty schema of its own (dropped with the database)."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self._connect() as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return _in_schema(self.url, schema)

    def head(self) -> str:
        """The ``head`` schema, as the migrations left it."""
        with self._connect() as conn:
            # nothing of an earlier test still connected (a store left open, a process)
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if self._may_reset and self._fingerprint(conn) == self._shape:
                try:
                    with conn.transaction():
                        conn.execute(self._reset)
                    return _in_schema(self.url, self.HEAD)
                except psycopg.errors.InsufficientPrivilege:  # not a superuser: migrate
                    self._may_reset = False
        self._build_head()
        return _in_schema(self.url, self.HEAD)

    def _build_head(self) -> None:
        head, seed = self.HEAD, "seed"
        with self._connect() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{head}", "{seed}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{head}"')
        open_store(_in_schema(self.url, head), actor="ana").close()
        with self._connect() as conn:
            tables = [
                t
                for (t,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s", (head,)
                )
                if t != "alembic_version"
            ]
            sequences = conn.execute(
                "SELECT sequencename, last_value, start_value FROM pg_sequences "
                "WHERE schemaname = %s",
                (head,),
            ).fetchall()
            conn.execute(f'CREATE SCHEMA "{seed}"')
            seeded = []  # the rows the migrations wrote (the default checklists)
            for t in tables:
                conn.execute(f'CREATE TABLE "{seed}"."{t}" AS TABLE "{head}"."{t}"')
                if conn.execute(f'SELECT 1 FROM "{seed}"."{t}" LIMIT 1').fetchone():
                    seeded.append(t)
            self._shape = self._fingerprint(conn)
        # the triggers (the append-only event log, foreign keys) stay out of the way
        reset = ["SET LOCAL session_replication_role = replica"]
        reset += [f'DELETE FROM "{head}"."{t}"' for t in tables]
        reset += [
            f'INSERT INTO "{head}"."{t}" OVERRIDING SYSTEM VALUE SELECT * FROM "{seed}"."{t}"'
            for t in seeded
        ]
        reset += [  # where each sequence stood: at its last value, or not used yet
            f"SELECT setval('{head}.{name}', {last or start}, {last is not None})"
            for name, last, start in sequences
        ]
        self._reset = ";\n".join(reset).encode()

    def _fingerprint(self, conn: psycopg.Connection[TupleRow]) -> str:
        """What the ``head`` schema is made of: its tables, columns, constraints, triggers
        and functions."""
        row = conn.execute(
            """
            SELECT md5(string_agg(part, ',' ORDER BY part)) FROM (
                SELECT c.relname || ':' || c.relkind::text || ':' || coalesce(a.attname::text, '')
                       || ':' || coalesce(a.atttypid::text, '') AS part
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
                     AND NOT a.attisdropped
                WHERE n.nspname = %(s)s
                UNION ALL
                SELECT 'con:' || conname FROM pg_constraint
                WHERE connamespace = %(s)s::regnamespace
                UNION ALL
                SELECT 'trg:' || t.tgname || ':' || t.tgenabled::text FROM pg_trigger t
                JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = %(s)s::regnamespace
                UNION ALL
                SELECT 'fn:' || proname || ':' || md5(prosrc) FROM pg_proc
                WHERE pronamespace = %(s)s::regnamespace
            ) parts
            """,
            {"s": self.HEAD},
        ).fetchone()
        return str(row[0] if row else "")

    def drop(self) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[_PgDatabase]:
    try:
        database = _PgDatabase()
    except psycopg.Error as exc:  # the server is configured but not reachable, or refuses
        pytest.fail(f"DEALROOM_TEST_PG_URL is set but PostgreSQL is not usable: {exc}")
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def at_head() -> None:
    """Asked for beside ``db_url`` (as the ``store`` fixture does), it makes that database
    start at the current schema instead of empty."""


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to a database of its own: an SQLite file, then PostgreSQL when configured.

    Empty, unless the test uses ``at_head`` (the ``store`` fixture does): then it is
    already at the current schema, as opening it would have left it."""
    at_head = "at_head" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "dealroom.db"
        if at_head:
            shutil.copyfile(request.getfixturevalue("_sqlite_at_head"), path)
        return f"sqlite:///{path}"
    if not PG_URL:  # (skipped before its fixtures, but a test may ask for it late)
        pytest.skip(PG_SKIP)
    database: _PgDatabase = request.getfixturevalue("_pg_database")
    return database.head() if at_head else database.new_schema()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/dealroom.db"


@pytest.fixture
def store(db_url: str, at_head: None, clock: Clock) -> Iterator[Store]:
    """A store acting as ``ana`` (AR, and an administrator: she keeps the team, the
    accounts and the checklists) on a database at the current schema, with a fixed today."""
    st = open_seeder(db_url, actor="ana", now=clock, today=TODAY)
    try:
        yield st
    finally:
        st.close()


@pytest.fixture
def team(store: Store) -> Store:
    """Three people and one deal, ``ACME-5G``, with its AR/SR/FR leads."""
    return seed_team(store)


def seed_team(store: Store) -> Store:
    """The ``team`` fixture's people and deal, in ``store``."""
    from dealroom.domain import Role, Tier

    store.people.add_person("ana", "Ana Lima")
    store.people.add_person("wei", "Wei Zhang")
    store.people.add_person("li", "李娜")
    store.people.add_person("boss", "Sam Sponsor")
    store.deals.create_deal(
        "ACME-5G",
        "5G core refresh",
        "ACME Telecom",
        amount=1_200_000,
        tier=Tier.S,
        leads={Role.AR: "ana", Role.SR: "wei", Role.FR: "li"},
    )
    store.deals.set_member("ACME-5G", Role.SPONSOR, "boss")
    return store


def other_store(store: Store, clock: Clock, actor: str = "wei", today: date = TODAY) -> Store:
    """A second person's store on the same database."""
    return open_store(store.url, actor=actor, now=clock, today=today)
