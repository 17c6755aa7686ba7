"""A deal's history: every change with who, when and each field's old → new value, in the
store (``reads.history``), on the command line (``dealroom log``) and in the app (``H``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import Clock, other_store
from pilots import TODAY, make_app, open_room, press, settle, store_on
from textual.content import Content
from textual.widgets import Static

from dealroom.cli import main
from dealroom.domain import Gate, GateDecision, Role
from dealroom.domain.history import FieldChange, field_changes, kind_of, plain_diff, word_diff
from dealroom.screens.history import HistoryScreen
from dealroom.store import Store
from dealroom.store.inputs import TaskUpdate

# --- reading a change ---------------------------------------------------------------------


def test_a_short_change_reads_old_to_new_and_a_first_value_alone() -> None:
    title, due = field_changes({"title": ["BoQ v1", "BoQ v2"], "due": [None, "2026-12-01"]})
    assert title.short() == "title: BoQ v1 → BoQ v2" and not title.long
    assert due.short() == "due: 2026-12-01"
    assert FieldChange("escalated", False, True).short() == "escalated: no → yes"
    assert FieldChange("owner", "ana", None).short() == "owner: ana → —"


def test_long_text_is_a_word_diff() -> None:
    old = "Confirm the budget with the CFO before the tender opens next month, in writing"
    new = "Confirm the budget with the CEO before the tender opens next month, in writing please"
    change = FieldChange("note", old, new)
    assert change.long
    assert word_diff(old, new) == [
        (" ", "Confirm the budget with the "),
        ("-", "CFO"),
        ("+", "CEO"),
        (" ", " before the tender opens next month, in writing"),
        ("+", " please"),
    ]
    assert change.plain() == (
        "note: Confirm the budget with the [-CFO-]{+CEO+} before the tender opens next "
        "month, in writing{+ please+}"
    )
    assert plain_diff(word_diff("a\nb", "a\nc")) == "a\n[-b-]{+c+}"


def test_stage_moves_are_their_own_kind() -> None:
    assert kind_of("deal", "stage") == "stage"
    assert kind_of("deal", "update") == "deal"
    assert kind_of("contact", "support") == "power map"


# --- the store ----------------------------------------------------------------------------


def edited_moved_decided(team: Store) -> int:
    """A task edited (title and due), ATI approved after a deferral, the deal moved on to
    Opportunity: the three changes a lead asks the history about. The task's id."""
    task = team.items.add_task("ACME-5G", Role.SR, "BoQ v1", owner="wei", due=TODAY)
    team.items.update_task(task.id, TaskUpdate(title="BoQ v2", due=TODAY + timedelta(days=4)))
    team.deals.record_gate("ACME-5G", Gate.ATI, GateDecision.DEFERRED)
    team.deals.record_gate("ACME-5G", Gate.ATI, GateDecision.APPROVED, "board 11-23")
    team.deals.move_stage("ACME-5G", "next")
    return task.id


def test_history_shows_old_and_new_newest_first(team: Store) -> None:
    task_id = edited_moved_decided(team)
    history = team.reads.history("ACME-5G")
    moved, approved, deferred, edited = history[:4]
    assert [c.short() for c in moved.changes] == ["stage: Lead → Opportunity"]
    assert moved.kind == "stage" and moved.actor_name == "Ana Lima"
    assert [c.short() for c in approved.changes] == [
        "ATI: deferred → approved",
        "note: board 11-23",
    ]
    assert [c.short() for c in deferred.changes] == ["ATI: deferred"]
    assert edited.item == f"task #{task_id}" and edited.roles == (Role.SR,)
    assert [c.short() for c in edited.changes] == [  # fields in the log's (sorted) order
        "due: 2026-11-23 → 2026-11-27",
        "title: BoQ v1 → BoQ v2",
    ]
    assert history[-1].event.action == "create" and history[-1].kind == "deal"


