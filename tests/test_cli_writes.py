"""Scriptable writes: `dealroom task|risk|handoff|stage|gate`, their output and exit codes.

They run against the ``team`` fixture's database (SQLite, and PostgreSQL when configured),
acting as ``wei``; the fixture's own store reads back what the commands did.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from dealroom import cli
from dealroom.cli import EXIT_CONFLICT, EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_USAGE, main
from dealroom.commands import items
from dealroom.domain import GateDecision, HandoffState, RiskStatus, Role, Stage, TaskStatus
from dealroom.store import Store
from dealroom.store.inputs import TaskUpdate

Run = Callable[..., tuple[int, str, str]]
sh = shlex.split


@pytest.fixture
def run(
    team: Store, db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """``run(*argv)`` -> (exit status, stdout, stderr) of ``dealroom --db URL *argv``."""
    monkeypatch.setenv("DEALROOM_USER", "wei")

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def one_json(out: str) -> dict[str, Any]:
    [line] = out.splitlines()
    body: dict[str, Any] = json.loads(line)
    return body


def test_task_add_prints_the_id_show_prints_and_logs_who(run: Run, team: Store) -> None:
    new_task = "task add acme-5g --role sr --title 'BoQ v2' --owner wei --due 2026-11-27"
    code, out, err = run(*sh(new_task), "--note", "from the bot")
    assert code == 0, err
    [task] = team.reads.deal_room("ACME-5G").tasks
    assert out == f'added SR task #{task.id} "BoQ v2" to ACME-5G, owner Wei Zhang, due 2026-11-27\n'
    assert (task.owner, str(task.due), task.note, task.stage) == (
        "wei",
        "2026-11-27",
        "from the bot",
        Stage.LEAD,
    )
    assert team.reads.events(code="ACME-5G")[-1].actor == "wei"
    assert f"#{task.id} BoQ v2" in run("show", "ACME-5G")[1]


def test_json_output_is_one_object_with_the_item(run: Run, team: Store) -> None:
    code, out, _ = run(
        *sh("risk add ACME-5G --role FR --title 'Site power' --probability 4 --impact 5 --json")
    )
    assert code == 0
    body = one_json(out)
    [risk] = team.reads.deal_room("ACME-5G").risks
    assert body["ok"] is True and body["changed"] is True
    assert (body["action"], body["entity"], body["deal"], body["id"]) == (
        "add",
        "risk",
        "ACME-5G",
        risk.id,
    )
    assert body["item"]["likelihood"] == risk.likelihood == 4
    assert body["item"]["exposure"] == risk.exposure == 20
    assert body["item"]["created_at"] == risk.created_at.isoformat()


@pytest.mark.parametrize("verb", list(items.TASK_VERBS))
def test_task_status_verbs_set_the_status_once(run: Run, team: Store, verb: str) -> None:
    start = TaskStatus.DOING if verb == "reopen" else TaskStatus.TODO
    task = team.items.add_task("ACME-5G", Role.SR, "Price it", status=start)
    code, out, _ = run("task", verb, "ACME-5G", str(task.id))
    want = items.TASK_VERBS[verb]
    assert code == 0 and out.startswith(f'marked SR task #{task.id} "Price it"')
    assert team.reads.task(task.id).status is want
    logged = team.reads.last_event_id()
    code, out, _ = run("task", verb, "ACME-5G", str(task.id), "--json")
    assert code == 0 and one_json(out)["changed"] is False
    assert f"already {want}" in one_json(out)["message"]
    assert team.reads.last_event_id() == logged  # repeating it (cron) writes nothing


def test_risk_escalate_then_close(run: Run, team: Store) -> None:
    risk = team.items.add_risk("ACME-5G", Role.AR, "Budget cut", likelihood=5, impact=4)
    code, out, _ = run("risk", "escalate", "ACME-5G", str(risk.id))
    assert code == 0 and "to the sponsor" in out
    assert team.reads.risk(risk.id).escalated
    assert (
        one_json(run("risk", "escalate", "ACME-5G", str(risk.id), "--json")[1])["changed"] is False
    )
    assert run("risk", "close", "ACME-5G", str(risk.id))[0] == 0
    assert team.reads.risk(risk.id).status is RiskStatus.CLOSED


def test_handoff_round_trip(run: Run, team: Store) -> None:
    new_handoff = "handoff send ACME-5G --from SR --to FR --title 'BoQ and assumptions'"
    code, out, _ = run(*sh(new_handoff), "--due", "2026-12-01", "--json")
    assert code == 0
    hid = one_json(out)["id"]
    assert team.reads.handoff(hid).state is HandoffState.SENT
    code, _, err = run("handoff", "accept", "ACME-5G", str(hid))  # wei sent it
    assert code == EXIT_REFUSED
    assert "a handoff to FR on ACME-5G is accepted by its FR lead, 李娜 or its sponsor" in err
    reject = ("handoff", "reject", "ACME-5G", str(hid), "--reason", "no site list")
    code, out, _ = run("--as", "li", *reject)
    assert code == 0 and out.rstrip().endswith(": no site list")
    assert team.reads.handoff(hid).reason == "no site list"
    assert run("handoff", "send", "ACME-5G", str(hid))[0] == 0  # sent again
    assert run("--as", "li", "handoff", "accept", "ACME-5G", str(hid))[0] == 0
    assert team.reads.handoff(hid).state is HandoffState.ACCEPTED
    code, _, err = run("handoff", "withdraw", "ACME-5G", str(hid))
    assert code == EXIT_REFUSED and "cannot withdraw a handoff that is accepted" in err


def test_handoff_draft_then_send_it_by_id(run: Run, team: Store) -> None:
    code, out, _ = run(
        *sh("handoff draft ACME-5G --from AR --to SR --title 'Decision criteria' --json")
    )
    hid = one_json(out)["id"]
    assert code == 0 and team.reads.handoff(hid).state is HandoffState.DRAFTED
    assert run("handoff", "send", "ACME-5G", str(hid))[0] == 0
    assert team.reads.handoff(hid).state is HandoffState.SENT


def test_stage_needs_its_gate_then_moves(run: Run, team: Store) -> None:
    team.deals.move_stage("ACME-5G", Stage.OPPORTUNITY)
    code, out, err = run("--as", "boss", "stage", "ACME-5G", "next", "--json")
    assert code == EXIT_REFUSED
    assert "gate ATI (Approve To Initiate) is not approved yet" in err
    assert one_json(out) == {"ok": False, "error": err.strip()[17:], "kind": "refused"}
    assert team.reads.deal("ACME-5G").stage is Stage.OPPORTUNITY
    code, out, _ = run(
        "--as", "boss", "gate", "ACME-5G", "ati", "APPROVE", "--note", "board said yes"
    )
    assert code == 0 and out == "approved ATI (Approve To Initiate) for ACME-5G: board said yes\n"
    [gate] = team.reads.deal_room("ACME-5G").gates
    assert (gate.decision, gate.decided_by, gate.note) == (
        GateDecision.APPROVED,
        "boss",  # the sponsor decides
        "board said yes",
    )
    code, out, _ = run("--as", "boss", "stage", "ACME-5G", "next", "--json")
    assert code == 0 and one_json(out)["item"]["probability"] == 30
    assert team.reads.deal("ACME-5G").stage is Stage.PRE_BID
    assert run("--as", "boss", "stage", "ACME-5G", "bid")[0] == EXIT_REFUSED  # ATB not approved
    code, _, err = run("--as", "boss", "stage", "ACME-5G", "prev")
    assert code == EXIT_REFUSED
    assert "moving back from Pre-bid shaping to Opportunity needs a reason" in err
    assert team.reads.deal("ACME-5G").stage is Stage.PRE_BID
    code, out, _ = run("--as", "boss", "stage", "ACME-5G", "prev", "--reason", "tender postponed")
    assert code == 0 and out.startswith("moved back ACME-5G from Pre-bid shaping to Opportunity")
    [back] = team.reads.deal_room("ACME-5G").moves_back
    assert (back.reason, back.actor) == ("tender postponed", "boss")


@pytest.fixture
def other_deal_task(team: Store) -> int:
    team.deals.create_deal("BETA-1", "Other deal", "Beta Corp", leads={Role.AR: "ana"})
    return team.items.add_task("BETA-1", Role.SR, "Not yours").id


NEW_TASK = ["task", "add", "ACME-5G", "--role", "SR", "--title", "x"]
NEW_RISK = ["risk", "add", "ACME-5G", "--role", "SR", "--title", "x"]
NEW_HANDOFF = ["handoff", "send", "ACME-5G", "--title", "x"]


@pytest.mark.parametrize(
    ("argv", "status", "kind", "message"),
    [
        (["task", "done", "ACME-5G", "{other}"], 1, "not_found", "is not on ACME-5G"),
        (["task", "done", "ACME-5G", "99999"], 1, "not_found", "no task #99999"),
        (["task", "done", "NOPE-1", "1"], 1, "not_found", "no deal with code 'NOPE-1'"),
        ([*NEW_TASK, "--role", "boss"], 1, "refused", "unknown role 'boss'"),
        ([*NEW_TASK, "--title", " "], 1, "refused", "title must not be empty"),
        ([*NEW_TASK, "--due", "someday"], 1, "refused", "is not a date"),
        ([*NEW_TASK, "--owner", "ghost"], 1, "not_found", "no person 'ghost'"),
        ([*NEW_RISK, "--impact", "6"], 1, "refused", "impact must be between 1 and 5"),
        ([*NEW_HANDOFF, "--from", "SR", "--to", "SR"], 1, "refused", "another role"),
        ([*NEW_HANDOFF, "--from", "SR"], 2, "usage", "needs --from, --to"),
        (["handoff", "send", "ACME-5G", "1", "--title", "x"], 2, "usage", "not both"),
        (["gate", "ACME-5G", "ATX", "approve"], 1, "refused", "unknown gate 'ATX'"),
        (["stage", "ACME-5G", "prev"], 1, "refused", "Lead is the first stage"),
    ],
)
def test_refusals_are_one_line_change_nothing_and_say_their_kind(
    run: Run,
    team: Store,
    other_deal_task: int,
    argv: list[str],
    status: int,
    kind: str,
    message: str,
) -> None:
    argv = [a.replace("{other}", str(other_deal_task)) for a in argv]
    before = team.reads.last_event_id()
    code, out, err = run(*argv, "--json")
    assert code == status
    assert err.startswith("dealroom: error: ") and err.count("\n") == 1 and message in err
    assert one_json(out) == {"ok": False, "error": err[17:].rstrip("\n"), "kind": kind}
    assert team.reads.last_event_id() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["handoff", "reject", "ACME-5G", "1"],  # --reason is required
        ["gate", "ACME-5G", "ATB", "maybe"],
        ["task", "done", "ACME-5G", "one"],
        ["task", "finish", "ACME-5G", "1"],
    ],
)
def test_usage_errors_exit_2(run: Run, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        run(*argv)
    assert stop.value.code == EXIT_USAGE


def test_an_item_changed_meanwhile_is_a_conflict(
    run: Run, team: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone edits the task between the command's read and its write: exit 3, no write."""
    task = team.items.add_task("ACME-5G", Role.SR, "BoQ v2")
    real = items.item_on_deal

    def read_then_ana_edits(*args: Any) -> tuple[Any, str]:
        found = real(*args)
        team.items.update_task(task.id, TaskUpdate(title="BoQ v3"))
        return found

    monkeypatch.setattr(items, "item_on_deal", read_then_ana_edits)
    code, out, err = run("task", "done", "ACME-5G", str(task.id), "--json")
    assert code == EXIT_CONFLICT
    assert one_json(out)["kind"] == "conflict"
    assert "was changed (title) by ana" in err
    assert team.reads.task(task.id).status is TaskStatus.TODO


