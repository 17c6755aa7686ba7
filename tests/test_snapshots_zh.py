"""Snapshots in Simplified Chinese: the pipeline, a deal room, the standup, the power map,
the gate form and help, on the fixed demo data plus methods (``snapshot_methods_db``), at
80×24 and 120×40. Wide characters take two cells: nothing is cut in half, labels and
footers fit. Regenerate with ``pytest tests/test_snapshots_zh.py --snapshot-update`` and
look at every changed image before committing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pilots import open_room, settle
from snapshot_app import ROOM, build_app
from test_hostile_text import screen_lines, text_of
from textual.pilot import Pilot

from dealroom import i18n
from dealroom.app import DealroomApp
from dealroom.screens.gate import GateScreen
from dealroom.screens.help import HelpScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.screens.power_map import PowerMapScreen
from dealroom.screens.standup import StandupScreen

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (120, 40)]
IDS = ["80", "120"]


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("dealroom.app.SLOW_NOTICE", 3600.0, raising=False)
    i18n.use("zh_CN")
    yield
    i18n.use(i18n.SOURCE)


@pytest.fixture
def app(snapshot_methods_db: str) -> DealroomApp:
    return build_app(snapshot_methods_db)


def in_chinese(app: DealroomApp, *words: str) -> None:
    shown = text_of(screen_lines(app))
    for word in words:
        assert word in shown, f"{word!r} not on the screen:\n{shown}"


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_pipeline(snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen) and app.screen.loaded
        in_chinese(app, "商机 · ", "线索", "帮助")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_deal_room(snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_room(pilot, ROOM)
        in_chinese(app, "任务（", "风险（", "交接（")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def in_room(app: DealroomApp, key: str, screen: type, *words: str) -> Callable[..., Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_room(pilot, ROOM)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        in_chinese(app, *words)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_power_map(snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]) -> None:
    run_before = in_room(app, "P", PowerMapScreen, "权力地图 · ", "决策者")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_gate_form(snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]) -> None:
    run_before = in_room(app, "g", GateScreen, "决策点", "检查清单")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_help(snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]) -> None:
    run_before = in_room(app, "question_mark", HelpScreen, "按键 · ")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_standup(snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StandupScreen)
        in_chinese(app, "站会")

    assert snap_compare(app, terminal_size=size, run_before=run_before)
