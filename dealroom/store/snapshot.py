"""The pipeline as last read, kept for the next start.

Every process pays ~0.4 s to load the database layer before it can read a deal. The
pipeline a person last read is kept in their cache folder with the head of the event log
at the moment it was read (the newest event's id and chain hash), and used again only while
the log's head is still that one: every change to a deal, its people, its money or the
rates writes an event in the same transaction, so an unchanged head is unchanged data. The
head is read with the standard library's ``sqlite3`` in one query
(:data:`HEAD_SQL`, checked by a test to be what SQLAlchemy compiles for
:func:`dealroom.store.reads.head_statement`); nothing here loads SQLAlchemy.

What the rows depend on besides the data is part of the key or checked: the database file,
the OS login and who acts, the filters, the day (overdue flags, the rate in force) and this
file's format with dealroom's version. Only SQLite files have a snapshot; PostgreSQL always
reads. Anything wrong with a snapshot (missing, unreadable, of another day, another head)
is the same as none: the pipeline is read as before, and a new snapshot written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dealroom import __version__
from dealroom.identity import os_login
from dealroom.store.location import database_file
from dealroom.store.views import PipelineRow

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

#: What a snapshot file looks like; a change here makes every old file unused.
FORMAT = 1

#: The newest event's id and chain hash: the head of the log. The test compiles
#: :func:`dealroom.store.reads.head_statement` for SQLite and finds this text.
HEAD_SQL = "SELECT event.id, event.hash FROM event ORDER BY event.id DESC LIMIT 1 OFFSET 0"

#: The head of the event log: the newest event's id and hash ((0, "") with no event).
LogHead = tuple[int, str]


@dataclass(frozen=True)
class Key:
    """Which pipeline: of which database file, read by whom, with which filters."""

    database: Path
    actor: str
    stage: str | None = None
    mine: bool = False
    closed: bool = False

    def file(self) -> Path:
        from platformdirs import user_cache_path

        said = json.dumps(self._fields(), ensure_ascii=False)
        name = hashlib.sha256(said.encode()).hexdigest()[:24]
        return user_cache_path("dealroom", appauthor=False) / "pipeline" / f"{name}.json"

    def _fields(self) -> list[object]:
        return [str(self.database), os_login(), self.actor, self.stage, self.mine, self.closed]


def key_for(
    db: str | None,
    actor: str,
    *,
    stage: str | None = None,
    mine: bool = False,
    closed: bool = False,
) -> Key | None:
    """The key of this pipeline, or None where no snapshot is kept (not an SQLite file)."""
    path = database_file(db)
    if path is None:
        return None
    return Key(path, actor, stage, mine, closed)


@dataclass(frozen=True)
class Snapshot:
    head: LogHead
    rows: list[PipelineRow]


def log_head(path: Path) -> LogHead | None:
    """The log's head in the SQLite file at ``path``, read-only; None if it cannot be read."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute(HEAD_SQL).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return (0, "") if row is None else (int(row[0]), str(row[1]))


def load(key: Key, today: date, *, max_bytes: int | None = None) -> Snapshot | None:
    """The pipeline kept for ``key`` if it is still the database's, read on ``today``;
    with ``max_bytes``, none kept in a larger file (reading it would cost more than it
    saves)."""
    try:
        file = key.file()
        if max_bytes is not None and file.stat().st_size > max_bytes:
            return None
        kept = json.loads(file.read_text(encoding="utf-8"))
        if kept["format"] != FORMAT or kept["version"] != __version__:
            return None
        if kept["key"] != key._fields() or kept["day"] != today.isoformat():
            return None
        head = (int(kept["head"][0]), str(kept["head"][1]))
        if not key.database.is_file() or log_head(key.database) != head:
            return None
        return Snapshot(head, [ROW.decode(r) for r in kept["rows"]])
    except (OSError, ValueError, LookupError, TypeError):  # none, or not one of ours
        return None


def save(key: Key, today: date, head: LogHead, rows: Sequence[PipelineRow]) -> None:
    """Keep ``rows``, read at ``head`` on ``today``, for the next start. Written whole or
    not at all, readable by its owner only; a cache folder that cannot be written loses
    nothing but the next start's head start."""
    kept = {
        "format": FORMAT,
        "version": __version__,
        "key": key._fields(),
        "day": today.isoformat(),
        "head": list(head),
        "rows": [ROW.encode(r) for r in rows],
    }
    target = key.file()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=".pipeline-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(kept, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise


# --- rows as JSON --------------------------------------------------------------------------

#: One value's conversion to or from JSON: what it takes and gives depends on the field's
#: type, known only at run time (the typed ends are :class:`Codec`'s).
Convert = Callable[[Any], Any]
T = TypeVar("T", bound="DataclassInstance")


class Codec(Generic[T]):
    """A frozen dataclass as a JSON list of its fields, each converted by its type: enums
    by value, dates and times in ISO form, nested dataclasses and dicts in turn."""

    def __init__(self, cls: type[T]) -> None:
        self.cls = cls
        hints = typing.get_type_hints(cls)
        self.names = [f.name for f in fields(cls)]
        self._in = [_convert(hints[n], _from_json, lambda c: c.decode) for n in self.names]
        self._out = [_convert(hints[n], _to_json, lambda c: c.encode) for n in self.names]

    def encode(self, value: T) -> list[object]:
        return [
            v if out is None else out(v)
            for v, out in zip((getattr(value, n) for n in self.names), self._out, strict=True)
        ]

    def decode(self, values: Sequence[object]) -> T:
        return self.cls(
            *(v if into is None else into(v) for v, into in zip(values, self._in, strict=True))
        )


def _convert(
    hint: Any, leaf: Callable[[type], Convert | None], nested: Callable[[Codec[Any]], Convert]
) -> Convert | None:
    """How a value of type ``hint`` is converted one way: ``leaf`` for a plain type,
    ``nested`` for a dataclass; dicts and ``None`` of ``T | None`` in turn. None: as is."""
    inner = hint
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
    into: Convert | None = None
    if typing.get_origin(inner) is dict:
        k, v = (_convert(a, leaf, nested) or _same for a in typing.get_args(inner))
        into = lambda d: {k(a): v(b) for a, b in d.items()}  # noqa: E731
    elif isinstance(inner, type):
        into = nested(Codec(inner)) if is_dataclass(inner) else leaf(inner)
    if into is None or inner is hint:
        return into
    one: Convert = into
    return lambda v: None if v is None else one(v)


def _same(value: object) -> object:
    return value


def _from_json(cls: type) -> Convert | None:
    if issubclass(cls, datetime):
        return datetime.fromisoformat
    if issubclass(cls, date):
        return date.fromisoformat
    if issubclass(cls, Enum):
        return cls
    return None


def _to_json(cls: type) -> Convert | None:
    if issubclass(cls, date):  # datetime too
        return lambda v: v.isoformat()
    if issubclass(cls, Enum):
        return lambda v: v.value
    return None


ROW: Codec[PipelineRow] = Codec(PipelineRow)
