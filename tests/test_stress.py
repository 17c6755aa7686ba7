"""Many writers on one SQLite file, and writers killed mid-burst.

- Stress: 8 OS processes × 200 mixed writes (tasks, risks, handoffs, task updates,
  stage moves) end with every write present, versions consistent with the event log, the
  event log complete, and no error (no "database is locked"). ``DEALROOM_STRESS_WRITES``
  sets the writes per process (the README's figures: 500).
- Crash: writers killed with SIGKILL mid-burst, many times; afterwards the file passes
  ``PRAGMA integrity_check`` and every write a writer was told had been saved is there.

Throughput and latency are printed (``pytest -s -n 0``) for the record; the README's figures
come from ``python -m bench``. Nothing here asserts on time.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from collections import Counter
from multiprocessing.process import BaseProcess
from pathlib import Path

import _stress_workers
import pytest
from conftest import TODAY
from seeding import open_seeder

from dealroom.domain import Role
from dealroom.store import open_store

pytestmark = pytest.mark.slow

#: Writers are OS processes of their own, each with its own connections, forked from a
#: server that imported the store once: a new interpreter per writer spent most of a crash
#: round importing it again.
FORKS = multiprocessing.get_context("forkserver")
FORKS.set_forkserver_preload(["_stress_workers", "dealroom.store.store"])
PROCESSES = 8
WRITES = int(os.environ.get("DEALROOM_STRESS_WRITES", "200"))
CRASH_ROUNDS = 12
#: How long a crash round's writers may take to start and get a first write acknowledged.
START_TIMEOUT = 60.0


def prepare(path: Path, writers: int) -> str:
    url = f"sqlite:///{path}"
    with open_seeder(url, actor="setup", today=TODAY) as st:
        st.people.add_person("setup", "Set Up")
        for w in range(writers):
            st.deals.create_deal(
                f"W{w}", f"Writer {w}'s deal", "Stress Co", leads={Role.AR: "setup"}
            )
    return url


def spawn(url: str, worker: int, count: int, ack: Path) -> BaseProcess:
    """A writer process (what it prints goes to the test's standard error)."""
    proc = FORKS.Process(
        target=_stress_workers.write_burst, args=(url, worker, count, str(ack)), daemon=True
    )
    proc.start()
    return proc


def read_acks(ack: Path) -> tuple[list[tuple[str, int, int, float]], list[str]]:
    done: list[tuple[str, int, int, float]] = []
    errors: list[str] = []
    if not ack.exists():
        return done, errors
    for line in ack.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if parts[0] == "error":
            errors.append(line)
        elif len(parts) == 4:  # a line cut short by a kill is not an acknowledgement
            done.append((parts[0], int(parts[1]), int(parts[2]), float(parts[3])))
    return done, errors


def acknowledged(ack: Path) -> int:
    """How many writes the writer appending to ``ack`` has been told are saved."""
    return len(read_acks(ack)[0])


def check_file(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return conn


def present(conn: sqlite3.Connection, kind: str, row_id: int, version: int) -> bool:
    table = {"task": "task", "done": "task", "risk": "risk", "handoff": "handoff"}.get(kind, "deal")
    row = conn.execute(f"SELECT version FROM {table} WHERE id = ?", (row_id,)).fetchone()
    logged = conn.execute(
        "SELECT 1 FROM event WHERE entity = ? AND entity_id = ? AND entity_version = ?",
        (table, row_id, version),
    ).fetchone()
    # a later write by the same writer may have moved the row on, never back
    return row is not None and row[0] >= version and logged is not None


def test_eight_processes_of_mixed_writes_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "stress.db"
    url = prepare(db, PROCESSES)
    conn = sqlite3.connect(db)
    events_before = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    conn.close()

    acks = [tmp_path / f"ack{w}" for w in range(PROCESSES)]
    started = time.perf_counter()
    procs = [spawn(url, w, WRITES, acks[w]) for w in range(PROCESSES)]
    for p in procs:
        p.join(600)
    elapsed = time.perf_counter() - started
    assert [p.exitcode for p in procs] == [0] * PROCESSES  # (their errors: captured stderr)

    results = [read_acks(a) for a in acks]
    errors = [e for _, errs in results for e in errs]
    assert errors == []  # no "database is locked", no conflict, nothing
    writes = [w for done, _ in results for w in done]
    assert len(writes) == PROCESSES * WRITES

    conn = check_file(db)
    kinds = Counter(kind for kind, *_ in writes)
    count = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("task", "risk")}
    assert count["task"] == kinds["task"] and count["risk"] == kinds["risk"]
    assert all(present(conn, *w[:3]) for w in writes)
    # the event log is complete: one event per write, on top of the set-up
    events = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    assert events - events_before == PROCESSES * WRITES
    # every row's version is the version its newest event recorded
    for table in ("task", "risk", "handoff", "deal"):
        stale = conn.execute(
            f"SELECT count(*) FROM {table} t WHERE t.version != (SELECT max(e.entity_version) "
            f"FROM event e WHERE e.entity = '{table}' AND e.entity_id = t.id)"
        ).fetchone()[0]
        assert stale == 0, f"{stale} {table} rows disagree with the event log"
    done_tasks = conn.execute("SELECT count(*) FROM task WHERE status = 'done'").fetchone()[0]
    assert done_tasks == kinds["done"]
    conn.close()

    latencies = sorted(ms for *_, ms in writes)
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[int(len(latencies) * 0.99)]
    print(
        f"\n{PROCESSES}×{WRITES} writes in {elapsed:.1f} s: "
        f"{len(writes) / elapsed:.0f} writes/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_writers_killed_mid_burst_leave_a_sound_file_and_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    """Round after round, writers are killed at a random moment of a burst; after each
    round the file is checked and every write acknowledged in that round is found. Each
    round has acknowledgement files of its own, so a round's writers are killed only once
    each has been told a write of this round is saved, however slowly a loaded machine
    starts them; and the test counts the checks it made, so none can be skipped."""
    db = tmp_path / "crash.db"
    writers = 4
    url = prepare(db, writers)
    rng = random.Random(20261123)
    checked: list[int] = []  # per round: the acknowledged writes found after the kill
    for round_ in range(CRASH_ROUNDS):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        acks = [folder / f"ack{w}" for w in range(writers)]
        procs = [spawn(url, w, 100_000, acks[w]) for w in range(writers)]
        deadline = time.monotonic() + START_TIMEOUT
        while not all(acknowledged(a) > 0 for a in acks):
            assert time.monotonic() < deadline, f"round {round_}: a writer acknowledged nothing"
            assert all(p.is_alive() for p in procs), [p.exitcode for p in procs]
            time.sleep(0.02)
        time.sleep(rng.uniform(0.05, 0.6))
        for p in procs:
            p.kill()  # SIGKILL
        for p in procs:
            p.join(30)
            assert p.exitcode == -signal.SIGKILL
            p.close()
        results = [read_acks(a) for a in acks]
        assert [e for _, errs in results for e in errs] == [], f"round {round_}"
        writes = [w for done, _ in results for w in done]
        assert all(done for done, _ in results), f"round {round_}: a writer without an ack"
        conn = check_file(db)
        try:
            missing = [w for w in writes if not present(conn, *w[:3])]
        finally:
            conn.close()
        assert missing == [], f"round {round_}: acknowledged but not in the file: {missing}"
        checked.append(len(writes))

    assert len(checked) == CRASH_ROUNDS  # every round's file was checked
    assert all(n >= writers for n in checked), checked  # and held each writer's writes
    # and the store opens it and goes on writing
    with open_store(url, actor="setup", today=TODAY) as st:
        st.items.add_task("W0", Role.AR, "after the crashes")
        assert any(t.title == "after the crashes" for t in st.reads.deal_room("W0").tasks)
