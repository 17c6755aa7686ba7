"""The output policy (``dealroom.textutil``): whatever a member types, in any field, nothing
of it acts on another member's terminal, on the command line or in its JSON; and the
store takes the same text on SQLite and PostgreSQL.

Hypothesis feeds any Unicode, bytes and known-harmful escape sequences (tests/hostile.py)
into every field; the examples are fixed and bounded in CI, and
``DEALROOM_HYPOTHESIS_EXAMPLES=10000`` runs a longer search (README, Development). The
app's raw terminal bytes are checked in tests/test_output_pty.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hostile import HARMFUL, TERMINAL_ACTIVE, examples, hostile_text, inert, seed_hostile
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dealroom.cli import EXIT_REFUSED, main
from dealroom.domain import Role, RuleError
from dealroom.domain.rules import HANDLE_MAX, check_handle
from dealroom.export.escape import md
from dealroom.store import Store, open_store
from dealroom.textutil import json_text, one_line, visible

# --- the policy itself ----------------------------------------------------------------------


@examples(500)
@given(hostile_text)
def test_visible_leaves_nothing_a_terminal_acts_on_and_keeps_every_other_character(
    text: str,
) -> None:
    shown = visible(text)
    inert(shown, "visible")
    assert len(shown) == len(text)  # one for one: styles laid over it stay in place
    for before, after in zip(text, shown, strict=True):
        assert after == before or TERMINAL_ACTIVE.match(before)
    inert(one_line(text), "one_line")
    assert "\n" not in one_line(text) and "\t" not in one_line(text)
    inert(md(text), "md")


@examples(500)
@given(st.dictionaries(st.text(max_size=5), hostile_text, max_size=4))
def test_json_is_exact_for_scripts_and_inert_on_a_terminal(value: dict[str, str]) -> None:
    out = json_text(value)
    inert(out, "json")
    assert json.loads(out) == value


def test_bidi_overrides_show_as_placeholders_everywhere() -> None:
    spoof = "invoice\u202efdp.exe"
    assert visible(spoof) == "invoice\ufffdfdp.exe"
    assert one_line(spoof) == "invoice\ufffdfdp.exe"
    assert "\u202e" not in md(spoof)
    assert json_text(spoof) == '"invoice\\u202efdp.exe"'
    assert json.loads(json_text(spoof)) == spoof


# --- the command line, every field -----------------------------------------------------------


@pytest.fixture
def hostile_db(tmp_path: Path, _sqlite_at_head: Path) -> str:
    path = tmp_path / "hostile.db"
    shutil.copyfile(_sqlite_at_head, path)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


COUNTER = iter(range(10**9))


@examples(15)
@given(hostile_text)
def test_the_command_line_shows_every_field_inert(
    hostile_db: str, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    n = next(COUNTER)
    seeded = seed_hostile(f"sqlite:///{hostile_db}", text, n)
    db = ("--db", hostile_db, "--as", "ana")
    commands = [
        ["list", "--all"],
        ["show", seeded.code],
        ["log"],
        ["log", seeded.code],
        ["person", "list"],
        ["export", seeded.code],
        ["export", "--all", "--today", "2026-11-23"],
        ["standup", "--since", "2026-01-01", "--today", "2026-11-23"],
        ["review", seeded.code],
        ["review", "--due"],
        ["task", "add", seeded.code, "--role", "AR", "--title", text],
        ["deal", "add", f"NEW-{n}", "--name", text, "--account", text],
        ["person", "add", f"q{n}", text, "--email", text],
        ["show", text],
        ["task", "done", text, "1"],
    ]
    for argv in commands:
        code, out, err = run(capsys, *db, *argv)
        where = f"dealroom {argv[0]} (exit {code})"
        inert(out, f"{where}, stdout")
        inert(err, f"{where}, stderr")
        assert "Traceback" not in err, f"{where}: {err}"
        if code != 0:
            assert err.count("\n") == 1 and err.startswith("dealroom: error: "), f"{where}: {err}"
    code, out, err = run(capsys, "--db", hostile_db, "--as", seeded.handle, "list")
    inert(out + err, "dealroom --as HOSTILE list")


@examples(15)
@given(hostile_text)
def test_json_gives_scripts_the_exact_text_and_the_terminal_none_of_its_controls(
    hostile_db: str, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    n = next(COUNTER)
    seeded = seed_hostile(f"sqlite:///{hostile_db}", text, n)
    db = ("--db", hostile_db, "--as", "ana")
    code, out, err = run(capsys, *db, "list", "--all", "--json")
    inert(out, "list --json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows[seeded.code]["name"] == seeded.text
    assert rows[seeded.code]["account"] == f"{seeded.text} {n}"
    code, out, err = run(
        capsys, *db, "task", "add", seeded.code, "--role", "SR", "--title", text, "--json"
    )
    inert(out, "task add --json")
    inert(err, "task add --json, stderr")
    body = json.loads(out)
    if code == 0:
        assert body["item"]["title"] == text.strip()
    else:
        assert body["ok"] is False and err.startswith("dealroom: error: ")


def test_an_escape_sequence_in_a_handle_never_reaches_the_terminal(
    hostile_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack that was seen: a member acting as an OSC 52 "handle"; and a handle that
    an older version stored, shown by ``show``, ``log`` and ``person list``."""
    osc = HARMFUL[0]
    code, out, err = run(capsys, "--db", hostile_db, "--as", f"x{osc}", "list")
    assert code == EXIT_REFUSED
    assert err == (
        "dealroom: error: the acting user's handle (--as, DEALROOM_USER) is printable "
        "characters only (no control characters)\n"
    )
    seeded = seed_hostile(f"sqlite:///{hostile_db}", f"Ana{osc}Lima", 0)
    for argv in (["show", seeded.code], ["log"], ["person", "list"]):
        code, out, err = run(capsys, "--db", hostile_db, "--as", "ana", *argv)
        assert code == 0, err
        assert "\x1b" not in out and "\u241b]52;c;aGFja2VkCg==" in out, argv
    code, out, err = run(capsys, "--db", hostile_db, "--as", "ana", "export", seeded.code)
    assert "\x1b" not in out and "Ana\u241b\\]52;c;aGFja2VkCg==" in out  # ] escaped


