"""The steps of a write, shared by every part of the store: a transaction (:class:`Tx`)
that loads a row with its version, checks it, applies and stamps the change, flushes, and
appends the event worded by the caller (:class:`Logged`); and the kinds of row
(:class:`Kind`) it writes. The transaction itself is opened by ``Database.write``."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Generic, Protocol, TypeVar

from sqlalchemy import String, Table, func, insert, inspect, select, text
from sqlalchemy.orm import Mapped, Session
from sqlmodel import col

from dealroom.domain.chain import GENESIS, Link
from dealroom.domain.rules import check_stored_text
from dealroom.i18n import _
from dealroom.store.errors import ConflictError, NotFoundError, thing
from dealroom.store.tables import Administrator, Deal, Event, Person

#: The PostgreSQL advisory lock that makes writers append to the log one at a time.
LOG_LOCK = 7310002


class Row(Protocol):
    """What the write path needs of a row: an id once flushed."""

    id: int | None


M = TypeVar("M", bound=Row)
V = TypeVar("V")

Diff = dict[str, tuple[object, object]]


def jsonable(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def ident(row: Row) -> int:
    """The id of a row that has been flushed (so has one)."""
    assert row.id is not None
    return int(row.id)


def quote_title(title: str, limit: int = 60) -> str:
    one_line = " ".join(title.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")


@dataclass(frozen=True, slots=True)
class Logged:
    """How the event log words one change: its action, its one-line summary and the
    fields it changed as ``{field: (old, new)}``."""

    action: str
    summary: str
    changes: Mapping[str, tuple[object, object]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entry:
    """One event to append: what it is about and how the log words it."""

    entity: str
    entity_id: int | None
    logged: Logged
    deal_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class Kind(Generic[M, V]):
    """One kind of row the store writes: its table, its name in the event log (and in
    messages), and how to read it back as a view."""

    entity: str
    model: type[M]
    view: Callable[[Session, int], V]
    label: str = ""
    #: How to find (and lock) a row by its key, for rows a caller names by key (a deal by
    #: its code, an account by its name) rather than by id.
    by_key: Callable[[Session, str], M] | None = None

    @property
    def called(self) -> str:
        return self.label or self.entity

    def deal_of(self, row: M) -> int | None:
        if isinstance(row, Deal):
            return row.id
        deal_id = getattr(row, "deal_id", None)
        return int(deal_id) if deal_id is not None else None


def rules_bind(session: Session, actor: str, *, admin: bool, by: str) -> bool:
    """Whether the deal rules (``dealroom.domain.permissions``) bind ``actor``: they bind
    every member, and an administrator acting for one; not an administrator acting in
    their own right (as themself, or under a name that is nobody on the team, as a script
    does). ``admin``: the login is an administrator; ``by``: the login acting for
    ``actor`` (empty: they act as themself)."""
    if not admin:
        return True
    if not by:
        return False
    found = select(col(Person.id)).where(col(Person.handle) == actor)
    return session.execute(found).first() is not None


def administers(session: Session, actor: str, *, admin: bool, by: str) -> bool:
    """Whether ``actor`` acts with an administrator's powers: the login is an
    administrator, acting in their own right or for another administrator (acting for a
    member, they have that member's powers)."""
    if not admin:
        return False
    bound = rules_bind(session, actor, admin=admin, by=by)
    return not bound or session.get(Administrator, actor) is not None


class Tx:
    """One write transaction: the session, the moment it acts at, and the write path's
    steps."""

    def __init__(
        self, session: Session, *, actor: str, now: datetime, by: str = "", admin: bool = False
    ) -> None:
        self.session = session
        self.actor = actor
        #: Whether the login at the keyboard is an administrator.
        self.admin = admin
        #: The administrator acting for ``actor`` (empty: the actor acts themself).
        self.by = by
        self.now = now
        #: The ids of the events appended, remembered as the store's own once committed.
        self.events: list[int] = []
        #: The log's last event (id, hash) as this transaction has it (None: not read yet).
        self._head: tuple[int, str] | None = None
        self._postgres = session.get_bind().dialect.name == "postgresql"

    # --- loading, with the version check --------------------------------------------

    def load(self, kind: Kind[M, V], key: int | str, version: int | None = None) -> M:
        """The row with that id (or key), locked for this transaction (PostgreSQL; SQLite
        holds the write lock), after checking it is still at ``version`` (None: no
        check)."""
        if isinstance(key, str):
            assert kind.by_key is not None, f"a {kind.entity} has no key"
            row = kind.by_key(self.session, key)
        else:
            found = self.session.get(kind.model, key, with_for_update=True)
            if found is None:
                raise NotFoundError(_("no {thing} #{id}").format(thing=thing(kind.called), id=key))
            row = found
        self.check_version(kind, row, version)
        return row

    def check_version(self, kind: Kind[M, V], row: M, expected: int | None) -> None:
        actual = getattr(row, "version", None)
        if expected is None or actual == expected:
            return
        changed: list[str] = []
        by: list[str] = []
        events = self.session.execute(
            select(col(Event.actor), col(Event.changes))
            .where(col(Event.entity) == kind.entity, col(Event.entity_id) == row.id)
            .where(col(Event.entity_version) > expected)
            .order_by(col(Event.id))
        ).all()
        for actor, data in events:
            for name in json.loads(data):
                if name not in changed:
                    changed.append(name)
            if actor not in by:
                by.append(actor)
        raise ConflictError(
            kind.entity,
            ident(row),
            expected,
            actual,
            changed,
            by,
            kind.view(self.session, ident(row)),
            self.names(by),
        )

    # --- the steps of a change -------------------------------------------------------

    def apply(self, row: object, values: Mapping[str, object]) -> Diff:
        """Set the fields that differ; return them as ``{field: (old, new)}``."""
        diff: Diff = {}
        for name, new in values.items():
            old = getattr(row, name)
            if old != new:
                diff[name] = (old, new)
                setattr(row, name, new)
        return diff

    def insert(self, kind: Kind[M, V], row: M, logged: Logged) -> M:
        """Add a new row, flush it (so it has its id) and log it."""
        check_text_columns(row, new=True)
        self.session.add(row)
        self.session.flush()
        self.log(kind, row, logged)
        return row

    def insert_many(
        self, model: type, rows: Sequence[dict[str, object]], ids: Sequence[int] | None = None
    ) -> None:
        """Insert new rows of ``model``, given as column values (not logged: the caller
        appends their events with :meth:`append`), after the same text checks as any
        write: their ids taken first (:meth:`new_ids`; ``ids`` when the caller has them)
        and set in each row's ``"id"``, the columns a row leaves out at their defaults,
        then one batched INSERT however many rows."""
        if not rows:
            return
        table = model.__table__  # type: ignore[attr-defined]
        defaults = _defaults(model)
        new = ids if ids is not None else self.new_ids(table, len(rows))
        for row, new_id in zip(rows, new, strict=True):
            for name, value in defaults.items():
                row.setdefault(name, value)
            row["id"] = new_id
            check_text_values(model, row)
        self.session.flush()  # the rows these may point at are written first
        self.session.execute(insert(table), list(rows))

    def changed(self, kind: Kind[M, V], row: M, logged: Logged) -> None:
        """Stamp a changed row, flush it (bumping its version) and log the change."""
        if hasattr(row, "updated_at"):
            row.updated_at = self.now  # type: ignore[attr-defined]
        check_text_columns(row, new=False)
        self.session.flush()
        self.log(kind, row, logged)

    def remove(self, kind: Kind[M, V], row: M, logged: Logged) -> None:
        """Delete a row and log it (the event keeps the id; the row has no version left)."""
        row_id = ident(row)
        deal_id = kind.deal_of(row)
        self.session.delete(row)
        self.session.flush()
        self.event(kind.entity, row_id, logged, deal_id=deal_id)

    def log(self, kind: Kind[M, V], row: M, logged: Logged) -> None:
        self.event(
            kind.entity,
            ident(row),
            logged,
            deal_id=kind.deal_of(row),
            version=getattr(row, "version", None),
        )

    def event(
        self,
        entity: str,
        entity_id: int | None,
        logged: Logged,
        *,
        deal_id: int | None = None,
        version: int | None = None,
    ) -> None:
        """Append one event to the log, in this transaction, chained to the one before it
        (see :mod:`dealroom.domain.chain`)."""
        self.append([Entry(entity, entity_id, logged, deal_id, version)])

    def append(self, entries: Sequence[Entry]) -> None:
        """Append events to the log in this order, each chained to the one before it, in
        a fixed number of statements however many there are (an import logs thousands)."""
        if not entries:
            return
        at = self.now if self.now.tzinfo is None else self.now.astimezone(UTC)
        last_id, prev = self.head()
        ids = self._next_event_ids(last_id, len(entries))
        rows: list[dict[str, object]] = []
        for new_id, entry in zip(ids, entries, strict=True):
            changes = {
                k: [jsonable(old), jsonable(new)] for k, (old, new) in entry.logged.changes.items()
            }
            data = json.dumps(changes, ensure_ascii=False, sort_keys=True)
            logged = entry.logged
            digest = Link(
                new_id, at, self.actor, entry.deal_id, entry.entity, entry.entity_id,
                entry.version, logged.action, data, logged.summary, by=self.by,
            ).content_hash(prev)  # fmt: skip
            rows.append(
                {
                    "at": at,
                    "actor": self.actor,
                    "deal_id": entry.deal_id,
                    "entity": entry.entity,
                    "entity_id": entry.entity_id,
                    "entity_version": entry.version,
                    "action": logged.action,
                    "changes": data,
                    "summary": logged.summary,
                    "by": self.by,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
        self.insert_many(Event, rows, ids)
        self._head = (ids[-1], prev)
        self.events.extend(ids)

    def begin(self) -> None:
        """At the start of the transaction: on PostgreSQL, take the log's lock, so writers
        append one after the other and each chains to the event before it (SQLite's write
        lock does the same). Taken first, before any row lock, it cannot deadlock."""
        if self._postgres:
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOG_LOCK})

    def head(self) -> tuple[int, str]:
        """The log's last event (its id and hash) as this transaction has it."""
        if self._head is None:
            last = self.session.execute(
                select(col(Event.id), col(Event.hash)).order_by(col(Event.id).desc()).limit(1)
            ).first()
            self._head = (int(last[0] or 0), str(last[1])) if last else (0, GENESIS)
        return self._head

    def _next_event_ids(self, last_id: int, count: int) -> list[int]:
        """The new events' ids, known before they are written: the chain hashes them."""
        return self.new_ids(Event.__table__, count, last_id)  # type: ignore[attr-defined]

    def new_ids(self, table: Table, count: int, last_id: int | None = None) -> list[int]:
        """``count`` ids for new rows of ``table``, known before they are written (so rows
        that point at each other go in as batches): from its sequence on PostgreSQL; on
        SQLite, whose write lock this transaction holds, those after the last
        (``last_id`` when the caller knows it)."""
        if count <= 0:
            return []
        if self._postgres:
            found = self.session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id'))"
                    " FROM generate_series(1, :n)"
                ),
                {"table": table.name, "n": count},
            ).scalars()
            return sorted(int(i) for i in found)
        if last_id is None:
            last_id = int(self.session.execute(select(func.max(table.c.id))).scalar() or 0)
        return list(range(last_id + 1, last_id + 1 + count))

    def bound(self) -> bool:
        """Whether the deal rules (``dealroom.domain.permissions``) bind this actor: they
        bind every member, and an administrator acting for one; not an administrator
        acting in their own right (as themself, or under a name that is nobody on the
        team, as a script does)."""
        return rules_bind(self.session, self.actor, admin=self.admin, by=self.by)

    def administers(self) -> bool:
        """Whether this transaction acts with an administrator's powers."""
        return administers(self.session, self.actor, admin=self.admin, by=self.by)

    # --- looking things up inside the transaction -------------------------------------

    def deal(self, code: str, *, lock: bool = False) -> Deal:
        return deal_by_code(self.session, code, lock=lock)

    def person(self, handle: str) -> Person:
        return person_by_handle(self.session, handle)

    def owner_id(self, handle: str | None) -> int | None:
        """The person id of an owner's handle; None for no owner."""
        if handle is None or not handle.strip():
            return None
        return self.person(handle).id

    def handle_of(self, person_id: int | None) -> str | None:
        person = self.session.get(Person, person_id) if person_id is not None else None
        return person.handle if person else None

    def names(self, handles: list[str]) -> list[str]:
        """People's names for their handles, in the same order (a handle with no person
        stays as it is)."""
        found = dict(
            self.session.execute(
                select(col(Person.handle), col(Person.name)).where(col(Person.handle).in_(handles))
            ).all()
        )
        return [found.get(h, h) for h in handles]