def test_history_narrows_to_a_role_a_kind_an_item_and_a_day(team: Store, clock: Clock) -> None:
    task_id = edited_moved_decided(team)
    team.items.add_risk("ACME-5G", Role.FR, "Site not ready")
    handoff = team.items.add_handoff("ACME-5G", Role.AR, Role.FR, "Scope for delivery")
    gone = team.items.add_task("ACME-5G", Role.FR, "Survey the site")
    with other_store(team, clock, actor="li") as li:  # the FR side deletes its own
        li.items.delete_task(gone.id)

    fr = team.reads.history("ACME-5G", role=Role.FR)
    assert {e.item for e in fr} == {
        "risk #1",
        f"handoff #{handoff.id}",
        f"task #{gone.id}",
        "member",  # li made FR when the deal was created
    }
    assert all(Role.FR in e.roles for e in fr)
    deleted = next(e for e in fr if e.event.action == "delete")
    assert {c.short() for c in deleted.changes} == {"title: Survey the site → —", "role: FR → —"}
    assert [e.kind for e in team.reads.history("ACME-5G", kind="gate")] == ["gate", "gate"]
    one = team.reads.history("ACME-5G", item=("task", task_id))
    assert [e.event.action for e in one] == ["update", "create"]

    clock.advance(days=3)
    team.items.add_task("ACME-5G", Role.AR, "Call the CFO")
    since = datetime.combine(TODAY + timedelta(days=2), datetime.min.time(), UTC)
    [late] = team.reads.history("ACME-5G", since=since)
    assert late.event.summary == "added AR task 'Call the CFO'"


# --- the command line ---------------------------------------------------------------------


def test_log_prints_each_change_old_to_new_and_as_json(
    team: Store, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    edited_moved_decided(team)
    assert main(["--db", db_url, "log", "ACME-5G"]) == 0
    out = capsys.readouterr().out
    for line in (
        "title: BoQ v1 → BoQ v2",
        "due: 2026-11-23 → 2026-11-27",
        "ATI: deferred → approved",
        "stage: Lead → Opportunity",
    ):
        assert line in out, out
    assert main(["--db", db_url, "log", "ACME-5G", "--limit", "1", "--json"]) == 0
    [event] = json.loads(capsys.readouterr().out)
    assert event["changes"] == {"stage": {"old": "lead", "new": "opportunity"}}
    assert (event["deal"], event["entity"], event["action"]) == ("ACME-5G", "deal", "stage")


# --- the app ------------------------------------------------------------------------------


def shown(screen: HistoryScreen) -> str:
    body = screen.query_one("#history-body", Static).visual
    assert isinstance(body, Content)
    return body.plain


async def test_h_shows_the_deals_history_old_to_new(team_db: str) -> None:
    with store_on(team_db) as st:
        st.deals.move_stage("ACME-5G", "prev", reason="not qualified yet")
        edited_moved_decided(st)
    app = make_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        await press(pilot, "2")  # the SR pane: the cursor on the edited task
        assert room.current() is not None and room.current().title == "BoQ v2"  # type: ignore[union-attr]
        await press(pilot, "H")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        text = shown(screen)
        for line in (
            "title: BoQ v1 → BoQ v2",
            "due: 2026-11-23 → 2026-11-27",
            "ATI: deferred → approved",
            "stage: Lead → Opportunity",
        ):
            assert line in text, text
        assert "reason: not qualified yet" in text
        assert text.index("stage: Lead") < text.index("title: BoQ v1")  # newest first

        await press(pilot, "i")  # only the task the cursor was on
        text = shown(screen)
        assert "title: BoQ v1 → BoQ v2" in text and "ATI" not in text
        assert "task #" in str(screen.query_one("#history-title", Static).visual)
        await press(pilot, "i", "t", "t", "t", "t")  # every item again; only gates
        assert "ATI: deferred → approved" in shown(screen) and "BoQ" not in shown(screen)
        await press(pilot, "t", "r")  # only stage moves; only the AR side: none of those
        assert shown(screen) == "No changes match."
        await press(pilot, "escape")
        assert app.screen is room
        await settle(pilot)
