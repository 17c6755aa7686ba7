"""The import in the app: an empty database's welcome offers it; pick the file, see the
preview, confirm; a file with a bad row imports only when asked to leave it out."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilots import make_app, press, settle, until
from seeding import open_seeder
from sheets import SALESFORCE_HEADERS, SALESFORCE_ROWS, csv_bytes, sheet_file
from textual.widgets import Static

from dealroom.screens.confirm import ConfirmScreen
from dealroom.screens.importing import ImportScreen, SheetPicker
from dealroom.screens.pipeline import PipelineScreen
from dealroom.store import open_store
from dealroom.widgets.safe_input import SafeInput
from dealroom.widgets.vlist import VirtualList


def empty_db(tmp_path: Path) -> str:
    path = tmp_path / "team.db"
    open_seeder(str(path)).close()  # no people, no deals; ana administers it
    return str(path)


def deal_names(db: str) -> set[str]:
    with open_store(db, actor="ana") as st:
        return {r.deal.name for r in st.reads.deal_rooms(None)}


def said(screen: ImportScreen) -> str:
    return str(screen.query_one("#import-report", Static).content)


async def test_a_new_team_imports_its_pipeline_from_the_welcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = empty_db(tmp_path)
    monkeypatch.chdir(tmp_path)
    sheet_file(tmp_path, "pipeline.csv", csv_bytes(SALESFORCE_HEADERS, SALESFORCE_ROWS))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        welcome = app.screen.query_one("#deals", VirtualList)._empty
        assert "I   import" in welcome

        await press(pilot, "I")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        picker = screen.query_one(SheetPicker)
        await until(pilot, lambda: tmp_path / "pipeline.csv" in picker.paths)
        assert tmp_path / "team.db" not in picker.paths  # only sheets are offered

        await press(pilot, *"pipeline.csv", "enter")
        await until(pilot, lambda: "Would create" in said(screen))
        preview = said(screen)
        assert "Read as Salesforce" in preview and "'Ana Alves' is nobody" in preview
        assert "p creates them" in preview and "--create-people" not in preview
        assert deal_names(db) == set()  # the preview wrote nothing

        await press(pilot, "p")  # create the people the file names
        await until(pilot, lambda: "new people: ana.alves, bruno.costa" in said(screen))
        assert "Problems" not in said(screen)
        await press(pilot, "a")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        await until(pilot, lambda: "Created 3 deals" in said(screen))
        assert deal_names(db) == {r[1] for r in SALESFORCE_ROWS}
        assert app.screen is screen and not screen.check_action("apply", ())  # done once

        await press(pilot, "escape")
        assert isinstance(app.screen, PipelineScreen)
        deals = app.screen.query_one("#deals", VirtualList)
        await until(pilot, lambda: len(deals.items) == 3)


async def test_a_bad_row_is_left_out_only_when_asked_and_goes_to_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = empty_db(tmp_path)
    monkeypatch.chdir(tmp_path)
    rows = [list(r) for r in SALESFORCE_ROWS]
    rows[2][5] = "31/02/2027"
    sheet_file(tmp_path, "bad.csv", csv_bytes(SALESFORCE_HEADERS, rows))
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "I")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await press(pilot, *"bad.csv", "enter", "p")
        await until(pilot, lambda: "Close Date: '31/02/2027' is not a date" in said(screen))
        await press(pilot, "a")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")  # not now: nothing written
        assert deal_names(db) == set()
        await press(pilot, "a", "y")
        await until(pilot, lambda: "Created 2 deals" in said(screen))
        rejected = (tmp_path / "bad-rejected.csv").read_text(encoding="utf-8")
        assert "Bluefield Energy Grid Analytics" in rejected and "line 4" in rejected


async def test_a_file_that_cannot_be_read_says_why_and_keeps_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = empty_db(tmp_path)
    monkeypatch.chdir(tmp_path)
    sheet_file(tmp_path, "photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(64))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "I")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await press(pilot, *"photo.csv", "enter")
        hint = screen.query_one("#import-hint", Static)
        await until(pilot, lambda: "is not a text or Excel file" in str(hint.content))
        path = screen.query_one("#import-path", SafeInput)
        assert path.value == "photo.csv" and path.has_focus  # kept, to fix
        assert not screen.check_action("apply", ())


def test_the_import_key_is_refused_by_the_stores_own_rule() -> None:
    """The pipeline names the rule by its key, without importing the store's module before
    the first frame: the key must stay the one the store refuses with."""
    from dealroom.screens.setup import SetupActions
    from dealroom.store.imports import IMPORTED

    assert SetupActions.ADMINISTERED["import_file"] == IMPORTED
