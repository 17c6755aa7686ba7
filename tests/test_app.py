"""The app driven by keys, as a user would: pilot tests that assert on screen and database."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pilots import (
    TODAY,
    fixed_now,
    make_app,
    open_my_work,
    open_room,
    open_standup,
    pipeline_codes,
    searched,
    settle,
    store_on,
)
from textual import events
from textual.widgets import Input, MarkdownViewer, Select, Static

from dealroom.app import DealroomApp
from dealroom.cli import main
from dealroom.domain import Gate, GateDecision, HandoffState, Role, Stage, TaskStatus
from dealroom.screens.deal_room import DealRoomScreen
from dealroom.screens.form import FormScreen
from dealroom.screens.help import HelpScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.screens.reader import ReaderScreen
from dealroom.store import open_store
from dealroom.store.views import HandoffView, TaskView
from dealroom.widgets.deal_header import DealHeader
from dealroom.widgets.role_pane import RolePane
from dealroom.widgets.vlist import Section, VirtualList

#: The characters of the named keys :func:`burst` sends.
CHARACTERS = {"slash": "/", "enter": "\r"}


def burst(app: DealroomApp, *keys: str) -> None:
    """``keys`` queued at once, none waited for: as they arrive over SSH in one read."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else CHARACTERS.get(key)))


def use_keymap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """The app started next reads ``text`` as its keymap file."""
    keymap = tmp_path / "keymap.toml"
    keymap.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DEALROOM_KEYMAP", str(keymap))


@pytest.fixture
def db(team_db: str) -> str:
    """A small team database: two deals, one at Opportunity without ATI (``team_db``)."""
    return team_db


