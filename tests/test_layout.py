"""Layout at the widths teams use (80, 100, 120, 160 columns): nothing a lead reads is
broken across lines or cut where it need not be."""

from __future__ import annotations

import re

import pytest
from pilots import advance_to, make_app, open_room, press, settle, store_on
from rich.cells import cell_len
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from dealroom.app import DealroomApp
from dealroom.domain import STAGE_INFO, DealStatus, Role, Stage, TaskStatus, Tier
from dealroom.screens.confirm import ConfirmScreen
from dealroom.screens.conflict import ConflictScreen, FieldPair
from dealroom.screens.form import FormScreen
from dealroom.screens.help import TEXTUALS, HelpScreen
from dealroom.store import Store
from dealroom.store.inputs import TaskUpdate
from dealroom.widgets.deal_header import timeline
from dealroom.widgets.footer import KeysFooter
from dealroom.widgets.forecast import currency_block
from dealroom.widgets.rows import PipelineLayout, pipeline_row

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


# --- keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["pipeline", "deal room"])
async def test_the_footer_at_80_columns_keeps_help_and_quit(team_db: str, where: str) -> None:
    """Before, a narrow footer cut ``? Help`` and ``q Quit``, the app's keys, from its end."""
    app = make_app(team_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if where == "deal room":
            await open_room(pilot, "ACME-5G")
        footer = app.screen.query_one(KeysFooter)
        keys = sorted(footer.query(FooterKey), key=lambda key: key.region.x)  # as seen
        shown = [key for key in keys if key.region.right <= 80 and key.region.width]
        actions = [key.action for key in shown]
        assert actions[:2] == ["help", "quit"], actions


async def test_help_lists_the_apps_keys_first_then_textuals(team_db: str) -> None:
    app = make_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = help_screen.rows
        assert [r[3] for r in rows[:2]] == ["app.quit", "app.help"]
        keys = {r[3]: r[1] for r in rows}
        assert keys["list.down"] == "↓/j" and keys["list.up"] == "↑/k" and "q" in keys["app.quit"]
        sections = [r[0] for r in rows]
        first_textual = sections.index(TEXTUALS)
        assert set(sections[first_textual:]) == {TEXTUALS}  # Textual's own, all after ours
        assert all(r[3] for r in rows[:first_textual]) and not any(
            r[3] for r in rows[first_textual:]
        )


# --- the pipeline and the forecast ----------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_the_pipeline_keeps_the_amount_and_every_flag(team: Store, width: int) -> None:
    """Before, at 80 columns the pipeline dropped the amount and cut the flags to "◆A…"."""
    from datetime import timedelta

    advance_to(team, Stage.BID)
    past = team.today() - timedelta(days=3)
    for i in range(12):  # two-digit counts, the widest flags
        team.items.add_task("ACME-5G", Role.SR, f"late {i}", due=past)
    team.items.add_task("ACME-5G", Role.SR, "stuck", status=TaskStatus.BLOCKED)
    team.items.add_risk("ACME-5G", Role.FR, "rival", likelihood=5, impact=5)
    team.items.add_handoff("ACME-5G", Role.AR, Role.SR, "scope")
    [row] = team.reads.pipeline()
    assert row.flags == "!12 #1 ▲1 ⇄1 ◆ATC"
    layout = PipelineLayout(width)
    line = "".join(s.text for s in pipeline_row(row, layout, team.today()))
    assert cell_len(line) == layout.header().cell_len <= width
    assert "1.2M CNY" in line and row.flags in line, line


@pytest.mark.parametrize("width", [78, 98, 118, 158])
def test_the_forecast_header_wraps_between_phrases(width: int) -> None:
    """Before, at 120 columns "next 3 months" was split from its figure."""
    from datetime import date

    from rich.console import Console

    from dealroom.domain.forecast import ForecastDeal, forecast

    today = date(2026, 12, 3)
    deals = [
        ForecastDeal(
            f"D-{i}",
            12_345_678 * (i + 1),
            50,
            date(2027, 1 + i % 12, 5),
            DealStatus.OPEN,
            Tier.A,
            "CNY",
            {Role.AR: "ana"},
        )
        for i in range(12)
    ]
    block = currency_block(forecast(deals, today), {"ana": "Ana"}, "hide", width=width)
    console = Console(width=width, record=True, color_system=None)
    console.print(block)
    lines = console.export_text().splitlines()
    head = "\n".join(lines[:4])
    for phrase in ("next 3 months", "this year", "all open", "F: hide"):
        assert phrase in head, (phrase, head)
    assert re.search(r"next 3 months \S+ \(\d+\)", head), head
    assert "Rest of 2026" not in head  # in December the three months reach into 2027
