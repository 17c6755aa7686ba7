"""One child process, timed: its wall time and its own peak resident memory.

Peak memory is the child's ``VmHWM`` (``/proc/PID/status``), read every few milliseconds
once the child runs its own program: Linux resets it when a process starts a program, but
not ``ru_maxrss``, which a child inherits from the moment it was forked from this harness
(a harness of 85 MB made every child "85 MB" at least). Where ``/proc`` cannot tell,
``ru_maxrss`` (reaped with ``os.wait4``) is what is left.
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
    peak = HighWater(proc.pid, argv)
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
        peak.stop()
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    kb = peak.kb or usage.ru_maxrss
    return Ran(seconds, kb / 1024, proc.returncode, timed_out.is_set())


def vm_hwm_kb(pid: int) -> int | None:
    """The process's peak resident memory since it started its program, in KiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


class HighWater:
    """Samples a child's ``VmHWM`` every 5 ms, once its command line is its own (before
    that it is still this harness, forked)."""

    def __init__(self, pid: int, argv: Sequence[str]) -> None:
        self.pid, self.kb = pid, 0
        self._own = "\0".join(argv).encode()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            try:
                cmdline = Path(f"/proc/{self.pid}/cmdline").read_bytes()
            except OSError:
                return
            if not cmdline.startswith(self._own):
                continue
            kb = vm_hwm_kb(self.pid)
            if kb:
                self.kb = max(self.kb, kb)

    def stop(self) -> None:
        self._done.set()
        self._thread.join(1)
