"""`dealroom init --shared DIR --group GROUP`, and saying why a database is not writable.

The last tests need root: they create an OS group and two users in it and have each user
write the shared database, one after the other and while the other has it open.
"""

from __future__ import annotations

import contextlib
import grp
import io
import json
import multiprocessing
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest
from seeding import open_seeder

from dealroom.cli import EXIT_REFUSED, EXIT_UNAVAILABLE, main
from dealroom.domain import Role
from dealroom.identity import os_login
from dealroom.store import open_store
from dealroom.store.engine import HEAD_REVISION, current_revision, explain_not_writable, make_engine


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def my_group() -> str:
    return grp.getgrgid(os.getgid()).gr_name


# --- init --shared as one user --------------------------------------------------------------


def test_init_shared_with_my_own_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALROOM_USER", "ana")
    folder = tmp_path / "srv" / "team"
    code, out, err = run(capsys, "init", "--shared", str(folder), "--group", my_group())
    assert code == 0, err
    db = folder / "dealroom.db"
    assert (mode(folder), folder.stat().st_gid) == (0o2770, os.getgid())
    assert folder.stat().st_mode & stat.S_ISGID
    assert (mode(db), db.stat().st_gid) == (0o660, os.getgid())
    assert f"  export DEALROOM_DB={db}\n" in out
    assert f"Administrators: {os_login()}. They add the team with" in out  # who made it
    engine = make_engine(f"sqlite:///{db}")
    try:
        assert current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


def test_sqlite_gives_the_wal_files_the_database_files_mode_whatever_the_umask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "team"
    assert run(capsys, "init", "--shared", str(folder), "--group", my_group())[0] == 0
    db = folder / "dealroom.db"
    old = os.umask(0o077)
    try:
        with open_seeder(str(db), actor="ana") as store:
            store.people.add_person("ana", "Ana Lima")  # a write, with the connection kept open
            for side in (Path(f"{db}-wal"), Path(f"{db}-shm")):
                assert (mode(side), side.stat().st_gid) == (0o660, os.getgid()), side
    finally:
        os.umask(old)


def test_init_again_keeps_the_data_and_shares_an_older_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "team"
    folder.mkdir(mode=0o755)
    db = folder / "dealroom.db"
    with open_seeder(str(db), actor="ana") as store:
        store.deals.create_deal("ACME-5G", "5G core refresh", "ACME Telecom")
    db.chmod(0o644)  # as made before the team shared it
    for _ in range(2):
        assert run(capsys, "init", "--shared", str(folder), "--group", my_group())[0] == 0
        assert (mode(folder), mode(db)) == (0o2770, 0o660)
    with open_store(str(db), actor="ana") as store:
        assert [c for c, _ in store.reads.deal_codes()] == ["ACME-5G"]


def test_an_unknown_group_is_refused_before_anything_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"nogroup{uuid.uuid4().hex[:8]}"
    code, _, err = run(capsys, "init", "--shared", str(tmp_path / "team"), "--group", name)
    assert code == EXIT_REFUSED
    assert f"no group {name!r}" in err and f"groupadd {name}" in err
    assert not (tmp_path / "team").exists()


def test_a_group_i_am_not_in_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outsider = 4_000_000  # an unprivileged user in no group at all
    monkeypatch.setattr(os, "geteuid", lambda: outsider)
    monkeypatch.setattr(os, "getegid", lambda: outsider)
    monkeypatch.setattr(os, "getgroups", lambda: [])
    code, _, err = run(capsys, "init", "--shared", str(tmp_path / "team"), "--group", my_group())
    assert code == EXIT_REFUSED
    assert f"you are not in group {my_group()}" in err and "usermod -aG" in err
    assert not (tmp_path / "team").exists()


def test_a_file_in_the_way_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "team").write_text("notes")
    code, _, err = run(capsys, "init", "--shared", str(tmp_path / "team"), "--group", my_group())
    assert code == EXIT_REFUSED and "is not a folder" in err


# --- why a database is not writable ---------------------------------------------------------


@pytest.mark.parametrize(
    ("blocked", "says"),
    [
        ("", "is not writable for you ("),
        ("folder", "SQLite needs it for the -wal and -shm files"),
        ("-wal", "it was made while the database file was not group-writable"),
        ("-shm", "it was made while the database file was not group-writable"),
    ],
)
def test_explain_not_writable_names_the_file_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blocked: str, says: str
) -> None:
    db = tmp_path / "team" / "dealroom.db"
    db.parent.mkdir()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").write_bytes(b"")
    target = db.parent if blocked == "folder" else Path(f"{db}{blocked}")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m: False if Path(p) == target else real_access(p, m)
    )
    message = explain_not_writable(db)
    assert f"{target} is not writable for you" in message and says in message
    assert f"owner {pwd.getpwuid(os.getuid()).pw_name}" in message
    assert "chmod" in message
    if blocked in ("", "folder"):
        assert f"dealroom init --shared {db.parent} --group GROUP" in message