_TEXT_COLUMNS: dict[type, tuple[tuple[str, int | None], ...]] = {}


def _text_columns(model: type) -> tuple[tuple[str, int | None], ...]:
    """A table's text columns and their lengths (None: unbounded)."""
    found = _TEXT_COLUMNS.get(model)
    if found is None:
        table = model.__table__  # type: ignore[attr-defined]
        columns = table.columns
        found = tuple((c.key, c.type.length) for c in columns if isinstance(c.type, String))
        _TEXT_COLUMNS[model] = found
    return found


def check_text_columns(row: object, *, new: bool) -> None:
    """The same limits on SQLite and PostgreSQL: every text a write sets (all of a new
    row's, the changed ones of a row) fits its column, holds no NUL and is text. SQLite
    would store what PostgreSQL refuses; a write refused here is refused on both."""
    state = None if new else inspect(row)
    for name, limit in _text_columns(type(row)):
        if state is not None and not state.attrs[name].history.has_changes():
            continue
        _check_text(name, getattr(row, name, None), limit)


def check_text_values(model: type, values: Mapping[str, object]) -> None:
    """:func:`check_text_columns` for a row of ``model`` given as column values."""
    for name, limit in _text_columns(model):
        _check_text(name, values.get(name), limit)


def _check_text(name: str, value: object, limit: int | None) -> None:
    if isinstance(value, str):
        check_stored_text(value, field=name.replace("_", " "), limit=limit)


