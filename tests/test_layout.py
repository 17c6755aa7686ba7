"""Layout at the widths teams use (80, 100, 120, 160 columns): nothing a lead reads is
broken across lines or cut where it need not be."""

from __future__ import annotations

import re

import pytest
from pilots import advance_to

from dealroom.domain import STAGE_INFO, Stage
from dealroom.store import Store
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