def test_explain_not_writable_when_everything_looks_writable(tmp_path: Path) -> None:
    db = tmp_path / "dealroom.db"
    db.write_bytes(b"")
    assert "look writable for you" in explain_not_writable(db)


# --- two OS users in one group (root only) --------------------------------------------------


def _become(user: str) -> None:
    """Drop to ``user``: their uid, primary group and groups, and a common umask."""
    pw = pwd.getpwnam(user)
    os.setgroups(os.getgrouplist(user, pw.pw_gid))
    os.setgid(pw.pw_gid)
    os.setuid(pw.pw_uid)
    os.umask(0o022)


def _main_as(user: str, argv: list[str], results: Queue[tuple[int, str, str]]) -> None:
    """In a forked child: run ``dealroom argv`` as ``user``."""
    try:
        _become(user)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as stop:
                code = int(stop.code or 0)
        results.put((code, out.getvalue(), err.getvalue()))
    except BaseException:
        results.put((-1, "", traceback.format_exc()))


def _hold(user: str, db: str, ready: Event, release: Event) -> None:
    """In a forked child: keep ``db`` open as ``user`` (as a running app does)."""
    _become(user)
    conn = sqlite3.connect(db)
    conn.execute("SELECT count(*) FROM task").fetchone()  # makes the -wal and -shm files
    ready.set()
    release.wait(300)
    conn.close()


FORK = multiprocessing.get_context("fork")