def test_a_write_that_loses_a_race_is_a_conflict(
    run: Run, team: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer bumps the row's version between the check and the UPDATE (the ORM's
    version guard catches it): exit 3, nothing written."""
    from sqlalchemy import text

    from dealroom.store.tx import Tx

    task = team.items.add_task("ACME-5G", Role.SR, "BoQ v2")
    real = Tx.check_version

    def racing(self: Tx, kind: Any, row: Any, expected: int | None) -> None:
        self.session.execute(
            text("UPDATE task SET version = version + 1 WHERE id = :id"), {"id": row.id}
        )
        real(self, kind, row, expected)

    monkeypatch.setattr(Tx, "check_version", racing)
    code, out, err = run("task", "done", "ACME-5G", str(task.id), "--json")
    assert code == EXIT_CONFLICT, err
    assert one_json(out)["kind"] == "conflict"
    assert "at the same moment" in err
    monkeypatch.undo()
    after = team.reads.task(task.id)
    assert (after.status, after.version) == (TaskStatus.TODO, task.version)


def test_a_database_you_may_not_write_is_exit_4(
    run: Run, team: Store, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("file permissions are SQLite's")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m: False if m & os.W_OK else real_access(p, m))
    code, out, err = run("task", "add", "ACME-5G", "--role", "SR", "--title", "x", "--json")
    assert code == EXIT_UNAVAILABLE and one_json(out)["kind"] == "unavailable"
    assert "you may not write the database" in err
    assert team.reads.deal_room("ACME-5G").tasks == []


def test_user_text_is_printed_literally_on_one_line(run: Run) -> None:
    hostile = "[bold]x[/] [link=http://e.vil]y[/link] \x1b[31mred\nsecond line " + "z" * 300
    code, out, _ = run("task", "add", "ACME-5G", "--role", "SR", "--title", hostile)
    assert code == 0
    assert out.count("\n") == 1 and "\x1b" not in out
    assert '"[bold]x[/] [link=http://e.vil]y[/link] ␛[31mred second line z' in out
    assert out.rstrip().endswith('z" to ACME-5G')  # not cut, however long


def test_help_documents_every_write_command_and_the_exit_statuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands = [["task", v] for v in ("add", *items.TASK_VERBS)]
    commands += [["risk", v] for v in ("add", "escalate", *items.RISK_VERBS)]
    commands += [["handoff", v] for v in ("send", "draft", "accept", "reject", "withdraw")]
    commands += [["stage"], ["gate"], ["backup"], ["init"]]
    for argv in commands:
        with pytest.raises(SystemExit) as stop:
            main([*argv, "--help"])
        assert stop.value.code == 0, argv
        assert f"usage: dealroom {' '.join(argv)}" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for status in (0, cli.EXIT_REFUSED, EXIT_USAGE, EXIT_CONFLICT, EXIT_UNAVAILABLE):
        assert f"\n  {status}  " in text


def test_write_commands_do_not_load_textual(team: Store, db_url: str) -> None:
    writes = [
        ["task", "add", "ACME-5G", "--role", "SR", "--title", "x"],
        ["risk", "add", "ACME-5G", "--role", "FR", "--title", "y", "--json"],
        ["handoff", "send", "ACME-5G", "--from", "SR", "--to", "FR", "--title", "z"],
        ["gate", "ACME-5G", "ATI", "approve"],
        ["stage", "ACME-5G", "opportunity"],
    ]
    probe = (
        "import sys; from dealroom.cli import main; "
        f"codes = [main(['--db', {db_url!r}, *argv]) for argv in {writes!r}]; "
        "assert codes == [0] * len(codes), codes; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'textual loaded'"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    room = team.reads.deal_room("ACME-5G")
    assert (len(room.tasks), len(room.risks), len(room.handoffs)) == (1, 1, 1)
    assert room.deal.stage is Stage.OPPORTUNITY


def test_member_set_remove_and_list(run: Run, team: Store) -> None:
    """`dealroom member set|remove CODE ROLE HANDLE`: one sponsor, replaced; experts many."""
    code, out, _ = run("member", "set", "acme-5g", "sponsor", "wei")
    assert (code, out) == (0, "ACME-5G sponsor: Wei Zhang\n")
    code, out, _ = run("member", "set", "ACME-5G", "expert", "boss")
    assert (code, out) == (0, "ACME-5G expert: Sam Sponsor\n")
    code, out, _ = run("member", "remove", "ACME-5G", "fr")
    assert (code, out) == (0, "ACME-5G FR: nobody\n")
    code, _, err = run("member", "remove", "ACME-5G", "expert")
    assert code == EXIT_USAGE and "say which expert" in err
    code, _, err = run("member", "set", "ACME-5G", "boss", "wei")
    assert code == EXIT_REFUSED and "unknown role 'boss'" in err
    code, out, _ = run("member", "list", "ACME-5G")
    assert code == 0
    assert out.splitlines() == [
        "AR       Ana Lima (ana)",
        "SR       Wei Zhang (wei)",
        "FR       —",
        "sponsor  Wei Zhang (wei)",
        "expert   Sam Sponsor (boss)",
    ]
    sponsors = [m for m in team.reads.deal_room("ACME-5G").members if m.role is Role.SPONSOR]
    assert [m.handle for m in sponsors] == ["wei"]


def test_deal_status_from_the_command_line(run: Run, team: Store) -> None:
    """Before, a deal could be marked won or lost only in the app."""
    code, _, err = run("--as", "ana", "deal", "status", "ACME-5G", "lost")
    assert code == EXIT_REFUSED and "reason is required" in err
    assert team.reads.deal("ACME-5G").status.value == "open"
    code, out, _ = run(
        "--as", "ana", "deal", "status", "acme-5g", "lost", "--reason", "budget moved"
    )
    assert (code, out) == (0, "Marked ACME-5G lost: budget moved.\n")
    code, _, err = run("--as", "ana", "stage", "ACME-5G", "next")
    assert code == EXIT_REFUSED and "reopen it before moving its stage" in err
    assert run("--as", "ana", "deal", "status", "ACME-5G", "open")[:2] == (
        0,
        "Marked ACME-5G open.\n",
    )
    assert run("--as", "ana", "deal", "status", "ACME-5G", "open")[:2] == (
        0,
        "ACME-5G is already open.\n",
    )
    code, _, err = run("--as", "ana", "deal", "status", "ACME-5G", "won")
    assert code == EXIT_REFUSED and "contract is signed" in err
    assert [e.summary for e in team.reads.events(code="ACME-5G")][-2:] == [
        "marked ACME-5G lost: budget moved",
        "marked ACME-5G open",
    ]


@pytest.mark.parametrize("limit", ["-1", "0", "x"])
def test_log_limit_must_be_one_or_more(
    run: Run, limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, `log --limit -1` printed "No events." as if the log were empty."""
    with pytest.raises(SystemExit) as stop:
        run("log", f"--limit={limit}")
    assert stop.value.code == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and "argument --limit" in err
    assert run("log", "--limit", "2")[0] == 0


