"""``dealroom backup FILE``: a consistent copy of the SQLite database while others work."""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from dealroom.commands import COMMANDS
from dealroom.commands.common import CommandError, Context
from dealroom.files import FileRefused, IsTheDatabase, check_target, database_files, place
from dealroom.i18n import N_, _, ngettext
from dealroom.store.errors import UnavailableError
from dealroom.textutil import one_line

PG_DUMP = N_(
    "dealroom backup copies an SQLite database; for PostgreSQL use pg_dump, "
    "e.g. `pg_dump --format=custom --file=FILE DATABASE_URL`"
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "backup",
        help=_(COMMANDS["backup"].help),
        description=_(
            "Copy the SQLite database with SQLite's online backup: one consistent "
            "snapshot, taken while others keep reading and writing. The copy is written under "
            "a temporary name beside FILE and renamed when it is complete and checked, so a "
            "failed backup leaves nothing behind. Only you may read it (mode 0600). For "
            "PostgreSQL, use pg_dump."
        ),
    )
    p.add_argument("file", metavar="FILE", help=_("the copy to write, e.g. ~/backups/deals.db"))
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    p.set_defaults(handler=cmd_backup)


def cmd_backup(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.store.location import resolve_url

    source = _source(resolve_url(ctx.db))
    target = _target(Path(args.file), source, force=args.force)
    deals = backup(source, target, force=args.force)
    size = target.stat().st_size
    said = ngettext(
        "backed up {source} to {target}: {size} bytes, {n} deal",
        "backed up {source} to {target}: {size} bytes, {n} deals",
        deals,
    )
    print(said.format(source=source, target=one_line(str(target)), size=f"{size:,}", n=deals))
    return 0


def _source(url: str) -> Path:
    from dealroom.store.engine import describe_url, sqlite_path

    path = sqlite_path(url)
    if path is None:
        if url.startswith("postgresql"):
            raise CommandError(_(PG_DUMP))
        said = _("dealroom backup copies an SQLite file, not {database}")
        raise CommandError(said.format(database=describe_url(url)))
    if not path.is_file():
        said = _("no database at {path} to back up (see --db or DEALROOM_DB)")
        raise UnavailableError(said.format(path=path))
    return path


def _target(file: Path, source: Path, *, force: bool) -> Path:
    target = file.expanduser()
    try:
        check_target(target, force=force, protect=database_files(source))
    except IsTheDatabase as exc:
        said = _("{file} is the database itself: back up to another file")
        raise CommandError(said.format(file=exc.target)) from None
    except FileRefused as exc:
        raise CommandError(str(exc)) from None
    return target


def backup(source: Path, target: Path, *, force: bool = False) -> int:
    """Copy ``source`` to ``target`` through a temporary file; return the copy's deals."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    partial = Path(name)
    try:
        deals = _copy(source, partial)
        _sync(partial)
        place(partial, target, force=force)
    except FileRefused as exc:
        raise CommandError(str(exc)) from None
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return deals


def _copy(source: Path, partial: Path) -> int:
    with contextlib.closing(_open_source(source)) as src:
        with contextlib.closing(sqlite3.connect(partial)) as dst:
            try:
                src.backup(dst)  # all pages in one step: one snapshot of the source
                dst.execute("PRAGMA journal_mode = DELETE")  # the copy is one file
                return _check_copy(dst, source)
            except sqlite3.Error as exc:
                said = _("the backup of {database} failed: {error}")
                raise CommandError(said.format(database=source, error=exc)) from None


def _open_source(source: Path) -> sqlite3.Connection:
    from dealroom.store.engine import BUSY_TIMEOUT_MS, explain_not_writable

    try:
        # rw: never creates the file, falls back to read-only for a reader, and (unlike ro)
        # removes the -wal and -shm files on closing when it is the last one out.
        uri = f"{source.as_uri()}?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        why = explain_not_writable(source) if "readonly" in str(exc) else str(exc)
        said = _("cannot read the database {database}: {why}")
        raise UnavailableError(said.format(database=source, why=why)) from None
    return conn


def _check_copy(dst: sqlite3.Connection, source: Path) -> int:
    check = dst.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        said = _("the copy of {database} failed its check: {problem}")
        raise CommandError(said.format(database=source, problem=check))
    try:
        count: int = dst.execute("SELECT count(*) FROM deal").fetchone()[0]
    except sqlite3.OperationalError:
        said = _("{database} is not a dealroom database (it has no deals table)")
        raise CommandError(said.format(database=source)) from None
    return count


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entries, after a rename) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
