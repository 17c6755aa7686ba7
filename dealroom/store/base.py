"""The store's plumbing: sessions, the event log, version checks and error translation."""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Self, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import col

from dealroom.domain import RuleError
from dealroom.store import engine as eng
from dealroom.store.errors import (
    ConflictError,
    NotFoundError,
    ReadOnlyError,
    StoreError,
    WriteRaceError,
)
from dealroom.store.tables import Deal, Event, Person

M = TypeVar("M")


def utcnow() -> datetime:
    """Aware UTC: what every timestamp column holds."""
    return datetime.now(UTC)


def jsonable(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


class StoreBase:
    """Owns the engine. Subclasses add the reads and the commands."""

    def __init__(
        self,
        url: str,
        *,
        actor: str,
        now: Callable[[], datetime] = utcnow,
        today: date | None = None,
        auto_upgrade: bool = True,
    ) -> None:
        self.url = url
        self.actor = actor
        self._now = now
        self._today = today
        path = self._path = eng.sqlite_path(url)
        self.writable = eng.check_sqlite_file(path) if path else True
        self.engine = eng.make_engine(url)
        self._writer = eng.writer(self.engine)
        #: Ids of the events this store appended and committed: its own changes.
        self._own_events: set[int] = set()
        self._own_lock = threading.Lock()
        try:
            eng.ensure_schema(self.engine, may_write=self.writable, auto_upgrade=auto_upgrade)
        except DBAPIError as exc:
            self.engine.dispose()
            raise eng.explain_operational(exc, url) from None
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- time ----------------------------------------------------------------------

    def now(self) -> datetime:
        return self._now()

    def today(self) -> date:
        """The acting person's calendar day (local time), unless fixed for tests."""
        if self._today is not None:
            return self._today
        return self._now().astimezone().date()

    def read_only_reason(self) -> str:
        """Why this database cannot be written by us, and how to fix that."""
        path = eng.sqlite_path(self.url)
        why = eng.explain_not_writable(path) if path else "it is not writable for you"
        return f"you may not write the database {path}: {why}"

    # --- sessions ------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A read transaction: one consistent snapshot for all its queries."""
        try:
            with Session(self.engine, expire_on_commit=False) as s, s.begin():
                yield s
        except OperationalError as exc:
            raise eng.explain_operational(exc, self.url) from None

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One short write transaction; it commits only if the block raises nothing."""
        if not self.writable:
            raise ReadOnlyError(self.read_only_reason())
        try:
            with eng.write_turn(self._path), Session(self._writer, expire_on_commit=False) as s:
                with s.begin():
                    yield s
                self._remember_own(s)
        except StaleDataError:
            raise WriteRaceError(
                "someone changed this item at the same moment: reload it and try again"
            ) from None
        except IntegrityError as exc:
            raise StoreError(f"the database refused the change: {_first_line(exc)}") from None
        except OperationalError as exc:
            raise eng.explain_operational(exc, self.url) from None

    # --- the event log ---------------------------------------------------------------

    def _log(
        self,
        s: Session,
        *,
        entity: str,
        entity_id: int | None,
        action: str,
        summary: str,
        deal_id: int | None = None,
        version: int | None = None,
        changes: Mapping[str, tuple[object, object]] | None = None,
    ) -> None:
        data = {k: [jsonable(old), jsonable(new)] for k, (old, new) in (changes or {}).items()}
        event = Event(
            at=self.now(),
            actor=self.actor,
            deal_id=deal_id,
            entity=entity,
            entity_id=entity_id,
            entity_version=version,
            action=action,
            changes=json.dumps(data, ensure_ascii=False, sort_keys=True),
            summary=summary,
        )
        s.add(event)
        s.info.setdefault("events", []).append(event)

    def _remember_own(self, s: Session) -> None:
        """After a commit: the ids of the events it appended are our own changes. (Taken
        at commit, not at flush: SQLite gives a rolled-back id to the next insert.)"""
        ids = {ident(event) for event in s.info.get("events", ())}
        with self._own_lock:
            self._own_events |= ids

    def own_event_ids(self) -> frozenset[int]:
        """The ids of the events this store has committed, so a watcher of the same
        database can tell its own changes from others'."""
        with self._own_lock:
            return frozenset(self._own_events)

    # --- loading rows for a write ------------------------------------------------------

    def _load(self, s: Session, model: type[M], row_id: int, entity: str) -> M:
        """The row, locked for this transaction (PostgreSQL; SQLite holds the write lock)."""
        row = s.get(model, row_id, with_for_update=True)
        if row is None:
            raise NotFoundError(f"no {entity} #{row_id}")
        return row

    def _check_version(
        self,
        s: Session,
        entity: str,
        row: Any,
        expected: int | None,
        current: Callable[[], object] | None = None,
    ) -> None:
        if expected is None or row.version == expected:
            return
        changed: list[str] = []
        by: list[str] = []
        events = s.execute(
            select(col(Event.actor), col(Event.changes))
            .where(col(Event.entity) == entity, col(Event.entity_id) == row.id)
            .where(col(Event.entity_version) > expected)  # type: ignore[operator]
            .order_by(col(Event.id))  # type: ignore[arg-type]
        ).all()
        for actor, data in events:
            for name in json.loads(data):
                if name not in changed:
                    changed.append(name)
            if actor not in by:
                by.append(actor)
        raise ConflictError(
            entity,
            row.id,
            expected,
            row.version,
            changed,
            by,
            current() if current else None,
            self._names(s, by),
        )

    def _names(self, s: Session, handles: list[str]) -> list[str]:
        """People's names for their handles, in the same order (a handle with no person
        stays as it is)."""
        found = dict(
            s.execute(
                select(col(Person.handle), col(Person.name)).where(col(Person.handle).in_(handles))
            ).all()
        )
        return [found.get(h, h) for h in handles]

    def _apply(self, row: Any, changes: Mapping[str, object]) -> dict[str, tuple[object, object]]:
        """Set the fields that differ; return them as ``{field: (old, new)}``."""
        diff: dict[str, tuple[object, object]] = {}
        for name, new in changes.items():
            old = getattr(row, name)
            if old != new:
                diff[name] = (old, new)
                setattr(row, name, new)
        return diff

    def _deal_by_code(self, s: Session, code: str, *, lock: bool = False) -> Deal:
        key = code.strip().upper()
        stmt = select(Deal).where(col(Deal.code) == key)
        if lock:
            stmt = stmt.with_for_update()
        row = s.execute(stmt).scalar_one_or_none()
        if row is None:
            codes = s.execute(select(col(Deal.code))).scalars().all()
            near = difflib.get_close_matches(key, codes, n=3)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            raise NotFoundError(f"no deal with code {code.strip()!r}{hint}")
        return row

    def _person_by_handle(self, s: Session, handle: str) -> Person:
        row = s.execute(
            select(Person).where(col(Person.handle) == handle.strip())
        ).scalar_one_or_none()
        if row is None:
            raise NotFoundError(
                f"no person {handle.strip()!r}: add them with `dealroom person add`"
            )
        return row

    def _owner_id(self, s: Session, handle: str | None) -> int | None:
        """The person id of an owner's handle; None for no owner."""
        if handle is None or not handle.strip():
            return None
        return self._person_by_handle(s, handle).id


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(exc).__name__


def ident(row: Any) -> int:
    """The id of a row that has been flushed (so has one)."""
    assert row.id is not None
    return int(row.id)


def quote_title(title: str, limit: int = 60) -> str:
    one_line = " ".join(title.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")


def unknown_fields(changes: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    extra = sorted(set(changes) - set(allowed))
    if extra:
        raise RuleError(f"cannot change {', '.join(extra)} of a {what}")
