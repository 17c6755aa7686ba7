"""The raw bytes a real terminal receives: the app and the command line in a pseudo-
terminal, on a database with hostile text in every field (tests/hostile.py), a hostile
person's change arriving live, and an export folder whose name is an escape sequence.

What the terminal receives may hold only the program's own sequences: for the app, CSI
sequences (cursor, styles, modes), its pointer shape (OSC 22) and one clipboard write
(OSC 52) per ``m``, whose text is exactly the Markdown saved; for the command line, Rich's
colours (SGR). Anything else left, an escape, a C0 or C1 control, a bidirectional
override, or bytes that are not UTF-8, is user text acting on the terminal.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hostile import HARMFUL, examples, hostile_text, seed_hostile, stored
from hypothesis import given
from seeding import open_seeder

from dealroom.domain import Role
from dealroom.store import open_store

pytestmark = pytest.mark.slow

CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
SGR = re.compile(r"\x1b\[[0-9;]*m")
POINTER = re.compile(r"\x1b\]22;[a-z-]*\x07")
CLIPBOARD = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
#: Left after the program's own sequences are taken out: nothing may act on a terminal.
ACTIVE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: The export folder: its name is an escape sequence that would set the window title.
EXPORT_DIR_NAME = "exports\x1b]0;pwned\x07"


class Pty:
    """A program in a pseudo-terminal of ``size``; every byte it writes is kept."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the terminal's size, then the program
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            os.execve(argv[0], list(argv), env)
        self.out = bytearray()

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.out.extend(chunk)

    def until(self, text: str, seconds: float = 20) -> None:
        """Read until ``text`` (plain, without styling) has been written."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read(0.1)
            if text in CSI.sub("", self.out.decode("utf-8", "replace")):
                return
        raise AssertionError(f"{text!r} never shown; the terminal got {bytes(self.out[-2000:])!r}")

    def keys(self, keys: bytes, settle: float = 0.6) -> None:
        os.write(self.fd, keys)
        self.read(settle)

    def finish(self, seconds: float = 15) -> int:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.read(0.2)
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            self.read(0.1)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("the program did not end")


def dealroom_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "dealroom", *args]


def environment(db: str, export_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEALROOM_", "NO_COLOR"))}
    env.update(
        TERM="xterm-256color",
        DEALROOM_DB=db,
        DEALROOM_USER="ana",
        DEALROOM_EXPORT_DIR=str(export_dir),
        DEALROOM_KEYMAP=str(export_dir.parent / "no-keymap.toml"),
    )
    return env


def leftover(raw: bytes, *, own: Sequence[re.Pattern[str]]) -> str:
    """The terminal's input with the program's own sequences taken out; it must be valid
    UTF-8 (a stray byte is what a split escape sequence looks like)."""
    text = raw.decode("utf-8")  # raises on bytes that are not UTF-8
    for pattern in own:
        text = pattern.sub("", text)
    return text


def assert_inert(text: str, where: str) -> None:
    bad = ACTIVE.search(text)
    near = text[max(0, bad.start() - 60) : bad.start() + 40] if bad else ""
    assert bad is None, f"{where}: {bad.group()!r} reached the terminal: …{near!r}"
    assert "\x1b" not in text


@pytest.fixture
def fresh_db(tmp_path: Path, _sqlite_at_head: Path) -> Path:
    path = tmp_path / "hostile.db"
    shutil.copyfile(_sqlite_at_head, path)
    return path


def hostile_run(db: Path, tmp_path: Path, text: str, size: tuple[int, int]) -> bytes:
    """The app on one hostile deal: the pipeline, my work, the deal room, ``m`` there,
    a change by a hostile-named colleague arriving live, then ``q``."""
    seeded = seed_hostile(f"sqlite:///{db}", text, 0)
    with open_seeder(str(db), actor="ana") as s:
        s.people.add_person("wei", stored(text, "Wei"))
        s.deals.set_member(seeded.code, Role.EXPERT, "wei")  # on the deal, so may add to it
    export_dir = tmp_path / EXPORT_DIR_NAME
    term = Pty(dealroom_argv(), environment(str(db), export_dir), size)
    try:
        term.until("HOST-0")
        term.keys(b"w", 1.0)
        term.keys(b"\x1b", 0.6)
        term.keys(b"\r")
        term.until("Tasks")
        term.keys(b"m", 1.5)
        term.keys(b"s", 1.0)  # saved from the reader
        with open_store(str(db), actor="wei") as s:
            s.items.add_task(seeded.code, Role.SR, stored(text, "t"))
        term.read(2.5)  # the live change and its toast
        term.keys(b"\x1b", 0.6)  # out of the reader
        term.keys(b"\x1b", 0.6)
        term.keys(b"q", 0.3)
        assert term.finish() == 0
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(term.pid, signal.SIGKILL)
            os.waitpid(term.pid, 0)
    saved = list(export_dir.glob("*.md"))
    assert len(saved) == 1, saved
    raw = bytes(term.out)
    copies = CLIPBOARD.findall(raw.decode("utf-8"))
    assert [base64.b64decode(c).decode("utf-8") for c in copies] == [saved[0].read_text("utf-8")]
    return raw


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_the_app_sends_nothing_but_its_own_sequences(
    fresh_db: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    """Every known-harmful sequence at once, in every field and in the export path."""
    raw = hostile_run(fresh_db, tmp_path, "".join(HARMFUL), size)
    text = leftover(raw, own=[CSI, POINTER, CLIPBOARD])
    assert_inert(text, "the app")
    assert "\u241b]0;pwned\u2407" in text  # the export folder, named in the toast


@examples(3)
@given(hostile_text)
def test_the_app_sends_nothing_but_its_own_sequences_whatever_the_text(
    tmp_path_factory: pytest.TempPathFactory, _sqlite_at_head: Path, text: str
) -> None:
    tmp = tmp_path_factory.mktemp("pty")
    db = tmp / "hostile.db"
    shutil.copyfile(_sqlite_at_head, db)
    raw = hostile_run(db, tmp, text, (120, 40))
    assert_inert(leftover(raw, own=[CSI, POINTER, CLIPBOARD]), f"the app, text {text!r}")


def test_the_command_line_on_a_terminal_sends_only_its_colours(
    fresh_db: Path, tmp_path: Path
) -> None:
    seeded = seed_hostile(f"sqlite:///{fresh_db}", "".join(HARMFUL), 0)
    env = environment(str(fresh_db), tmp_path / EXPORT_DIR_NAME)
    for args in (
        ["list"],
        ["show", seeded.code],
        ["log"],
        ["person", "list"],
        ["show", "\x1b]0;x\x07"],
    ):
        term = Pty(dealroom_argv(*args), env, (200, 50))
        term.read(0.5)
        term.finish()
        text = leftover(bytes(term.out), own=[SGR])
        assert_inert(text, f"dealroom {args[0]}")
