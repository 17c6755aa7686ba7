"""In-process benchmarks of the app under a Textual pilot: opening a deal, the pipeline at
scale, keystrokes, stepping through a standup.

``python -m bench.pilot KIND DB …`` runs one and prints its samples as JSON; the harness
starts a fresh interpreter for each. Latencies (opening a deal, the first paint) run at
Textual's own 60 frames a second, as a user sees them. Keystrokes run with
``TEXTUAL_FPS=1000``: Textual then paints within a millisecond of a change instead of on
its next 60 Hz tick, so the figure is the work one key causes, not the wait for a frame.

"Painted" means the last frame a key caused has been rendered to terminal bytes (the
headless driver skips that step; :class:`BenchApp` does it anyway) and no frame has
followed for :data:`QUIET` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import event
from textual import constants, events
from textual.screen import Screen

from bench.context import ACTOR
from dealroom.app import SLOW_NOTICE, DealroomApp
from dealroom.screens.gateway import Gateway, Job

if TYPE_CHECKING:
    from dealroom.store import Store

R = TypeVar("R")

SIZE = (160, 50)
#: A key's frames are over when none has come for this long.
QUIET = 0.03
_CHARS = {"slash": "/", "enter": "\r", "space": " ", "backspace": None, "escape": None}


@dataclass
class BenchJob:
    group: str
    started: float
    returned: float
    done: float = 0.0


def _app_css() -> list[str | Path]:
    """The app's own style sheets (a relative ``CSS_PATH`` would be looked for in bench/)."""
    here = Path(inspect.getfile(DealroomApp)).parent
    paths = DealroomApp.CSS_PATH
    return [here / p for p in (paths if isinstance(paths, list) else [paths] if paths else [])]


class TimedGateway(Gateway):
    """The gateway with a stopwatch: when each job started, returned and was handled."""

    def __init__(self, app: BenchApp, **options: Any) -> None:
        super().__init__(app, **options)
        self._bench = app

    def run(
        self,
        requester: object,
        job: Job[R],
        done: Callable[[R], object] | None = None,
        **options: Any,
    ) -> None:
        record = BenchJob(str(options.get("group", "db")), 0.0, 0.0)

        def timed(store: Store) -> R:
            record.started = perf_counter()
            result = job(store)
            record.returned = perf_counter()
            return result

        def finished(result: R) -> None:
            if done is not None:
                done(result)
            record.done = perf_counter()
            self._bench.job_done(record)

        super().run(requester, timed, finished, **options)


class BenchApp(DealroomApp):
    """The app with a stopwatch: when each frame was rendered and each database job ran."""

    CSS_PATH = _app_css()  # type: ignore[assignment]

    def __init__(self, db: str, actor: str = ACTOR) -> None:
        super().__init__(db, actor)
        self.frames: list[float] = []
        self.jobs: list[BenchJob] = []
        self._frame = asyncio.Event()
        self._job_done = asyncio.Event()
        self.gateway = TimedGateway(self, slow_notice=SLOW_NOTICE, wrote=self.wrote)

    def pipeline_key(self) -> None:
        """Nothing kept: the pilots time the pipeline's read (group 1 times a start that
        paints the pipeline kept from the one before)."""
        return None

    def job_done(self, record: BenchJob) -> None:
        self.jobs.append(record)
        self._job_done.set()

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is None or self._batch_count:
            return
        if self.is_headless and hasattr(renderable, "render_segments"):
            renderable.render_segments(self.console)  # what a real terminal driver would send
        self.frames.append(perf_counter())
        self._frame.set()

    # --- waiting ------------------------------------------------------------------------

    async def job(self, prefix: str, after: float, timeout: float = 120) -> BenchJob:
        """The first job of a group starting with ``prefix`` that finished after ``after``."""
        async with asyncio.timeout(timeout):
            while True:
                for j in self.jobs:
                    if j.group.startswith(prefix) and j.done > after:
                        return j
                self._job_done.clear()
                await self._wait(self._job_done)

    async def painted(self, after: float, timeout: float = 30) -> float:
        """When the last frame after ``after`` was rendered, once frames have stopped."""
        async with asyncio.timeout(timeout):
            while not self.frames or self.frames[-1] <= after:
                self._frame.clear()
                await self._wait(self._frame)
        while True:
            self._frame.clear()
            try:
                await asyncio.wait_for(self._frame.wait(), QUIET)
            except TimeoutError:
                return self.frames[-1]

    async def _wait(self, flag: asyncio.Event) -> None:
        """Wait for ``flag``, or stop at once if the app has failed."""
        failed: asyncio.Event = self._exception_event
        tasks = [asyncio.ensure_future(flag.wait()), asyncio.ensure_future(failed.wait())]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        if failed.is_set():
            raise RuntimeError(f"the app failed: {self._exception!r}")

    async def press(self, key: str) -> float:
        """Seconds from the key to its last frame."""
        start = perf_counter()
        self.post_message(events.Key(key, _CHARS.get(key, key if len(key) == 1 else None)))
        return await self.painted(start) - start


