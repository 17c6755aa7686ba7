"""Two people on one database, each in their own app: changes show up in the other's
within two seconds with the cursor kept, and a conflicting save asks instead of losing
anything."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from pilots import TODAY, make_app, seed_team, settle, until
from textual.widgets import Input

from dealroom.app import DealroomApp
from dealroom.domain import Role
from dealroom.screens.conflict import ConflictScreen
from dealroom.screens.deal_room import DealRoomScreen
from dealroom.screens.form import FormScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.store import open_store
from dealroom.store.inputs import DealUpdate, TaskUpdate
from dealroom.widgets.vlist import VirtualList


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def db(db_url: str, at_head: None) -> str:
    """Two people's database (``seed_team``, on the real clock, with three AR tasks of
    ana's): SQLite, and PostgreSQL when configured."""
    with seed_team(db_url, now=None) as st:
        for title in ("Map the decision chain", "Budget owner", "Thank-you note"):
            st.items.add_task("ACME-5G", Role.AR, title, owner="ana")
    return db_url


def app_for(db: str, actor: str) -> DealroomApp:
    return make_app(db, actor, now=now)


def titles(vlist: VirtualList[object]) -> list[str]:
    return [getattr(i, "title", "") for i in vlist.items]


async def test_a_task_added_in_one_app_appears_in_the_other(db: str) -> None:
    ana, wei = app_for(db, "ana"), app_for(db, "wei")
    async with ana.run_test(size=(160, 45)) as pa, wei.run_test(size=(160, 45)) as pw:
        await settle(pa)
        await settle(pw)
        for app, pilot in ((ana, pa), (wei, pw)):
            app.open_deal("ACME-5G")
            await settle(pilot)
        room = ana.screen
        assert isinstance(room, DealRoomScreen)
        ar = room.query_one("#pane-ar").query_one(VirtualList)
        await pa.press("down")  # the cursor on the second task
        cursor_item = ar.current
        assert cursor_item is not None and cursor_item.title == "Budget owner"

        # Wei adds an AR task by keys in his app
        await pw.press("1", "t")
        await pw.pause()
        assert isinstance(wei.screen, FormScreen)
        wei.screen.query_one("#f-title", Input).value = "Call the CTO's office"
        await pw.press("ctrl+s")
        await settle(pw)

        await until(pa, lambda: "Call the CTO's office" in titles(ar))
        assert ar.current is cursor_item or (
            ar.current is not None and ar.current.id == cursor_item.id
        ), "the cursor stays on the same task"
        assert room.room is not None
        assert ("TaskView", max(t.id for t in room.room.tasks)) in ar.flashed
        toasts = [str(n.message) for n in ana._notifications]
        assert any("Wei Zhang (SR) added AR task" in t and "ACME-5G" in t for t in toasts)


async def test_the_pipeline_follows_a_script_and_a_handoff_to_me_says_so(db: str) -> None:
    ana = app_for(db, "ana")
    async with ana.run_test(size=(160, 45)) as pa:
        await settle(pa)
        pipeline = ana.screen
        assert isinstance(pipeline, PipelineScreen)
        deals = pipeline.query_one("#deals", VirtualList)
        await pa.press("down")
        assert deals.current is not None and deals.current.deal.code == "NORD-DC"
        with open_store(db, actor="wei", today=TODAY) as script:
            script.items.add_handoff("ACME-5G", Role.SR, Role.AR, "Solution and BoQ")
            script.deals.update_deal("NORD-DC", DealUpdate(amount=450_000))
        await until(pa, lambda: {"ACME-5G", "NORD-DC"} <= deals.flashed)
        assert any(r.deal.amount == 450_000 for r in pipeline.rows)
        assert deals.current is not None and deals.current.deal.code == "NORD-DC"
        await until(pa, lambda: any(n.title == "Handoff for you" for n in ana._notifications))
        note = next(n for n in ana._notifications if n.title == "Handoff for you")
        assert "Wei Zhang (SR) sent you (AR)" in str(note.message)


async def test_a_form_being_typed_is_left_alone_by_a_refresh(db: str) -> None:
    ana = app_for(db, "ana")
    async with ana.run_test(size=(160, 45)) as pa:
        await settle(pa)
        ana.open_deal("ACME-5G")
        await settle(pa)
        await pa.press("t")
        await pa.pause()
        form = ana.screen
        assert isinstance(form, FormScreen)
        await pa.press(*"Half-typed")
        with open_store(db, actor="wei", today=TODAY) as script:
            script.items.add_task("ACME-5G", Role.AR, "From a script")
        room = ana.screen_stack[-2]
        assert isinstance(room, DealRoomScreen)
        ar = room.query_one("#pane-ar").query_one(VirtualList)
        await until(pa, lambda: "From a script" in titles(ar))
        assert ana.screen is form
        assert form.query_one("#f-title", Input).value == "Half-typed"


