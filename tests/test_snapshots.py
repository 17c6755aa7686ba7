"""Snapshot tests: what the main screens look like, on fixed demo data.

The SVGs live in tests/__snapshots__/test_snapshots/. After a deliberate change to the
look, regenerate them with ``pytest tests/test_snapshots.py --snapshot-update`` and look
at every changed image before committing it.

These are plain ``def`` tests: ``snap_compare`` runs the app itself, so it cannot be
called from inside an async test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pilots import open_room, settle, steady_inputs
from snapshot_app import ROOM, build_app
from textual.pilot import Pilot
from textual.widgets import Input, Static

from dealroom.app import DealroomApp
from dealroom.screens.form import FormScreen
from dealroom.screens.help import HelpScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.widgets.role_pane import RolePane

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def _steady(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from outside the test in the picture: not the tester's keymap (conftest's
    ``_hermetic``), nor the "waiting for the database" notice a slow machine would show
    after a second."""
    monkeypatch.setattr("dealroom.app.SLOW_NOTICE", 3600.0, raising=False)


@pytest.fixture
def demo_db(snapshot_db: str) -> str:
    """The seeded file (``snapshot_db``, once per test process): no snapshot test writes
    to it."""
    return snapshot_db


@pytest.fixture
def app(demo_db: str) -> DealroomApp:
    return build_app(demo_db)


@pytest.mark.parametrize(
    "size", [(80, 24), (100, 30), (120, 40), (160, 50)], ids=["80", "100", "120", "160"]
)
def test_pipeline(snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen) and app.screen.loaded

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 50)], ids=["80", "120", "160"])
def test_deal_room(snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]) -> None:
    """At every width: each row names its item's ``#id``, and the detail line under the
    panes shows the highlighted item whole."""

    async def run_before(pilot: Pilot[Any]) -> None:
        room = await open_room(pilot, ROOM)
        item = room.current()
        assert item is not None
        lines = [room.query_one(RolePane).list.render_line(y).text for y in range(6)]
        assert any(f"#{item.id} " in line for line in lines), lines
        detail = str(room.query_one("#detail", Static).visual)
        assert detail.startswith(f"#{item.id} ") and item.title in detail

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_task_form_names_an_invalid_date(snap_compare: SnapCompare, app: DealroomApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_room(pilot, ROOM)
        await pilot.press("t", *"Call the CFO about the budget")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-due", Input).value = "someday"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # refused: the form stays open, with the error
        steady_inputs(app)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_help_in_the_deal_room(snap_compare: SnapCompare, app: DealroomApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_room(pilot, ROOM)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_snapshot_data_is_fixed(demo_db: str) -> None:
    """The seeded file is the same data every run: the snapshots depend on it."""
    from pilots import TODAY, fixed_now

    from dealroom.domain import TRIANGLE
    from dealroom.store import open_store

    with open_store(demo_db, actor="ana", now=fixed_now, today=TODAY) as store:
        room = store.reads.deal_room(ROOM)
        assert room.deal.status.value == "open"
        for role in TRIANGLE:  # the deal room snapshots show items in every pane
            assert room.tasks_for(role) and room.risks_for(role) and room.handoffs_for(role)
    assert Path(demo_db.removeprefix("sqlite:///")).exists()