class StatementCounter:
    """SQL statements the store's engine sends (``before_cursor_execute``), from any thread."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        self._lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        with self._lock:
            self.count += 1


async def started(app: BenchApp) -> tuple[BenchJob, float]:
    """Wait for the pipeline's load and paint: its first screenful, then every deal (the
    pipeline is then idle); the load of every deal, and when it was painted."""
    job = await app.job("pipeline", 0.0)
    painted = await app.painted(job.done)
    while not getattr(app.screen, "loaded", True):
        job = await app.job("pipeline", job.done)
        painted = await app.painted(job.done)
    return job, painted


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# --- the benchmarks ------------------------------------------------------------------------


async def open_room(db: str, code: str, runs: int) -> dict[str, Any]:
    """Enter on ``code`` in the pipeline until the deal room is painted, ``runs`` + 1 times
    (the first includes importing the deal-room code), with the SQL statements it took."""
    app = BenchApp(db)
    times: list[float] = []
    statements: list[int] = []
    async with app.run_test(size=SIZE):
        await started(app)
        assert app.store is not None
        counter = StatementCounter(app.store.engine)
        vlist: Any = app.screen.query_one("#deals")
        if not vlist.select_key(code):
            raise SystemExit(f"{code} is not in the pipeline")
        await app.painted(0.0)
        for _ in range(runs + 1):
            before, start = counter.count, perf_counter()
            app.post_message(events.Key("enter", "\r"))
            await app.job("room", start)
            times.append(await app.painted(start) - start)
            statements.append(counter.count - before)
            await app.press("escape")
    return {
        "cold_ms": ms(times[0]),
        "open_ms": [ms(t) for t in times[1:]],
        "statements": statements[1:],
        "fps": constants.MAX_FPS,
    }


async def pipeline(db: str, runs: int) -> dict[str, Any]:
    """The pipeline query's time, and its first paint after the query returned, in
    ``runs`` fresh apps."""
    query: list[float] = []
    paint: list[float] = []
    for _ in range(runs):
        app = BenchApp(db)
        async with app.run_test(size=SIZE):
            job, painted = await started(app)
            query.append(ms(job.returned - job.started))
            paint.append(ms(painted - job.returned))
    return {"query_ms": query, "first_paint_ms": paint, "fps": constants.MAX_FPS}


async def keys(db: str, count: int) -> dict[str, Any]:
    """Keystrokes in the pipeline: moving the cursor, paging, filtering."""
    app = BenchApp(db)
    async with app.run_test(size=SIZE):
        await started(app)
        return {"keys_ms": await pipeline_keys(app, count), "fps": constants.MAX_FPS}


async def pipeline_keys(app: BenchApp, count: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for key in ("j", "k", "pagedown"):
        out[key] = [ms(await app.press(key)) for _ in range(count)]
    await app.press("home")
    out["/"] = [ms(await app.press("slash"))]
    box: Any = app.screen.query_one("#filter")
    box.cursor_blink = False  # a blinking cursor paints twice a second
    word = "helios"
    typed: list[float] = []
    while len(typed) < count:
        for ch in word:
            typed.append(ms(await app.press(ch)))
        for _ in word:
            typed.append(ms(await app.press("backspace")))
    out["filter"] = typed[:count]
    return out


async def standup(db: str, steps: int) -> dict[str, Any]:
    """``s`` from the pipeline, then ``n`` ``steps`` times."""
    app = BenchApp(db)
    async with app.run_test(size=SIZE):
        await started(app)
        start = perf_counter()
        app.post_message(events.Key("s", "s"))
        job = await app.job("standup", start)
        await app.painted(job.done)
        while getattr(app.screen, "_unread", None):  # the first deals shown, the rest read
            job = await app.job("standup-more", job.done)
            await app.painted(job.done)
        walked = len(getattr(app.screen, "digests", []))
        times = [ms(await app.press("n")) for _ in range(min(steps, max(walked - 1, 1)))]
    return {"step_ms": times, "deals": walked, "fps": constants.MAX_FPS}


def add_person(db: str, handle: str, admin: str) -> None:
    """Add ``handle`` to the people of ``db``, as the administrator ``admin`` does."""
    from dealroom.store import open_store

    store = open_store(db, actor=admin)
    try:
        store.people.add_person(handle, "Chair On No Team")
    finally:
        store.close()


async def chair(db: str, actor: str) -> dict[str, Any]:
    """A fresh app as ``actor``: ``s`` from the pipeline until the standup has painted its
    first deal (the first ``s`` of the app, as the chair presses it to begin)."""
    app = BenchApp(db, actor)
    async with app.run_test(size=SIZE):
        await started(app)
        start = perf_counter()
        app.post_message(events.Key("s", "s"))
        job = await app.job("standup", start)
        shown = await app.painted(job.done)
        screen: Any = app.screen
        walked = len(getattr(screen, "digests", []))
        if not walked or screen.current_deal() is None:
            raise SystemExit(f"the standup shows no deal ({type(screen).__name__})")
    return {
        "open_ms": ms(shown - start),
        "read_ms": ms(job.returned - job.started),
        "deals": walked,
        "fps": constants.MAX_FPS,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pilot")
    sub = parser.add_subparsers(dest="kind", required=True)
    p = sub.add_parser("room")
    p.add_argument("db")
    p.add_argument("code")
    p.add_argument("--runs", type=int, default=5)
    p = sub.add_parser("pipeline")
    p.add_argument("db")
    p.add_argument("--runs", type=int, default=3)
    p = sub.add_parser("keys")
    p.add_argument("db")
    p.add_argument("--count", type=int, default=40)
    p = sub.add_parser("standup")
    p.add_argument("db")
    p.add_argument("--steps", type=int, default=100)
    p = sub.add_parser("chair")
    p.add_argument("db")
    p.add_argument("--as", dest="actor", required=True)
    p.add_argument("--add-by", metavar="ADMIN", help="first add the actor, as ADMIN")
    args = parser.parse_args(argv)
    if args.kind == "room":
        result = asyncio.run(open_room(args.db, args.code, args.runs))
    elif args.kind == "pipeline":
        result = asyncio.run(pipeline(args.db, args.runs))
    elif args.kind == "chair":
        if args.add_by:
            add_person(args.db, args.actor, args.add_by)
        result = asyncio.run(chair(args.db, args.actor))
    elif args.kind == "keys":
        result = asyncio.run(keys(args.db, args.count))
    else:
        result = asyncio.run(standup(args.db, args.steps))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
