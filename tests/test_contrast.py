"""The highlighted row reads in every colour mode a team's terminals use.

Each test renders the app, takes the cursor row as the terminal receives it (after
Textual's own filters: ``NO_COLOR`` turns colours to greys), brings every colour down to
what a 256- or 16-colour terminal shows, and measures each character's contrast against
its background (the WCAG ratio; 4.5 is its minimum for text). Before, the pipeline's
flags were orange on orange (256 colours), bright red on bright red (16 colours), grey 247
on 248 (``NO_COLOR``), and the deal room's overdue row red on orange."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pilots import make_app, open_room, press, settle
from rich.color import Color, ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.pilot import Pilot
from textual.strip import Strip

from dealroom.widgets.vlist import VirtualList

MINIMUM = 4.5
MODES = ["truecolor", "256", "16", "NO_COLOR"]
SYSTEMS = {"truecolor": None, "256": ColorSystem.EIGHT_BIT, "16": ColorSystem.STANDARD}


def luminance(color: Color) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor()
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: Color, b: Color) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def shown(color: Color, mode: str) -> Color:
    """The colour as a terminal in ``mode`` shows it (16 colours in the standard palette)."""
    system = SYSTEMS.get(mode)
    if system is None:
        return color
    down = color.downgrade(system)
    return Color.from_triplet(down.get_truecolor())


def blend(fg: Color, bg: Color, amount: float) -> Color:
    (r1, g1, b1), (r2, g2, b2) = fg.get_truecolor(), bg.get_truecolor()
    mix = [round(a + (b - a) * amount) for a, b in ((r1, r2), (g1, g2), (b1, b2))]
    return Color.from_rgb(*mix)


def cells(segments: Iterator[Segment]) -> Iterator[tuple[str, Style]]:
    for segment in segments:
        for char in segment.text:
            if not char.isspace():
                yield char, segment.style or Style()


def worst(pilot: Pilot[Any], vlist: VirtualList[Any], mode: str) -> tuple[float, str]:
    """The lowest contrast of any character on ``vlist``'s cursor row, and which."""
    app = pilot.app
    y = vlist.region.y + vlist.cursor - round(vlist.scroll_y)
    update = app.screen._compositor.render_full_update()
    region = vlist.region  # the row itself, not the pane's border beside it
    row = iter(Strip.join(update.strips[y]).crop(region.x, region.right))
    lowest, which = 99.0, ""
    for char, style in cells(row):
        assert style.color is not None and style.bgcolor is not None, (char, style)
        fg, bg = shown(style.color, mode), shown(style.bgcolor, mode)
        if style.dim:  # a terminal draws faint text about halfway to its background
            fg = blend(fg, bg, 0.5)
        value = ratio(fg, bg)
        if value < lowest:
            lowest, which = value, f"{char!r} {fg.name} on {bg.name}"
    return lowest, which


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    return str(request.param)


async def test_the_pipelines_cursor_row_reads_in_every_colour_mode(team_db: str, mode: str) -> None:
    app = make_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        deals = app.screen.query_one("#deals", VirtualList)
        assert deals.current is not None and deals.current.flags  # a row with flags
        low, which = worst(pilot, deals, mode)
        assert low >= MINIMUM, f"{mode}: {which} has contrast {low:.2f}"


async def test_the_deal_rooms_cursor_row_reads_in_every_colour_mode(
    team_db: str, mode: str
) -> None:
    app = make_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        await press(pilot, "1")
        item = room.current()
        assert item is not None and item.title == "Map the decision chain"  # overdue
        low, which = worst(pilot, room._pane().list, mode)
        assert low >= MINIMUM, f"{mode}: {which} has contrast {low:.2f}"
