"""The database a store works on: its engine, the clock, who acts, read transactions and
the one write path every change goes through.

A write is one short transaction that, in this order: takes the write turn, loads the row
(locked) with its version, checks the version the caller read (a conflict names who
changed what since), validates and applies the change, stamps ``updated_at``, flushes,
appends the event worded by the caller, and commits. :meth:`Database.create`,
:meth:`Database.update` and :meth:`Database.delete` are that path for one row; a write
that touches several rows opens :meth:`Database.write` and uses the same steps on
:class:`~dealroom.store.tx.Tx`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TypedDict, TypeVar, Unpack

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import col

from dealroom.domain.rules import check_actor
from dealroom.i18n import _
from dealroom.identity import os_login
from dealroom.store import engine as eng
from dealroom.store.errors import IdentityError, ReadOnlyError, StoreError, WriteRaceError
from dealroom.store.tables import Administrator, Person
from dealroom.store.turns import write_turn
from dealroom.store.tx import Kind, Logged, Row, Tx, ident

M = TypeVar("M", bound=Row)
V = TypeVar("V")


def utcnow() -> datetime:
    """Aware UTC: what every timestamp column holds."""
    return datetime.now(UTC)


class Options(TypedDict, total=False):
    """How a store is opened, besides where and as whom."""

    now: Callable[[], datetime]
    """The clock (tests fix it); default the system's, in UTC."""
    today: date | None
    """The acting person's calendar day, if fixed (tests); default today, local time."""
    auto_upgrade: bool
    """Bring an older schema up to date on opening (default); else refuse it."""
    create: bool
    """The caller makes a new database on purpose (``dealroom init``, ``demo``): an empty
    (0-byte) SQLite file is taken as new instead of refused."""
    login: str
    """Who is at the keyboard (default: the OS login; on PostgreSQL always the role that
    connected). Acting as someone else takes an administrator."""


