"""Shared fixtures: a store on a fresh SQLite file and, where configured, on PostgreSQL.

Set ``DEALROOM_TEST_PG_URL`` (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to run every store test on
PostgreSQL too; each test then gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest

from dealroom.store import Store, open_store

PG_URL = os.environ.get("DEALROOM_TEST_PG_URL", "")
PG_SKIP = (
    "PostgreSQL tests skipped: set DEALROOM_TEST_PG_URL, e.g. "
    "DEALROOM_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

#: The fixed "today" of store tests (a Monday).
TODAY = date(2026, 11, 23)


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


def _pg_schema_url(base: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the server is configured but not reachable
        admin.dispose()
        pytest.fail(f"DEALROOM_TEST_PG_URL is set but PostgreSQL is not usable: {exc}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """A URL to an empty database: an SQLite file, then PostgreSQL when configured."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/dealroom.db"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    yield from _pg_schema_url(PG_URL)


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/dealroom.db"


@pytest.fixture
def store(db_url: str, clock: Clock) -> Iterator[Store]:
    """A store acting as ``ana`` (AR) on an empty database, with a fixed today."""
    st = open_store(db_url, actor="ana", now=clock, today=TODAY)
    try:
        yield st
    finally:
        st.close()


@pytest.fixture
def team(store: Store) -> Store:
    """Three people and one deal, ``ACME-5G``, with its AR/SR/FR leads."""
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
