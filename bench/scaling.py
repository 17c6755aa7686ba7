"""12 scaling: what the command line and the app cost at 1,000, 10,000 and 100,000 deals
(the same items per deal at every size), and what each added deal costs between sizes.

At each size: wall time and peak RSS (the child's ``ru_maxrss``, reaped with ``wait4``) of
``dealroom export --all``, ``dealroom standup`` (the whole team's) and ``dealroom list``,
stdout to ``/dev/null``; and the app's data on screen, started in a pty as in group 1.
Each is run ``scale_runs`` times, once only where the first run took over a minute. A
command runs under an address-space cap (:data:`MEMORY_CAP`) so that one that would take
the machine's memory fails alone; its rows then say so.

Seeding is measured when the cached database is made (``dealroom demo``; see
:mod:`bench.data`), so the 100,000-deal database is made once per version of the demo
code and its figure is the one kept beside it, with the date it was taken.

Between sizes, the cost per added deal: ``(t(10k) − t(1k)) / 9,000`` and
``(t(100k) − t(10k)) / 90,000``; the second over the first is 1 when the cost grows
linearly, and the target calls 0.5–2× linear.
"""

from __future__ import annotations

import itertools
import resource
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.context import ROOT, Context
from bench.data import Made, deal_count
from bench.proc import Ran, measured
from bench.report import Row, Target, at_most, between, unavailable
from bench.startup import DATA, SIZE
from bench.term import PtySession

GROUP = "12"
#: (label, the command's arguments, whether its peak RSS has the 500 MB target)
COMMANDS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("export --all", ("export", "--all"), True),
    ("standup", ("standup",), True),
    ("list", ("list",), False),
)
APP = "App, data on screen"
#: The size the absolute targets are for (smaller ones only show the trend).
TARGET_SIZE = 100_000
RSS_TARGET = at_most(500, "≤ 500 MB")
APP_TARGET = at_most(2.0, "≤ 2 s")
SEED_TIME = at_most(180, "≤ 3 min")
SEED_RSS = at_most(1024, "≤ 1 GiB")
LINEAR = between(0.5, 2.0, "0.5–2× (linear)")
#: The address space one command may take (bytes): a command past it fails on its own
#: instead of pushing the machine (2 cores, 24 GiB, shared) into swap or the OOM killer.
MEMORY_CAP = 8 * 1024**3
#: After a first run this long (seconds), no more runs of that figure at that size.
LONG_RUN = 60.0
TIMEOUT = 3600.0