async def edit_conflict(db: str, choice: str) -> tuple[DealroomApp, str]:
    """Ana opens task 1's form and types a new title; Wei saves another title first; Ana
    saves. Returns Ana's app after ``choice`` on the conflict dialog, and the title in
    the database."""
    ana = app_for(db, "ana")
    async with ana.run_test(size=(160, 45)) as pa:
        await settle(pa)
        ana.open_deal("ACME-5G")
        await settle(pa)
        await pa.press("enter")
        await pa.pause()
        form = ana.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-title", Input).value = "Map the decision chain, with the CIO"
        with open_store(db, actor="wei", today=TODAY) as other:
            other.items.update_task(
                1, TaskUpdate(title="Decision chain (Wei's version)", note="from the meeting")
            )
        await pa.press("ctrl+s")
        await settle(pa)
        dialog = ana.screen
        assert isinstance(dialog, ConflictScreen)
        assert dialog.pairs is not None
        shown = {p.label: (p.yours, p.theirs) for p in dialog.pairs}
        assert shown["Title"] == (
            "Map the decision chain, with the CIO",
            "Decision chain (Wei's version)",
        )
        assert shown["Note"] == ("", "from the meeting")
        assert dialog.by == "Wei Zhang"  # by name, as the toasts say it
        await pa.press(choice)
        await settle(pa)
        if choice == "e":
            assert ana.screen is form
            assert form.query_one("#f-title", Input).value == (
                "Map the decision chain, with the CIO"
            )
            await pa.press("ctrl+s")  # saves over Wei's version now, knowingly
            await settle(pa)
        assert not isinstance(ana.screen, (FormScreen, ConflictScreen))
    with open_store(db, actor="ana", today=TODAY) as st:
        return ana, st.reads.task(1).title


async def test_a_conflicting_save_keeps_theirs_on_request(db: str) -> None:
    _, title = await edit_conflict(db, "t")
    assert title == "Decision chain (Wei's version)"


async def test_a_conflicting_save_keeps_mine_on_request(db: str) -> None:
    _, title = await edit_conflict(db, "y")
    assert title == "Map the decision chain, with the CIO"


async def test_a_conflict_can_go_back_to_the_form_with_what_was_typed(db: str) -> None:
    _, title = await edit_conflict(db, "e")
    assert title == "Map the decision chain, with the CIO"


async def test_an_item_deleted_meanwhile_offers_no_overwrite(db: str) -> None:
    ana = app_for(db, "ana")
    async with ana.run_test(size=(160, 45)) as pa:
        await settle(pa)
        ana.open_deal("ACME-5G")
        await settle(pa)
        await pa.press("enter")
        await pa.pause()
        with open_store(db, actor="cleanup", today=TODAY) as other:  # an admin's script
            other.items.delete_task(1)
        await pa.press("ctrl+s")
        await settle(pa)
        dialog = ana.screen
        assert isinstance(dialog, ConflictScreen) and dialog.pairs is None
        await pa.press("y")  # nothing to keep "mine" in: ignored
        await asyncio.sleep(0)
        assert ana.screen is dialog
        await pa.press("t")
        await settle(pa)
        assert isinstance(ana.screen, DealRoomScreen)


async def test_a_database_we_may_not_write_opens_read_only_and_says_why(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dealroom.store import engine

    if not db.startswith("sqlite"):
        pytest.skip("file permissions are SQLite's; PostgreSQL grants are the server's")
    monkeypatch.setattr(engine, "check_sqlite_file", lambda path, create=False: False)
    ana = app_for(db, "ana")
    async with ana.run_test(size=(160, 45)) as pa:
        await settle(pa)
        await until(pa, lambda: any(n.title and "Read-only" in n.title for n in ana._notifications))
        note = next(n for n in ana._notifications if n.title and "Read-only" in n.title)
        assert "you may not write the database" in str(note.message)
        pipeline = ana.screen
        assert isinstance(pipeline, PipelineScreen) and len(pipeline.rows) == 2  # reads work
        ana.open_deal("ACME-5G")
        await settle(pa)
        room = ana.screen
        assert isinstance(room, DealRoomScreen)
        assert (room.refusal("add_task") or "").startswith("you may not write the database")
        await pa.press("t")  # greyed out, and the help says why
        await pa.pause()
        assert ana.screen is room
        await pa.press("enter")  # an item's edit opens, and its save is refused
        await pa.pause()
        form = ana.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-title", Input).value = "Will not be saved"
        await pa.press("ctrl+s")
        await settle(pa)
        assert ana.screen is form  # still open, with what was typed and why not
        assert form.query_one("#f-title", Input).value == "Will not be saved"
        assert "you may not write" in str(form.query_one("#form-error").render())
