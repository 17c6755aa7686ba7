"""How big each benchmark runs: the full scale of the issue, or ``--quick`` to prove the
harness works in seconds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scale:
    """One scale; :data:`SETTINGS` says what each field means."""

    name: str
    deals: int
    items: int
    list_deals: int
    room_sizes: tuple[int, ...]
    runs: int
    keystrokes: int
    standup_steps: int
    writers: int
    writes_each: int
    writer_runs: int
    idle_seconds: float
    live_timeout: float
    live_runs: int
    import_deals: int
    warmups: bool
    scale_sizes: tuple[int, ...]
    scale_runs: int
    scale_app_sizes: str
    batch_lines: int
    chair_runs: int
    max_deals: int


#: field: (full, quick)
SETTINGS: dict[str, tuple[Any, Any]] = {
    # The main database: deals, and about this many tasks, risks and handoffs each.
    "deals": (1000, 30),
    "items": (50, 12),
    # The pipeline benchmark's database.
    "list_deals": (10_000, 30),
    # Items in the one deal opened by the deal-room benchmark, one database each.
    "room_sizes": ((30, 300, 3000), (8,)),
    # Repetitions of whole-process measurements (cold start, CLI, memory).
    "runs": (5, 1),
    # Samples of each keystroke.
    "keystrokes": (40, 4),
    "standup_steps": (100, 5),
    "writers": (8, 2),
    "writes_each": (500, 10),
    "writer_runs": (3, 1),
    "idle_seconds": (10.0, 1.0),
    # How long to wait for a write to show in a running app before calling it missing.
    "live_timeout": (10.0, 2.0),
    "live_runs": (5, 1),
    # Deals in the file the import benchmark imports (and twice that, for its statements).
    "import_deals": (10_000, 100),
    # One untimed run of each command before the timed ones (taskwarrior, the CLI write).
    "warmups": (True, False),
    # Databases of the scaling benchmark (``deals`` items each); --max-deals caps them.
    "scale_sizes": ((1000, 10_000, 100_000), (30, 60, 120)),
    # Runs of each command at each size; one only where the first takes over a minute.
    "scale_runs": (3, 1),
    # Where the scaling benchmark starts the app: at every size, or the largest only.
    "scale_app_sizes": ("every", "largest"),
    # JSON lines fed to one ``dealroom batch``.
    "batch_lines": (2000, 50),
    # Fresh apps that open the standup at 10,000 deals as a chair on no team.
    "chair_runs": (3, 1),
    # The largest database made and measured (--max-deals); 0: no cap.
    "max_deals": (0, 0),
}

FULL = Scale("full", **{name: full for name, (full, _) in SETTINGS.items()})
QUICK = Scale("quick", **{name: quick for name, (_, quick) in SETTINGS.items()})
