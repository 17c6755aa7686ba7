"""2 the command line: ``dealroom export CODE`` and ``export --all`` against the floor
(``bench/floor.py``: the same rows read with ``sqlite3`` and printed), alternately; and
whether those paths import Textual (``python -X importtime``)."""

from __future__ import annotations

import subprocess
import time

from bench.context import ROOT, Context
from bench.data import first_active_code
from bench.report import Row, exactly, ratio

FLOOR = ROOT / "bench" / "floor.py"


def _timed(ctx: Context, argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=ctx.env(), stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def imported(ctx: Context, argv: list[str], package: str) -> list[str]:
    """Modules of ``package`` that ``argv`` (a ``python …`` command) imports."""
    done = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        cwd=ROOT,
        env=ctx.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    names = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name == package or name.startswith(package + "."):
                names.append(name)
    return names


def run(ctx: Context) -> list[Row]:
    db = ctx.dbs.demo(ctx.scale.deals, ctx.scale.items)
    code = first_active_code(db)
    rows: list[Row] = []
    for what, label, limit in ((code, f"export {code}", 3.0), ("--all", "export --all", 2.0)):
        ours: list[float] = []
        floor: list[float] = []
        for _ in range(ctx.scale.runs):
            ours.append(_timed(ctx, ctx.app_argv(db, "export", what)))
            floor.append(_timed(ctx, ctx.python(str(FLOOR), str(db), what)))
        textual = imported(ctx, ctx.app_argv(db, "export", what), "textual")
        deals = f"{ctx.scale.deals:,}-deal database"
        rows += [
            Row("2", f"`dealroom {label}` ({deals})", "ms", ours),
            Row("2", f"floor: sqlite3 reads and prints the same rows ({label})", "ms", floor),
            ratio("2", f"`dealroom {label}` ÷ floor", ours, floor, limit),
            Row(
                "2",
                f"Textual modules imported by `dealroom {label}`",
                "count",
                [float(len(textual))],
                exactly(0),
                ", ".join(textual[:3]),
            ),
        ]
    return rows
