"""Run the benchmarks and write their table into docs/BENCHMARKS.md.

    python -m bench                  # full scale (minutes; databases are cached)
    python -m bench --quick          # small scale, to check the harness (seconds)
    python bench/run.py --only live  # some benchmarks only (names: --list)
    python -m bench --max-deals 10000   # the scaling benchmark without its 100,000 deals

The table goes between the ``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers of
the output file; the text around them is kept, and with ``--only`` so are the rows of the
benchmarks not run.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import dataclasses
import datetime as dt
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the package importable
    sys.path.insert(0, str(Path(__file__).absolute().parent.parent))

from bench import (
    appbench,
    batch,
    cli,
    importing,
    live,
    scaling,
    startup,
    taskwarrior,
    traffic,
    writers,
)
from bench.context import ROOT, Context
from bench.data import Databases
from bench.report import END, START, ParsedRow, Row, parse, table, unavailable
from bench.scale import FULL, QUICK

Suite = Callable[[Context], list[Row]]

#: name → (the groups it fills, what it measures, the function)
SUITES: dict[str, tuple[str, str, Suite]] = {
    "startup": ("1, 8", "cold start and peak memory, against a bare Textual app", startup.run),
    "cli": ("2", "export one deal and all deals, against sqlite3", cli.run),
    "room": ("3", "opening a deal of 30, 300 and 3,000 items", appbench.deal_room),
    "pipeline": ("4", "the pipeline at 10,000 deals: first paint, keystrokes", appbench.pipeline),
    "standup": (
        "5",
        "the standup: stepping through it; opening it at 10,000 deals",
        appbench.standup,
    ),
    "writers": ("6", "concurrent writers on one SQLite file", writers.run),
    "live": ("7", "live update latency and idle CPU", live.run),
    "traffic": ("9", "bytes written to the terminal", traffic.run),
    "import": ("10", "importing deals from a CSV file, and its SQL statements", importing.run),
    "task": ("11", "export and list against taskwarrior on as many tasks", taskwarrior.run),
    "scale": ("12", "1,000 to 100,000 deals: time, memory, cost per deal", scaling.run),
    "batch": ("13", "writes from the command line: dealroom batch, one task add", batch.run),
}
DOC = ROOT / "docs" / "BENCHMARKS.md"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="small scale, to check the harness")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="where to write the table (default: docs/BENCHMARKS.md; with "
        "--quick, bench/.cache/BENCHMARKS-quick.md)",
    )
    parser.add_argument("--only", help="comma-separated benchmark names (see --list)")
    parser.add_argument(
        "--max-deals",
        type=int,
        metavar="N",
        help="the scaling benchmark makes and measures no database larger than N deals "
        "(its rows for larger ones say so)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--cache",
        type=Path,
        default=ROOT / "bench" / ".cache",
        help="where generated databases are kept (default: bench/.cache)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        help="benchmarks run at once (default: 1; with "
        "--quick, 2: quick figures only prove the harness)",
    )
    return parser.parse_args(argv)


def chosen(only: str | None) -> list[str]:
    if not only:
        return list(SUITES)
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    return names


def run_suite(ctx: Context, name: str) -> list[Row]:
    groups, what, suite = SUITES[name]
    ctx.log(f"▸ {name}: {what}")
    started = time.monotonic()
    try:
        rows = suite(ctx)
    except Exception as exc:
        ctx.log(traceback.format_exc())
        reason = f"benchmark failed: {type(exc).__name__}: {exc}".splitlines()[0][:200]
        rows = [unavailable(groups.split(",")[0], f"{name}: {what}", "", None, reason)]
    ctx.log(f"  {name} done in {time.monotonic() - started:.0f}s")
    return rows


def machine() -> str:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem = next(
        (
            int(ln.split()[1])
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, load average at start "
        f"{os.getloadavg()[0]:.2f}"
    )


def versions() -> str:
    parts = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    for dist in ("textual", "rich", "sqlalchemy", "sqlmodel"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            parts.append(f"{dist} {metadata.version(dist)}")
    return ", ".join(parts)


def revision() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (
        " with uncommitted changes" if git("status", "--porcelain", "dealroom") else ""
    )


def section(rows: list[Row], command: str, scale: str, took: float, kept: Kept) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        f"Measured {stamp} on {machine()}; {versions()}; dealroom at {revision()}.",
        "",
        f"Command: `{command}` (scale: {scale}; took {took / 60:.1f} min). Each figure is "
        "the median of its runs (Runs), with the smallest and largest; the result compares "
        "the median with the target.",
        "",
    ]
    if kept.rows:
        groups = ", ".join(sorted({r.cells["#"] for r in kept.rows}, key=int))
        lines += [f"Rows of groups {groups} are kept from the earlier run: {kept.header}", ""]
    lines += [table(rows, kept.rows), END]
    return "\n".join(lines)


@dataclass
class Kept:
    """Rows of an earlier table that this run did not measure (with ``--only``)."""

    rows: list[ParsedRow] = field(default_factory=list)
    header: str = ""


def kept_rows(path: Path, measured: set[str]) -> Kept:
    """The rows of ``path``'s table outside the groups ``measured`` now."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START not in text:
        return Kept()
    region = text.split(START, 1)[1]
    first = region.strip().splitlines()[0] if region.strip() else ""
    old = first if first.startswith("Measured") else ""
    try:
        rows = [r for r in parse(text) if r.cells["#"] not in measured]
    except ValueError:
        return Kept()
    return Kept(rows, old)