def test_markdown_keeps_structure_with_a_hostile_handle(
    hostile_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = seed_hostile(f"sqlite:///{hostile_db}", "| # [x](y) <b>\x1b[2J", 0)
    code, out, _ = run(capsys, "--db", hostile_db, "--as", "ana", "export", seeded.code)
    assert code == 0
    tokens = MarkdownIt("gfm-like").parse(out)
    assert not [t for t in tokens if t.type in ("html_block", "html_inline", "link_open")]


# --- the same text on both back-ends ---------------------------------------------------------


def test_a_handle_is_one_printable_word_of_at_most_64_characters() -> None:
    assert check_handle(" wei ") == "wei"
    assert check_handle("李娜") == "李娜"
    for bad, why in (
        ("", "must not be empty"),
        ("a" * (HANDLE_MAX + 1), "a handle is at most 64 characters"),
        ("a b", "one word"),
        ("a\x1b]0;x\x07", "printable characters only"),
        ("a\u202eb", "printable characters only"),
    ):
        with pytest.raises(RuleError, match=why):
            check_handle(bad)


def test_limits_are_the_same_on_sqlite_and_postgresql(store: Store) -> None:
    """An actor over 64 characters, an e-mail over 200, a NUL in a title, a lone
    surrogate: refused with one clear line on both back-ends, and nothing is written."""
    with pytest.raises(
        RuleError,
        match=r"the acting user's handle \(--as, DEALROOM_USER\) is at most 64 characters",
    ):
        open_store(store.database.url, actor="a" * 65)
    with pytest.raises(RuleError, match="e-mail is longer than 200 characters"):
        store.people.add_person("wei", "Wei", "w" * 201)
    store.people.add_person("wei", "Wei", "w" * 200)
    store.deals.create_deal("T-1", "Deal", "Acme", leads={Role.AR: "wei"})
    with pytest.raises(RuleError, match="title must not contain a NUL character"):
        store.items.add_task("T-1", Role.AR, "a\x00b")
    with pytest.raises(RuleError, match="title holds bytes that are not text"):
        store.items.add_task("T-1", Role.AR, "a\udcffb")
    with pytest.raises(RuleError, match="name is longer than 200 characters"):
        store.people.add_person("li", "x" * 201)
    assert store.reads.deal_room("T-1").tasks == []
    assert [p.handle for p in store.reads.people()] == ["wei"]


def test_an_argument_that_is_not_utf8_is_refused_naming_it(
    hostile_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python hands an undecodable argument over as lone surrogates; every command
    refuses it in one line that names it, before touching the database."""
    bad = b"BoQ \xff\xfe".decode("utf-8", "surrogateescape")
    db = ("--db", hostile_db, "--as", "ana")
    code, out, err = run(capsys, *db, "task", "add", "X-1", "--role", "AR", "--title", bad)
    assert (code, out) == (EXIT_REFUSED, "")
    assert err == "dealroom: error: the value of --title is not UTF-8 text: 'BoQ \\xff\\xfe'\n"
    code, out, err = run(capsys, *db, "show", bad, "--json")
    assert code == EXIT_REFUSED
    assert err == "dealroom: error: argument 6 is not UTF-8 text: 'BoQ \\xff\\xfe'\n"
    assert json.loads(out) == {
        "ok": False,
        "error": "argument 6 is not UTF-8 text: 'BoQ \\xff\\xfe'",
        "kind": "refused",
    }
    monkeypatch.setenv("DEALROOM_USER", "\udcff")
    code, _, err = run(capsys, "--db", hostile_db, "list")
    assert (code, err) == (
        EXIT_REFUSED,
        "dealroom: error: DEALROOM_USER is not UTF-8 text: '\\xff'\n",
    )


def test_the_app_refuses_a_handle_with_controls_before_it_takes_the_terminal(
    hostile_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", hostile_db, "--as", "ana\x1b]0;x\x07")
    assert (code, out) == (EXIT_REFUSED, "")
    assert err == (
        "dealroom: error: the acting user's handle (--as, DEALROOM_USER) is printable "
        "characters only (no control characters)\n"
    )
