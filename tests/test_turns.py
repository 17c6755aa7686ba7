"""Writers take turns on the lock file beside an SQLite database, and wait for their turn
no longer than for SQLite's own lock: a writer holding the turn forever makes the others
give up (exit 4), saying who holds it."""

from __future__ import annotations

import fcntl
import getpass
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import dealroom.store.engine as eng
from dealroom.cli import EXIT_UNAVAILABLE, main
from dealroom.store import open_store
from dealroom.store.errors import UnavailableError
from dealroom.store.turns import write_turn

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT, 0o666)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def db(one_deal_db: Path) -> Path:
    return one_deal_db


@pytest.fixture
def stuck_writer(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that took the write turn and never gives it back."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, f"{db}-lock"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_a_writer_gives_up_on_a_turn_that_is_never_given_back(
    db: Path,
    stuck_writer: subprocess.Popen[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(eng, "BUSY_TIMEOUT_MS", 300)
    started = time.monotonic()
    code = main(
        ["--db", str(db), "--as", "ana", "task", "add", "T-1", "--role", "AR", "--title", "x"]
    )
    took = time.monotonic() - started
    _, err = capsys.readouterr()
    assert code == EXIT_UNAVAILABLE and err.count("\n") == 1, err
    assert f"the database {db} stayed locked for 0.3 s by another writer" in err
    assert f"(pid {stuck_writer.pid}, user {getpass.getuser()}, python" in err
    assert took < 10  # gave up, where it used to wait for ever
    with open_store(str(db), actor="ana") as s:
        assert s.reads.deal_room("T-1").tasks == []


def test_a_waiting_writer_takes_the_turn_as_soon_as_it_is_free(db: Path) -> None:
    fd = os.open(f"{db}-lock", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    release = threading.Timer(0.3, os.close, (fd,))
    release.start()
    started = time.monotonic()
    with write_turn(db, limit=5):
        waited = time.monotonic() - started
    release.join()
    assert 0.25 < waited < 1.0


def test_the_turn_has_a_limit_of_its_own(db: Path) -> None:
    fd = os.open(f"{db}-lock", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(UnavailableError, match=r"stayed locked for 0\.2 s"):
            with write_turn(db, limit=0.2):
                pass
    finally:
        os.close(fd)