async def test_pipeline_lists_deals_and_filters_as_you_type(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        deals = screen.query_one("#deals", VirtualList)
        assert pipeline_codes(deals) == ["ACME-5G", "NORD-DC"]
        await pilot.press("slash", *"nordl")
        assert pipeline_codes(deals) == ["NORD-DC"]
        await pilot.press("escape")
        assert len(deals.items) == 2
        await pilot.press("slash", *"李娜")  # a lead's name finds the deal too
        assert pipeline_codes(deals) == ["ACME-5G"]


async def test_keys_typed_straight_after_slash_go_to_the_filter(db: str) -> None:
    """Over SSH keys arrive in bursts: ``/NORD`` in one read is a filter, not ``/`` and
    then the pipeline's own keys (``N`` a new deal, ``O`` reverse, ``D``…)."""
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        burst(app, "slash", *"NORD")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#filter", Input).value == "NORD"
        assert pipeline_codes(screen.query_one("#deals", VirtualList)) == ["NORD-DC"]
        await pilot.press("escape")  # (keys behind an escape in one burst are lost: noted)
        burst(app, "slash", *"nord", "enter", "enter")  # and open it
        await settle(pilot)
        room = app.screen
        assert isinstance(room, DealRoomScreen)
        assert room.room is not None and room.room.deal.code == "NORD-DC"


async def test_keys_typed_after_the_filter_key_a_keymap_gives_go_to_the_filter(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keymap(tmp_path, monkeypatch, '[keymap]\n"pipeline.filter" = "ctrl+f"\n')
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        burst(app, "ctrl+f", *"nord")
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "nord"
        await pilot.press("escape", "slash")  # no longer the filter's key
        assert not screen.query_one("#filter", Input).display


async def test_enter_opens_the_deal_room_and_escape_returns(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealRoomScreen)
        assert screen.room is not None and screen.room.deal.code == "NORD-DC"
        await pilot.press("escape")
        assert isinstance(app.screen, PipelineScreen)


async def test_opening_another_deal_shows_it_fresh_and_escape_keeps_the_pipeline_cursor(
    db: str,
) -> None:
    with open_store(db, actor="wei", now=fixed_now, today=TODAY) as st:  # on both deals
        for code in ("ACME-5G", "NORD-DC"):
            for n in range(4):
                st.items.add_task(code, Role.SR, f"{code} step {n}", due=TODAY + timedelta(days=n))
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, DealRoomScreen) and first.code == "ACME-5G"
        await pilot.press("2", "j", "j")  # the SR pane, its cursor moved down
        assert first.role is Role.SR and first._pane(Role.SR).list.cursor == 3
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        room = app.screen
        assert isinstance(room, DealRoomScreen) and room.room is not None
        assert room.code == room.room.deal.code == "NORD-DC"
        assert room.role is Role.AR and room._pane(Role.AR).has_class("active")
        assert room._pane(Role.AR).list.has_focus
        sr = room._pane(Role.SR).list
        titles = [i.title for i in sr.items if not isinstance(i, Section)]
        assert titles == [f"NORD-DC step {n}" for n in range(4)]
        assert sr.cursor == 1 and round(sr.scroll_y) == 0  # the first task, not row 3
        await pilot.press("escape")
        pipeline = app.screen
        assert isinstance(pipeline, PipelineScreen)
        current = pipeline.query_one("#deals", VirtualList).current
        assert current is not None and current.deal.code == "NORD-DC"


async def test_deal_room_shows_each_roles_items_with_symbols(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        ar = room.query_one("#pane-ar", RolePane)
        titles = [getattr(i, "title", "") for i in ar.list.items]
        assert "Map the decision chain" in titles
        assert "Solution and quotation" in titles  # incoming handoff shows in AR's pane
        lines = "\n".join(
            "".join(seg.text for seg in ar.list.render_line(y)) for y in range(len(titles))
        )
        assert room.room is not None
        task = next(t for t in room.room.tasks if t.title == "Map the decision chain")
        handoff = next(h for h in room.room.handoffs if h.title == "Solution and quotation")
        # overdue: a symbol, not only colour; each item's #id, as the command line names it
        assert f"! #{task.id} Map the decision chain" in lines
        assert f"⇄ #{handoff.id} ←SR Solution and quotation" in lines


async def test_add_task_with_short_date_saves_it(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("2", "t")
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Prepare BoQ v2")
        form = app.screen
        form.query_one("#f-due", Input).value = "+3d"
        await pilot.pause()
        hint = form.query_one("#h-due", Static)
        assert "2026-11-26" in str(hint.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen)
    tasks = store_on(db).reads.deal_room("ACME-5G").tasks_for(Role.SR)
    assert [(t.title, t.due, t.owner) for t in tasks] == [
        ("Prepare BoQ v2", date(2026, 11, 26), "wei")
    ]


async def test_invalid_date_is_named_and_nothing_typed_is_lost(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("t", *"Call the CFO")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-due", Input).value = "someday"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open
        assert "is not a date" in str(form.query_one("#e-due", Static).render())
        assert form.query_one("#f-title", Input).value == "Call the CFO"
        assert form.query_one("#f-due", Input).value == "someday"
    assert [t.title for t in store_on(db).reads.deal_room("ACME-5G").tasks_for(Role.AR)] == [
        "Map the decision chain"
    ]


async def test_refused_stage_move_says_which_gate_and_changes_nothing(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("greater_than_sign")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("ATI" in m and "not approved" in m for m in messages), messages
    assert store_on(db).reads.deal("ACME-5G").stage is Stage.OPPORTUNITY


async def test_moving_back_asks_for_a_reason_and_keeps_the_first_days(db: str) -> None:
    """Before, one stray `<` then `>` moved the deal back and forth with no question and
    dated every stage anew."""
    st = store_on(db)
    first = {t.stage: t.actual for t in st.reads.deal_room("ACME-5G").timeline}
    app = make_app(db, today=TODAY + timedelta(days=5))
    async with app.run_test(size=(120, 40)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        await pilot.press("less_than_sign")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "back from Opportunity to Lead" in form.form_title
        await pilot.press("ctrl+s")  # no reason: refused, nothing moves
        await settle(pilot)
        assert app.screen is form
        assert "reason is required" in str(form.query_one("#e-reason", Static).render())
        assert st.reads.deal("ACME-5G").stage is Stage.OPPORTUNITY
        await pilot.press(*"customer re-scoped")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen)
        assert st.reads.deal("ACME-5G").stage is Stage.LEAD
        assert "↩" in str(room.query_one(DealHeader).render())
        await pilot.press("greater_than_sign")  # forward again: no question
        await settle(pilot)
    room_after = st.reads.deal_room("ACME-5G")
    assert room_after.deal.stage is Stage.OPPORTUNITY
    assert {t.stage: t.actual for t in room_after.timeline} == first
    [back] = room_after.moves_back
    assert (back.reason, back.day) == ("customer re-scoped", TODAY + timedelta(days=5))


async def test_gate_decision_then_stage_move(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("g")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.raw("gate") == "ATI"  # the pending gate is proposed
        assert form.raw("decision") == "approved"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("greater_than_sign")
        await settle(pilot)
    st = store_on(db)
    assert st.reads.deal("ACME-5G").stage is Stage.PRE_BID
    assert st.reads.deal_room("ACME-5G").gate_states == {Gate.ATI: GateDecision.APPROVED}


async def test_space_completes_and_reopens_a_task(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("space")
        await settle(pilot)
        assert store_on(db).reads.deal_room("ACME-5G").tasks[0].status is TaskStatus.DONE
        await pilot.press("space")
        await settle(pilot)
        assert store_on(db).reads.deal_room("ACME-5G").tasks[0].status is TaskStatus.TODO


async def test_delete_asks_first(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("d", "n")
        await settle(pilot)
        assert len(store_on(db).reads.deal_room("ACME-5G").tasks) == 1
        await pilot.press("d", "y")
        await settle(pilot)
    assert store_on(db).reads.deal_room("ACME-5G").tasks == []


async def test_accept_and_reject_handoffs(db: str) -> None:
    st = store_on(db)
    second = st.items.add_handoff("ACME-5G", Role.FR, Role.AR, "Site survey findings")
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        ar = room.query_one("#pane-ar", RolePane).list
        handoffs = [i for i in ar.items if isinstance(i, HandoffView) and i.to_role is Role.AR]
        ar.select_key(("HandoffView", handoffs[0].id))
        await pilot.press("a")
        await settle(pilot)
        ar.select_key(("HandoffView", second.id))
        await pilot.press("x", *"Photos missing", "ctrl+s")
        await settle(pilot)
    states = {
        h.title: (h.state, h.reason) for h in store_on(db).reads.deal_room("ACME-5G").handoffs
    }
    assert states == {
        "Solution and quotation": (HandoffState.ACCEPTED, ""),
        "Site survey findings": (HandoffState.REJECTED, "Photos missing"),
    }


async def test_a_handoff_is_accepted_or_rejected_only_on_the_receiving_side(db: str) -> None:
    """``a`` and ``x`` on an outgoing handoff (in the sender's pane) change nothing and
    say who decides; before, the sender could accept their own handoff."""
    st = store_on(db)
    outgoing = st.items.add_handoff("ACME-5G", Role.AR, Role.SR, "Decision criteria")
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        ar = room.query_one("#pane-ar", RolePane).list
        ar.focus()
        ar.select_key(("HandoffView", outgoing.id))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen)  # no reason form was opened
        said = [n.message for n in app._notifications]
        assert "This handoff goes from AR to SR: the SR side accepts it, in the SR pane." in said
        assert "This handoff goes from AR to SR: the SR side rejects it, in the SR pane." in said
    assert store_on(db).reads.handoff(outgoing.id).state is HandoffState.SENT


async def test_the_sender_withdraws_and_the_detail_line_shows_reason_due_and_age(
    db: str,
) -> None:
    """A handoff's rejection reason, due date and age had no place in the room; the
    sender had no way to take a handoff back."""
    st = store_on(db)
    sent = st.items.add_handoff("ACME-5G", Role.AR, Role.SR, "Decision criteria", due=TODAY)
    back = st.items.add_handoff("ACME-5G", Role.AR, Role.FR, "Purchase order")
    with open_store(db, actor="li", now=fixed_now, today=TODAY) as li:
        li.items.reject_handoff(back.id, "PO number missing")
    app = make_app(db, now=lambda: fixed_now() + timedelta(days=3))
    async with app.run_test(size=(120, 40)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        ar = room.query_one("#pane-ar", RolePane).list
        ar.select_key(("HandoffView", back.id))
        await settle(pilot)
        detail = str(room.query_one("#detail", Static).render())
        assert f"#{back.id} handoff AR→FR" in detail
        assert "rejected · reason: PO number missing" in detail
        ar.select_key(("HandoffView", sent.id))
        await settle(pilot)
        detail = str(room.query_one("#detail", Static).render())
        assert f"sent · waiting 3d · due {TODAY.isoformat()}" in detail
        await pilot.press("w")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert "Handoff withdrawn: back to draft (s sends it again)" in said
    assert st.reads.handoff(sent.id).state is HandoffState.DRAFTED


async def test_narrow_terminal_shows_one_pane_with_a_switcher(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        visible = [p.role for p in room.query(RolePane) if p.display]
        assert visible == [Role.AR]
        await pilot.press("3")
        visible = [p.role for p in room.query(RolePane) if p.display]
        assert visible == [Role.FR]
        await pilot.press("tab")
        assert [p.role for p in room.query(RolePane) if p.display] == [Role.AR]


async def test_help_lists_the_screens_keys(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {row.keys: (row.what, row.ident) for row in app.screen.rows}
        assert keys["t"] == ("New task for the focused role", "deal.add_task")
        assert keys["g"] == ("Record a gate decision", "deal.gate")
        await pilot.press("escape")
        assert isinstance(app.screen, DealRoomScreen)


async def test_my_work_groups_by_due_date(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_my_work(pilot)
        items = screen.query_one("#work", VirtualList).items
        titles = [getattr(i, "title", "") for i in items]
        # ana owns the overdue task, and the handoff waits on her role (AR) with no due date
        assert titles == [
            "Overdue (1)",
            "Map the decision chain",
            "No date (1)",
            "Solution and quotation",
        ]


async def test_my_work_is_a_work_list_space_a_and_x_act_from_it(db: str) -> None:
    """Before, my work was read-only: every change meant opening the deal first."""
    st = store_on(db)
    second = st.items.add_handoff("ACME-5G", Role.FR, Role.AR, "Site photos")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_my_work(pilot)
        work = screen.query_one("#work", VirtualList)
        [task] = [i for i in work.items if isinstance(i, TaskView)]
        work.select_key(("TaskView", task.id))
        await pilot.press("space")
        await settle(pilot)
        first = next(
            i for i in work.items if isinstance(i, HandoffView) and i.title != "Site photos"
        )
        work.select_key(("HandoffView", first.id))
        await pilot.press("a")
        await settle(pilot)
        work.select_key(("HandoffView", second.id))
        await pilot.press("x")
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"Blurred", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        # done and decided items leave the list
        assert [i for i in work.items if not isinstance(i, Section)] == []
    assert st.reads.task(task.id).status is TaskStatus.DONE
    assert st.reads.handoff(first.id).state is HandoffState.ACCEPTED
    rejected = st.reads.handoff(second.id)
    assert (rejected.state, rejected.reason) == (HandoffState.REJECTED, "Blurred")


async def test_my_work_opens_the_deal_on_the_chosen_item(db: str) -> None:
    """``enter`` on a handoff in my work opens the deal with the cursor on that handoff in
    the receiving pane; before, on the AR pane's first row (where ``space`` then completed
    a task nobody meant)."""
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        work = app.screen.query_one("#work", VirtualList)
        [handoff] = [i for i in work.items if isinstance(i, HandoffView)]
        work.select_key(("HandoffView", handoff.id))
        await pilot.press("enter")
        await settle(pilot)
        room = app.screen
        assert isinstance(room, DealRoomScreen) and room.code == "ACME-5G"
        assert room.role is Role.AR
        current = room.current()
        assert isinstance(current, HandoffView) and current.id == handoff.id
        assert room.query_one("#pane-ar", RolePane).list.has_focus


async def test_keymap_file_rebinds_a_key(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keymap(tmp_path, monkeypatch, '[keymap]\n"deal.add_task" = "n"\n')
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("t")
        assert isinstance(app.screen, DealRoomScreen)  # t no longer adds a task
        await pilot.press("n")
        assert isinstance(app.screen, FormScreen)


async def test_keymap_warns_once_of_unknown_ids_and_stolen_keys(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a misspelt id and a key taken from another action were accepted silently."""
    use_keymap(
        tmp_path,
        monkeypatch,
        '[keymap]\n"deal.add_taks" = "n"\n"deal.add_task" = "r"\n"pipeline.filter" = "f"\n',
    )
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("escape")
        await open_room(pilot, "ACME-5G")
        said = [n.message for n in app._notifications if n.title == "Keymap"]
        assert len(said) == 1, said
        assert "no key has the id 'deal.add_taks'" in said[0]
        assert "r is deal.add_risk and deal.add_task on the deal room" in said[0]
        assert "pipeline.filter" not in said[0]  # f is free on the pipeline


async def test_broken_keymap_file_is_reported_and_defaults_stay(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keymap(tmp_path, monkeypatch, "[keymap\n")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        assert any("default keys are in use" in n.message for n in app._notifications)
        await pilot.press("t")
        assert isinstance(app.screen, FormScreen)


async def test_palette_offers_go_to_deal_and_the_screens_actions(db: str) -> None:
    with store_on(db) as st:  # (a deal's items are its members' to add)
        st.deals.set_member("NORD-DC", Role.FR, "ana")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("ctrl+p")
        await pilot.press(*"nord")
        await searched(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealRoomScreen)
        assert screen.room is not None and screen.room.deal.code == "NORD-DC"
        await pilot.press("ctrl+p", *"new risk")
        await searched(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "risk" in app.screen.form_title


async def test_edit_deal_status_members_and_neighbours(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = await open_room(pilot, "ACME-5G")
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-amount", Input).value = "2.5m"
        form.query_one("#f-probability", Input).value = "35"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("M")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-sponsor", Select).value = "wei"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("W")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-status", Select).value = "lost"
        await pilot.press("ctrl+s")  # lost needs a reason: refused, form stays
        await settle(pilot)
        assert app.screen is form
        assert "reason is required" in str(form.query_one("#e-reason", Static).render())
        form.query_one("#f-reason", Input).value = "Budget moved"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert room.room is not None and room.room.deal.code == "NORD-DC"
    deal = store_on(db).reads.deal("ACME-5G")
    assert (deal.amount, deal.probability_override, deal.status.value, deal.status_reason) == (
        2_500_000,
        35,
        "lost",
        "Budget moved",
    )
    members = {(m.role.value, m.handle) for m in store_on(db).reads.deal_room("ACME-5G").members}
    assert ("sponsor", "wei") in members


async def test_members_form_shows_holders_replaces_and_removes(db: str) -> None:
    """Before, the form showed nobody, a second sponsor was added beside the first, and
    nobody could be taken off; the sponsor appeared nowhere in the room."""
    st = store_on(db)
    st.deals.set_member("ACME-5G", Role.SPONSOR, "wei")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = await open_room(pilot, "ACME-5G")
        header = str(room.query_one(DealHeader).render())
        assert "sponsor Wei Zhang" in header
        await pilot.press("M")
        form = app.screen
        assert isinstance(form, FormScreen)
        shown = {r: form.query_one(f"#f-{r}", Select).value for r in ("AR", "SR", "FR", "sponsor")}
        assert shown == {"AR": "ana", "SR": "wei", "FR": "li", "sponsor": "wei"}
        form.query_one("#f-sponsor", Select).value = "ana"
        form.query_one("#f-FR", Select).clear()
        form.query_one("#f-experts", Input).value = "li, nobody"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # an unknown handle: refused, what was typed kept
        assert "nobody has the handle nobody" in str(form.query_one("#e-experts", Static).render())
        assert form.query_one("#f-experts", Input).value == "li, nobody"
        form.query_one("#f-experts", Input).value = "li"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen)
        assert "sponsor Ana Lima" in str(room.query_one(DealHeader).render())
    members = sorted((m.role.value, m.handle) for m in st.reads.deal_room("ACME-5G").members)
    assert members == [("AR", "ana"), ("SR", "wei"), ("expert", "li"), ("sponsor", "ana")]
    summaries = [e.summary for e in st.reads.events(code="ACME-5G")[-3:]]
    assert summaries == [
        "removed 李娜 as FR of ACME-5G",
        "made Ana Lima sponsor of ACME-5G instead of Wei Zhang",
        "made 李娜 expert of ACME-5G",
    ]


async def test_add_risk_and_handoff_then_send_and_escalate(db: str) -> None:
    store_on(db).deals.set_member("ACME-5G", Role.SPONSOR, "wei")
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        await pilot.press("3", "r", *"Customs delay")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-likelihood", Input).value = "5"
        form.query_one("#f-impact", Input).value = "4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("h", *"Site survey photos")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-send", Select).value = "no"
        await pilot.press("ctrl+s")
        await settle(pilot)
        fr = room.query_one("#pane-fr", RolePane).list
        st = store_on(db)
        risk = st.reads.deal_room("ACME-5G").risks_for(Role.FR)[0]
        draft = next(h for h in st.reads.deal_room("ACME-5G").handoffs if h.from_role is Role.FR)
        assert (risk.title, risk.exposure, draft.state) == (
            "Customs delay",
            20,
            HandoffState.DRAFTED,
        )
        fr.select_key(("RiskView", risk.id))
        await pilot.press("exclamation_mark")
        await settle(pilot)
        fr.select_key(("HandoffView", draft.id))
        await pilot.press("s")
        await settle(pilot)
    room_after = store_on(db).reads.deal_room("ACME-5G")
    assert room_after.risks_for(Role.FR)[0].escalated_to_name == "Wei Zhang"
    assert next(h for h in room_after.handoffs if h.id == draft.id).state is HandoffState.SENT


async def test_enter_edits_a_task_and_keeps_the_rest(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#f-title", Input).value == "Map the decision chain"
        form.query_one("#f-title", Input).value = "Map the decision chain with the CTO"
        await pilot.press("ctrl+s")
        await settle(pilot)
    [task] = store_on(db).reads.deal_room("ACME-5G").tasks_for(Role.AR)
    assert (task.title, task.due, task.owner) == (
        "Map the decision chain with the CTO",
        TODAY - timedelta(days=2),
        "ana",
    )


async def test_sort_and_my_deals_toggle(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        deals = app.screen.query_one("#deals", VirtualList)
        assert pipeline_codes(deals) == ["ACME-5G", "NORD-DC"]  # by stage
        await pilot.press("o", "o", "o")  # stage -> close date -> weighted -> amount
        assert pipeline_codes(deals) == ["ACME-5G", "NORD-DC"]
        await pilot.press("O")  # reversed: smallest amount first
        assert pipeline_codes(deals) == ["NORD-DC", "ACME-5G"]
        await pilot.press("u")  # ana is on ACME-5G only
        await settle(pilot)
        assert pipeline_codes(deals) == ["ACME-5G"]
        await pilot.press("u")
        await settle(pilot)
        assert len(deals.items) == 2


async def test_a_look_at_the_standup_records_nothing_and_moves_no_window(db: str) -> None:
    """Opening the standup screen is a preview: escape leaves no standup behind, and the
    next standup still looks back as far as before. ``s`` starts it."""
    from dealroom.screens.pipeline import PipelineScreen
    from dealroom.screens.standup import StandupScreen

    before = store_on(db).standups.default_since()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StandupScreen) and app.screen.record is None
        assert "preview: s starts it" in str(app.screen.query_one("#title", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        assert store_on(db).standups.default_since() == before
        assert [e for e in store_on(db).reads.events(after_id=0) if e.entity == "standup"] == []
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("s")  # start
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StandupScreen) and screen.record is not None
        assert screen.record.deals == ["ACME-5G"]  # the deal on screen is covered
        await pilot.press("f")
        await settle(pilot)
        assert screen.finished
    st = store_on(db)
    [record] = [st.standups.standup(1)]
    assert record.ended_at is not None and st.standups.default_since() == record.ended_at


async def test_standup_walks_deals_captures_and_saves_minutes(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setenv("DEALROOM_EXPORT_DIR", str(tmp_path / "out"))
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        # the team's deals, not only the chair's (ana is on ACME-5G only), most urgent first
        assert [d.code for d in screen.digests] == ["ACME-5G", "NORD-DC"]
        shown = str(screen.query_one("#step", Static).render())
        assert "overdue: Map the decision chain" in shown
        await pilot.press("enter")  # into the deal room and back to the same place
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen)
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-role", Select).value = "SR"
        form.query_one("#f-title", Input).value = "Send BoQ v2 to procurement"
        form.query_one("#f-owner", Select).value = "wei"
        form.query_one("#f-due", Input).value = "fri"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("o", *"CTO travels until Friday", "ctrl+s")
        await settle(pilot)
        # what was noted and decided stays on the step
        shown = str(screen.query_one("#step", Static).render())
        assert "This standup" in shown and "CTO travels until Friday (Ana Lima)" in shown
        assert "action for SR: Send BoQ v2 to procurement (Wei Zhang, due 2026-11-27)" in shown
        await pilot.press("f")
        await settle(pilot)
        assert screen.finished
        await pilot.press("m", "s")  # the minutes in the reader; s saves them
        await settle(pilot)
        minutes = (tmp_path / "out" / "standup-1-2026-11-23.md").read_text(encoding="utf-8")
    st = store_on(db)
    [action] = [t for t in st.reads.deal_room("ACME-5G").tasks_for(Role.SR)]
    assert (action.title, action.owner, action.due) == (
        "Send BoQ v2 to procurement",
        "wei",
        date(2026, 11, 27),
    )
    record = st.standups.standup(1)
    assert record.deals == ["ACME-5G"] and record.actions == [action.id]
    assert [(n.text, n.author) for n in record.notes] == [("CTO travels until Friday", "ana")]
    assert record.ended_at is not None
    assert record.minutes == minutes  # kept with the record: readable later
    assert "- actions created: 1" in minutes
    assert "Send BoQ v2 to procurement — Wei Zhang, due 2026-11-27" in minutes
    assert "CTO travels until Friday" in minutes


async def test_standup_scope_and_past_standups_in_the_app(db: str) -> None:
    """The walk is switched to one person's deals with c; l lists past standups and
    shows their minutes as kept."""
    from textual.widgets import Markdown, OptionList

    from dealroom.screens.standup import StandupScreen
    from dealroom.screens.standup_past import PastStandupsScreen

    st = store_on(db)
    old = st.standups.start_standup()
    st.standups.end_standup(old.id, lambda r: f"# Minutes of standup {r.id}\n\nKept as said.")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        assert [d.code for d in screen.digests] == ["ACME-5G", "NORD-DC"]
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-scope", Select).value = "person:wei"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StandupScreen)
        assert [d.code for d in screen.digests] == ["ACME-5G", "NORD-DC"]  # wei leads both
        title = str(screen.query_one("#title", Static).render())
        assert "the deals Wei Zhang leads" in title
        await pilot.press("c")
        again = app.screen
        assert isinstance(again, FormScreen)
        again.query_one("#f-scope", Select).value = "role:FR"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = str(screen.query_one("#step", Static).render())
        assert "FR" in shown and "AR · " not in shown
        await pilot.press("l")
        await settle(pilot)
        pasts = app.screen
        assert isinstance(pasts, PastStandupsScreen)
        listed = pasts.query_one("#past-list", OptionList)
        assert listed.option_count == 1
        minutes = pasts.query_one("#past-minutes", Markdown)  # the highlighted one's
        assert "Kept as said." in minutes.source
        await pilot.press("enter")  # in the reader, to save or copy
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and "Kept as said." in reader.text
        assert reader.filename == f"standup-{old.id}-2026-11-23.md"
        await pilot.press("escape", "escape")
        assert app.screen is screen


async def test_m_saves_the_deal_as_markdown(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEALROOM_EXPORT_DIR", str(tmp_path))
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("m")  # the report in the reader; s saves it
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one(MarkdownViewer).document.source.startswith("## ACME-5G")
        await pilot.press("s")
        await settle(pilot)
        assert any("copied it to the clipboard" in n.message for n in app._notifications)
    text = (tmp_path / "ACME-5G-2026-11-23.md").read_text(encoding="utf-8")
    assert text.startswith("## ACME-5G — 5G core refresh")
    # exactly what the command line writes: methods sections included
    assert main(["--db", db, "export", "ACME-5G", "--today", "2026-11-23"]) == 0
    assert text == capsys.readouterr().out
    assert "### Competitors" in text and "### Opportunity assessment" in text


async def test_m_twice_keeps_both_saves_and_never_writes_through_a_link(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second save of the same day is ``-2``; a name taken by a symbolic link is
    skipped, and what the link points to is left alone."""
    monkeypatch.setenv("DEALROOM_EXPORT_DIR", str(tmp_path))
    (tmp_path / "ACME-5G-2026-11-23-2.md").symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "ACME-5G-2026-11-23.md").write_text("saved earlier")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("m", "s")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        saved = [n.message for n in app._notifications if n.message.startswith("Saved")]
    assert saved == [
        f"Saved {tmp_path / 'ACME-5G-2026-11-23-3.md'} and copied it to the clipboard.",
        f"Saved {tmp_path / 'ACME-5G-2026-11-23-4.md'} and copied it to the clipboard.",
    ]
    assert (tmp_path / "ACME-5G-2026-11-23.md").read_text() == "saved earlier"
    assert not (tmp_path / "elsewhere.txt").exists()
    for name in ("ACME-5G-2026-11-23-3.md", "ACME-5G-2026-11-23-4.md"):
        assert (tmp_path / name).read_text(encoding="utf-8").startswith("## ACME-5G")


async def test_reports_open_in_the_reader_which_copies_and_saves(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, m and R wrote a file on the host and nothing showed in the app."""
    monkeypatch.setenv("DEALROOM_EXPORT_DIR", str(tmp_path))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")  # the deals shown, as Markdown
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and "ACME-5G" in reader.text
        await pilot.press("c")
        assert app.clipboard == reader.text and not list(tmp_path.glob("*.md"))
        await pilot.press("s")
        await settle(pilot)
        [saved] = tmp_path.glob("pipeline-*.md")
        assert saved.read_text(encoding="utf-8") == reader.text
        await pilot.press("escape")
        assert isinstance(app.screen, PipelineScreen)
