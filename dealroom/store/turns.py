"""Writers on one SQLite file take turns on a lock file beside it (``FILE-lock``), and
wait for their turn no longer than for SQLite's own lock.

SQLite's busy handler polls with sleeps that grow to 100 ms, so under contention an
unlucky writer can wait half a second while others keep winning. An ``flock`` on the lock
file (held for one short transaction) wakes the next writer the moment the lock is free,
and the kernel drops the lock of a killed process.
A writer that has waited :data:`~dealroom.store.engine.BUSY_TIMEOUT_MS` gives up with
:class:`~dealroom.store.errors.UnavailableError`, naming who holds the lock where the
system says (Linux's ``/proc/locks``). Without the lock file (a folder we may not create
it in, a non-POSIX system) the busy handler still keeps writes safe, just less evenly.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

from dealroom.i18n import _
from dealroom.store import engine as eng
from dealroom.store.errors import UnavailableError


@contextlib.contextmanager
def write_turn(path: Path | None, *, limit: float | None = None) -> Iterator[None]:
    """Hold the write turn of the database at ``path`` for the block; wait at most
    ``limit`` seconds (default: the busy timeout) for it."""
    fd = -1
    if path is not None and fcntl is not None:
        try:
            fd = os.open(f"{path}-lock", os.O_RDONLY | os.O_CREAT, 0o666)
        except OSError:
            with contextlib.suppress(OSError):
                fd = os.open(f"{path}-lock", os.O_RDONLY)
    try:
        if fd >= 0:
            wait = eng.BUSY_TIMEOUT_MS / 1000 if limit is None else limit
            _take(fd, path, wait)
        yield
    finally:
        if fd >= 0:
            os.close(fd)  # closing releases the lock


def _take(fd: int, path: Path | None, limit: float) -> None:
    """Take the lock on ``fd``, waiting at most ``limit`` seconds. The wait is the
    kernel's (a blocking ``flock`` in a thread of its own), so a released lock goes to a
    waiting writer at once, in turn, rather than to whoever asks first after it. A waiter
    given up on keeps waiting without us: when it gets the lock, the file is closed
    already, and the lock goes with it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    taken = threading.Event()

    def wait() -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
            taken.set()

    threading.Thread(target=wait, name="dealroom-write-turn", daemon=True).start()
    if taken.wait(limit):
        return
    who = holder(fd)
    said = (
        _("the database {path} stayed locked for {seconds} s by another writer ({who}); try again")
        if who
        else _("the database {path} stayed locked for {seconds} s by another writer; try again")
    )
    raise UnavailableError(said.format(path=path, seconds=f"{limit:g}", who=who))


def holder(fd: int) -> str:
    """``pid 1234, user wei, dealroom``: who holds the flock on ``fd``'s file, where the
    system says (Linux); empty otherwise."""
    st = os.fstat(fd)
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            lines = locks.read().splitlines()
    except OSError:
        return ""
    for line in lines:
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == device:
            return _process(fields[4])
    return ""


def _process(pid: str) -> str:
    import pwd

    about = [f"pid {pid}"]
    with contextlib.suppress(OSError, KeyError):
        about.append(f"user {pwd.getpwuid(os.stat(f'/proc/{pid}').st_uid).pw_name}")
    with contextlib.suppress(OSError):
        about.append(Path(f"/proc/{pid}/comm").read_text(errors="replace").strip())
    return ", ".join(about)
