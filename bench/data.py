"""Benchmark databases, made with ``dealroom demo`` and cached by scale.

A cached file is named after its scale and a fingerprint of the code that shapes the data
(the demo generator, the tables and the migrations), so a change there makes a new one;
files of other fingerprints (another branch) are kept for a week after their last use.
Benchmarks that write get a private copy; the cached files are only ever read, and a
stamp beside each (its size and modification time) catches one that was changed anyway,
say upgraded in place by a newer dealroom: it is made again. How long making it took and
its peak memory are kept beside it too (``.made``): seeding is a benchmark of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.proc import measured
from bench.term import clean_env

#: What decides the generated data; any change there invalidates the cache.
_SHAPING = ("demo", "store/tables.py", "store/migrations/versions")
_ACTIVE = ("open", "won")
#: Files of another fingerprint unused for this long are removed.
KEEP_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class RoomDeal:
    """One deal of a deal-room database, and how many tasks, risks and handoffs it has."""

    db: Path
    code: str
    items: int


@dataclass(frozen=True)
class Made:
    """How ``dealroom demo`` went when it made a cached database."""

    seconds: float
    max_rss_mb: float
    #: When (UTC, ``YYYY-MM-DD HH:MM``).
    at: str


def package_dir(root: Path) -> Path:
    """The dealroom that ``python -m dealroom`` runs from ``root``."""
    if (root / "dealroom" / "__init__.py").exists():
        return root / "dealroom"
    spec = importlib.util.find_spec("dealroom")
    assert spec is not None and spec.origin is not None, "dealroom is not installed"
    return Path(spec.origin).parent


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    package = package_dir(root)
    for part in _SHAPING:
        path = package / part
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        for f in files:
            digest.update(f.name.encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()[:10]


class Databases:
    """Finds or makes the cached databases under ``cache``."""

    def __init__(self, cache: Path, root: Path, log: Callable[[str], object] = print) -> None:
        self.cache = cache
        self.cache.mkdir(parents=True, exist_ok=True)
        self._root = root
        self._print = log
        self._tag = fingerprint(root)
        self._prune()

    def demo(self, deals: int, items: int) -> Path:
        """A database seeded with ``dealroom demo --deals deals --items items``."""
        path = self.cache / f"demo-{deals}x{items}-{self._tag}.db"
        if path.exists() and not _intact(path):
            self._print(f"  {path.name} was changed since it was made: making it again")
        if not _intact(path):
            self._generate(path, deals, items)
        os.utime(_stamp(path))  # in use: keep it
        return path

    def room(self, size: int, near: Path | None = None) -> RoomDeal:
        """A deal of about ``size`` items: from ``near`` if it has one within 20%, else
        from a small database of its own."""
        if near is not None:
            code, items = nearest_deal(near, size)
            if abs(items - size) <= size * 0.2:
                return RoomDeal(near, code, items)
        db = self.demo(4, size)
        code, items = nearest_deal(db, size)
        return RoomDeal(db, code, items)

    def copy(self, source: Path, into: Path) -> Path:
        """A private, writable copy of a cached database, in a folder of its own: benchmarks
        that run at once (``--jobs``) each get theirs, and may delete it when done."""
        target = Path(tempfile.mkdtemp(dir=into)) / source.name
        shutil.copyfile(source, target)
        return target

    def _generate(self, path: Path, deals: int, items: int) -> None:
        for old in self.cache.glob(f"{path.stem}.*"):
            old.unlink()
        partial = path.with_suffix(".partial")
        self._print(f"  generating {path.name} (dealroom demo --deals {deals} --items {items}) …")
        argv = [sys.executable, "-m", "dealroom", "--db", str(partial), "--as", "bench"]
        argv += ["demo", "--deals", str(deals), "--items", str(items)]
        env = clean_env({"PYTHONPATH": str(self._root)})
        ran = measured(argv, cwd=self._root, env=env, timeout=4 * 3600)
        if ran.why():
            raise RuntimeError(f"dealroom demo --deals {deals} --items {items}: {ran.why()}")
        _checkpoint(partial)
        partial.rename(path)
        Path(f"{partial}-lock").unlink(missing_ok=True)
        stat = path.stat()
        _stamp(path).write_text(f"{stat.st_size} {stat.st_mtime_ns}\n")
        at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
        made = {"seconds": ran.seconds, "max_rss_mb": ran.max_rss_mb, "at": at}
        _made(path).write_text(json.dumps(made) + "\n")
        self._print(f"  made {path.name} in {ran.seconds:.0f} s, peak RSS {ran.max_rss_mb:,.0f} MB")

    def made(self, path: Path) -> Made | None:
        """How making ``path`` went, if this harness made it (and it is unchanged since)."""
        try:
            return Made(**json.loads(_made(path).read_text())) if _intact(path) else None
        except (OSError, ValueError, TypeError):
            return None

    def _prune(self) -> None:
        """Remove databases of other fingerprints that have not been used for a week."""
        for stamp in self.cache.glob("demo-*.stamp"):
            if stamp.stem.endswith(self._tag):
                continue
            if time.time() - stamp.stat().st_mtime > KEEP_SECONDS:
                for old in self.cache.glob(f"{stamp.stem}.*"):
                    old.unlink()
                # and the taskwarrior folder that mirrors it (bench/taskwarrior.py)
                shutil.rmtree(self.cache / f"taskwarrior-{stamp.stem}", ignore_errors=True)


def _stamp(path: Path) -> Path:
    return path.with_suffix(".stamp")


def _made(path: Path) -> Path:
    return path.with_suffix(".made")


def _intact(path: Path) -> bool:
    """The file is there and unchanged since it was made."""
    try:
        stat = path.stat()
        return _stamp(path).read_text().split() == [str(stat.st_size), str(stat.st_mtime_ns)]
    except (OSError, ValueError):
        return False


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so the file alone is the database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _rows(db: Path, query: str, args: tuple[object, ...] = ()) -> list[Any]:
    """``query``'s rows, read from ``db`` opened read-only."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def nearest_deal(db: Path, size: int) -> tuple[str, int]:
    """The active deal whose task, risk and handoff count is nearest ``size``."""
    query = """
        SELECT d.code,
               (SELECT count(*) FROM task t WHERE t.deal_id = d.id)
             + (SELECT count(*) FROM risk r WHERE r.deal_id = d.id)
             + (SELECT count(*) FROM handoff h WHERE h.deal_id = d.id) AS n
        FROM deal d WHERE d.status IN (?, ?)
    """
    counts = [(str(code), int(n)) for code, n in _rows(db, query, _ACTIVE)]
    return min(counts, key=lambda r: (abs(r[1] - size), r[0]))


def deal_count(db: Path) -> int:
    return int(_rows(db, "SELECT count(*) FROM deal")[0][0])


def first_active_code(db: Path) -> str:
    """Any active deal's code (for the one-deal export)."""
    query = "SELECT code FROM deal WHERE status IN (?, ?) ORDER BY code LIMIT 1"
    return str(_rows(db, query, _ACTIVE)[0][0])
