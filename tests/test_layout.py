"""Layout at the widths teams use (80, 100, 120, 160 columns): nothing a lead reads is
broken across lines or cut where it need not be."""

from __future__ import annotations

import re

import pytest
from pilots import advance_to, make_app, open_room, press, settle, store_on
from textual.widgets import Button

from dealroom.app import DealroomApp
from dealroom.domain import STAGE_INFO, Stage
from dealroom.screens.confirm import ConfirmScreen
from dealroom.screens.conflict import ConflictScreen, FieldPair
from dealroom.screens.form import FormScreen
from dealroom.store import Store
from dealroom.store.inputs import TaskUpdate
from dealroom.widgets.deal_header import timeline

WIDTHS = [80, 100, 120, 160]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_timeline_wraps_between_stages_never_inside_one(team: Store, width: int) -> None:
    """Before, "› INV" ended one line and its date "02-10" began the next."""
    advance_to(team, Stage.BID)
    room = team.reads.deal_room("ACME-5G")
    for step in room.timeline:
        team.deals.plan_stage("ACME-5G", step.stage, team.today())
    room = team.reads.deal_room("ACME-5G")
    lines = timeline(room.timeline, width, room.completion).plain.split("\n")
    assert all(len(line) <= width for line in lines), lines
    long = width >= 150
    for stage in Stage:
        name = STAGE_INFO[stage].label if long else STAGE_INFO[stage].short
        pattern = re.escape(name) + r"\]? \d\d-\d\d"  # the name and its date together
        assert any(re.search(pattern, line) for line in lines), (name, lines)
    assert not any(line.startswith((" ", "›")) or line.endswith(" ") for line in lines)


# --- dialogs at 80×24 -----------------------------------------------------------------------


def on_screen(app: DealroomApp, *selectors: str) -> None:
    """Each button is wholly inside the terminal."""
    size = app.size
    for selector in selectors:
        region = app.screen.query_one(selector, Button).region
        assert region.height > 0 and region.bottom <= size.height, (selector, region, size)
        assert region.right <= size.width, (selector, region, size)


@pytest.mark.parametrize(
    ("keys", "size"),
    [
        (("t",), (80, 24)),
        (("r",), (80, 24)),
        (("h",), (80, 24)),
        (("e",), (80, 24)),
        (("M",), (80, 24)),
        (("g",), (80, 24)),
        (("g",), (120, 30)),
        (("g",), (120, 40)),
    ],
    ids=["task", "risk", "handoff", "deal", "members", "gate-80x24", "gate-120x30", "gate-120x40"],
)
async def test_every_form_keeps_its_buttons_on_screen(
    team_db: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    """Before, the gate dialog's Save/Cancel were below the screen at 120×40 and 120×30."""
    app = make_app(team_db)
    async with app.run_test(size=size) as pilot:
        await open_room(pilot, "ACME-5G")
        await press(pilot, *keys)
        assert isinstance(app.screen, FormScreen)
        on_screen(app, "#save", "#cancel")


async def test_the_delete_question_for_a_long_title_keeps_its_buttons(team_db: str) -> None:
    with store_on(team_db) as st:
        [task] = st.reads.deal_room("ACME-5G").tasks
        st.items.update_task(task.id, TaskUpdate(title="Map the decision chain " * 60))
    app = make_app(team_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, "ACME-5G")
        await press(pilot, "1", "d")
        assert isinstance(app.screen, ConfirmScreen)
        on_screen(app, "#yes", "#no")


async def test_the_conflict_dialog_keeps_its_buttons(team_db: str) -> None:
    app = make_app(team_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pairs = [FieldPair(f"Field {i}", "mine " * 20, "theirs " * 20) for i in range(30)]
        app.push_screen(ConflictScreen("Task #1", ["wei"], pairs))
        await settle(pilot)
        on_screen(app, "#theirs", "#yours", "#edit")
