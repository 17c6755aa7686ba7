"""7 live updates: how long a write by another process takes to show in a running app, and
what the app costs while it sits idle.

The app runs in a pty on a copy of the main database. Idle: the pipeline is shown and
nothing happens for a while; its CPU time is read from ``/proc/PID/stat``. Latency: the
app shows the room of the pipeline's first deal; another process (``python -m bench.live
DB``, started and loaded beforehand) adds a task to that deal with a short unique title,
due long ago so it heads the AR pane, and says when its transaction committed; the figure
is the time until that title is painted in the pane. (The toast that names the change
quotes the title too, ``'LV…'``: an occurrence in quotes does not count.)
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from bench.context import ACTOR, ROOT, Context
from bench.report import Row, at_most, unavailable
from bench.startup import ROOM, open_app
from bench.term import PtySession

LATENCY = at_most(1.5, "≤ 1.5 s")
IDLE = at_most(1.0, "≤ 1%")
LONG_AGO = date(2000, 1, 3)


class Writer:
    """Another process, ready to add a task to the deal the app opens first."""

    def __init__(self, ctx: Context, db: Path) -> None:
        self.proc = subprocess.Popen(
            ctx.python("-m", "bench.live", str(db)),
            cwd=ROOT,
            env=ctx.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline().split()
        if not ready:
            self.proc.wait(timeout=30)
            raise RuntimeError(f"the writer process ended ({self.proc.returncode}) before ready")
        self.code = ready[-1]

    def add_task(self, title: str) -> float:
        """The moment (``time.monotonic``) the task was committed."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(title + "\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def idle_cpu(term: PtySession, seconds: float) -> float:
    """Percent of one core the app used while nothing happened."""
    term.wait_quiet(1.0)
    before, start = term.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    return (term.cpu_seconds() - before) / (time.monotonic() - start) * 100


def latencies(ctx: Context, term: PtySession, writer: Writer) -> tuple[list[float], str]:
    """Seconds from each commit to its title on screen; stops at the first that never shows."""
    term.press("\r", quiet=0.3)
    term.wait_for(ROOM, timeout=60)
    term.wait_quiet(0.5)
    out: list[float] = []
    for _ in range(ctx.scale.live_runs):
        title = f"LV{uuid.uuid4().hex[:6]}"
        in_pane = re.compile(rb"(?<!')" + title.encode())  # not the toast's 'LV…'
        start = term.size
        committed = writer.add_task(title)
        shown = term.find(in_pane, start)
        deadline = committed + ctx.scale.live_timeout
        while shown is None and time.monotonic() < deadline:
            time.sleep(0.005)
            shown = term.find(in_pane, start)
        if shown is None:
            why = (
                f"a task added by another process did not show within "
                f"{ctx.scale.live_timeout:g} s (the app does not refresh on others' writes)"
            )
            return out, why
        out.append(shown - committed)
        term.wait_quiet(0.3)
    return out, ""


def run(ctx: Context) -> list[Row]:
    db = ctx.dbs.copy(ctx.dbs.demo(ctx.scale.deals, ctx.scale.items), ctx.tmp)
    writer = Writer(ctx, db)
    term = open_app(ctx, db)
    try:
        idle = idle_cpu(term, ctx.scale.idle_seconds)
        seen, why = latencies(ctx, term, writer)
    finally:
        term.finish()
        writer.close()
    name = "Live update: another process's write → painted in a running app"
    latency = (
        Row("7", name, "s", seen, LATENCY) if not why else unavailable("7", name, "s", LATENCY, why)
    )
    idle_name = f"Idle CPU of a running app (pipeline shown, {ctx.scale.idle_seconds:g} s)"
    return [latency, Row("7", idle_name, "%", [idle], IDLE)]


def main(argv: list[str]) -> int:
    """The writer: print the deal it writes to (the first the pipeline shows, in its
    default order), then add a task per title read."""
    from dealroom.domain import Role
    from dealroom.screens.pipeline import SORTS
    from dealroom.store import open_store

    store = open_store(argv[0], actor=f"{ACTOR}-writer")
    rows = sorted(store.reads.pipeline(), key=SORTS[0][1])
    if not rows:
        raise SystemExit(f"no active deal in {argv[0]} to write to")
    code = rows[0].deal.code
    print("ready", code, flush=True)
    for line in sys.stdin:
        store.items.add_task(code, Role.AR, line.strip(), due=LONG_AGO)
        print(time.monotonic(), flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
