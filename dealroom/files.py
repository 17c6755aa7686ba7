"""Writing the files members ask for (reports with ``-o``, backups, the app's saved
Markdown) so that no write can harm what is already there.

A write never touches the database or its ``-wal``, ``-shm``, ``-lock`` and ``-journal``
files, however they are named (another spelling, a symbolic or a hard link); never
replaces an existing file unless asked (``--force``); never writes through a symbolic
link, which could point anywhere; and is whole or absent: the text goes to a new
temporary file beside the target (``O_EXCL``: never an existing one), is flushed to the
disk, and only then takes the target's name, atomically. Without ``force`` that last
step is a hard link, which fails if the name was taken meanwhile, so two members saving at
once never overwrite each other. A failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from dealroom.i18n import _

#: The files SQLite and dealroom keep beside a database.
SIDE_FILES = ("", "-wal", "-shm", "-lock", "-journal")


class FileRefused(Exception):
    """A file was not written; the message says why and what to do, in one line."""


class IsTheDatabase(FileRefused):
    """The file named is the database itself (or one of its side files): ``target``."""

    def __init__(self, target: Path) -> None:
        said = _("{file} is the database itself: write to another file")
        super().__init__(said.format(file=target))
        self.target = target


def _exists(target: Path) -> FileRefused:
    return FileRefused(_("{file} exists: give --force to replace it").format(file=target))


def database_files(db: Path | None) -> list[Path]:
    """The database file and the files beside it, which no export may overwrite."""
    return [] if db is None else [Path(f"{db}{suffix}") for suffix in SIDE_FILES]


def check_target(target: Path, *, force: bool, protect: Sequence[Path] = ()) -> None:
    """Refuse, in one line, to write ``target`` when it is one of ``protect`` (the database
    and its files), a symbolic link, a folder, in a folder that is not there (or is a
    file), or an existing file without ``force``."""
    if _is_protected(target, protect):
        raise IsTheDatabase(target)
    if target.is_symlink():
        said = _(
            "{file} is a symbolic link: dealroom does not write through links "
            "(--force neither); name the file itself"
        )
        raise FileRefused(said.format(file=target))
    if target.is_dir():
        said = _("{file} is a folder: name the file to write, e.g. {file}/name")
        raise FileRefused(said.format(file=target))
    folder_problem(target.parent, for_file=target)
    if target.exists() and not force:
        raise _exists(target)


def folder_problem(folder: Path, *, for_file: Path | None = None) -> None:
    """Refuse a folder that is missing or is a file (named as such)."""
    if folder.is_dir():
        return
    for above in (folder, *folder.parents):
        if above.exists() and not above.is_dir():
            if for_file is None:
                raise FileRefused(_("{folder} is a file, not a folder").format(folder=above))
            said = _("cannot write {file}: {folder} is a file, not a folder")
            raise FileRefused(said.format(file=for_file, folder=above))
        if above.is_dir():
            break
    if for_file is None:
        raise FileRefused(_("folder {folder} does not exist").format(folder=folder))
    said = _("cannot write {file}: folder {folder} does not exist")
    raise FileRefused(said.format(file=for_file, folder=folder))


def write_file(
    target: Path, text: str | Iterable[str], *, force: bool = False, protect: Sequence[Path] = ()
) -> int:
    """Write ``text`` (UTF-8; or its pieces, as they come) to ``target`` safely (see the
    module); return its size."""
    check_target(target, force=force, protect=protect)
    pieces = [text] if isinstance(text, str) else text
    partial, size = _partial(target.parent, target.name, (p.encode("utf-8") for p in pieces))
    try:
        place(partial, target, force=force)
    finally:
        partial.unlink(missing_ok=True)
    return size


def save_new(folder: Path, name: str, text: str, *, protect: Sequence[Path] = ()) -> Path:
    """Write ``text`` to ``folder/name``, or, where that name is taken, to ``name-2``,
    ``name-3`` … (before the suffix): never over an existing file; return the path."""
    if folder.exists() and not folder.is_dir():
        raise FileRefused(_("{folder} is a file, not a folder").format(folder=folder))
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = os.path.splitext(name)
    partial, _size = _partial(folder, name, [text.encode("utf-8")])
    try:
        for n in range(1, 1000):
            target = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
            if _is_protected(target, protect):
                continue
            try:
                place(partial, target, force=False)
            except FileRefused:
                continue  # taken (by a file, a link or a folder): the next name
            return target
    finally:
        partial.unlink(missing_ok=True)
    said = _("{folder} already holds 999 files named like {name}")
    raise FileRefused(said.format(folder=folder, name=name))


def place(partial: Path, target: Path, *, force: bool) -> None:
    """Give the complete file ``partial`` the name ``target``: replacing what is there
    with ``force`` (a rename replaces a link itself, never what it points to), else only
    if the name is free at that moment."""
    if force:
        os.replace(partial, target)
    else:
        try:
            os.link(partial, target)
        except FileExistsError:
            raise _exists(target) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            _copy_new(partial, target)  # a file system without hard links
    _sync(target.parent)


def _partial(folder: Path, name: str, data: Iterable[bytes]) -> tuple[Path, int]:
    """``data`` (its pieces, as they come) in a new file of its own beside the target,
    flushed to the disk; the file and its size."""
    fd, path = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in data:
                size += out.write(piece)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    return Path(path), size


def _copy_new(partial: Path, target: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o666)
    except FileExistsError:
        raise _exists(target) from None
    with os.fdopen(fd, "wb") as out, partial.open("rb") as given:
        shutil.copyfileobj(given, out)
        out.flush()
        os.fsync(out.fileno())


def _is_protected(target: Path, protect: Sequence[Path]) -> bool:
    """Whether ``target`` names one of ``protect`` in any spelling: the same path once
    made absolute and resolved (``..``, a linked folder, a symbolic link), or the same
    file (a hard link)."""
    if not protect:
        return False
    spellings = {Path(os.path.abspath(target)), target.resolve()}
    for p in protect:
        if Path(os.path.abspath(p)) in spellings or p.resolve() in spellings:
            return True
        with contextlib.suppress(OSError):
            if target.exists() and p.exists() and os.path.samefile(target, p):
                return True
    return False


def _sync(folder: Path) -> None:
    """Flush a folder's entries (a new name in it) to the disk."""
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
