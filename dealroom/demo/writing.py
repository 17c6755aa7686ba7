"""How the demo's rows reach the database quickly: a table's rows at a time straight to
the driver, the log by way of a scratch file that hands the events back in time order,
and on SQLite the indexes made once at the end instead of updated row by row."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Table
from sqlmodel.sql.sqltypes import UTCDateTime

from dealroom.domain.chain import stamp

Values = tuple[Any, ...]


class TableRows:
    """One table's INSERT of the columns ``keys`` (and of the columns a row leaves out
    that have a default), with each row's values made what the driver takes as
    SQLAlchemy would make them: enums their values, dates and times the database's form.
    Written this way, rows skip SQLAlchemy's work per row and are stored the same."""

    def __init__(self, conn: Connection, table: Table, keys: Sequence[str]) -> None:
        dialect = conn.dialect
        given: list[Column[Any]] = [table.c[key] for key in keys]
        rest: list[Column[Any]] = []
        for column in table.columns:
            if column.key in keys or column.default is None:
                continue
            if not column.default.is_scalar:  # (the demo's tables have none)
                raise ValueError(f"{table.name}.{column.key} has a computed default")
            rest.append(column)
        processors = [_processor(conn, column) for column in given]
        self._convert = [(n, p) for n, p in enumerate(processors) if p is not None]
        self._defaults = tuple(_bound(conn, c, c.default.arg) for c in rest)  # type: ignore[union-attr]
        self._get = _getter(keys)
        quote = dialect.identifier_preparer.quote
        names = ", ".join(quote(column.name) for column in [*given, *rest])
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        marks = ", ".join([mark] * (len(given) + len(rest)))
        where = dialect.identifier_preparer.format_table(table)
        self.sql = f"INSERT INTO {where} ({names}) VALUES ({marks})"

    def write(self, conn: Connection, rows: Sequence[Values]) -> None:
        """Insert ``rows``, each the values of ``keys`` in that order."""
        convert, defaults = self._convert, self._defaults
        out: list[Values] = []
        for row in rows:
            if convert:
                values = list(row)
                for n, process in convert:
                    values[n] = process(values[n])
                row = tuple(values)
            out.append(row + defaults if defaults else row)
        conn.exec_driver_sql(self.sql, out)  # type: ignore[arg-type]

    def write_dicts(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ``rows``, each a dict of (at least) ``keys``."""
        get = self._get
        self.write(conn, [get(row) for row in rows])


def _getter(keys: Sequence[str]) -> Callable[[dict[str, Any]], Values]:
    if len(keys) > 1:
        return itemgetter(*keys)  # (a tuple, made in C)
    key = keys[0]
    return lambda row: (row[key],)


def _processor(conn: Connection, column: Column[Any]) -> Callable[[Any], Any] | None:
    """The column's conversion for the driver; for days and enums, which repeat a lot,
    remembering what it gave for each value (a conversion is a pure function). Times
    hardly repeat: they are converted each time."""
    dialect = conn.dialect
    process: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None or isinstance(column.type, DateTime | UTCDateTime):
        return process
    convert = process
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            if len(seen) >= REMEMBERED:
                seen.clear()
            converted = seen[value] = convert(value)
            return converted

    return remembered


#: How many values a column's conversion remembers.
REMEMBERED = 50_000


def _bound(conn: Connection, column: Column[Any], value: object) -> object:
    process = _processor(conn, column)
    return process(value) if process else value


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """On SQLite, the indexes (and triggers) set aside while the rows go in and made again
    after, in the order the schema lists them: one sort each instead of an update per row.
    All in the caller's transaction: if the load fails, they were never gone. Elsewhere,
    nothing."""
    if conn.dialect.name != "sqlite":
        yield
        return
    schema = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid"
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        for kind, name, _sql in schema:
            conn.exec_driver_sql(f"DROP {kind.upper()} {quote(name)}")
        yield
        for _kind, _name, sql in schema:
            conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache or -2000)}")


#: SQLite's page cache while the demo loads (KiB): the indexes are made in it.
BULK_CACHE_KIB = 128 * 1024


class EventLog:
    """The demo's events in a scratch SQLite file (in the temporary folder): written a part
    at a time as they are built, then read back in time order, sorted by SQLite on disk,
    so the whole log is never in memory."""

    COLUMNS = (
        "actor", "deal_id", "entity", "entity_id", "entity_version", "action", "changes",
        "summary",
    )  # fmt: skip

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="dealroom-demo-")
        self._db = sqlite3.connect(Path(self._dir.name) / "log.db", isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -65536"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(
            "CREATE TABLE log (stamp TEXT NOT NULL, pid INTEGER NOT NULL, "
            + ", ".join(self.COLUMNS)
            + ")"
        )
        self._insert = f"INSERT INTO log VALUES ({', '.join(['?'] * (len(self.COLUMNS) + 2))})"
        self._get = itemgetter("id", *self.COLUMNS)

    def __enter__(self) -> EventLog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.close()
        self._dir.cleanup()

    def add(self, events: Sequence[dict[str, Any]]) -> None:
        """Keep ``events`` (each with its provisional ``id``), stamped as the chain hashes
        their time: the stamp sorts as the time does."""
        get = self._get
        rows = [(stamp(e["at"]), *get(e)) for e in events]
        self._db.execute("BEGIN")
        self._db.executemany(self._insert, rows)
        self._db.execute("COMMIT")

    def in_order(self, size: int) -> Iterator[list[Values]]:
        """The events, ``size`` at a time, in time order (those at the same moment in the
        order they were built): each the stamp and :attr:`COLUMNS`."""
        cursor = self._db.execute(
            f"SELECT stamp, {', '.join(self.COLUMNS)} FROM log ORDER BY stamp, pid"
        )
        while rows := cursor.fetchmany(size):
            yield rows