def write(path: Path, text: str) -> None:
    """Replace the marked section of ``path`` (or create it with just the section)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        head, rest = old.split(START, 1)
        text = head + text + rest.split(END, 1)[1]
    elif old:
        text = old.rstrip("\n") + "\n\n" + text + "\n"
    else:
        text = "# Benchmarks\n\n" + text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.list:
        for name, (groups, what, _) in SUITES.items():
            print(f"{name:10} {groups:5} {what}")
        return 0
    scale = QUICK if args.quick else FULL
    if args.max_deals:
        scale = dataclasses.replace(scale, max_deals=args.max_deals)
    output = args.output or (args.cache / "BENCHMARKS-quick.md" if args.quick else DOC)
    jobs = args.jobs or (2 if args.quick else 1)
    names = chosen(args.only)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dealroom-bench-") as tmp:
        ctx = Context(scale, Databases(args.cache, ROOT, log), Path(tmp), log)
        prepare(ctx, names, jobs if args.quick else 1)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            rows = [r for part in pool.map(lambda n: run_suite(ctx, n), names) for r in part]
    command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    measured = {g.strip() for n in names for g in SUITES[n][0].split(",")}
    kept = kept_rows(output, measured) if args.only else Kept()
    took = time.monotonic() - started
    write(output, section(rows, command.strip(), scale.name, took, kept))
    log(f"wrote {output}")
    failed = [r for r in rows if r.note.startswith("benchmark failed")]
    return 1 if failed else 0


def prepare(ctx: Context, names: list[str], jobs: int = 1) -> None:
    """Make the databases first, so generating one is never inside a measurement. Each
    one's seeding is a figure (``scale``): they are made one at a time, except with
    ``--quick`` (``jobs`` at once), where no figure counts.

    The checkout's own modules are compiled to bytecode first, as ``pip install`` does for
    an installed dealroom: without it a child under ``PYTHONDONTWRITEBYTECODE`` compiles
    every dealroom module from source at each start (~0.1 s), which no user pays."""
    compileall.compile_dir(str(ROOT / "dealroom"), quiet=1)
    s = ctx.scale
    sizes: set[int] = set()
    if set(names) - {"pipeline"}:
        sizes.add(s.deals)
    if {"pipeline", "standup"} & set(names):
        sizes.add(s.list_deals)
    if "scale" in names:
        sizes.update(scaling.sizes(ctx)[0])
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda n: ctx.dbs.demo(n, s.items), sorted(sizes)))
    if "task" in names:
        taskwarrior.prepare(ctx)
    if "room" in names:
        for size in s.room_sizes:
            ctx.dbs.room(size, near=ctx.dbs.demo(s.deals, s.items))


if __name__ == "__main__":
    raise SystemExit(main())
