"""One child process, timed: its wall time and its own peak resident memory.

The child is reaped with ``os.wait4``, never ``Popen.wait``, so ``ru_maxrss`` is the
child's (and its waited-for children's), not every child this harness has had.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True)
class Ran:
    """How a child went: wall seconds, peak RSS in MB (MiB, as ``ru_maxrss`` / 1024),
    its exit status (negative: killed by that signal), and whether it ran out of time."""

    seconds: float
    max_rss_mb: float
    status: int
    timed_out: bool = False

    @property
    def ms(self) -> float:
        return self.seconds * 1000

    def why(self) -> str:
        """Why the run does not count, or ``""``."""
        if self.timed_out:
            return f"stopped after {self.seconds:.0f} s"
        if self.status < 0:
            return f"killed by signal {-self.status} (out of memory?)"
        if self.status:
            return f"exit status {self.status}"
        return ""


def measured(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    stdin: IO[Any] | int | None = subprocess.DEVNULL,
    stdout: IO[Any] | int | None = subprocess.DEVNULL,
    stderr: IO[Any] | int | None = None,
    timeout: float = 3600,
    limit: Callable[[], None] | None = None,
) -> Ran:
    """Run ``argv`` to its end; a child still running after ``timeout`` seconds is killed
    (with its process group) and said to have timed out. ``limit`` runs in the child
    before it starts (say, to cap its memory)."""
    timed_out = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
        preexec_fn=limit,
    )

    def stop() -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, stop)
    timer.daemon = True
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Ran(seconds, usage.ru_maxrss / 1024, proc.returncode, timed_out.is_set())
