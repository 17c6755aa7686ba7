"""Files written safely: ``-o`` on ``export``, ``standup`` and ``review``, ``backup``, and
the app's ``m`` saves never overwrite the database (in any spelling), an existing file
without ``--force``, or anything through a symbolic link; a refused or failed write leaves
everything as it was and no temporary file behind."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from dealroom.cli import EXIT_REFUSED, main
from dealroom.files import FileRefused, database_files, save_new, write_file

REPORTS: dict[str, list[str]] = {
    "export": ["export", "--all"],
    "standup": ["standup"],
    "review": ["review", "T-1"],
}


@pytest.fixture
def db(one_deal_db: Path) -> Path:
    return one_deal_db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def folder_state(folder: Path) -> dict[str, bytes | str]:
    """Every entry of ``folder``: a file's bytes, a link's target."""
    state: dict[str, bytes | str] = {}
    for p in folder.iterdir():
        if p.is_symlink():
            state[p.name] = f"-> {os.readlink(p)}"
        elif p.is_file():
            state[p.name] = p.read_bytes()
    return state


def refused(capsys: pytest.CaptureFixture[str], db: Path, argv: list[str], why: str) -> None:
    """The command exits 1 with one line saying ``why``, and nothing in the database's
    folder (the database included) changed, no temporary file left."""
    before = folder_state(db.parent)
    code, out, err = run(capsys, "--db", str(db), "--as", "ana", *argv)
    assert code == EXIT_REFUSED, (argv, out, err)
    assert err.startswith("dealroom: error: ") and err.count("\n") == 1, err
    assert why in err and "Traceback" not in err, err
    assert folder_state(db.parent) == before


@pytest.mark.parametrize("report", sorted(REPORTS))
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-lock", "-journal"])
def test_o_refuses_the_database_and_its_files(
    db: Path, capsys: pytest.CaptureFixture[str], report: str, suffix: str
) -> None:
    target = Path(f"{db}{suffix}")
    refused(capsys, db, [*REPORTS[report], "-o", str(target)], "is the database itself")
    refused(capsys, db, [*REPORTS[report], "-o", str(target), "--force"], "is the database itself")
    assert run(capsys, "--db", str(db), "list")[0] == 0  # the database is still one


@pytest.mark.parametrize("spelling", ["relative", "dotdot", "symlink", "hardlink"])
def test_o_refuses_the_database_in_any_spelling(
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    spelling: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    names = {
        "relative": Path(db.name),
        "dotdot": tmp_path / ".." / tmp_path.name / db.name,
        "symlink": tmp_path / "link.md",
        "hardlink": tmp_path / "hard.md",
    }
    if spelling == "symlink":
        names[spelling].symlink_to(db)
    if spelling == "hardlink":
        os.link(db, names[spelling])
    argv = ["export", "--all", "-o", str(names[spelling]), "--force"]
    refused(capsys, db, argv, "is the database itself")


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_o_refuses_an_existing_file_without_force_and_replaces_it_with(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], report: str
) -> None:
    target = tmp_path / "status.md"
    target.write_text("yesterday's report")
    refused(capsys, db, [*REPORTS[report], "-o", str(target)], "exists: give --force")
    assert target.read_text() == "yesterday's report"
    code, _, err = run(capsys, "--db", str(db), *REPORTS[report], "-o", str(target), "--force")
    assert code == 0, err
    assert target.read_text() != "yesterday's report" and target.read_text().startswith("#")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("dangling", [False, True], ids=["to-a-file", "dangling"])
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_o_never_writes_through_a_symbolic_link(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], dangling: bool, force: bool
) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("keep me")
    link = tmp_path / "report.md"
    link.symlink_to(victim)
    argv = ["export", "--all", "-o", str(link), *(["--force"] if force else [])]
    refused(capsys, db, argv, "is a symbolic link")
    assert victim.exists() is not dangling
    if not dangling:
        assert victim.read_text() == "keep me"


def test_o_names_a_folder_that_is_a_file_a_missing_folder_and_a_folder(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("a file")
    refused(
        capsys,
        db,
        ["export", "--all", "-o", str(plain / "x.md")],
        f"{plain} is a file, not a folder",
    )
    refused(
        capsys, db, ["export", "--all", "-o", str(plain / "deeper" / "x.md")],
        f"{plain} is a file, not a folder",
    )  # fmt: skip
    missing = tmp_path / "nowhere"
    refused(
        capsys,
        db,
        ["export", "--all", "-o", str(missing / "x.md")],
        f"folder {missing} does not exist",
    )
    refused(capsys, db, ["export", "--all", "-o", str(tmp_path)], "is a folder: name the file")


def test_o_dash_still_writes_standard_output(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(db), "export", "T-1", "-o", "-")
    assert code == 0 and out.startswith("## T-1")


# --- backup ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dangling", [False, True], ids=["to-a-file", "dangling"])
def test_backup_force_onto_a_symbolic_link_leaves_its_target_alone(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], dangling: bool
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    victim = out_dir / "victim.db"
    if not dangling:
        victim.write_bytes(b"someone else's file")
    link = out_dir / "nightly.db"
    link.symlink_to(victim)
    code, _, err = run(capsys, "--db", str(db), "backup", str(link), "--force")
    assert code == EXIT_REFUSED and "is a symbolic link" in err and err.count("\n") == 1
    assert victim.exists() is not dangling
    if not dangling:
        assert victim.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "nightly.db",
        *([] if dangling else ["victim.db"]),
    ]


# --- the module, and the app's saves ---------------------------------------------------------


def test_save_new_never_overwrites_and_numbers_the_next_copy(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    first = save_new(folder, "ACME-2026-12-03.md", "one")
    second = save_new(folder, "ACME-2026-12-03.md", "two")
    (folder / "ACME-2026-12-03-3.md").symlink_to(tmp_path / "elsewhere.md")
    third = save_new(folder, "ACME-2026-12-03.md", "three")
    assert [first.name, second.name, third.name] == [
        "ACME-2026-12-03.md",
        "ACME-2026-12-03-2.md",
        "ACME-2026-12-03-4.md",
    ]
    assert [p.read_text() for p in (first, second, third)] == ["one", "two", "three"]
    assert not (tmp_path / "elsewhere.md").exists()
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_save_new_skips_the_database_and_names_a_folder_that_is_a_file(
    db: Path, tmp_path: Path
) -> None:
    before = db.read_bytes()
    saved = save_new(db.parent, db.name, "report", protect=database_files(db))
    assert saved.name == "team-2.db" and db.read_bytes() == before
    plain = tmp_path / "exports"
    plain.write_text("a file")
    with pytest.raises(FileRefused, match=f"{plain} is a file, not a folder"):
        save_new(plain, "x.md", "text")


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    replace: Callable[..., None] = full
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="No space left"):
        write_file(target, "new", force=True)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
