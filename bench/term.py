"""A program in a real pseudo-terminal: start it, type into it, read what it paints.

A reader thread drains the terminal all the time (a full pty would block the program) and
keeps every chunk with the moment it arrived, so a benchmark can ask "when did this text
first appear?" or "how many bytes came between these two points?".
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: What a terminal with 256 colours says about itself; nothing else leaks in from ours.
TERM_ENV = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
_DROP = ("COLUMNS", "LINES", "COLORTERM", "NO_COLOR", "TEXTUAL", "TERM_PROGRAM")


class TermTimeout(Exception):
    """The text we waited for did not show in time."""


@dataclass(frozen=True)
class Exit:
    """How the program ended: its exit status and peak resident memory."""

    status: int
    max_rss_kb: int


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP)}
    env.update(TERM_ENV)
    env.update(extra or {})
    return env


class PtySession:
    """One child process whose stdin, stdout and stderr are a pty of ``size`` (cols, rows)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        size: tuple[int, int] = (120, 40),
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self._fd = master
        self._chunks: list[tuple[float, bytes]] = []
        self._buffer = bytearray()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._stop = threading.Event()
        self._exit: Exit | None = None
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=clean_env(env),
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # --- reading ------------------------------------------------------------------------

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self._fd], [], [], 0.05)
            if not ready:
                if self._stop.is_set():
                    break
                continue
            try:
                data = os.read(self._fd, 65536)
            except OSError:  # EIO: the child closed its side
                break
            if not data:
                break
            with self._lock:
                self._chunks.append((time.monotonic(), data))
                self._buffer += data
        self._closed.set()

    @property
    def size(self) -> int:
        """Bytes read so far."""
        with self._lock:
            return len(self._buffer)

    def output(self, start: int = 0) -> bytes:
        with self._lock:
            return bytes(self._buffer[start:])

    def last_output_at(self) -> float:
        with self._lock:
            return self._chunks[-1][0] if self._chunks else self.started

    def wait_for(
        self, pattern: bytes | re.Pattern[bytes], *, start: int = 0, timeout: float
    ) -> float:
        """When the text (or regex) first appeared at or after byte ``start``."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.find(pattern, start)
            if found is not None:
                return found
            if time.monotonic() > deadline or self._closed.is_set():
                shown = self.output(start)[-400:]
                raise TermTimeout(f"{pattern!r} not shown within {timeout:.0f}s; last: {shown!r}")
            time.sleep(0.002)

    def find(self, pattern: bytes | re.Pattern[bytes], start: int = 0) -> float | None:
        """The arrival time of the chunk that completed the first match, if any."""
        with self._lock:
            if isinstance(pattern, bytes):
                at = self._buffer.find(pattern, start)
                end = -1 if at < 0 else at + len(pattern)
            else:
                match = pattern.search(self._buffer, start)
                end = -1 if match is None else match.end()
            if end < 0:
                return None
            seen = 0
            for when, data in self._chunks:
                seen += len(data)
                if seen >= end:
                    return when
        return None

    def wait_output(self, start: int, timeout: float = 2.0) -> bool:
        """Wait for any output past byte ``start``; False if none came in time."""
        deadline = time.monotonic() + timeout
        while self.size <= start:
            if time.monotonic() > deadline or self._closed.is_set():
                return False
            time.sleep(0.002)
        return True

    def press(self, keys: str, *, quiet: float = 0.15, timeout: float = 2.0) -> tuple[float, int]:
        """Type ``keys``; return seconds until the last byte it caused, and the byte count.

        A key that paints nothing within ``timeout`` counts as 0 bytes.
        """
        before = self.size
        sent = self.send(keys)
        if not self.wait_output(before, timeout):
            return 0.0, 0
        self.wait_quiet(quiet)
        return self.last_output_at() - sent, self.size - before

    def wait_quiet(self, quiet: float = 0.25, *, timeout: float = 10.0) -> int:
        """Wait until nothing has been painted for ``quiet`` seconds; return the byte count."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if time.monotonic() - self.last_output_at() >= quiet:
                return self.size
            time.sleep(quiet / 10)
        raise TermTimeout(f"the program kept painting for {timeout:.0f}s")

    # --- writing and ending -------------------------------------------------------------

    def send(self, keys: str | bytes) -> float:
        data = keys.encode() if isinstance(keys, str) else keys
        os.write(self._fd, data)
        return time.monotonic()

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the child so far (``/proc/PID/stat``)."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        return ticks / os.sysconf("SC_CLK_TCK")

    def finish(self, keys: str = "q", timeout: float = 10.0) -> Exit:
        """Send ``keys`` (quit), wait for the end, and reap the child with its rusage.

        The child is reaped here with ``wait4`` (never ``Popen.poll``), so its peak
        memory is the child's own.
        """
        if self._exit is not None:
            return self._exit
        from bench.proc import vm_hwm_kb

        peak = vm_hwm_kb(self.proc.pid)  # the app's own, up to now (see bench/proc.py)
        if keys:
            with contextlib.suppress(OSError):
                self.send(keys)
        deadline = time.monotonic() + timeout
        pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
        while not pid and time.monotonic() < deadline:
            time.sleep(0.01)
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
        if not pid:
            os.killpg(self.proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self._stop.set()
        self._closed.wait(2)
        os.close(self._fd)
        self._exit = Exit(self.proc.returncode, peak or usage.ru_maxrss)
        return self._exit

    def kill(self) -> None:
        if self._exit is None:
            self.finish(keys="", timeout=0)

    def __enter__(self) -> PtySession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.kill()
