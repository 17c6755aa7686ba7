"""Every command ends with one line and the documented exit status, ``upgrade`` included;
an empty or damaged database file is refused, never made a new database silently.

The last test walks the README's exit-status table: each status it lists is produced by a
real command here, and a status the README gains without a case here fails the test.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from seeding import open_seeder
from sqlalchemy import Engine, event

import dealroom.commands.listing as listing
import dealroom.store.engine as engine_module
from dealroom.cli import EXIT_CONFLICT, EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_USAGE, main
from dealroom.commands import items
from dealroom.domain import Role
from dealroom.store import open_store
from dealroom.store.inputs import TaskUpdate

README = Path(__file__).resolve().parent.parent / "README.md"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse's own usage errors
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(code: int, err: str, expected: int, where: str) -> None:
    assert code == expected, f"{where}: exit {code}, not {expected}: {err}"
    assert err.startswith("dealroom: error: ") and err.count("\n") == 1, f"{where}: {err!r}"
    assert "Traceback" not in err


@pytest.fixture
def db(one_deal_db: Path) -> Path:
    return one_deal_db


def random_bytes(tmp_path: Path) -> str:
    path = tmp_path / "random.db"
    path.write_bytes(os.urandom(8192))
    return str(path)


def damaged(tmp_path: Path) -> str:
    """A real database whose pages after the first were overwritten."""
    path = tmp_path / "damaged.db"
    with open_seeder(str(path), actor="ana") as s:
        s.people.add_person("ana", "Ana Lima")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)
    path.write_bytes(bytes(data))
    return str(path)


def newer_schema(tmp_path: Path) -> str:
    path = tmp_path / "newer.db"
    open_store(str(path), actor="ana").close()
    set_revision(path, "0099")
    return str(path)


def set_revision(path: Path, revision: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def missing_folder(tmp_path: Path) -> str:
    return str(tmp_path / "nowhere" / "team.db")


def a_folder(tmp_path: Path) -> str:
    return str(tmp_path)


def server_down(tmp_path: Path) -> str:
    return "postgresql://nobody@127.0.0.1:1/none"


def empty_file(tmp_path: Path) -> str:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    return str(path)


BAD: dict[str, Callable[[Path], str]] = {
    "random-bytes": random_bytes,
    "damaged": damaged,
    "newer-schema": newer_schema,
    "missing-folder": missing_folder,
    "a-folder": a_folder,
    "server-down": server_down,
    "empty-file": empty_file,
}


@pytest.mark.parametrize(
    "command", [["upgrade"], ["list"], ["show", "T-1"], ["person", "add", "wei", "Wei"]]
)
@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_database_that_cannot_be_used_is_one_line_and_exit_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, command: list[str]
) -> None:
    location = BAD[kind](tmp_path)
    before = Path(location).read_bytes() if Path(location).is_file() else None
    code, _, err = run(capsys, "--db", location, *command)
    one_line(code, err, EXIT_UNAVAILABLE, f"{kind}, {command[0]}")
    if before is not None:
        assert Path(location).read_bytes() == before  # nothing written, nothing re-created


def test_an_empty_database_file_is_refused_and_left_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = empty_file(tmp_path)
    code, _, err = run(capsys, "--db", location, "list")
    one_line(code, err, EXIT_UNAVAILABLE, "an empty file")
    assert "is empty (0 bytes)" in err and "dealroom demo" in err
    assert Path(location).stat().st_size == 0
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made in (["empty.db"], ["empty.db", "empty.db-lock"])  # the turn's lock file
    # a new database, on purpose: the demo fills the empty file
    code, _, err = run(capsys, "--db", location, "demo", "--deals", "2")
    assert code == 0, err
    assert run(capsys, "--db", location, "list")[0] == 0


def test_a_file_of_someone_elses_tables_is_not_made_a_dealroom_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "photos.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE album (id INTEGER PRIMARY KEY, title TEXT)")
    code, _, err = run(capsys, "--db", str(path), "list")
    one_line(code, err, EXIT_UNAVAILABLE, "a foreign database")
    assert "not made by dealroom" in err
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["album"]


def test_upgrade_of_a_database_we_may_not_write_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    open_store(str(path), actor="ana").close()
    set_revision(path, "0004")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if mode & os.W_OK else real_access(p, mode)
    )
    code, _, err = run(capsys, "--db", str(path), "upgrade")
    one_line(code, err, EXIT_UNAVAILABLE, "read-only upgrade")
    assert "cannot upgrade" in err and "not writable for you" in err


def test_a_database_we_may_not_read_is_exit_4(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if mode & os.R_OK else real_access(p, mode)
    )
    code, _, err = run(capsys, "--db", str(db), "list")
    one_line(code, err, EXIT_UNAVAILABLE, "unreadable")
    assert "you may not read the database" in err


def test_a_full_disk_is_one_line_and_exit_4_and_writes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite says "database or disk is full" when it may not grow the file: here, by a
    page limit on every connection the command opens."""
    real = engine_module.make_engine

    def no_room(url: str, *, read_only: bool = False) -> Engine:
        engine = real(url, read_only=read_only)

        @event.listens_for(engine, "connect")
        def _limit(dbapi_conn: Any, _record: object) -> None:
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

        return engine

    monkeypatch.setattr(engine_module, "make_engine", no_room)
    before = db.read_bytes()
    code, _, err = run(
        capsys,
        "--db",
        str(db),
        "--as",
        "ana",
        "task",
        "add",
        "T-1",
        "--role",
        "AR",
        "--title",
        "x" * 20_000,
    )
    one_line(code, err, EXIT_UNAVAILABLE, "disk full")
    assert "full" in err
    monkeypatch.undo()
    with open_store(str(db), actor="ana") as s:
        assert s.reads.deal_room("T-1").tasks == []
    assert len(db.read_bytes()) == len(before)


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "T-1", "--all"],
        ["review", "T-1", "--due"],
        ["review", "--due", "--held"],
        ["review", "--due", "-o", "agenda.md"],
        ["review", "T-1", "--on", "fri"],
        ["--demo", "--db", "other.db", "list"],
    ],
)
def test_options_that_do_not_go_together_are_usage_errors(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    if argv[0] != "--demo":
        argv = ["--db", str(db), *argv]
    code, out, err = run(capsys, *argv)
    one_line(code, err, EXIT_USAGE, " ".join(argv))
    assert out == ""


def test_an_unexpected_error_is_one_line_naming_where_the_details_are(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(*_: object, **__: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(listing, "pipeline_table", broken)
    code, _, err = run(capsys, "--db", str(db), "list")
    one_line(code, err, EXIT_REFUSED, "a defect")
    log = tmp_path / "state" / "dealroom" / "errors.log"
    assert f"internal error: ZeroDivisionError: division by zero (the details are in {log}" in err
    assert "Traceback" in log.read_text() and "pipeline_table" not in err


# --- the README's table, walked ---------------------------------------------------------------


def _conflict(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Someone edits the task between the command's read and its write."""
    with open_store(str(db), actor="ana") as s:
        task = s.items.add_task("T-1", Role.AR, "BoQ v2")
    real = items.item_on_deal

    def read_then_edit(*args: Any) -> Any:
        found = real(*args)
        with open_store(str(db), actor="ana") as s:
            s.items.update_task(task.id, TaskUpdate(title="BoQ v3"))
        return found

    monkeypatch.setattr(items, "item_on_deal", read_then_edit)
    return run(capsys, "--db", str(db), "--as", "ana", "task", "done", "T-1", str(task.id))


CASES: dict[
    int, Callable[[Path, pytest.CaptureFixture[str], pytest.MonkeyPatch], tuple[int, str, str]]
] = {
    0: lambda db, capsys, _: run(capsys, "--db", str(db), "list"),
    1: lambda db, capsys, _: run(
        capsys, "--db", str(db), "--as", "ana", "task", "add", "T-1", "--role", "AR", "--title", " "
    ),
    2: lambda db, capsys, _: run(capsys, "--db", str(db), "export", "T-1", "--all"),
    3: _conflict,
    4: lambda db, capsys, _: run(capsys, "--db", str(db.parent / "nowhere" / "x.db"), "list"),
}


def readme_statuses() -> dict[int, str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| status | meaning |") :].split("\n\n")[0]
    return {int(m[1]): m[2] for m in re.finditer(r"^\| (\d) \| (.+?) \|$", table, re.M)}


def test_every_exit_status_the_readme_lists_is_what_a_command_gives(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    statuses = readme_statuses()
    assert sorted(statuses) == sorted(CASES), "the README's table and this test disagree"
    assert (EXIT_REFUSED, EXIT_USAGE, EXIT_CONFLICT, EXIT_UNAVAILABLE) == (1, 2, 3, 4)
    for status in sorted(statuses):
        code, out, err = CASES[status](db, capsys, monkeypatch)
        if status == 0:
            assert code == 0 and err == "" and "T-1" in out
        else:
            one_line(code, err, status, f"status {status} ({statuses[status]})")


def test_since_takes_a_past_day_and_a_negative_offset_without_an_equals_sign(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``log --since -7d`` (the example in its help) and ``--since mon`` find what
    happened; before, ``-7d`` was a usage error and ``mon`` the next Monday: no events."""
    for since in ("-7d", "mon", "today"):
        code, out, err = run(capsys, "--db", str(db), "log", "--since", since)
        assert code == 0, err
        assert "created deal" in out or "added deal" in out or "T-1" in out, (since, out)
    code, _, err = run(capsys, "--db", str(db), "log", "--since", "+3d")
    one_line(code, err, EXIT_REFUSED, "--since +3d")
