"""Snapshots of the winning-method screens, on the demo data plus a power map, checklist
answers, a competitor and assessment scores on one deal (``snapshot_app.seed_methods``: the
``snapshot_methods_db`` fixture).

Regenerate with ``pytest tests/test_snapshots_methods.py --snapshot-update`` and look at
every changed image before committing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pilots import open_room, settle
from snapshot_app import ROOM, build_app
from textual.pilot import Pilot

from dealroom.app import DealroomApp
from dealroom.screens.assessment import AssessmentScreen
from dealroom.screens.checklist import ChecklistScreen
from dealroom.screens.gate import GateScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.screens.power_map import PowerMapScreen
from dealroom.widgets.forecast import ForecastPanel

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def _steady(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dealroom.app.SLOW_NOTICE", 3600.0, raising=False)


@pytest.fixture
def app(snapshot_methods_db: str) -> DealroomApp:
    """On the seeded file (once per test process): no snapshot test writes to it."""
    return build_app(snapshot_methods_db)


def in_room(app: DealroomApp, key: str, screen: type) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_room(pilot, ROOM)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)

    return run_before


def test_power_map_120x40(snap_compare: SnapCompare, app: DealroomApp) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=in_room(app, "P", PowerMapScreen))


def test_power_map_80x24(snap_compare: SnapCompare, app: DealroomApp) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=in_room(app, "P", PowerMapScreen))


def test_gate_decision_120x40(snap_compare: SnapCompare, app: DealroomApp) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=in_room(app, "g", GateScreen))


def test_checklist_120x40(snap_compare: SnapCompare, app: DealroomApp) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=in_room(app, "c", ChecklistScreen))


def test_assessment_120x40(snap_compare: SnapCompare, app: DealroomApp) -> None:
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=in_room(app, "A", AssessmentScreen)
    )


def test_deal_room_header_with_methods_120x30(snap_compare: SnapCompare, app: DealroomApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_room(pilot, ROOM)

    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


@pytest.mark.parametrize(
    "size", [(80, 24), (100, 30), (120, 40), (160, 50)], ids=["80", "100", "120", "160"]
)
def test_pipeline_forecast(
    snap_compare: SnapCompare, app: DealroomApp, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        assert app.screen.query_one(ForecastPanel).display

    assert snap_compare(app, terminal_size=size, run_before=run_before)
