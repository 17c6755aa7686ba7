"""1 cold start and 8 memory: the app against a bare Textual app, each started in a real
pseudo-terminal the way a user starts it, alternately, in the same run.

"First frame" is the moment the screen's own text first reaches the terminal (the
pipeline's title bar; the bare app's text). "Data on screen" is the moment the pipeline's
title says how many deals it shows, which it does once the rows are painted: with the
pipeline kept from the start before (nothing changed since: ``store.snapshot``), and with
nothing kept (the first start, or the first after a change). Peak memory
is the child's ``ru_maxrss``, read when it is reaped after ``q``.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench.bare import TEXT as BARE_TEXT
from bench.context import ROOT, Context
from bench.report import Row, ratio
from bench.term import PtySession

SIZE = (120, 40)
#: The pipeline's title bar, painted on the first frame (in English, and in Chinese).
PIPELINE = "Pipeline · ".encode()
PIPELINE_ZH = "商机 · ".encode()
#: "899 / 899 个项目": the Chinese title once the rows are painted.
DATA_ZH = re.compile(r"\d+ / \d+ 个项目".encode())
#: "899 of 899 deals": painted with the rows, once the data has arrived.
DATA = re.compile(rb"\d+ of \d+ deals")
#: A deal room's panes, painted once its data has arrived.
ROOM = b"Tasks ("
TIMEOUT = 120.0


@dataclass
class Launches:
    app_first: list[float] = field(default_factory=list)
    app_data: list[float] = field(default_factory=list)
    #: Started with nothing kept from an earlier start (the first, or after a change).
    app_fresh_data: list[float] = field(default_factory=list)
    bare_first: list[float] = field(default_factory=list)
    app_rss: list[float] = field(default_factory=list)
    app_zh_first: list[float] = field(default_factory=list)
    app_zh_data: list[float] = field(default_factory=list)
    bare_sqlmodel_rss: list[float] = field(default_factory=list)


def open_app(ctx: Context, db: Path, size: tuple[int, int] = SIZE) -> PtySession:
    """The app on ``db`` in a pty, its pipeline painted with data."""
    term = PtySession(ctx.app_argv(db), size=size, env=ctx.env(), cwd=ROOT)
    try:
        term.wait_for(DATA, timeout=TIMEOUT)
    except Exception:
        term.kill()
        raise
    return term


def _app(ctx: Context, db: Path, into: Launches) -> None:
    """A start with the pipeline kept from the one before (nothing changed since)."""
    with PtySession(ctx.app_argv(db), size=SIZE, env=ctx.env(), cwd=ROOT) as term:
        first = term.wait_for(PIPELINE, timeout=TIMEOUT)
        data = term.wait_for(DATA, timeout=TIMEOUT)
        term.finish()
    into.app_first.append((first - term.started) * 1000)
    into.app_data.append((data - term.started) * 1000)


def _app_fresh(ctx: Context, db: Path, into: Launches) -> None:
    """A start with nothing kept: the pipeline is read through the database layer (its
    peak memory is the app's: with the pipeline kept, ``q`` may come before the database
    layer has loaded)."""
    env = ctx.env(ctx.nothing_kept())
    with PtySession(ctx.app_argv(db), size=SIZE, env=env, cwd=ROOT) as term:
        data = term.wait_for(DATA, timeout=TIMEOUT)
        end = term.finish()
    into.app_fresh_data.append((data - term.started) * 1000)
    into.app_rss.append(end.max_rss_kb / 1024)


def keep_pipeline(ctx: Context, db: Path) -> None:
    """Have the pipeline kept, as any earlier start or ``dealroom list`` leaves it."""
    subprocess.run(
        ctx.app_argv(db, "list"), cwd=ROOT, env=ctx.env(), capture_output=True, check=True
    )


def _app_in_chinese(ctx: Context, db: Path, into: Launches) -> None:
    """The same start with the Simplified Chinese catalog loaded (``--lang zh_CN``)."""
    argv = ctx.python("-m", "dealroom", "--lang", "zh_CN", *ctx.app_argv(db)[3:])
    with PtySession(argv, size=SIZE, env=ctx.env(), cwd=ROOT) as term:
        first = term.wait_for(PIPELINE_ZH, timeout=TIMEOUT)
        data = term.wait_for(DATA_ZH, timeout=TIMEOUT)
        term.finish()
    into.app_zh_first.append((first - term.started) * 1000)
    into.app_zh_data.append((data - term.started) * 1000)


def _bare(ctx: Context, into: Launches, *, sqlmodel: bool) -> None:
    argv = ctx.python("-m", "bench.bare", *(["--sqlmodel"] if sqlmodel else []))
    with PtySession(argv, size=SIZE, env=ctx.env(), cwd=ROOT) as term:
        first = term.wait_for(BARE_TEXT.encode(), timeout=TIMEOUT)
        end = term.finish()
    if sqlmodel:
        into.bare_sqlmodel_rss.append(end.max_rss_kb / 1024)
    else:
        into.bare_first.append((first - term.started) * 1000)


def run(ctx: Context) -> list[Row]:
    db = ctx.dbs.demo(ctx.scale.deals, ctx.scale.items)
    if ctx.scale.runs > 1:  # one untimed launch each, so every timed one finds warm caches
        _bare(ctx, Launches(), sqlmodel=False)
        _app(ctx, db, Launches())
    keep_pipeline(ctx, db)
    got = Launches()
    for _ in range(ctx.scale.runs):
        _bare(ctx, got, sqlmodel=False)
        _app(ctx, db, got)
        _app_fresh(ctx, db, got)
        _app_in_chinese(ctx, db, got)
        _bare(ctx, got, sqlmodel=True)
    return cold_rows(ctx, got) + memory_rows(ctx, got)


def cold_rows(ctx: Context, got: Launches) -> list[Row]:
    deals = f"{ctx.scale.deals:,} deals"
    return [
        Row("1", "Cold start: bare Textual app, first frame", "ms", got.bare_first),
        Row("1", f"Cold start: dealroom, first frame ({deals})", "ms", got.app_first),
        ratio(
            "1", "Cold start: dealroom first frame ÷ bare app", got.app_first, got.bare_first, 1.1
        ),
        Row("1", f"Cold start: dealroom, data on screen ({deals})", "ms", got.app_data),
        ratio(
            "1",
            "Cold start: dealroom data on screen ÷ bare app first frame",
            got.app_data,
            got.bare_first,
            1.5,
        ),
        Row(
            "1",
            f"Cold start: dealroom, data on screen, nothing kept ({deals})",
            "ms",
            got.app_fresh_data,
        ),
        ratio(
            "1",
            "Cold start: dealroom data on screen, nothing kept ÷ bare app first frame",
            got.app_fresh_data,
            got.bare_first,
            1.5,
        ),
        Row("1", f"Cold start: dealroom in zh_CN, first frame ({deals})", "ms", got.app_zh_first),
        ratio(
            "1",
            "Cold start: first frame with the zh_CN catalog ÷ in English",
            got.app_zh_first,
            got.app_first,
            1.05,
        ),
        Row("1", f"Cold start: dealroom in zh_CN, data on screen ({deals})", "ms", got.app_zh_data),
        ratio(
            "1",
            "Cold start: data on screen with the zh_CN catalog ÷ in English",
            got.app_zh_data,
            got.app_data,
            1.05,
        ),
    ]


def memory_rows(ctx: Context, got: Launches) -> list[Row]:
    return [
        Row("8", "Peak RSS: bare Textual app + `import sqlmodel`", "MB", got.bare_sqlmodel_rss),
        Row(
            "8",
            f"Peak RSS: dealroom, pipeline of {ctx.scale.deals:,} deals shown",
            "MB",
            got.app_rss,
        ),
        ratio(
            "8", "Peak RSS: dealroom ÷ bare app + sqlmodel", got.app_rss, got.bare_sqlmodel_rss, 1.3
        ),
    ]