class Members:
    """Two OS users in one new group, and a way to run `dealroom` as each of them.

    ``runuser -u USER -- python -m dealroom`` runs a real login-less process of theirs. It
    needs ``sys.executable`` to be reachable by them; a venv whose interpreter lives under
    ``/root`` (pyenv, mode 0700) is not, and then the command runs in a forked child that
    has taken the user's uid, gid and groups, which is what the file system checks.
    """

    def __init__(self, group: str, users: list[str]) -> None:
        self.group, self.users = group, users
        self.gid = grp.getgrnam(group).gr_gid
        probe = (
            self._runuser(users[0], "-c", "import dealroom.cli")
            if shutil.which("runuser")
            else None
        )
        self.runuser = probe is not None and probe.returncode == 0

    def _runuser(self, user: str, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = ["runuser", "-u", user, "--", sys.executable, *args]
        return subprocess.run(cmd, capture_output=True, text=True, cwd="/", umask=0o022)

    def run(self, user: str, *argv: str) -> tuple[int, str, str]:
        """``dealroom *argv`` as ``user``: (exit status, stdout, stderr)."""
        if self.runuser:
            done = self._runuser(user, "-m", "dealroom", *argv)
            return done.returncode, done.stdout, done.stderr
        results = FORK.Queue()
        child = FORK.Process(target=_main_as, args=(user, list(argv), results))
        child.start()
        code, out, err = results.get(timeout=300)
        child.join(60)
        return code, out, err

    @contextmanager
    def holding_open(self, user: str, db: Path) -> Iterator[None]:
        ready, release = FORK.Event(), FORK.Event()
        child = FORK.Process(target=_hold, args=(user, str(db), ready, release))
        child.start()
        try:
            assert ready.wait(120), f"{user} could not open {db}"
            yield
        finally:
            release.set()
            child.join(60)


def _admin(*cmd: str, check: bool = True) -> None:
    """Run an account tool. Another test process (or anyone) adding or removing accounts
    at the same moment holds the lock on /etc/passwd and /etc/group: wait and try again."""
    for _ in range(40):
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode == 0 or "lock" not in done.stderr.lower():
            break
        time.sleep(0.25)
    if check and done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, cmd, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def members() -> Iterator[Members]:
    if os.geteuid() != 0:
        pytest.skip("creating OS users and a group needs root")
    tools = ("groupadd", "useradd", "userdel", "groupdel")
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not found: cannot create OS users")
    tag = uuid.uuid4().hex[:8]
    group, users = f"drg{tag}", [f"dra{tag}", f"drb{tag}"]
    shell = "/usr/sbin/nologin" if Path("/usr/sbin/nologin").exists() else "/bin/false"
    made: list[tuple[str, ...]] = []
    try:
        _admin("groupadd", group)
        made.append(("groupdel", group))
        for user in users:
            _admin("useradd", "-M", "-U", "-G", group, "-s", shell, user)
            made.append(("userdel", user))
            made.append(("groupdel", user))  # the user's own group, where userdel leaves it
        yield Members(group, users)
    finally:
        for cmd in reversed(made):
            _admin(*cmd, check=False)


@pytest.fixture
def shared_db(members: Members, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    """``init --shared`` (as root) in a folder under /tmp, with deal T-1 and a task."""
    base = Path(tempfile.mkdtemp(prefix="dealroom-shared-", dir="/tmp"))
    try:
        base.chmod(0o755)  # members pass through to the shared folder
        folder = base / "team"
        code, out, err = run(capsys, "init", "--shared", str(folder), "--group", members.group)
        assert code == 0, err
        assert "warning" not in out
        db = folder / "dealroom.db"
        setup = [  # root made the file: its administrator, who adds the members
            *(["person", "add", user, f"Member {user}"] for user in members.users),
            ["deal", "add", "T-1", "--name", "Shared deal", "--account", "Acme"],
            *(["member", "set", "T-1", "expert", user] for user in members.users),
            ["task", "add", "T-1", "--role", "AR", "--title", "set up by root"],
        ]
        for argv in setup:
            assert run(capsys, "--db", str(db), "--as", "root", *argv)[0] == 0
        yield db
    finally:
        shutil.rmtree(base)


def _add_task(members: Members, user: str, db: Path, title: str) -> tuple[int, str, str]:
    argv = ["task", "add", "T-1", "--role", "SR", "--title", title, "--json"]
    return members.run(user, "--db", str(db), "--as", user, *argv)


def _task_titles(db: Path) -> list[str]:
    with open_store(str(db), actor="root") as store:
        return [t.title for t in store.reads.deal_room("T-1").tasks if t.role.value == "SR"]


def test_members_write_one_after_another(members: Members, shared_db: Path) -> None:
    written = []
    for round_ in (1, 2):
        for user in members.users:
            title = f"{user} round {round_}"
            code, out, err = _add_task(members, user, shared_db, title)
            assert code == 0, err
            assert "readonly" not in (out + err).lower()
            assert json.loads(out)["item"]["title"] == title
            written.append(title)
    assert sorted(_task_titles(shared_db)) == sorted(written)
    with open_store(str(shared_db), actor="root") as store:
        actors = [e.actor for e in store.reads.events(code="T-1") if e.entity == "task"]
    assert actors[-4:] == [*members.users, *members.users]


def test_a_member_writes_while_another_has_it_open(members: Members, shared_db: Path) -> None:
    first, second = members.users
    with members.holding_open(first, shared_db):
        for side in (Path(f"{shared_db}-wal"), Path(f"{shared_db}-shm")):
            st = side.stat()
            owner = pwd.getpwuid(st.st_uid).pw_name
            assert (owner, st.st_gid, mode(side)) == (first, members.gid, 0o660), side
        code, _, err = _add_task(members, second, shared_db, "while the other has it open")
        assert code == 0, err
    assert _task_titles(shared_db) == ["while the other has it open"]


def test_wal_files_left_without_group_write_are_explained(
    members: Members, shared_db: Path
) -> None:
    """The database was 0644 when the first member opened it, and was shared later."""
    first, second = members.users
    os.chown(shared_db, pwd.getpwnam(first).pw_uid, -1)
    shared_db.chmod(0o644)
    with members.holding_open(first, shared_db):
        shared_db.chmod(0o660)
        code, _, err = _add_task(members, second, shared_db, "refused")
        assert code == EXIT_UNAVAILABLE, err
        assert f"{shared_db}-wal is not writable for you" in err
        assert f"owner {first}, group {members.group}, mode 0644" in err
        assert f"it goes away when {first} closes dealroom" in err
        assert err.count("\n") == 1 and "Traceback" not in err
    code, _, err = _add_task(members, second, shared_db, "after the other closed it")
    assert code == 0, err
    assert _task_titles(shared_db) == ["after the other closed it"]


@pytest.fixture
def roots_db() -> Iterator[Path]:
    """Root's database, readable by all and writable by root only (file 0644, folder
    0755), with deal T-1 and a task; closed, so no -wal or -shm file is beside it."""
    base = Path(tempfile.mkdtemp(prefix="dealroom-ro-", dir="/tmp"))
    try:
        base.chmod(0o755)
        db = base / "dealroom.db"
        with open_store(str(db), actor="root") as s:
            s.people.add_person("root", "Root")
            s.deals.create_deal("T-1", "Shared deal", "Acme")
            s.items.add_task("T-1", Role.AR, "set up by root")
        db.chmod(0o644)
        yield db
    finally:
        shutil.rmtree(base)


def _reads_but_may_not_write(members: Members, db: Path, where: str) -> None:
    reader = members.users[0]
    code, out, err = members.run(reader, "--db", str(db), "--as", reader, "list")
    assert code == 0 and "T-1" in out, f"{where}: {err}"
    code, out, err = members.run(reader, "--db", str(db), "show", "T-1")
    assert code == 0 and "set up by root" in out, f"{where}: {err}"
    code, _, err = _add_task(members, reader, db, "refused")
    assert code == EXIT_UNAVAILABLE and err.count("\n") == 1, f"{where}: {err}"
    assert "you may not write the database" in err


def test_a_member_who_may_only_read_opens_it_when_nobody_has_it_open(
    members: Members, roots_db: Path
) -> None:
    before = roots_db.read_bytes()
    files = sorted(p.name for p in roots_db.parent.iterdir())
    assert "dealroom.db-wal" not in files and "dealroom.db-shm" not in files
    _reads_but_may_not_write(members, roots_db, "nobody has it open")
    assert sorted(p.name for p in roots_db.parent.iterdir()) == files
    assert roots_db.read_bytes() == before


def test_a_member_who_may_only_read_opens_it_while_its_owner_has_it_open(
    members: Members, roots_db: Path
) -> None:
    with contextlib.closing(sqlite3.connect(roots_db)) as conn:
        conn.execute("SELECT count(*) FROM task").fetchone()  # the -wal and -shm files
        assert Path(f"{roots_db}-wal").exists()
        _reads_but_may_not_write(members, roots_db, "root has it open")
    with open_store(str(roots_db), actor="root") as s:
        assert [t.title for t in s.reads.deal_room("T-1").tasks] == ["set up by root"]


# --- identity from the system ------------------------------------------------------------


def test_one_member_cannot_act_as_another_an_administrator_can_and_the_log_says_so(
    members: Members, shared_db: Path
) -> None:
    """Before, `--as` or DEALROOM_USER named anyone, and the log recorded the claim."""
    first, second = members.users
    db = ["--db", str(shared_db)]
    argv = ["task", "add", "T-1", "--role", "SR", "--title"]
    code, _, err = members.run(second, *db, *argv, "mine")  # as themself: fine
    assert code == 0, err
    for posing in (["--as", first], ["--as", "ghost"]):
        code, out, err = members.run(second, *db, *posing, *argv, "posing")
        assert (code, out) == (1, ""), err
        assert err.strip() == (
            f"dealroom: error: you are logged in as {second}, so you act as {second}: "
            f"acting as {posing[1]} (--as, DEALROOM_USER) takes an administrator "
            "(`dealroom admin list` names them)"
        )
    assert run_as_admin(shared_db, second, *argv, "for the member") == 0
    with open_store(str(shared_db), actor="root") as store:
        tasks = [e for e in store.reads.events(code="T-1") if e.entity == "task"]
        assert [(e.actor, e.by, e.who) for e in tasks[-2:]] == [
            (second, "", second),
            (second, "root", f"root for {second}"),
        ]
        assert store.chain.verify().broken is None
    code, out, _ = members.run(first, *db, "log", "T-1")
    assert code == 0 and f"root for {second}" in out


def run_as_admin(db: Path, actor: str, *argv: str) -> int:
    """``dealroom --as ACTOR ARGV`` by root, the administrator, in this process."""
    from dealroom.cli import main

    return main(["--db", str(db), "--as", actor, *argv])


def test_a_login_who_is_nobody_on_the_team_may_read_not_write(
    members: Members, capsys: pytest.CaptureFixture[str]
) -> None:
    base = Path(tempfile.mkdtemp(prefix="dealroom-shared-", dir="/tmp"))
    try:
        base.chmod(0o755)
        folder = base / "team"
        assert run(capsys, "init", "--shared", str(folder), "--group", members.group)[0] == 0
        db = str(folder / "dealroom.db")
        stranger = members.users[0]
        code, _, err = members.run(stranger, "--db", db, "list")
        assert code == 0, err  # reading is fine
        code, _, err = members.run(stranger, "--db", db, "person", "add", "x", "X")
        assert code == 4, err  # the database is not theirs to write yet
        assert f"you ({stranger}) are not on the team yet" in err
        assert f'`dealroom person add {stranger} "Your Name"`' in err
    finally:
        shutil.rmtree(base)
