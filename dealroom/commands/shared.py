"""``dealroom init --shared DIR --group GROUP``: one SQLite database for an OS group;
``dealroom init --postgres URL --member LOGIN``: a PostgreSQL database and its members' roles.

Every member must be able to write the database file *and* create the ``-wal`` and ``-shm``
files SQLite keeps beside it. So the folder belongs to the group with mode 2770 (setgid:
files made inside keep the group) and the file has mode 0660; SQLite gives the ``-wal`` and
``-shm`` files the database file's mode whatever each member's umask is.
"""

from __future__ import annotations

import argparse
import grp
import os
import shlex
import stat
from pathlib import Path
from typing import Any

from dealroom.commands import COMMANDS
from dealroom.commands.common import CommandError, Context, UsageError
from dealroom.i18n import _

DB_NAME = "dealroom.db"
FOLDER_MODE = 0o2770
FILE_MODE = 0o660


def register(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help=_(COMMANDS["init"].help),
        description=_(
            "Prepare DIR/{name} for a team that shares one host: DIR is "
            "created if needed and given to GROUP with mode {folder_mode} (setgid), the "
            "database is created (or upgraded) with mode {file_mode}. Then every member "
            "of GROUP can write it. Run it as a member of GROUP (or root); running it again "
            "is harmless. --db is not used: the database is DIR/dealroom.db."
        ).format(name=DB_NAME, folder_mode=f"{FOLDER_MODE:o}", file_mode=f"{FILE_MODE:04o}"),
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--shared", metavar="DIR", help=_("the team's database folder"))
    where.add_argument(
        "--postgres",
        metavar="URL",
        help=_(
            "a PostgreSQL database, as its owner: migrate it and give members least "
            "privileges (read and append to the event log, never rewrite it)"
        ),
    )
    p.add_argument("--group", help=_("with --shared: the OS group whose members share it"))
    p.add_argument(
        "--member",
        action="append",
        default=[],
        metavar="LOGIN",
        help=_("with --postgres: a member's login role (made if new; repeat for more)"),
    )
    p.add_argument(
        "--member-role",
        default=None,
        metavar="NAME",
        help=_("with --postgres: the group role members are in (default dealroom_member)"),
    )
    p.set_defaults(handler=cmd_init)


def cmd_init(ctx: Context, args: argparse.Namespace) -> int:
    if args.postgres is not None:
        if args.group is not None:
            raise UsageError(_("--group goes with --shared; --postgres takes --member"))
        return _init_postgres(ctx, args)
    if args.group is None or args.member or args.member_role:
        raise UsageError(_("--shared needs --group GROUP (and takes no --member)"))
    return _init_shared(ctx, args)


def _init_postgres(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.store import open_store
    from dealroom.store.engine import HEAD_REVISION
    from dealroom.store.pg_roles import MEMBER_ROLE, grant_members

    with open_store(args.postgres, actor=ctx.actor) as store:  # migrates, as the owner
        group = args.member_role or MEMBER_ROLE
        schema = grant_members(store.engine, args.member, group)
        admins = store.people.administrators()
    said = _(
        "PostgreSQL database ready (schema {schema}, revision {revision}). Members "
        "connect as their own login roles in {group}: they read and write the deals, "
        "read and append to the event log, and the server refuses them UPDATE, DELETE "
        "and TRUNCATE on it and any change to the schema.{added} Add another with "
        "`dealroom init --postgres URL --member LOGIN`; upgrades are run by the owner. "
        "Administrators: {admins} (the owner names more with `dealroom admin "
        "add LOGIN`)."
    )
    added = ""
    if args.member:
        added = " " + _("{members} are in it.").format(members=", ".join(args.member))
    print(
        said.format(
            schema=schema,
            revision=HEAD_REVISION,
            group=group,
            added=added,
            admins=", ".join(admins),
        )
    )
    return 0


def _init_shared(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.store import open_store
    from dealroom.store.engine import HEAD_REVISION

    gid = group_id(args.group)
    folder = Path(args.shared).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise CommandError(_("{folder} exists and is not a folder").format(folder=folder))
    folder.mkdir(parents=True, exist_ok=True)
    share(folder, gid, FOLDER_MODE)
    db = folder / DB_NAME
    if not db.exists():  # made with its final mode, so SQLite's -wal/-shm get it too
        os.close(os.open(db, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    share(db, gid, FILE_MODE)
    # creates the schema (in the empty file made above), or upgrades an older one
    with open_store(str(db), actor=ctx.actor, create=True) as store:
        admins = store.people.administrators()
    for side in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        if side.exists():  # someone has it open: their files must be shared too
            share(side, gid, FILE_MODE)
    _print_ready(db, args.group, gid, HEAD_REVISION)
    said = _(
        "Administrators: {admins}. They add the team with `dealroom person add "
        "LOGIN NAME` (a person's handle is their login) and name more administrators with "
        "`dealroom admin add LOGIN`."
    )
    print(said.format(admins=", ".join(admins)))
    return 0


def group_id(name: str) -> int:
    """The group's id; refused when it does not exist or the user may not use it."""
    try:
        gid = grp.getgrnam(name).gr_gid
    except KeyError:
        said = _(
            "no group {quoted} on this system: root can create it with `groupadd {group}` "
            "and add each member with `usermod -aG {group} USER`"
        )
        raise CommandError(said.format(quoted=repr(name), group=name)) from None
    if os.geteuid() != 0 and gid != os.getegid() and gid not in os.getgroups():
        said = _(
            "you are not in group {group}, so you cannot give a folder to it: ask root to "
            "run `usermod -aG {group} $USER`, then log in again (`id -Gn` lists your groups)"
        )
        raise CommandError(said.format(group=name))
    return gid


def share(path: Path, gid: int, mode: int) -> None:
    """Give ``path`` to group ``gid`` with ``mode``, changing only what differs."""
    st = path.stat()
    try:
        if st.st_gid != gid:
            os.chown(path, -1, gid)
        if stat.S_IMODE(st.st_mode) != mode or st.st_gid != gid:  # chown may clear setgid
            os.chmod(path, mode)
    except PermissionError:
        group = grp.getgrgid(gid).gr_name
        quoted = shlex.quote(str(path))
        said = _(
            "cannot give {path} to group {group} with mode {mode}: you do not own it; "
            "its owner (or root) can run `chgrp {group} {quoted} && chmod {short_mode} {quoted}`"
        )
        raise CommandError(
            said.format(
                path=path, group=group, mode=f"{mode:04o}", quoted=quoted, short_mode=f"{mode:o}"
            )
        ) from None


def _print_ready(db: Path, group: str, gid: int, revision: str) -> None:
    print(_("Shared database ready: {path} (schema {revision})").format(path=db, revision=revision))
    said = _("folder {folder}: group {group}, mode {mode} (new files keep the group)")
    print("  " + said.format(folder=db.parent, group=group, mode=f"{FOLDER_MODE:o}"))
    said = _("file: group {group}, mode {mode} (SQLite's -wal and -shm files get it too)")
    print("  " + said.format(group=group, mode=f"{FILE_MODE:04o}"))
    for parent in _closed_parents(db.parent, gid):
        fix = f"chmod o+x {shlex.quote(str(parent))}"
        said = _("warning: members cannot pass through {folder}: `{fix}`")
        print("  " + said.format(folder=parent, fix=fix))
    print(_("Each member of {group} points at it, e.g. in ~/.profile:").format(group=group))
    print(f"  export DEALROOM_DB={shlex.quote(str(db))}")


def _closed_parents(folder: Path, gid: int) -> list[Path]:
    """Folders above ``folder`` that members of group ``gid`` cannot pass through."""
    closed = []
    for parent in folder.parents:
        st = parent.stat()
        if not st.st_mode & stat.S_IXOTH and not (st.st_gid == gid and st.st_mode & stat.S_IXGRP):
            closed.append(parent)
    return closed