_DEFAULTS: dict[type, dict[str, object]] = {}


def _defaults(model: type) -> dict[str, object]:
    """A table's columns' default values, as its model declares them (for rows inserted
    as values, which leave them out)."""
    found = _DEFAULTS.get(model)
    if found is None:
        fields = model.model_fields  # type: ignore[attr-defined]
        found = {
            name: f.default
            for name, f in fields.items()
            if name != "id" and not f.is_required() and f.default_factory is None
        }
        _DEFAULTS[model] = found
    return found


def locked_by_key(s: Session, model: type[M], column: Mapped[str], key: str, what: str) -> M:
    """The row of ``model`` whose ``column`` is ``key`` (stripped), locked for the write;
    ``no {what} 'key'`` when there is none."""
    stmt = select(model).where(column == key.strip()).with_for_update()
    row = s.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFoundError(_("no {thing} {key}").format(thing=thing(what), key=repr(key.strip())))
    return row


def deal_by_code(s: Session, code: str, *, lock: bool = False) -> Deal:
    key = code.strip().upper()
    stmt = select(Deal).where(col(Deal.code) == key)
    if lock:
        stmt = stmt.with_for_update()
    row = s.execute(stmt).scalar_one_or_none()
    if row is None:
        codes = s.execute(select(col(Deal.code))).scalars().all()
        near = difflib.get_close_matches(key, codes, n=3)
        if near:
            said = _("no deal with code {code} (did you mean {codes}?)")
        else:
            said = _("no deal with code {code}")
        raise NotFoundError(said.format(code=repr(code.strip()), codes=", ".join(near)))
    return row


def person_by_handle(s: Session, handle: str) -> Person:
    row = s.execute(select(Person).where(col(Person.handle) == handle.strip())).scalar_one_or_none()
    if row is None:
        raise NotFoundError(
            _("no person {handle}: add them with `dealroom person add`").format(
                handle=repr(handle.strip())
            )
        )
    return row
