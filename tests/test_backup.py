"""`dealroom backup FILE`: a consistent copy while others keep writing; nothing half-written."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from seeding import open_seeder

from dealroom.cli import EXIT_REFUSED, EXIT_UNAVAILABLE, main
from dealroom.commands import backup
from dealroom.domain import Role
from dealroom.store import open_store

#: Adds SR tasks to ACME-5G until the stop file exists, printing each one's number once
#: it is committed.
WRITER = """
import sys
from pathlib import Path
from dealroom.domain import Role
from dealroom.store import open_store

url, stop = sys.argv[1], Path(sys.argv[2])
with open_store(url, actor="writer") as store:
    n = 0
    while not stop.exists():
        n += 1
        store.items.add_task("ACME-5G", Role.SR, f"bg {n}")
        print(n, flush=True)
"""


@pytest.fixture
def db(sqlite_url: str) -> Path:
    """A database with one deal, ACME-5G, and a task."""
    with open_seeder(sqlite_url, actor="ana") as store:
        store.deals.create_deal("ACME-5G", "5G core refresh", "ACME Telecom")
        store.items.add_task("ACME-5G", Role.AR, "Confirm budget")
    return Path(sqlite_url.removeprefix("sqlite:///"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def writer(db: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    stop = tmp_path / "stop-writing"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        stop.touch()
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err


def wait_for_writes(proc: subprocess.Popen[str], count: int) -> int:
    """Read ``count`` more commits from the writer; return the number of the last one."""
    assert proc.stdout is not None
    last = 0
    for _ in range(count):
        line = proc.stdout.readline()
        assert line, f"the writer stopped: {proc.stderr.read() if proc.stderr else ''}"
        last = int(line)
    return last


def check_copy(copy: Path, committed_before: int) -> int:
    """The copy is sound and one consistent moment of the source; return its deal count."""
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        ids = [i for (i,) in conn.execute("SELECT id FROM event ORDER BY id")]
        assert ids == list(range(1, len(ids) + 1))  # the log is a prefix, without holes
        tasks = {i for (i,) in conn.execute("SELECT id FROM task")}
        created = conn.execute(
            "SELECT entity_id FROM event WHERE entity='task' AND action='create'"
        )
        assert tasks == {i for (i,) in created}  # each task with its event, no more, no less
        background = conn.execute("SELECT count(*) FROM task WHERE title LIKE 'bg %'")
        assert background.fetchone()[0] >= committed_before
        deals: int = conn.execute("SELECT count(*) FROM deal").fetchone()[0]
        return deals
    finally:
        conn.close()


def test_backups_while_another_process_keeps_writing(
    db: Path, tmp_path: Path, writer: subprocess.Popen[str], capsys: pytest.CaptureFixture[str]
) -> None:
    for round_ in range(3):
        committed = wait_for_writes(writer, 15)
        copy = tmp_path / f"copy-{round_}.db"
        code, out, err = run(capsys, "--db", str(db), "backup", str(copy))
        assert code == 0, err
        deals = check_copy(copy, committed)
        size = copy.stat().st_size
        assert out == f"backed up {db} to {copy}: {size:,} bytes, {deals} deal\n"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    wait_for_writes(writer, 15)  # the writer was never stopped by the backups
    with open_store(str(tmp_path / "copy-2.db"), actor="t") as restored:
        assert [t.title for t in restored.reads.deal_room("ACME-5G").tasks][:1] == [
            "Confirm budget"
        ]


def test_an_existing_file_is_kept_unless_force(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "old.db"
    target.write_bytes(b"yesterday's backup")
    code, _, err = run(capsys, "--db", str(db), "backup", str(target))
    assert code == EXIT_REFUSED and "exists: give --force to replace it" in err
    assert target.read_bytes() == b"yesterday's backup"
    assert run(capsys, "--db", str(db), "backup", str(target), "--force")[0] == 0
    assert check_copy(target, 0) == 1


@pytest.mark.parametrize("spelling", ["same", "dotdot", "symlink", "hardlink", "wal"])
def test_the_database_itself_is_refused_even_with_force(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    names = {
        "same": db,
        "dotdot": tmp_path / ".." / tmp_path.name / db.name,
        "symlink": tmp_path / "link.db",
        "hardlink": tmp_path / "hard.db",
        "wal": Path(f"{db}-wal"),
    }
    if spelling == "symlink":
        names[spelling].symlink_to(db)
    if spelling == "hardlink":
        os.link(db, names[spelling])
    before = db.read_bytes()
    code, _, err = run(capsys, "--db", str(db), "backup", str(names[spelling]), "--force")
    assert code == EXIT_REFUSED and "is the database itself" in err
    assert db.read_bytes() == before


def test_postgresql_is_sent_to_pg_dump_without_connecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.db"
    code, _, err = run(
        capsys, "--db", "postgresql://nobody@127.0.0.1:1/none", "backup", str(target)
    )
    assert code == EXIT_REFUSED  # not 4: no connection was tried
    assert "use pg_dump" in err and err.count("\n") == 1
    assert not target.exists()


def test_no_database_means_no_copy_and_no_new_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing, target = tmp_path / "none.db", tmp_path / "copy.db"
    code, _, err = run(capsys, "--db", str(missing), "backup", str(target))
    assert code == EXIT_UNAVAILABLE and f"no database at {missing}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_dealroom_database_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run(capsys, "--db", str(other), "backup", str(out_dir / "copy.db"))
    assert code == EXIT_REFUSED and "not a dealroom database" in err
    assert list(out_dir.iterdir()) == []  # the copy was made, checked, and thrown away


def test_a_failure_at_the_end_keeps_the_old_copy_and_leaves_no_partial_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "nightly.db"
    target.write_bytes(b"last night's copy")

    def disk_full(path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(backup, "_sync", disk_full)
    code, _, err = run(capsys, "--db", str(db), "backup", str(target), "--force")
    assert code == EXIT_REFUSED and os.strerror(errno.ENOSPC) in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert [p.name for p in out_dir.iterdir()] == ["nightly.db"]
    assert target.read_bytes() == b"last night's copy"
