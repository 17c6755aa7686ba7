"""6 concurrent writers: processes writing tasks, risks, handoffs and stage moves through
the store API into one SQLite file at once.

Each process owns one open deal and writes a fixed mix (8 in 20 writes a task, 5 a risk, 4
a handoff, 3 a stage move, back and forth). Afterwards the file is counted: every write
must have left its row (or its stage) and exactly one event. A missing one is a lost
update; an exception is an error.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.report import Row, at_most, exactly

#: Which write the i-th one is, by ``i % 20``.
MIX = ["task"] * 8 + ["risk"] * 5 + ["handoff"] * 4 + ["stage"] * 3
_barrier: Any = None


@dataclass(frozen=True)
class Plan:
    url: str
    worker: int
    code: str
    writes: int
    tag: str


def _init(barrier: Any) -> None:
    global _barrier
    _barrier = barrier
    import dealroom.store.store  # noqa: F401  (loaded before the clock starts)


def write_one(store: Any, plan: Plan, i: int, moves: int) -> None:
    from dealroom.domain import Role

    title = f"{plan.tag}-w{plan.worker}-{i}"
    kind = MIX[i % len(MIX)]
    if kind == "task":
        store.items.add_task(plan.code, Role.AR, title)
    elif kind == "risk":
        store.items.add_risk(plan.code, Role.SR, title, likelihood=2, impact=3)
    elif kind == "handoff":
        store.items.add_handoff(plan.code, Role.SR, Role.FR, title)
    else:
        store.deals.move_stage(plan.code, "prev" if moves % 2 == 0 else "next", reason="bench")


def worker(plan: Plan) -> dict[str, Any]:
    """The plan's writes, each timed; errors are counted, never raised."""
    from dealroom.store import open_store

    store = open_store(plan.url, actor=f"bench-w{plan.worker}")
    latencies: list[float] = []
    errors: list[str] = []
    moves = 0
    try:
        _barrier.wait(timeout=120)
        began = time.monotonic()
        for i in range(plan.writes):
            start = time.perf_counter()
            try:
                write_one(store, plan, i, moves)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append((time.perf_counter() - start) * 1000)
            moves += MIX[i % len(MIX)] == "stage"
        ended = time.monotonic()
    finally:
        store.close()
    return {
        "latencies": latencies,
        "errors": errors,
        "moves": moves,
        "began": began,
        "ended": ended,
    }


def expected(plans: list[Plan]) -> dict[str, int]:
    kinds = [MIX[i % len(MIX)] for p in plans for i in range(p.writes)]
    return {kind: kinds.count(kind) for kind in set(MIX)}


def open_deals(db: Path, count: int) -> list[tuple[str, str]]:
    """(code, stage) of ``count`` open deals that can move back a stage and forward again."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT code, stage FROM deal WHERE status = 'open' "
            "AND stage IN ('opportunity', 'pre_bid', 'bid') ORDER BY code LIMIT ?",
            (count,),
        ).fetchall()
    finally:
        conn.close()
    if len(rows) < count:
        raise RuntimeError(f"only {len(rows)} open deals to move; {count} writers need one each")
    return [(str(c), str(s)) for c, s in rows]


def lost_updates(
    db: Path,
    plans: list[Plan],
    results: list[dict[str, Any]],
    stages: dict[str, str],
    events_before: int,
) -> int:
    """What the file is missing of what the writers were told was written."""
    from dealroom.domain import Stage

    want = expected(plans)
    failed = sum(len(r["errors"]) for r in results)
    conn = sqlite3.connect(db)
    try:
        lost = 0
        tag = plans[0].tag
        for table in ("task", "risk", "handoff"):
            (found,) = conn.execute(
                f"SELECT count(*) FROM {table} WHERE title LIKE ?", (f"{tag}-%",)
            ).fetchone()
            lost += max(0, want[table] - found)
        (events,) = conn.execute("SELECT count(*) FROM event").fetchone()
        done = sum(p.writes for p in plans) - failed
        lost += max(0, done - (events - events_before))
        for plan, result in zip(plans, results, strict=True):
            start = Stage(stages[plan.code])
            goal = start.prev if result["moves"] % 2 else start
            (now,) = conn.execute("SELECT stage FROM deal WHERE code = ?", (plan.code,)).fetchone()
            lost += goal is not None and now != goal.value
    finally:
        conn.close()
    return lost


def one_run(ctx: Context, run: int) -> dict[str, Any]:
    db = ctx.dbs.copy(ctx.dbs.demo(ctx.scale.deals, ctx.scale.items), ctx.tmp)
    deals = open_deals(db, ctx.scale.writers)
    conn = sqlite3.connect(db)
    (events_before,) = conn.execute("SELECT count(*) FROM event").fetchone()
    conn.close()
    tag = f"bench{run}-{os.getpid()}"
    plans = [
        Plan(f"sqlite:///{db}", w, code, ctx.scale.writes_each, tag)
        for w, (code, _) in enumerate(deals)
    ]
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(len(plans))
    with spawn.Pool(len(plans), initializer=_init, initargs=(barrier,)) as pool:
        results = pool.map(worker, plans)
    lost = lost_updates(db, plans, results, dict(deals), events_before)
    latencies = sorted(x for r in results for x in r["latencies"])
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    db.unlink()
    return {
        "throughput": len(latencies) / wall,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        if latencies
        else float("nan"),
        "lost": lost,
        "errors": sum(len(r["errors"]) for r in results),
        "first_error": next((e for r in results for e in r["errors"]), ""),
    }


def run(ctx: Context) -> list[Row]:
    runs = [one_run(ctx, i) for i in range(ctx.scale.writer_runs)]
    who = f"{ctx.scale.writers} processes × {ctx.scale.writes_each} writes"
    first_error = next((r["first_error"] for r in runs if r["first_error"]), "")
    return [
        Row(
            "6",
            f"Concurrent writers ({who}): throughput",
            "writes/s",
            [r["throughput"] for r in runs],
        ),
        Row("6", f"Concurrent writers ({who}): p50 write latency", "ms", [r["p50"] for r in runs]),
        Row(
            "6",
            f"Concurrent writers ({who}): p99 write latency",
            "ms",
            [r["p99"] for r in runs],
            at_most(50, "≤ 50 ms"),
        ),
        Row(
            "6",
            f"Concurrent writers ({who}): lost updates",
            "count",
            [float(r["lost"]) for r in runs],
            exactly(0),
        ),
        Row(
            "6",
            f"Concurrent writers ({who}): errors",
            "count",
            [float(r["errors"]) for r in runs],
            exactly(0),
            first_error[:120],
        ),
    ]
