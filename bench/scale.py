"""How big each benchmark runs: the full scale of the issue, or ``--quick`` to prove the
harness works in seconds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    #: The main database: deals, and about this many tasks, risks and handoffs each.
    deals: int
    items: int
    #: The pipeline benchmark's database.
    list_deals: int
    #: Items in the one deal opened by the deal-room benchmark, one database each.
    room_sizes: tuple[int, ...]
    #: Repetitions of whole-process measurements (cold start, CLI, memory).
    runs: int
    #: Samples of each keystroke.
    keystrokes: int
    standup_steps: int
    writers: int
    writes_each: int
    writer_runs: int
    idle_seconds: float
    #: How long to wait for a write to show in a running app before calling it missing.
    live_timeout: float
    live_runs: int


FULL = Scale(
    name="full",
    deals=1000,
    items=50,
    list_deals=10_000,
    room_sizes=(30, 300, 3000),
    runs=5,
    keystrokes=40,
    standup_steps=100,
    writers=8,
    writes_each=500,
    writer_runs=3,
    idle_seconds=10.0,
    live_timeout=10.0,
    live_runs=5,
)

QUICK = Scale(
    name="quick",
    deals=30,
    items=12,
    list_deals=30,
    room_sizes=(8, 16),
    runs=1,
    keystrokes=4,
    standup_steps=5,
    writers=2,
    writes_each=10,
    writer_runs=1,
    idle_seconds=1.0,
    live_timeout=2.0,
    live_runs=1,
)
