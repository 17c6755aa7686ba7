"""``dealroom serve`` in a process of its own, for the tests that reach it as a browser
would (tests/test_serve.py, tests/test_browser.py): started on a free port, its address
read from what it prints, its app processes found in ``/proc``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    #: Where its standard output and standard error go.
    out: Path
    err: Path
    #: The address it printed, with its token.
    url: str = ""

    @property
    def base(self) -> str:
        """The address without the token: ``http://127.0.0.1:PORT/``."""
        return self.url.split("?", 1)[0]

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.url).query)["token"][0]

    @property
    def port(self) -> int:
        port = urlsplit(self.url).port
        assert port is not None
        return port

    def said(self) -> str:
        """All it wrote so far, standard output then standard error."""
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    def apps(self) -> list[int]:
        """The app processes it runs now (its children that have not exited)."""
        return [pid for pid in running() if parent(pid) == self.process.pid]

    def stop(self, signum: int = signal.SIGINT, timeout: float = 20) -> int:
        """Its exit status, once the signal has stopped it."""
        self.process.send_signal(signum)
        return self.process.wait(timeout)


def running() -> list[int]:
    """The processes of this machine that have not exited (zombies left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and state(int(entry.name)) not in ("", "Z", "X"):
            found.append(int(entry.name))
    return found


def _stat(pid: int) -> list[str]:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text.rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, …


def state(pid: int) -> str:
    """The process's state letter (``R``, ``S``, ``Z`` …), empty once it is gone."""
    fields = _stat(pid)
    return fields[0] if fields else ""


def parent(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[1]) if fields else 0


def gone(pids: list[int], timeout: float = 10) -> bool:
    """Whether every one of ``pids`` has exited within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while any(state(pid) not in ("", "Z", "X") for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def wait_until(found: Callable[[], object], what: str, timeout: float = 20) -> None:
    """Wait for ``found()`` to be true."""
    deadline = time.monotonic() + timeout
    while not found():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.05)


def command(db: str, *options: str) -> list[str]:
    return [sys.executable, "-m", "dealroom", "--db", db, "serve", *options]


@contextmanager
def serving(db: str, folder: Path, *options: str) -> Iterator[Served]:
    """``dealroom --db DB serve --port 0 OPTIONS`` until the block ends (then killed, its
    apps with it, if the test has not stopped it)."""
    out, err = folder / "serve.out", folder / "serve.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            command(db, "--port", "0", *options), stdout=stdout, stderr=stderr
        )
    served = Served(process, out, err)
    try:
        deadline = time.monotonic() + 30
        while "?token=" not in served.out.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"serve did not start: {served.said()}")
            time.sleep(0.05)
        (served.url,) = [
            line.strip() for line in served.out.read_text().splitlines() if "?token=" in line
        ]
        yield served
    finally:
        if process.poll() is None:
            apps = served.apps()
            process.kill()
            process.wait()
            for pid in apps:
                if state(pid) not in ("", "Z", "X"):
                    os.kill(pid, signal.SIGKILL)
