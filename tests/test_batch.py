"""`dealroom batch`: one JSON line per command, run in one process with the same exit
statuses, output and events as the commands run one by one.

The parity test runs the same lines through `dealroom batch` on one database and as
separate `dealroom` commands (:func:`dealroom.cli.main`) on its twin, made the same way.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import conftest
import pytest
from seeding import open_seeder

from dealroom import store as store_package
from dealroom.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from dealroom.store import Store, open_store

Batch = Callable[..., tuple[int, list[dict[str, Any]], str]]
#: A moment as the output shows it: the batch's and its twin's differ.
WHEN = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(\+00:00|Z)?")


def seed_team(url: str) -> None:
    """The ``team`` fixture's people and deal (ACME-5G with its AR/SR/FR and sponsor)."""
    with open_seeder(url) as store:
        conftest.seed_team(store)


@pytest.fixture
def acting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALROOM_USER", "wei")


@pytest.fixture
def batch(
    acting: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Batch:
    """``batch(url, *lines, options=[...])`` -> (exit status, the answers, stderr) of
    ``dealroom --db URL batch`` with those lines (str, or bytes as they are) on stdin."""

    def run(url: str, *lines: str | bytes, options: tuple[str, ...] = ()) -> Any:
        data = b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        code = main(["--db", url, "batch", *options])
        out, err = capsys.readouterr()
        return code, [json.loads(line) for line in out.splitlines()], err

    return run


def single(argv: list[str], url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit status and standard output of ``dealroom --db URL *argv``."""
    try:
        code = main(["--db", url, *argv])
    except SystemExit as stop:  # argparse's usage errors
        code = stop.code if isinstance(stop.code, int) else EXIT_REFUSED
    return code, capsys.readouterr().out


def events(url: str) -> list[tuple[str, str, str, str]]:
    with open_store(url, actor="ana") as store:
        return [(e.actor, e.entity, e.action, e.summary) for e in store.reads.events()]


#: Lines that each end differently: a write, a repeat that changes nothing, a rule's
#: refusal, unknown deals and items, usage errors, --json either way, text that is not text.
LINES: list[list[str]] = [
    ["task", "add", "ACME-5G", "--role", "SR", "--title", "BoQ v2", "--due", "2026-12-01"],
    ["task", "add", "acme-5g", "--role", "SR", "--title", "Price it", "--json"],
    ["task", "done", "ACME-5G", "1"],
    ["task", "done", "ACME-5G", "1", "--json"],  # already done: exit 0, nothing written
    ["stage", "ACME-5G", "next"],  # ATI is not approved: a rule refuses it
    ["stage", "ACME-5G", "next", "--json"],
    ["task", "add", "NOPE-1", "--role", "SR", "--title", "Lost"],  # no such deal
    ["task", "done", "ACME-5G", "99", "--json"],  # no such task
    ["task", "add", "ACME-5G", "--role", "SR"],  # --title is required (argparse)
    ["gate", "ACME-5G", "ATB", "maybe"],  # not a decision (argparse)
    ["handoff", "send", "ACME-5G", "1", "--title", "x"],  # options that do not go together
    ["task", "add", "ACME-5G", "--role", "XX", "--title", "Who?"],  # not a role
    ["task", "add", "ACME-5G", "--role", "SR", "--title", "bad \udcff"],  # not UTF-8 text
    ["risk", "add", "ACME-5G", "--role", "FR", "--title", "Site power", "--impact", "5"],
    ["list", "--json"],
    ["log", "ACME-5G", "--limit", "2"],
]


def test_each_line_exits_and_prints_as_the_command_would_and_logs_the_same_events(
    tmp_path: Path, batch: Batch, capsys: pytest.CaptureFixture[str]
) -> None:
    one, twin = (f"sqlite:///{tmp_path / name}" for name in ("batch.db", "single.db"))
    seed_team(one)
    seed_team(twin)
    before = len(events(one))
    assert before == len(events(twin))

    lines = [json.dumps(argv) for argv in LINES]
    lines.insert(3, "")  # skipped
    lines.insert(7, "not json")
    code, answers, _err = batch(one, *lines)

    separately = [single(argv, twin, capsys) for argv in LINES]
    got = [(a["exit"], WHEN.sub("<when>", a["output"])) for a in answers if a["line"] != 8]
    assert got == [(c, WHEN.sub("<when>", out)) for c, out in separately]
    assert [a["line"] for a in answers] == [1, 2, 3, 5, 6, 7, 8, *range(9, 19)]
    assert answers[6] == {
        "line": 8,
        "id": None,
        "exit": EXIT_USAGE,
        "output": "",
        "error": {"kind": "usage", "message": "the line is not JSON: Expecting value at column 1"},
    }
    statuses = {c for c, _out in separately}
    assert statuses == {EXIT_OK, EXIT_REFUSED, EXIT_USAGE}
    assert code == next(c for c, _out in separately if c != EXIT_OK)  # the first that failed

    written = events(one)[before:]
    assert written == events(twin)[before:]
    assert len(written) == 4  # two tasks, one marked done, one risk: one event each
    assert {who for who, *_rest in written} == {"wei"}


def test_an_error_answer_says_its_kind_and_message_as_json_does(
    tmp_path: Path, batch: Batch
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    seed_team(url)
    line = {"argv": ["stage", "ACME-5G", "next", "--json"], "id": {"chat": 7}}
    code, [answer], err = batch(url, json.dumps(line))
    assert code == EXIT_REFUSED
    said = json.loads(answer["output"])
    assert answer["id"] == {"chat": 7}
    assert answer["error"] == {"kind": said["kind"], "message": said["error"]}
    assert said["kind"] == "refused" and "moved between stages" in said["error"]
    assert err == f"dealroom: error: {said['error']}\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('["--db", "other.db", "list"]', "--db is the batch's, not a line's"),
        ('["--as", "boss", "stage", "ACME-5G", "next"]', "--as is the batch's"),
        ('["--demo", "list"]', "--demo is the batch's"),
        ('["--lang", "zh_CN", "list"]', "--lang is the batch's"),
        ('["--dem", "list"]', "--demo is the batch's"),  # argparse's abbreviation
        ("[]", "the app does not open in a batch"),
        ('["upgrade"]', "dealroom upgrade does not run in a batch"),
        ('["batch"]', "dealroom batch does not run in a batch"),
        ('["import", "deals", "x.csv", "--apply"]', "dealroom import does not run"),
        ('["backup", "copy.db"]', "dealroom backup does not run"),
        ('["demo"]', "dealroom demo does not run"),
        ('["init", "--shared", "/tmp/x", "--group", "g"]', "dealroom init does not run"),
        ('{"args": ["list"]}', "a line is a JSON array of strings"),
        ('["task", "done", "ACME-5G", 1]', "a line is a JSON array of strings"),
        ('"list"', "a line is a JSON array of strings"),
        (b'["task", "add", "ACME-5G", "--title", "\xff"]', "the line is not UTF-8 text"),
    ],
)
def test_a_line_may_not_choose_the_database_or_run_what_is_not_one_command(
    tmp_path: Path, batch: Batch, line: str | bytes, message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    seed_team(url)
    before = len(events(url))
    ok = '["task", "add", "ACME-5G", "--role", "SR", "--title", "after"]'
    code, answers, err = batch(url, line, ok)
    assert code == EXIT_USAGE
    assert [a["exit"] for a in answers] == [EXIT_USAGE, EXIT_OK]  # the batch goes on
    assert answers[0]["error"]["kind"] == "usage"
    assert message in answers[0]["error"]["message"]
    assert message in err
    assert len(events(url)) == before + 1
    assert not (tmp_path / "other.db").exists()


def test_stop_on_error_runs_nothing_after_the_first_failure(tmp_path: Path, batch: Batch) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    seed_team(url)
    lines = [
        '["task", "add", "ACME-5G", "--role", "SR", "--title", "one"]',
        '["task", "add", "NOPE-1", "--role", "SR", "--title", "two"]',
        '["task", "add", "ACME-5G", "--role", "SR", "--title", "three"]',
    ]
    code, answers, _err = batch(url, *lines, options=("--stop-on-error",))
    assert code == EXIT_REFUSED
    assert [(a["line"], a["exit"]) for a in answers] == [(1, 0), (2, EXIT_REFUSED)]
    assert answers[1]["error"]["kind"] == "not_found"
    code, answers, _err = batch(url, *lines)
    assert code == EXIT_REFUSED and [a["exit"] for a in answers] == [0, 1, 0]


def test_user_text_comes_back_as_exact_json(tmp_path: Path, batch: Batch) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    seed_team(url)
    title = "报价 \u202e\x1b[31m"  # Chinese, a bidirectional override, an escape
    line = json.dumps(["task", "add", "ACME-5G", "--role", "SR", "--title", title, "--json"])
    code, [answer], _err = batch(url, line)
    assert code == EXIT_OK
    assert json.loads(answer["output"])["item"]["title"] == title


def test_the_database_is_opened_once_for_the_whole_batch(
    tmp_path: Path, batch: Batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    seed_team(url)
    opened: list[Store] = []
    real = store_package.open_store

    def counted(*args: Any, **kwargs: Any) -> Store:
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(store_package, "open_store", counted)
    line = '["task", "add", "ACME-5G", "--role", "SR", "--title", "again"]'
    code, answers, _err = batch(url, *[line] * 5, '["show", "ACME-5G"]')
    assert code == EXIT_OK and len(answers) == 6
    assert len(opened) == 1
    assert answers[-1]["output"].count("again") == 5


def test_a_database_that_cannot_be_opened_ends_the_batch_with_one_json_error(
    tmp_path: Path, batch: Batch
) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    code, [answer], err = batch(f"sqlite:///{empty}", '["list"]')
    assert code == 4
    assert answer["ok"] is False and answer["kind"] == "unavailable"
    assert "empty" in err


@pytest.fixture
def team_batch(team: Store, db_url: str, batch: Batch) -> Iterator[Callable[..., Any]]:
    """A batch on the ``team`` fixture's database (SQLite, and PostgreSQL when configured)."""
    yield lambda *lines: batch(db_url, *lines)


def test_every_written_line_is_one_event_on_either_database(
    team: Store, team_batch: Callable[..., Any]
) -> None:
    before = team.reads.last_event_id()
    lines = [
        json.dumps(["task", "add", "ACME-5G", "--role", "SR", "--title", f"call {n}"])
        for n in range(3)
    ]
    lines.insert(1, '["stage", "ACME-5G", "next"]')  # refused: changes nothing
    code, answers, _err = team_batch(*lines)
    assert code == EXIT_REFUSED
    assert [a["exit"] for a in answers] == [0, 1, 0, 0]
    new = [e for e in team.reads.events(code="ACME-5G") if e.id > before]
    assert [(e.actor, e.entity, e.action) for e in new] == [("wei", "task", "create")] * 3