class Database:
    """The engine, the clock and the acting person, shared by the store's parts."""

    def __init__(self, url: str, *, actor: str, **options: Unpack[Options]) -> None:
        self.url = url
        self.actor = check_actor(actor)
        self._now = options.get("now", utcnow)
        self._today = options.get("today")
        auto_upgrade = options.get("auto_upgrade", True)
        path = self._path = eng.sqlite_path(url)
        self._own: set[int] = set()
        self._own_lock = threading.Lock()
        # A new file is made and migrated in the write turn: another process opening it
        # meanwhile waits, and never takes the file it sees half-made (0 bytes) for an
        # emptied database.
        being_made = path is not None and (not path.exists() or path.stat().st_size == 0)
        with write_turn(path) if being_made else contextlib.nullcontext():
            create = options.get("create", False)
            self.writable = eng.check_sqlite_file(path, create=create) if path else True
            self.engine = eng.make_engine(url, read_only=not self.writable)
            self._writer = eng.writer(self.engine)
            try:
                eng.ensure_schema(self.engine, may_write=self.writable, auto_upgrade=auto_upgrade)
            except DBAPIError as exc:
                self.engine.dispose()
                raise eng.explain_operational(exc, url) from None
            except BaseException:
                self.engine.dispose()
                raise
        self.login = check_actor(options.get("login") or os_login())
        #: The administrator acting for ``actor`` (empty: the login acts as themself).
        self.by = ""
        self.admin = False
        #: The login that is nobody on the team yet (so may read, not write); empty: none.
        self._identity = ""
        try:
            self._check_identity()
        except BaseException:
            self.engine.dispose()
            raise

    def _check_identity(self) -> None:
        """The actor is the login, or the login is an administrator acting for them; a
        login that is nobody on the team (and no administrator) may read, not write."""
        with self.read() as s:
            if self.engine.dialect.name == "postgresql":  # the server says who connected
                self.login = str(s.execute(text("SELECT session_user")).scalar())
            admin = s.get(Administrator, self.login) is not None
            person = s.execute(
                select(col(Person.id)).where(col(Person.handle) == self.actor)
            ).first()
        self.admin = admin
        if self.actor != self.login:
            if not admin:
                raise IdentityError(
                    _(
                        "you are logged in as {login}, so you act as {login}: "
                        "acting as {actor} (--as, DEALROOM_USER) takes an administrator "
                        "(`dealroom admin list` names them)"
                    ).format(login=self.login, actor=self.actor)
                )
            self.by = self.login
        elif person is None and not admin and self.writable:
            self.writable = False
            self._identity = self.login

    def close(self) -> None:
        self.engine.dispose()

    # --- time ------------------------------------------------------------------------

    def now(self) -> datetime:
        return self._now()

    def today(self) -> date:
        """The acting person's calendar day (local time), unless fixed for tests."""
        if self._today is not None:
            return self._today
        return self._now().astimezone().date()

    def read_only_reason(self) -> str:
        """Why this database cannot be written by us, and how to fix that."""
        if self._identity:
            return _(
                "you ({login}) are not on the team yet: an administrator adds you "
                'with `dealroom person add {login} "Your Name"`; until then you may '
                "read, not write"
            ).format(login=self._identity)
        path = eng.sqlite_path(self.url)
        why = eng.explain_not_writable(path) if path else _("it is not writable for you")
        return _("you may not write the database {path}: {why}").format(path=path, why=why)

    # --- the events this store wrote ----------------------------------------------------

    def own_event_ids(self) -> frozenset[int]:
        """The ids of the events this store appended and committed."""
        with self._own_lock:
            return frozenset(self._own)

    # --- transactions ------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction: one consistent snapshot for all its queries."""
        try:
            with Session(self.engine, expire_on_commit=False) as s, s.begin():
                yield s
        except DBAPIError as exc:
            raise eng.explain_operational(exc, self.url) from None

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One short write transaction; it commits only if the block raises nothing."""
        if not self.writable:
            raise ReadOnlyError(self.read_only_reason())
        try:
            with write_turn(self._path), Session(self._writer, expire_on_commit=False) as s:
                tx = Tx(s, actor=self.actor, now=self.now(), by=self.by, admin=self.admin)
                with s.begin():
                    tx.begin()
                    yield tx
                # Only once committed: a rolled-back id may be given to someone else's event.
                with self._own_lock:
                    self._own.update(tx.events)
        except StaleDataError:
            raise WriteRaceError(
                _("someone changed this item at the same moment: reload it and try again")
            ) from None
        except IntegrityError as exc:
            raise StoreError(
                _("the database refused the change: {why}").format(why=_first_line(exc))
            ) from None
        except DBAPIError as exc:
            raise eng.explain_operational(exc, self.url) from None

    # --- the write path for one row ------------------------------------------------------

    def create(self, kind: Kind[M, V], build: Callable[[Tx], tuple[M, Logged]]) -> V:
        """``build`` validates and makes the row and says how the log words it."""
        with self.write() as tx:
            row, logged = build(tx)
            tx.insert(kind, row, logged)
            return kind.view(tx.session, ident(row))

    def update(
        self,
        kind: Kind[M, V],
        key: int | str,
        version: int | None,
        change: Callable[[Tx, M], Logged | None],
    ) -> V:
        """``change`` validates and applies the change to the loaded row and says how the
        log words it, or returns None when nothing changed (nothing is logged then)."""
        with self.write() as tx:
            row = tx.load(kind, key, version)
            # One UPDATE, stamped, at the flush below: a query inside ``change`` must not
            # flush the row half-changed (that would bump its version twice).
            with tx.session.no_autoflush:
                logged = change(tx, row)
            if logged is not None:
                tx.changed(kind, row, logged)
            return kind.view(tx.session, ident(row))

    def delete(
        self,
        kind: Kind[M, V],
        row_id: int,
        version: int | None,
        word: Callable[[M], Logged],
    ) -> None:
        with self.write() as tx:
            row = tx.load(kind, row_id, version)
            tx.remove(kind, row, word(row))


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(exc).__name__
