"""Several processes on one SQLite file: no lost updates, no "database is locked".

The workers (tests/_workers.py) run in real OS processes from a ``spawn`` pool shared by
the tests of this module; each waits on a start barrier so they hit the file together.
Those tests are ``slow``; the connection settings' are not.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import _workers
import pytest
import sqlalchemy as sa
from seeding import open_seeder

from dealroom.store import Store, open_store
from dealroom.store import engine as eng
from dealroom.store.engine import make_engine, sqlite_path, writer

N = 4  # processes
M = 150  # iterations per process
START_AMOUNT = 1_000


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(N)
    with ProcessPoolExecutor(
        max_workers=N, mp_context=ctx, initializer=_workers.init, initargs=(barrier,)
    ) as executor:
        yield executor


def run_all(
    pool: ProcessPoolExecutor, fn: Callable[..., dict[str, Any]], *args: tuple[object, ...]
) -> list[dict[str, Any]]:
    """``fn(*args[i])`` in each of the N processes at once; their results, in order."""
    futures = [pool.submit(fn, *a) for a in args]
    results = [f.result(timeout=120) for f in futures]
    pids = {r["pid"] for r in results}
    # N distinct processes (each blocks on the barrier, so none can take two jobs)
    assert len(pids) == N and os.getpid() not in pids
    return results


@pytest.fixture
def deal_store(sqlite_url: str) -> Iterator[Store]:
    store = open_seeder(sqlite_url, actor="ana")
    store.people.add_person("ana", "Ana Lima")
    store.deals.create_deal("ACME-5G", "5G core refresh", "ACME Telecom", amount=START_AMOUNT)
    try:
        yield store
    finally:
        store.close()


def _amount(path: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT amount FROM deal WHERE code = 'ACME-5G'").fetchone()[0]
    finally:
        conn.close()


def _no_errors(results: list[dict[str, Any]]) -> list[str]:
    return [e for r in results for e in r["errors"]]


@pytest.mark.slow  # N processes at once
def test_read_modify_write_through_the_api_loses_nothing(
    pool: ProcessPoolExecutor, sqlite_url: str, deal_store: Store
) -> None:
    before = deal_store.reads.deal("ACME-5G")
    results = run_all(pool, _workers.update_amount_with_version, *[(sqlite_url, "ACME-5G", M)] * N)
    assert _no_errors(results) == []  # no "database is locked", nothing but conflicts
    assert [r["done"] for r in results] == [M] * N

    after = deal_store.reads.deal("ACME-5G")
    assert after.amount == before.amount + N * M
    assert after.version == before.version + N * M
    updates = [e for e in deal_store.reads.events(code="ACME-5G") if e.action == "update"]
    assert len(updates) == N * M
    assert [e.entity_version for e in updates] == list(range(before.version + 1, after.version + 1))
    assert [e.changes["amount"] for e in updates] == [
        [before.amount + i, before.amount + i + 1] for i in range(N * M)
    ]
    assert len({e.actor for e in updates}) == N


@pytest.mark.slow  # N processes at once
def test_one_write_transaction_serialises_read_modify_write(
    pool: ProcessPoolExecutor, sqlite_url: str, deal_store: Store
) -> None:
    before = deal_store.reads.deal("ACME-5G")
    results = run_all(
        pool, _workers.increment_in_write_transaction, *[(sqlite_url, before.id, M)] * N
    )
    assert _no_errors(results) == []
    assert sum(r["done"] for r in results) == N * M
    after = deal_store.reads.deal("ACME-5G")
    assert after.amount == before.amount + N * M
    assert after.version == before.version + N * M  # version_id_col counted every write


@pytest.mark.slow  # N processes at once
def test_control_plain_sqlite3_deferred_transactions_race(
    pool: ProcessPoolExecutor, sqlite_url: str, deal_store: Store
) -> None:
    """Why the above matters: without BEGIN IMMEDIATE the same loop loses updates (or,
    had the read been inside the transaction, fails with "database is locked")."""
    path = str(sqlite_path(sqlite_url))
    deal_id = deal_store.reads.deal("ACME-5G").id
    results = run_all(pool, _workers.increment_with_plain_sqlite3, *[(path, deal_id, M)] * N)
    committed = sum(r["done"] for r in results)
    errors = _no_errors(results)
    lost = committed - (_amount(path) - START_AMOUNT)
    assert committed + len(errors) == N * M
    assert lost > 0 or errors, "the unprotected loop happened not to race: raise N or M"


@pytest.mark.slow  # N processes at once
def test_concurrent_inserts_are_all_kept(
    pool: ProcessPoolExecutor, sqlite_url: str, deal_store: Store
) -> None:
    results = run_all(pool, _workers.add_tasks, *[(sqlite_url, "ACME-5G", w, M) for w in range(N)])
    assert _no_errors(results) == []
    ids = [i for r in results for i in r["ids"]]
    assert len(ids) == len(set(ids)) == N * M

    room = deal_store.reads.deal_room("ACME-5G")
    assert sorted(t.id for t in room.tasks) == sorted(ids)
    assert {t.title for t in room.tasks} == {f"task {w}-{i}" for w in range(N) for i in range(M)}
    creates = [
        e
        for e in deal_store.reads.events(code="ACME-5G")
        if e.entity == "task" and e.action == "create"
    ]
    assert len(creates) == N * M
    assert sorted(e.entity_id for e in creates if e.entity_id is not None) == sorted(ids)

    conn = sqlite3.connect(str(sqlite_path(sqlite_url)))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


@pytest.mark.slow  # N processes at once
def test_processes_creating_the_same_new_database_at_once(
    pool: ProcessPoolExecutor, sqlite_url: str
) -> None:
    results = run_all(pool, _workers.open_fresh, *[(sqlite_url,)] * N)
    assert _no_errors(results) == []
    assert [r["revision"] for r in results] == [eng.HEAD_REVISION] * N
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    assert rows == [(eng.HEAD_REVISION,)]


@pytest.mark.slow  # N processes at once
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # skipped without PG
def test_processes_creating_the_same_new_postgresql_database_at_once(
    pool: ProcessPoolExecutor, db_url: str
) -> None:
    results = run_all(pool, _workers.open_fresh, *[(db_url,)] * N)
    assert _no_errors(results) == []
    assert [r["revision"] for r in results] == [eng.HEAD_REVISION] * N


# --- the connection settings ---------------------------------------------------------


def test_sqlite_connection_settings(sqlite_url: str) -> None:
    open_store(sqlite_url, actor="ana").close()
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            pragma: dict[str, Any] = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragma["journal_mode"] == "wal"
    assert pragma["foreign_keys"] == 1
    assert pragma["busy_timeout"] >= 5000


def _try_begin_immediate(path: str) -> str | None:
    """What a raw connection with a 0.1 s busy timeout gets for ``BEGIN IMMEDIATE``."""
    raw = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("ROLLBACK")
        return None
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        raw.close()


def test_writer_transaction_takes_the_write_lock_at_begin(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(sqlite_url, actor="ana").close()
    path = str(sqlite_path(sqlite_url))
    engine = make_engine(sqlite_url)
    impatient = None
    try:
        # A read transaction takes no lock: a writer may still begin.
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT count(*) FROM deal")).scalar()
            assert _try_begin_immediate(path) is None
        # another "process" whose connections wait only 0.1 s for a lock
        monkeypatch.setattr(eng, "BUSY_TIMEOUT_MS", 100)
        impatient = make_engine(sqlite_url)

        # A write transaction holds RESERVED from BEGIN, before it has read or written
        # anything: no other writer can begin until it ends.
        with writer(engine).begin():
            assert _try_begin_immediate(path) == "database is locked"
            t0 = time.monotonic()
            with pytest.raises(sa.exc.OperationalError, match="database is locked"):
                with writer(impatient).begin():
                    pass
            assert time.monotonic() - t0 < 5  # it gave up after its own short timeout
        assert _try_begin_immediate(path) is None
        with writer(impatient).begin() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 100
        with engine.connect() as conn:  # the holder kept its own, long timeout
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        if impatient is not None:
            impatient.dispose()
        engine.dispose()
