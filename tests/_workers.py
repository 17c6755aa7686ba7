"""Worker functions for tests/test_concurrency.py, run in separate (spawned) processes.

They live in a plain module so a spawned interpreter can import them by name. Each one
waits on the shared start barrier first, so all workers hit the database together, and
returns what it saw (errors as strings) instead of raising.
"""

from __future__ import annotations

import os
import sqlite3
import time
import traceback
from multiprocessing.synchronize import Barrier
from typing import Any

from dealroom.store.inputs import DealUpdate

_barrier: Barrier | None = None


def init(barrier: Barrier) -> None:
    """Pool initializer: keep the start barrier and load the store before any test."""
    global _barrier
    _barrier = barrier
    import dealroom.store.store  # noqa: F401  (import cost outside the timed part)


def _start() -> None:
    assert _barrier is not None, "the pool's initializer sets the barrier"
    _barrier.wait(timeout=60)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def update_amount_with_version(url: str, code: str, count: int) -> dict[str, Any]:
    """``count`` read-modify-write updates through the public API, retrying conflicts."""
    from dealroom.store import ConflictError, open_store

    store = open_store(url, actor=f"w{os.getpid()}")
    done = conflicts = 0
    errors: list[str] = []
    try:
        _start()
        t0 = time.perf_counter()
        while done < count:
            try:
                d = store.reads.deal(code)
                store.deals.update_deal(code, DealUpdate(amount=d.amount + 1), version=d.version)
            except ConflictError:
                conflicts += 1
                if conflicts > 200 * count:  # no progress at all: give up, report it
                    errors.append("too many conflicts")
                    break
                continue
            except Exception as exc:
                errors.append(_describe(exc))
                if len(errors) > 20:
                    break
                continue
            done += 1
        elapsed = time.perf_counter() - t0
    except Exception:
        return {"pid": os.getpid(), "done": done, "errors": [traceback.format_exc()]}
    finally:
        store.close()
    return {
        "pid": os.getpid(),
        "done": done,
        "conflicts": conflicts,
        "errors": errors,
        "seconds": elapsed,
    }


def increment_in_write_transaction(url: str, deal_id: int, count: int) -> dict[str, Any]:
    """``count`` increments, each read and written in one ``database.write()`` transaction with
    no version check of our own: only ``BEGIN IMMEDIATE`` keeps them from racing."""
    from dealroom.store import open_store
    from dealroom.store.tables import Deal

    store = open_store(url, actor=f"w{os.getpid()}")
    done = 0
    errors: list[str] = []
    try:
        _start()
        for _ in range(count):
            try:
                with store.database.write() as tx:
                    row = tx.session.get(Deal, deal_id)
                    assert row is not None
                    row.amount += 1
                done += 1
            except Exception as exc:
                errors.append(_describe(exc))
    finally:
        store.close()
    return {"pid": os.getpid(), "done": done, "errors": errors}


def increment_with_plain_sqlite3(path: str, deal_id: int, count: int) -> dict[str, Any]:
    """The control: the same increments with the ``sqlite3`` module's default (deferred,
    begun lazily before the UPDATE) transactions. The SELECT runs before any lock is
    taken, so another process can commit in between and one increment is lost."""
    conn = sqlite3.connect(path, timeout=30)
    done = 0
    errors: list[str] = []
    try:
        _start()
        for _ in range(count):
            try:
                (amount,) = conn.execute(
                    "SELECT amount FROM deal WHERE id = ?", (deal_id,)
                ).fetchone()
                conn.execute("UPDATE deal SET amount = ? WHERE id = ?", (amount + 1, deal_id))
                conn.commit()
                done += 1
            except sqlite3.OperationalError as exc:
                errors.append(_describe(exc))
                conn.rollback()
    finally:
        conn.close()
    return {"pid": os.getpid(), "done": done, "errors": errors}


def add_tasks(url: str, code: str, worker: int, count: int) -> dict[str, Any]:
    """``count`` new tasks through ``store.add_task``."""
    from dealroom.domain import Role
    from dealroom.store import open_store

    store = open_store(url, actor=f"w{worker}")
    ids: list[int] = []
    errors: list[str] = []
    roles = (Role.AR, Role.SR, Role.FR)
    try:
        _start()
        for i in range(count):
            try:
                task = store.items.add_task(code, roles[i % 3], f"task {worker}-{i}")
                ids.append(task.id)
            except Exception as exc:
                errors.append(_describe(exc))
    finally:
        store.close()
    return {"pid": os.getpid(), "ids": ids, "errors": errors}


def open_fresh(url: str) -> dict[str, Any]:
    """Open (and so create) the same empty database as the other workers, at once."""
    from dealroom.store import open_store
    from dealroom.store.engine import current_revision

    errors: list[str] = []
    revision = None
    _start()
    try:
        store = open_store(url, actor=f"w{os.getpid()}")
        try:
            revision = current_revision(store.engine)
        finally:
            store.close()
    except Exception as exc:
        errors.append(_describe(exc))
    return {"pid": os.getpid(), "revision": revision, "errors": errors}
