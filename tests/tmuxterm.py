"""A real terminal for end-to-end tests: one tmux session running one command, read back
with ``capture-pane``; and the app run in it on a database, as a given person."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Terminal:
    """One tmux session running one command, read back with ``capture-pane``."""

    def __init__(self, command: str, env: dict[str, str], size: tuple[int, int]) -> None:
        tag = uuid.uuid4().hex[:12]
        # a tmux server of its own: tests running at once never share (or kill) one
        self.name, self.socket = f"dealroom-{tag}", f"dealroom-test-{tag}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # the command starts once the terminal has its size (tmux may size the pane just
        # after starting it), and without COLUMNS and LINES, which a test process that ran
        # an app in a headless test may have set: they would fix the app at their size
        ready = f"{size[1]} {size[0]}"
        wait = f'while [ "$(stty size)" != "{ready}" ]; do sleep 0.05; done'
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
            f"sh -c {shlex.quote(f'{wait}; exec env -u COLUMNS -u LINES {exports} {command}')}",
        )  # fmt: skip

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", self.name, *(["-l"] if literal else []), *keys)

    def type(self, text: str) -> None:
        """Type ``text`` as it is (no key names)."""
        self.keys(text, literal=True)

    def wait_for(self, *texts: str, timeout: float = 20) -> str:
        """Wait until every one of ``texts`` is on the screen at once."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{texts!r} never appeared; the screen:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def app_env(db: Path, home: Path, actor: str) -> dict[str, str]:
    """The app's environment: a home of its own, the database, who acts."""
    return {
        "TERM": "xterm-256color",
        "HOME": str(home),
        "XDG_STATE_HOME": str(home / "state"),
        "DEALROOM_DB": str(db),
        "DEALROOM_USER": actor,
        "DEALROOM_EXPORT_DIR": str(home / "out"),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }


@contextmanager
def app_in_tmux(
    db: Path, home: Path, *, actor: str = "ana", size: tuple[int, int] = (120, 40)
) -> Iterator[Terminal]:
    """``dealroom`` on ``db`` as ``actor`` in a terminal of ``size``."""
    term = Terminal(f"{sys.executable} -m dealroom", app_env(db, home, actor), size)
    try:
        yield term
    finally:
        term.close()
