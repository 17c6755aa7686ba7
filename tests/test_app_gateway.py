"""The app's way to the database: a read asked for again is shown only as last asked,
whichever answer comes first; a change of ours is read back once, by the screen that made
it, and still shows on the screens below; a slow answer says so."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from pilots import TODAY, fixed_now, make_app, open_room, settle, until
from seeding import open_seeder
from textual.pilot import Pilot
from textual.widgets import Input

from dealroom.app import WATCH_INTERVAL, DealroomApp
from dealroom.domain import DealStatus, Role, Stage
from dealroom.domain.checklist import Answer
from dealroom.screens.checklist import ChecklistScreen
from dealroom.screens.deal_room import DealRoomScreen
from dealroom.screens.form import FormScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.screens.standup import StandupScreen
from dealroom.settings import Settings
from dealroom.store import Store, open_store
from dealroom.store.views import PipelineRow
from dealroom.widgets.vlist import VirtualList


@pytest.fixture
def db(team_db: str) -> str:
    """Two deals: ACME-5G (ana, wei, li) and NORD-DC (wei)."""
    return team_db


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEALROOM_KEYMAP", str(tmp_path / "no-keymap.toml"))


def opened(app: DealroomApp) -> Store:
    assert app.store is not None
    return app.store


def codes(vlist: VirtualList[Any]) -> list[str]:
    return [r.deal.code for r in vlist.items if isinstance(r, PipelineRow)]


class Gate:
    """Holds back the store calls that ``held(*args, **kwargs)`` picks until released."""

    def __init__(self, held: Callable[..., bool]) -> None:
        self.held = held
        self.release = threading.Event()
        self.passed = threading.Event()

    async def open(self, app: DealroomApp, pilot: Pilot[None]) -> None:
        """Let the held call through, and wait until all it set off is done."""
        self.release.set()
        assert await asyncio.to_thread(self.passed.wait, 20)
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)

    def wrap(self, store: object, name: str) -> None:
        original = getattr(store, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.held(*args, **kwargs):
                assert self.release.wait(20), "never released"
                try:
                    return original(*args, **kwargs)
                finally:
                    self.passed.set()
            return original(*args, **kwargs)

        setattr(store, name, call)


def counted(store: object, name: str) -> list[tuple[Any, ...]]:
    """Every call of ``store.name`` from now on, with its arguments."""
    calls: list[tuple[Any, ...]] = []
    original = getattr(store, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    setattr(store, name, call)
    return calls


async def test_an_older_pipeline_load_that_answers_late_is_never_shown(db: str) -> None:
    with open_seeder(db, actor="ana", now=fixed_now, today=TODAY) as st:
        st.deals.create_deal("LOST-1", "Old tender", "Lost Ltd", leads={Role.AR: "ana"})
        st.deals.set_status("LOST-1", DealStatus.LOST, "budget cut")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pipeline = app.screen
        assert isinstance(pipeline, PipelineScreen)
        deals = pipeline.query_one("#deals", VirtualList)
        assert codes(deals) == ["ACME-5G", "NORD-DC"]
        gate = Gate(lambda **kw: bool(kw.get("mine") and not kw.get("include_closed")))
        gate.wrap(opened(app).reads, "pipeline_at")
        await pilot.press("u")  # my deals: held back
        await pilot.press("c")  # my deals with the lost ones: answers first
        await until(pilot, lambda: codes(deals) == ["ACME-5G", "LOST-1"], within=10)
        await gate.open(app, pilot)
        assert codes(deals) == ["ACME-5G", "LOST-1"]  # not the older ["ACME-5G"]
        assert pipeline.shown_codes() == ["ACME-5G", "LOST-1"]


async def test_the_deal_room_shows_the_last_neighbour_asked_for(db: str) -> None:
    with open_seeder(db, actor="ana", now=fixed_now, today=TODAY) as st:
        st.deals.create_deal(
            "ZED-1", "Third", "Zed", stage=Stage.OPPORTUNITY, leads={Role.AR: "ana"}
        )
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pipeline = app.screen
        assert isinstance(pipeline, PipelineScreen)
        order = pipeline.shown_codes()
        assert order == ["ACME-5G", "ZED-1", "NORD-DC"]
        await pilot.press("enter")
        await settle(pilot)
        room = app.screen
        assert isinstance(room, DealRoomScreen) and room.order == order
        gate = Gate(lambda code: code == "ZED-1")
        gate.wrap(opened(app).reads, "deal_room")
        await pilot.press("right_square_bracket")  # ZED-1: held back
        await pilot.press("right_square_bracket")  # NORD-DC: answers first
        await until(
            pilot, lambda: room.room is not None and room.room.deal.code == "NORD-DC", within=10
        )
        await gate.open(app, pilot)
        assert room.room is not None and room.room.deal.code == "NORD-DC"
        assert room.code == "NORD-DC"


async def test_a_task_saved_in_the_deal_room_reads_the_room_once(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        reads = counted(opened(app).reads, "deal_room")
        # Only a deal room's read selects the timeline (the stage plans).
        timelines: list[str] = []

        def statement(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
            if "FROM stage_plan" in sql:
                timelines.append(sql)

        sqlalchemy.event.listen(opened(app).engine, "before_cursor_execute", statement)
        await pilot.press("t", *"Call the CTO's office")
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause(2 * WATCH_INTERVAL + 0.5)  # the watcher has seen the change
        await settle(pilot)
        sqlalchemy.event.remove(opened(app).engine, "before_cursor_execute", statement)
        assert app.screen is room
        assert reads == [("ACME-5G",)]
        assert len(timelines) == 1, timelines
        titles = [getattr(i, "title", "") for i in room._pane(Role.AR).list.items]
        assert "Call the CTO's office" in titles


async def test_a_change_of_ours_in_the_deal_room_shows_in_the_pipeline_below(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        pipeline = app.screen
        assert isinstance(pipeline, PipelineScreen)
        await pilot.press("enter")  # ACME-5G
        await settle(pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-amount", Input).value = "2.5m"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is pipeline
        assert isinstance(pipeline, PipelineScreen)
        acme = next(r for r in pipeline.rows if r.deal.code == "ACME-5G")
        assert acme.deal.amount == 2_500_000


async def test_a_change_whose_screen_was_left_meanwhile_shows_on_the_screen_below(
    db: str,
) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        store = opened(app)
        gate = Gate(lambda *args, **kw: True)
        gate.wrap(store.checklists, "answer_checklist")
        await pilot.press("y")  # answered, and held back...
        await pilot.press("escape")  # ...while we are back in the deal room already
        await pilot.pause()
        assert app.screen is room
        reads = counted(store.reads, "deal_room")
        await gate.open(app, pilot)
        assert reads == [("ACME-5G",)]
    with open_store(db, actor="ana", today=TODAY) as st:
        answers = st.methods.deal_methods("ACME-5G").answers.values()
        assert [a.answer for a in answers] == [Answer.YES]


async def test_others_changes_still_come_and_ours_are_left_out_of_the_feed(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dealroom.app

    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        seen: list[list[int]] = []
        original = dealroom.app.tell_others_changes

        def told(to: Any, actor: str, feed: Any) -> None:
            seen.append([f.event.id for f in feed])
            original(to, actor, feed)

        monkeypatch.setattr(dealroom.app, "tell_others_changes", told)
        await pilot.press("t", *"Ours")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with open_store(db, actor="wei", today=TODAY) as other:
            other.items.add_task("ACME-5G", Role.AR, "Theirs")
            theirs = other.reads.last_event_id()
        ar = room._pane(Role.AR).list
        await until(
            pilot, lambda: "Theirs" in [getattr(i, "title", "") for i in ar.items], within=10
        )
        ours = opened(app).own_event_ids()
        delivered = {i for ids in seen for i in ids}
        assert ours and theirs not in ours
        assert theirs in delivered and not ours & delivered
        assert any("Wei Zhang" in str(n.message) for n in app._notifications)


async def test_a_slow_answer_says_the_database_is_busy(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dealroom.app.SLOW_NOTICE", 0.2)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Opening a deal is not a read known to take long (the whole pipeline is): it
        # says when it waits. The first open loads the deal room's code: done before.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        app.clear_notifications()
        gate = Gate(lambda code: code == "ACME-5G")
        gate.wrap(opened(app).reads, "deal_room")
        await pilot.press("enter")
        busy = "Waiting for the database"
        await until(
            pilot, lambda: any(busy in str(n.message) for n in app._notifications), within=10
        )
        gate.release.set()
        await settle(pilot)


async def test_the_settings_the_app_is_given_reach_its_screens(db: str, tmp_path: Path) -> None:
    settings = Settings(speaker_seconds=30, export_dir=tmp_path / "out")
    app = DealroomApp(db, "ana", settings=settings, today=TODAY, now=fixed_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StandupScreen) and screen.limit == 30
        await pilot.press("s")  # opened, it is a preview: started, it is recorded
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("m", "s")
        await settle(pilot)
    assert (tmp_path / "out" / "standup-1-2026-11-23.md").exists()
