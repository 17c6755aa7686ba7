"""13 writes from the command line: many through one ``dealroom batch``, and one
``dealroom task add`` on its own (what a script pays per write without batch).

``dealroom --db COPY --as bench batch`` reads ``batch_lines`` JSON lines on stdin, each
``["task", "add", CODE, "--role", "AR", "--title", "…"]`` over 20 active deals the bench
user is a member of,
in a private copy of the main database; the figure is lines per second of its wall time.
Every line must answer ``"exit": 0`` and the copy must hold exactly that many more tasks.
Where ``dealroom batch --help`` does not exit 0 the batch rows say it is not there yet.

The single write: ``dealroom --db COPY --as bench task add CODE --role AR --title …``,
one untimed run first (not with ``--quick``), the median of ``runs``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bench.context import ACTOR, ROOT, Context
from bench.data import _ACTIVE, _rows, deal_count
from bench.proc import measured
from bench.report import Row, Target, at_most, exactly, unavailable

GROUP = "13"
#: ``dealroom task add``'s median wall time at 1785e1f (main before this round's start-up
#: work), measured once with this harness: ``python -m bench --only batch`` on the 2-core
#: machine, 2026-12-04 17:49 UTC, 1,000-deal database, 5 runs after a warm-up (1,041 to
#: 1,229 ms), load average 1.8 from other work on the machine (15 more runs just after:
#: median 1,030 ms). The target is half of it.
BEFORE_MS = 1089.0
THROUGHPUT = Target("≥", 500, "≥ 500 writes/s")
SINGLE = at_most(
    BEFORE_MS / 2, f"≤ {BEFORE_MS / 2:,.0f} ms (half of {BEFORE_MS:,.0f} ms at 1785e1f)"
)
MISSING = "dealroom batch is not in this version"


def has_batch(ctx: Context) -> bool:
    done = subprocess.run(
        ctx.python("-m", "dealroom", "batch", "--help"),
        cwd=ROOT,
        env=ctx.env(),
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def task_count(db: Path) -> int:
    return int(_rows(db, "SELECT count(*) FROM task")[0][0])


def member_codes(db: Path, limit: int = 20) -> list[str]:
    """Active deals the bench user is a member of (a task is added by the deal's members)."""
    query = """
        SELECT DISTINCT d.code FROM deal d
        JOIN deal_member m ON m.deal_id = d.id JOIN person p ON p.id = m.person_id
        WHERE p.handle = ? AND d.status IN (?, ?) ORDER BY d.code LIMIT ?
    """
    return [str(r[0]) for r in _rows(db, query, (ACTOR, *_ACTIVE, limit))]


def write_lines(path: Path, codes: list[str], count: int, run: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for n in range(count):
            argv = ["task", "add", codes[n % len(codes)], "--role", "AR"]
            argv += ["--title", f"Batch {run}.{n}: confirm the site survey slot"]
            f.write(json.dumps(argv) + "\n")
    return path


def answered_ok(output: Path) -> int:
    """Output lines that are JSON objects with ``"exit": 0``."""
    ok = 0
    for line in output.read_text(encoding="utf-8").splitlines():
        try:
            answer = json.loads(line)
        except ValueError:
            continue
        ok += isinstance(answer, dict) and answer.get("exit") == 0
    return ok


def batch_rows(ctx: Context, db: Path, codes: list[str], deals: str) -> list[Row]:
    count = ctx.scale.batch_lines
    what = f"`dealroom batch`, {count:,} `task add` lines in one process ({deals})"
    names = (f"{what}: throughput", f"{what}: lines answered exit 0", f"{what}: tasks added")
    if not has_batch(ctx):
        return [
            unavailable(GROUP, names[0], "writes/s", THROUGHPUT, MISSING),
            unavailable(GROUP, names[1], "count", exactly(count, f"= {count:,}"), MISSING),
            unavailable(GROUP, names[2], "count", exactly(count, f"= {count:,}"), MISSING),
        ]
    rates: list[float] = []
    ok: list[float] = []
    added: list[float] = []
    for run in range(ctx.scale.runs):
        source = write_lines(db.parent / f"batch-{run}.jsonl", codes, count, run)
        answers = db.parent / f"batch-{run}.out"
        before = task_count(db)
        with source.open("rb") as stdin, answers.open("wb") as stdout:
            ran = measured(
                ctx.app_argv(db, "batch"), cwd=ROOT, env=ctx.env(), stdin=stdin, stdout=stdout
            )
        if ran.timed_out or ran.status < 0:
            raise RuntimeError(f"dealroom batch: {ran.why()}")
        rates.append(count / ran.seconds)
        ok.append(float(answered_ok(answers)))
        added.append(float(task_count(db) - before))
    return [
        Row(GROUP, names[0], "writes/s", rates, THROUGHPUT),
        Row(GROUP, names[1], "count", ok, exactly(count, f"= {count:,}")),
        Row(GROUP, names[2], "count", added, exactly(count, f"= {count:,}")),
    ]


def single_row(ctx: Context, db: Path, code: str, deals: str) -> Row:
    times: list[float] = []
    for n in range(ctx.scale.runs + (1 if ctx.scale.warmups else 0)):
        argv = ctx.app_argv(db, "task", "add", code, "--role", "AR", "--title", f"Single {n}")
        ran = measured(argv, cwd=ROOT, env=ctx.env())
        if ran.why():
            raise RuntimeError(f"dealroom task add: {ran.why()}")
        if n or not ctx.scale.warmups:
            times.append(ran.ms)
    name = f"`dealroom task add` (one write, one process, {deals}): wall time"
    return Row(GROUP, name, "ms", times, SINGLE)


def run(ctx: Context) -> list[Row]:
    source = ctx.dbs.demo(ctx.scale.deals, ctx.scale.items)
    db = ctx.dbs.copy(source, ctx.tmp)  # it writes
    deals = f"{deal_count(db):,}-deal database"
    codes = member_codes(db)
    if not codes:
        raise RuntimeError(f"{ACTOR} is a member of no active deal in {source.name}")
    return [*batch_rows(ctx, db, codes, deals), single_row(ctx, db, codes[0], deals)]
