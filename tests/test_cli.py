"""The command line: what a user types, what they see, and the exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dealroom.cli import EXIT_UNAVAILABLE, main
from dealroom.store import open_store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "team.db"
    monkeypatch.setenv("DEALROOM_DB", str(path))
    monkeypatch.setenv("DEALROOM_USER", "ana")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_of_every_command_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["--help"],
        ["list", "--help"],
        ["show", "--help"],
        ["demo", "--help"],
        ["deal", "add", "--help"],
        ["deal", "edit", "--help"],
        ["person", "add", "--help"],
        ["log", "--help"],
        ["upgrade", "--help"],
    ):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0, argv
        assert "usage: dealroom" in capsys.readouterr().out


def test_add_deal_then_list_shows_it(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "admin", "add", "ana")[0] == 0  # she keeps the team and the accounts
    assert run(capsys, "person", "add", "ana", "Ana Lima")[0] == 0
    code, out, _ = run(
        capsys,
        "deal",
        "add",
        "acme-5g",
        "--name",
        "5G core",
        "--account",
        "ACME",
        "--tier",
        "S",
        "--amount",
        "1.2m",
        "--close",
        "2027-03-31",
        "--ar",
        "ana",
    )
    assert code == 0
    assert "Created ACME-5G for ACME: 1,200,000 CNY at Lead (10%)" in out
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    [row] = json.loads(out)
    assert row["code"] == "ACME-5G"
    assert row["weighted"] == 120_000
    assert row["close_date"] == "2027-03-31"
    assert row["leads"] == {"AR": "Ana Lima"}
    assert row["pending_gate"] is None  # Opportunity needs no gate


def test_edit_sets_and_clears_probability(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "deal", "add", "X-1", "--name", "n", "--account", "A")
    assert run(capsys, "deal", "edit", "X-1", "--probability", "45%")[0] == 0
    assert json.loads(run(capsys, "list", "--json")[1])[0]["probability"] == 45
    code, out, _ = run(capsys, "deal", "edit", "X-1", "--probability", "auto")
    assert code == 0 and "probability" in out
    assert json.loads(run(capsys, "list", "--json")[1])[0]["probability"] == 10


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "NOPE-1"], "no deal with code 'NOPE-1'"),
        (
            ["deal", "add", "X-2", "--name", "n", "--account", "A", "--close", "someday"],
            "is not a date",
        ),
        (
            ["deal", "add", "X-2", "--name", "n", "--account", "A", "--amount", "-5"],
            "amount must not be negative",
        ),
        (
            ["deal", "add", "X-2", "--name", "n", "--account", "A", "--probability", "140"],
            "probability must be between 0 and 100",
        ),
        (
            ["deal", "add", "X-2", "--name", "n", "--account", "A", "--stage", "bid"],
            "starts as a Lead or an Opportunity",
        ),
        (["deal", "edit", "X-1"], "nothing to change"),
        (["list", "--stage", "nowhere"], "unknown stage 'nowhere'"),
        (
            ["deal", "add", "X-2", "--name", "n", "--account", "A", "--ar", "ghost"],
            "no person 'ghost'",
        ),
    ],
)
def test_errors_are_one_line_and_exit_nonzero(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    run(capsys, "deal", "add", "X-1", "--name", "n", "--account", "A")
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert err.startswith("dealroom: error: ")
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_refused_write_changes_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "deal", "add", "X-1", "--name", "n", "--account", "A")
    before = open_store(str(db), actor="t").reads.events()
    assert run(capsys, "deal", "add", "X-2", "--name", "n", "--account", "B", "--ar", "ghost")[0]
    after = open_store(str(db), actor="t")
    assert after.reads.events() == before
    assert [a.name for a in after.reads.accounts()] == ["A"]  # account B rolled back with the deal


def test_unreachable_database_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", "postgresql://nobody@127.0.0.1:1/none", "list")
    assert code == EXIT_UNAVAILABLE
    assert "cannot reach the database postgresql+psycopg://nobody@127.0.0.1:1/none" in err


def test_missing_folder_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "no" / "such" / "x.db"), "list")
    assert code == EXIT_UNAVAILABLE
    assert "folder" in err and "does not exist" in err


def test_read_only_database_reads_but_refuses_writes_clearly(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teammate without write access: `list` works, a write says why it cannot."""
    run(capsys, "deal", "add", "X-1", "--name", "n", "--account", "A")
    if os.geteuid() == 0:
        # Root may write any file, so take write access away where the store asks for it.
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if mode & os.W_OK else real_access(p, mode)
        )
    else:
        db.chmod(0o444)
        db.parent.chmod(0o555)
    try:
        code, out, _ = run(capsys, "list")
        assert code == 0 and "X-1" in out
        code, _, err = run(capsys, "person", "add", "wei", "Wei")
        assert code == EXIT_UNAVAILABLE
        assert "you may not write the database" in err and "Traceback" not in err
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


def test_demo_fills_an_empty_database_and_refuses_a_full_one(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "demo", "--deals", "12", "--seed", "3")
    assert code == 0 and "Seeded 12 deals" in out
    events = int(out.split(" and ")[-1].split()[0].replace(",", ""))
    code, out, _ = run(capsys, "verify")  # numbered from the first, in time order
    assert code == 0 and out.startswith(f"The log holds: {events:,} events, head #{events} ")
    code, _, err = run(capsys, "demo", "--deals", "12")
    assert code == 1 and "already holds 12 deals" in err


def test_log_lists_changes_with_who(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "deal", "add", "X-1", "--name", "n", "--account", "A")
    run(capsys, "--as", "wei", "deal", "edit", "X-1", "--amount", "300k")
    code, out, _ = run(capsys, "log", "X-1")
    assert code == 0
    lines = out.strip().splitlines()
    assert "ana" in lines[0] and "created deal X-1" in lines[0]
    assert "wei" in lines[-2] and "edited deal X-1 (amount)" in lines[-2]
    assert lines[-1].strip() == "amount: 0 → 300000"  # each change, old → new


def test_list_shows_user_text_literally(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "[bold]x[/] oops [/] \x1b[31mred"
    run(capsys, "deal", "add", "X-1", "--name", hostile, "--account", "A|B")
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert "[bold]x[/] oops [/] ␛[31mred" in out
    assert "\x1b" not in out


def test_command_line_paths_do_not_load_textual(db: Path) -> None:
    probe = (
        "import sys; from dealroom.cli import main; "
        "main(['demo', '--deals', '3']); main(['list']); "
        "from dealroom.store import open_store; "
        "main(['show', open_store(None, actor='t').reads.deal_codes()[0][0]]); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'textual loaded'"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ.copy()
    )
    assert result.returncode == 0, result.stderr


def test_python_m_dealroom_runs(db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dealroom", "list"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "No deals" in result.stdout


def test_demo_and_db_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--demo", "--db", "x.db")
    assert code == 2 and "--demo uses its own database" in err  # usage


def test_a_command_runs_with_fewer_young_collections_and_gives_them_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The thresholds are raised for the command's work only (the app and the caller keep
    theirs); what it saves is measured in bench/, not here."""
    import gc

    from dealroom import cli
    from dealroom.commands import listing

    seen: list[tuple[int, ...]] = []

    def cmd_list(ctx: object, args: object) -> int:
        seen.append(gc.get_threshold())
        return 0

    before = gc.get_threshold()
    monkeypatch.setattr(listing, "cmd_list", cmd_list)
    assert main(["--db", str(tmp_path / "x.db"), "list"]) == 0
    assert seen == [cli.BULK_GC] and gc.get_threshold() == before
