"""10 the import: ``dealroom import deals FILE --apply`` of a Salesforce-shaped CSV into a
fresh database, the same file again (nothing to change), and the SQL statements an
import sends at one size and at twice that size (they grow by fixed-size batches, not
per row).

    python -m bench.importing --count A.csv B.csv   # the statements of each (JSON)
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.context import ACTOR, ROOT, Context
from bench.report import Row, at_most

HEADERS = (
    "Opportunity ID", "Opportunity Name", "Account Name", "Amount", "Amount Currency",
    "Close Date", "Stage", "Probability (%)", "Opportunity Owner",
)  # fmt: skip
STAGES = ("Prospecting", "Qualification", "Value Proposition", "Proposal/Price Quote")
OWNERS = 20


def write_csv(path: Path, deals: int) -> Path:
    """``deals`` opportunities as a Salesforce report exports them, owned by
    :data:`OWNERS` people (``--create-people`` adds them)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for n in range(deals):
            writer.writerow(
                (
                    f"006BENCH{n:010d}",
                    f"Opportunity {n}: core network, phase {n % 7}",
                    f"Account {n % 997}",
                    f"{(n % 500 + 1) * 10_000:,}.00",
                    ("USD", "CNY", "EUR")[n % 3],
                    f"{n % 12 + 1}/{n % 28 + 1}/2027",
                    STAGES[n % len(STAGES)],
                    str(10 + n % 80),
                    f"Owner {n % OWNERS}",
                )
            )
    return path


def _timed(ctx: Context, db: Path, csv_path: Path) -> float:
    argv = ctx.app_argv(db, "import", "deals", str(csv_path), "--apply", "--create-people")
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=ctx.env(), stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def run(ctx: Context) -> list[Row]:
    n = ctx.scale.import_deals
    folder = Path(tempfile.mkdtemp(dir=ctx.tmp))
    small = write_csv(folder / f"deals-{n}.csv", n)
    double = write_csv(folder / f"deals-{2 * n}.csv", 2 * n)
    first: list[float] = []
    again: list[float] = []
    for run_no in range(ctx.scale.runs):
        db = folder / f"import-{run_no}.db"
        first.append(_timed(ctx, db, small))
        again.append(_timed(ctx, db, small))
        db.unlink()
    counts = ctx.child_json("bench.importing", "--count", str(small), str(double))
    grows = (counts[1] - counts[0]) / n * 1000
    label = f"{n:,} deals"
    return [
        Row(
            "10",
            f"`dealroom import deals` of {label} (CSV, --apply, fresh database)",
            "ms",
            first,
            at_most(10_000, "≤ 10 s"),
        ),
        Row("10", f"the same file again: {label}, nothing to change", "ms", again),
        Row("10", f"SQL statements: import of {label}", "count", [float(counts[0])]),
        Row("10", f"SQL statements: import of {2 * n:,} deals", "count", [float(counts[1])]),
        Row(
            "10",
            "SQL statements the import adds per 1,000 more deal rows (fixed batches)",
            "count",
            [grows],
            at_most(50, "≤ 50"),
        ),
    ]


def count(paths: list[str]) -> list[int]:
    """The statements importing each file into a fresh database sends."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from dealroom.importing.job import prepare
    from dealroom.importing.job import run as run_job
    from dealroom.store import open_store

    counts = []
    for path in paths:
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(str(Path(folder) / "count.db"), actor=ACTOR, create=True)
            job = prepare(Path(path), "deals")
            seen = [0]

            def _seen(*_args: object, seen: list[int] = seen) -> None:
                seen[0] += 1

            event.listen(store.engine, "before_cursor_execute", _seen)
            outcome = run_job(store, job, apply=True, create_people=True)
            assert outcome.applied and not outcome.problems, outcome.problems[:3]
            counts.append(seen[0])
            store.close()
    return counts


if __name__ == "__main__":
    if sys.argv[1:2] == ["--count"]:
        print(json.dumps(count(sys.argv[2:])))