@dataclass
class Figure:
    """The runs of one command at one size, or why there are none."""

    runs: list[Ran] = field(default_factory=list)
    why: str = ""

    @property
    def seconds(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def rss(self) -> list[float]:
        return [r.max_rss_mb for r in self.runs]


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def sizes(ctx: Context) -> tuple[list[int], list[int]]:
    """The sizes to measure, and those left out by ``--max-deals``."""
    cap = ctx.scale.max_deals
    keep = [n for n in ctx.scale.scale_sizes if not cap or n <= cap]
    return keep, [n for n in ctx.scale.scale_sizes if n not in keep]


def _repeat(ctx: Context, once: Callable[[], Ran]) -> Figure:
    got = Figure()
    for _ in range(ctx.scale.scale_runs):
        ran = once()
        if ran.why():
            got.why = ran.why()
            break
        got.runs.append(ran)
        if ran.seconds > LONG_RUN:
            break
    return got


def command(ctx: Context, db: Path, args: tuple[str, ...]) -> Figure:
    def once() -> Ran:
        env = ctx.env(ctx.nothing_kept())  # what the read costs as the data grows
        return measured(ctx.app_argv(db, *args), cwd=ROOT, env=env, timeout=TIMEOUT, limit=_cap)

    figure = _repeat(ctx, once)
    if figure.why and figure.why.startswith(("exit status", "killed")):
        figure.why += f" (under a {MEMORY_CAP / 1024**3:g} GiB address-space cap)"
    return figure


def app(ctx: Context, db: Path) -> Figure:
    """The app in a pty until the pipeline's title counts the deals shown."""

    def once() -> Ran:
        env = ctx.env(ctx.nothing_kept())
        with PtySession(ctx.app_argv(db), size=SIZE, env=env, cwd=ROOT) as term:
            shown = term.wait_for(DATA, timeout=TIMEOUT)
            end = term.finish(timeout=60)
        return Ran(shown - term.started, end.max_rss_kb / 1024, 0)

    try:
        return _repeat(ctx, once)
    except Exception as exc:  # a timeout, or the app ended before its data showed
        return Figure(why=f"{type(exc).__name__}: {exc}"[:160])


def run(ctx: Context) -> list[Row]:
    keep, _ = sizes(ctx)
    items, every = ctx.scale.items, ctx.scale.scale_sizes
    figures: dict[str, dict[int, Figure]] = {name: {} for name, _, _ in COMMANDS}
    figures[APP] = {}
    made: dict[int, Made | None] = {}
    files: dict[int, str] = {}
    for size in keep:
        db = ctx.dbs.demo(size, items)
        made[size], files[size] = ctx.dbs.made(db), db.name
        ctx.log(f"  scale: {deal_count(db):,} deals")
        for name, args, _ in COMMANDS:
            figures[name][size] = command(ctx, db, args)
        if ctx.scale.scale_app_sizes == "every" or size == keep[-1]:
            figures[APP][size] = app(ctx, db)
    left_out = Figure(why=f"larger than --max-deals {ctx.scale.max_deals:,}")
    rows: list[Row] = []
    for size in every:
        rows += _seed_rows(size, items, made.get(size), files.get(size), left_out.why)
        for name, _, rss_target in COMMANDS:
            figure = figures[name].get(size, left_out)
            rows += _size_rows(f"`dealroom {name}`", size, figure, rss_target)
        if size in figures[APP] or size not in keep:
            app_figure = figures[APP].get(size, left_out)
            rows += _size_rows(APP, size, app_figure, False, app_row=True)
    for name, _, _ in COMMANDS:
        rows += slope_rows(f"`dealroom {name}`", every, figures[name])
    if ctx.scale.scale_app_sizes == "every":
        rows += slope_rows(APP, every, figures[APP])
    seeds = {n: Figure([Ran(m.seconds, m.max_rss_mb, 0)]) for n, m in made.items() if m}
    rows += slope_rows("Seeding (`dealroom demo`)", every, seeds)
    return rows


def _size_rows(
    what: str, size: int, figure: Figure, rss_target: bool, *, app_row: bool = False
) -> list[Row]:
    at = f"{size:,} deals"
    big = size >= TARGET_SIZE
    time_target: Target | None = APP_TARGET if app_row and big else None
    memory_target = RSS_TARGET if rss_target else None
    time_name = f"{what}, {at}: " + (
        "start → the title counts the deals" if app_row else "wall time"
    )
    rss_name = f"{what}, {at}: peak RSS"
    if not figure.runs:
        return [
            unavailable(GROUP, time_name, "s", time_target, figure.why),
            unavailable(GROUP, rss_name, "MB", memory_target, figure.why),
        ]
    return [
        Row(GROUP, time_name, "s", figure.seconds, time_target),
        Row(GROUP, rss_name, "MB", figure.rss, memory_target),
    ]


def _seed_rows(size: int, items: int, made: Made | None, name: str | None, why: str) -> list[Row]:
    label = f"Seeding: `dealroom demo --deals {size:,} --items {items}`"
    big = size >= TARGET_SIZE
    time_target, rss_target = (SEED_TIME, SEED_RSS) if big else (None, None)
    if made is None:
        if name is not None:  # measured here, but made before timings were kept
            why = f"made before its timing was kept: delete bench/.cache/{name} to measure it"
        return [
            unavailable(GROUP, f"{label}: wall time", "s", time_target, why),
            unavailable(GROUP, f"{label}: peak RSS", "MB", rss_target, why),
        ]
    taken = f"{label}, taken when it was made ({made.at} UTC)"
    return [
        Row(GROUP, f"{taken}: wall time", "s", [made.seconds], time_target),
        Row(GROUP, f"{taken}: peak RSS", "MB", [made.max_rss_mb], rss_target),
    ]


def slope_rows(what: str, all_sizes: tuple[int, ...], at: dict[int, Figure]) -> list[Row]:
    """Per added deal between each pair of sizes, and whether the two slopes agree."""
    rows: list[Row] = []
    slopes: dict[str, list[float | None]] = {"time": [], "rss": []}
    for a, b in itertools.pairwise(all_sizes):
        span = f"{a:,} → {b:,} deals"
        fa, fb = at.get(a), at.get(b)
        if fa is None or fb is None or not fa.runs or not fb.runs:
            why = "not measured at both sizes"
            rows.append(unavailable(GROUP, f"{what}: time per added deal, {span}", "µs", None, why))
            rows.append(unavailable(GROUP, f"{what}: RSS per added deal, {span}", "KB", None, why))
            slopes["time"].append(None)
            slopes["rss"].append(None)
            continue
        dt = (statistics.median(fb.seconds) - statistics.median(fa.seconds)) / (b - a) * 1e6
        dm = (statistics.median(fb.rss) - statistics.median(fa.rss)) * 1024 / (b - a)
        rows.append(Row(GROUP, f"{what}: time per added deal, {span}", "µs", [dt]))
        rows.append(Row(GROUP, f"{what}: RSS per added deal, {span}", "KB", [dm]))
        slopes["time"].append(dt)
        slopes["rss"].append(dm)
    if len(all_sizes) == 3:
        for kind, (first, second) in slopes.items():
            kind = "RSS" if kind == "rss" else kind
            name = f"{what}: {kind} per added deal, {all_sizes[1]:,}+ ÷ below (1 = linear)"
            if first is None or second is None:
                why = "needs all three sizes"
                rows.append(unavailable(GROUP, name, "×", LINEAR, why))
            elif first <= 0:
                why = f"no growth below {all_sizes[1]:,} deals to compare with ({first:.3g})"
                rows.append(unavailable(GROUP, name, "×", LINEAR, why))
            else:
                rows.append(Row(GROUP, name, "×", [second / first], LINEAR))
    return rows
