"""Where the database is, how to connect to it safely, and keeping its schema current."""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import stat
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from dealroom.i18n import _
from dealroom.store.errors import ReadOnlyError, SchemaError, StoreError, UnavailableError

#: The newest migration; ``tests/test_migrations.py`` checks it matches Alembic's head.
HEAD_REVISION = "0014"

#: How long a writer waits for another's transaction before giving up, in milliseconds.
BUSY_TIMEOUT_MS = 30_000

_WRITE = "dealroom_write"
_MIGRATION_LOCK = 0x6465616C  # "deal"


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def check_sqlite_file(path: Path, *, create: bool = False) -> bool:
    """Say clearly when the file cannot be used; return whether it can be written. An
    empty (0-byte) file is refused, never silently made a new database (a database that
    lost its contents must not look like a new one), unless the caller ``create``s one on
    purpose (``dealroom init``, ``dealroom demo``)."""
    if path.exists():
        if path.is_dir():
            raise UnavailableError(
                _("{path} is a directory, not a database file").format(path=path)
            )
        if path.stat().st_size == 0 and not create:
            raise UnavailableError(
                _(
                    "the database file {path} is empty (0 bytes), so it is not a dealroom "
                    "database: restore it from a backup, or remove it and run `dealroom init "
                    "--shared` or `dealroom demo` to create one on purpose"
                ).format(path=path)
            )
        if not os.access(path, os.R_OK):
            raise UnavailableError(
                _("you may not read the database {path}: ask its owner for access").format(
                    path=path
                )
            )
        # WAL needs the -wal and -shm files beside the database, so the folder too.
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    if not path.parent.is_dir():
        raise UnavailableError(
            _("cannot create the database {path}: folder {folder} does not exist").format(
                path=path, folder=path.parent
            )
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise UnavailableError(
            _("cannot create the database {path}: you may not write to {folder}").format(
                path=path, folder=path.parent
            )
        )
    return True


def explain_not_writable(path: Path) -> str:
    """Why the acting OS user may not write the SQLite database at ``path``, and the fix.

    Checks, in order: the file, its folder (SQLite creates the ``-wal`` and ``-shm`` files
    there), then ``-wal``/``-shm`` files that someone else left without group write.
    """
    setup = f"`dealroom init --shared {shlex.quote(str(path.parent))} --group GROUP`"
    if path.exists() and not os.access(path, os.W_OK):
        return _(
            "the file {path} is not writable for you ({file}); "
            "{fix}, or set the folder up for the team with {setup}"
        ).format(path=path, file=_describe_file(path), fix=_fix(path, "chmod g+w"), setup=setup)
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return _(
            "the folder {folder} is not writable for you ({file}), and "
            "SQLite needs it for the -wal and -shm files it keeps beside the database; "
            "{fix}, or set it up for the team with {setup}"
        ).format(
            folder=folder, file=_describe_file(folder), fix=_fix(folder, "chmod g+ws"), setup=setup
        )
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if side.exists() and not os.access(side, os.W_OK):
            owner = _file_names(side)[0]
            return _(
                "{side} is not writable for you ({file}): it was made "
                "while the database file was not group-writable; it goes away when {owner} "
                "closes dealroom, or {owner} (or root) can run "
                "`chmod g+w {quoted}`"
            ).format(
                side=side, file=_describe_file(side), owner=owner, quoted=shlex.quote(str(side))
            )
    return _(
        "the database {path}, its folder and its -wal/-shm files look writable for you: "
        "is the file system mounted read-only?"
    ).format(path=path)


def _file_names(path: Path) -> tuple[str, str]:
    """The owner's and the group's names of ``path`` (their numbers if unknown)."""
    import grp
    import pwd

    st = path.stat()
    try:
        owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        owner = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return owner, group


def _describe_file(path: Path) -> str:
    """``owner alice, group sales, mode 0644``."""
    owner, group = _file_names(path)
    return _("owner {owner}, group {group}, mode {mode}").format(
        owner=owner, group=group, mode=f"{stat.S_IMODE(path.stat().st_mode):04o}"
    )


def _fix(path: Path, command: str) -> str:
    """Who can make ``path`` writable for the acting user, and with which command."""
    st = path.stat()
    in_group = st.st_gid == os.getegid() or st.st_gid in os.getgroups()
    if st.st_mode & stat.S_IWGRP and not in_group:
        group = _file_names(path)[1]
        return _(
            "ask root to add you to group {group} (`usermod -aG {group} $USER`, then log in again)"
        ).format(group=group)
    quoted = shlex.quote(str(path))
    if st.st_uid == os.geteuid():
        return _("run `chmod u+w {path}`").format(path=quoted)
    return _("its owner (or root) can run `{command} {path}`").format(command=command, path=quoted)


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """The engine for ``url``; ``read_only`` (an SQLite file we may not write) opens the
    file read-only, so it opens whether or not anyone else has it open (see
    :func:`_read_only_uri`)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            _("not a database URL or file path: {url}").format(url=repr(url))
        ) from None
    backend = parsed.get_backend_name()
    path = sqlite_path(url) if backend == "sqlite" else None
    try:
        if path is not None and read_only:
            uri = _read_only_uri(path)
            engine = create_engine(
                url,
                creator=lambda: sqlite3.connect(
                    uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
                ),
                # immutable: each transaction a new connection, which reads the file anew
                poolclass=NullPool if "immutable" in uri else None,
            )
            _make_sqlite_safe(engine)
        elif backend == "sqlite":
            engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
            )
            _make_sqlite_safe(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True, connect_args=_connect_args(backend))
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            _("no driver for {url}: {why}").format(url=describe_url(url), why=exc)
        ) from None
    return engine


def _read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for ``path``. In WAL mode a reader needs the ``-wal`` and
    ``-shm`` files beside the database: while someone has it open they are there; when
    nobody has, and we may not create them (the folder is not ours to write), the file is
    opened ``immutable`` (nobody is writing: a writer would have made the ``-wal``)."""
    params = "mode=ro"
    if not Path(f"{path}-wal").exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        params += "&immutable=1"
    return f"{path.as_uri()}?{params}"


def _connect_args(backend: str) -> dict[str, object]:
    if backend == "postgresql":
        return {"connect_timeout": 5, "application_name": "dealroom"}
    return {}


def _make_sqlite_safe(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for writes.

    pysqlite's own transaction handling begins lazily and as DEFERRED, so two processes
    can read the same row and both write: one update is lost or one fails with
    "database is locked". We switch it off and begin transactions ourselves; a write
    transaction takes the write lock up front and others wait (busy timeout) for it.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal" and mode != "memory":
            # A read-only file keeps its mode; reads still work.
            with contextlib.suppress(sqlite3.OperationalError):
                cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: object) -> None:
        options = conn.get_execution_options()  # type: ignore[attr-defined]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_WRITE) else "BEGIN")  # type: ignore[attr-defined]


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions take the write lock when they begin."""
    return engine.execution_options(**{_WRITE: True})


def explain_operational(exc: DBAPIError, url: str) -> StoreError:
    """Turn a driver's error into one line that says what to do."""
    msg = str(exc.orig) if exc.orig is not None else str(exc)
    first = msg.strip().splitlines()[0] if msg.strip() else _("unknown error")
    where = describe_url(url)
    low = first.lower()
    if "readonly" in low or "read-only" in low:
        path = sqlite_path(url)
        why = explain_not_writable(path) if path else first
        return ReadOnlyError(
            _("the database {where} is read-only for you: {why}").format(where=where, why=why)
        )
    if "locked" in low or "busy" in low:
        return UnavailableError(
            _("the database {where} stayed locked by another writer; try again").format(where=where)
        )
    if "unable to open" in low:
        return UnavailableError(
            _("cannot open the database {where}: {why}").format(where=where, why=first)
        )
    if "connection" in low or "could not" in low or "timeout" in low:
        return UnavailableError(
            _("cannot reach the database {where}: {why}").format(where=where, why=first)
        )
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return UnavailableError(
            _(
                "the database {where} is damaged or not a dealroom database ({why}): restore "
                "it from a backup (`dealroom backup` makes one), or point --db at another file"
            ).format(where=where, why=first)
        )
    if "full" in low:
        return UnavailableError(
            _("cannot write the database {where}: {why}; free some space").format(
                where=where, why=first
            )
        )
    return UnavailableError(_("database error on {where}: {why}").format(where=where, why=first))


# --- schema --------------------------------------------------------------------------


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database, or None for an empty one."""
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if "alembic_version" not in names:
            # A file of other tables is someone else's database: never add ours to it.
            if names & {"deal", "event"} or (names and conn.dialect.name == "sqlite"):
                raise SchemaError(
                    _(
                        "this database has deal tables but no schema revision: it was "
                        "not made by dealroom"
                    )
                )
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def migrations_dir() -> Path:
    return Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one write transaction."""
    from alembic import command

    cfg = alembic_config(engine)
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several people opening a new database at once: one migrates, the others wait
            # here and then find it current (SQLite's BEGIN IMMEDIATE does the same).
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn  # type: ignore[attr-defined]
        command.upgrade(cfg, revision)  # type: ignore[arg-type]


def ensure_schema(engine: Engine, *, may_write: bool, auto_upgrade: bool = True) -> str | None:
    """Bring an empty or older database to the current schema; say what to do otherwise."""
    rev = current_revision(engine)
    if rev == HEAD_REVISION:
        return rev
    if rev is not None and not _known_revision(rev):
        raise SchemaError(
            _(
                "the database is at schema revision {rev}, newer than this dealroom knows "
                "({head}): upgrade dealroom (pip install -U dealroom)"
            ).format(rev=rev, head=HEAD_REVISION)
        )
    if not may_write or not auto_upgrade:
        said = (
            _(
                "the database is empty; this dealroom needs {head}: run "
                "`dealroom upgrade` as a user who may write it"
            )
            if rev is None
            else _(
                "the database is at schema revision {rev}; this dealroom needs {head}: run "
                "`dealroom upgrade` as a user who may write it"
            )
        )
        raise SchemaError(said.format(rev=rev, head=HEAD_REVISION))
    upgrade(engine)
    return HEAD_REVISION


def _known_revision(rev: str) -> bool:
    versions = migrations_dir() / "versions"
    return any(p.name.startswith(f"{rev}_") for p in versions.glob("*.py"))
