"""Noticing that someone else changed the database, cheaply enough to ask twice a second.

- SQLite: ``PRAGMA data_version`` on a connection of our own that never writes. It
  changes whenever any other connection commits, and asking reads only the shared-memory
  index, not the file. (The file's modification time says nothing: with WAL it stays the
  same.)
- PostgreSQL: ``LISTEN`` on the channel the event table's trigger notifies (migration
  0004); notifications arrive when the writing transaction commits.
- Anything else: the newest event id, which every change moves.

A watcher only says *whether* something changed; :meth:`Queries.feed` says what.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from dealroom.store import engine as eng
from dealroom.store.tables import Event

#: The channel the event table's trigger notifies (set in migration 0004).
CHANNEL = "dealroom_events"


class Watcher(Protocol):
    def changed(self) -> bool:
        """Whether anything was committed since the last call (or since opening)."""
        ...

    def close(self) -> None: ...


class DataVersionWatcher:
    """SQLite: ``PRAGMA data_version`` on a connection that never writes."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=5
        )
        self._last = self._version()

    def _version(self) -> int:
        row = self._conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def changed(self) -> bool:
        with self._lock:
            now = self._version()
            moved, self._last = now != self._last, now
            return moved

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class NotifyWatcher:
    """PostgreSQL: LISTEN on the channel every write to the event log notifies."""

    def __init__(self, url: str) -> None:
        import psycopg

        conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
        self._conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def changed(self) -> bool:
        moved = False
        for _ in self._conn.notifies(timeout=0):
            moved = True
        return moved

    def close(self) -> None:
        self._conn.close()


class EventIdWatcher:
    """Any database: the newest event id."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._last = self._newest()

    def _newest(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.max(Event.id))).scalar() or 0)  # type: ignore[arg-type]

    def changed(self) -> bool:
        now = self._newest()
        moved, self._last = now != self._last, now
        return moved

    def close(self) -> None:
        pass


def watcher_for(url: str, engine: Engine) -> Watcher:
    """The cheapest watcher the database offers."""
    path = eng.sqlite_path(url)
    if path is not None:
        return DataVersionWatcher(path)
    if make_url(url).get_backend_name() == "postgresql":
        return NotifyWatcher(url)
    return EventIdWatcher(engine)