def test_an_items_role_is_offered_only_as_ar_sr_or_fr(run: Run) -> None:
    """Before, the error for --role XX offered sponsor and expert, which the next try
    refused."""
    code, _, err = run(*sh("task add ACME-5G --role XX --title x"))
    assert code == EXIT_REFUSED and "choose one of AR, SR, FR\n" in err
    code, _, err = run(*sh("task add ACME-5G --role sponsor --title x"))
    assert code == EXIT_REFUSED and "choose one of AR, SR, FR\n" in err
    assert run(*sh("task add ACME-5G --role sr --title x"))[0] == 0


def test_a_date_offset_too_far_says_so(run: Run) -> None:
    """Before, `--due +99999d` "is not a date"."""
    code, _, err = run(*sh("task add ACME-5G --role SR --title x --due +99999d"))
    assert code == EXIT_REFUSED
    assert "'+99999d' is 99,999 days ahead: an offset reaches ten years at most" in err
    assert run(*sh("task add ACME-5G --role SR --title x --due +520w"))[0] == 0


def test_deciding_a_handoff_again_changes_nothing_and_exits_0(run: Run, team: Store) -> None:
    """Before, `handoff accept` on an accepted handoff exited 1, where the README says a
    repeated status changes nothing and exits 0."""
    handoff = team.items.add_handoff("ACME-5G", Role.AR, Role.SR, "Scope")
    assert run("handoff", "accept", "ACME-5G", str(handoff.id))[0] == 0
    events = len(team.reads.events())
    code, out, err = run("handoff", "accept", "ACME-5G", str(handoff.id), "--json")
    assert code == 0, err
    body = one_json(out)
    assert body["changed"] is False and "is already accepted" in body["message"]
    assert len(team.reads.events()) == events
