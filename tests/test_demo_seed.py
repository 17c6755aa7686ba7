"""The demo data is written a part at a time, yet it is the same data: the same rows
whatever the size of the parts, its events numbered in time order over the whole demo and
chained, and on SQLite the schema's indexes and triggers back as they were.

On SQLite and, when ``DEALROOM_TEST_PG_URL`` is set, on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import Clock
from seeding import open_seeder
from sqlalchemy import Engine, select, text

from dealroom.demo import TABLES, seed_demo
from dealroom.demo import deals as deals_module
from dealroom.domain.chain import GENESIS, Link, link_hash, stamp
from dealroom.store import Store, StoreError

TODAY = date(2026, 11, 23)


def seed(store: Store, chunk: int) -> dict[str, int]:
    return seed_demo(
        store.engine, deals=30, seed=11, today=TODAY, actor="ana", items=12, chunk=chunk
    )


def rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the demo's tables, every column, in id order."""
    out = {}
    with engine.connect() as conn:
        for name, model in TABLES.items():
            table = model.__table__  # type: ignore[attr-defined]
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]
    return out


@pytest.fixture
def second(request: pytest.FixtureRequest, store: Store, clock: Clock, tmp_path: Path) -> Store:
    """Another database like ``store``'s, at the current schema, made at the same time."""
    if store.engine.dialect.name == "sqlite":
        path = tmp_path / "second.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_at_head"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("_pg_database").new_schema()
    other = open_seeder(url, actor="ana", now=clock, today=TODAY)
    request.addfinalizer(other.close)
    return other


def test_parts_of_one_deal_make_the_same_rows_as_one_part(store: Store, second: Store) -> None:
    counts = seed(store, chunk=1)
    assert seed(second, chunk=1000) == counts
    assert counts["deal"] == 30 and counts["event"] > 30 * 20
    one, many = rows(second.engine), rows(store.engine)
    for name in TABLES:
        assert len(many[name]) >= counts[name] > 0
        assert many[name] == one[name], f"{name} differs"


def test_events_are_numbered_in_time_order_and_chained(store: Store) -> None:
    store.people.add_person("kim", "Kim Park")  # a log that does not start with the demo
    before = store.chain.head()
    assert before is not None
    counts = seed(store, chunk=4)
    with store.engine.connect() as conn:
        log = TABLES["event"].__table__  # type: ignore[attr-defined]
        events = conn.execute(select(log.c.id, log.c.at, log.c.prev_hash).order_by(log.c.id)).all()
    ids = [e[0] for e in events]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # no gaps
    demo = events[-counts["event"] :]
    assert demo[0][0] == before[0] + 1 and demo[0][2] == before[1]  # after what was there
    stamps = [stamp(e[1]) for e in demo]
    assert stamps == sorted(stamps) and len(set(stamps)) > len(stamps) // 2
    walked = store.chain.verify()
    assert walked.broken is None and walked.count == len(events)
    assert store.chain.head() == (walked.last_id, walked.last_hash)


def test_the_schema_is_as_it_was_after_the_load(store: Store) -> None:
    """On SQLite the indexes and triggers are dropped for the load and made again: the
    same ones, in the same order, and the log still refuses changes."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL keeps its indexes during the load")
    query = text(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    )
    with store.engine.connect() as conn:
        schema = [tuple(r) for r in conn.execute(query) if r[0] != "table"]
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    seed(store, chunk=7)
    with store.engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(query) if r[0] != "table"] == schema
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == cache
    with store.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.exec_driver_sql("DELETE FROM event WHERE id = 1")


def test_a_demo_that_fails_half_way_leaves_the_database_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts already written, indexes dropped: all of it is undone."""
    schema = text("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
    sqlite = store.engine.dialect.name == "sqlite"

    def shape() -> list[tuple[Any, ...]]:
        if not sqlite:
            return []
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(schema)]

    before, before_schema = rows(store.engine), shape()
    real = deals_module._deal

    def failing(b: Any, i: int, *args: Any) -> None:
        if i == 10:
            raise RuntimeError("the disk is full")
        real(b, i, *args)

    monkeypatch.setattr(deals_module, "_deal", failing)
    with pytest.raises(RuntimeError, match="disk is full"):
        seed(store, chunk=3)
    assert rows(store.engine) == before and shape() == before_schema
    monkeypatch.setattr(deals_module, "_deal", real)
    with pytest.raises(ValueError, match="chunk"):
        seed(store, chunk=0)
    assert seed(store, chunk=3)["deal"] == 30
    with pytest.raises(StoreError, match="already holds 30 deals"):
        seed(store, chunk=3)


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 11, 23, 8, 59, 0, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=8))),
        datetime(2026, 1, 2, 3, 4, 5, 123456),  # naive: UTC
        datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(1000, 1, 1, tzinfo=UTC),
    ],
)
def test_stamps_and_hashes_are_the_chains_as_it_always_was(at: datetime) -> None:
    """The faster stamp and the hash of an event already stamped give what the chain
    always gave (strftime; json.dumps of the whole event), or every log would break."""
    utc = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
    assert stamp(at) == utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    changes, summary = '{"a": ["ß", 1]}', '李娜 ✓ "quoted"'
    for by in ("", "root"):
        link = Link(7, at, "lina", None, "task", 3, None, "status", changes, summary, by=by)
        payload = [GENESIS, 7, stamp(at), "lina", None, "task", 3, None, "status", changes]
        payload += [summary, by] if by else [summary]
        text_ = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        expected = hashlib.sha256(text_.encode("utf-8")).hexdigest()
        assert link.content_hash(GENESIS) == expected
        assert link_hash(GENESIS, 7, stamp(at), "lina", None, "task", 3, None, "status",
                         changes, summary, by) == expected  # fmt: skip
