"""The funnel strip above the pipeline: deals and weighted amount per LTC stage."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from dealroom.domain import STAGE_INFO, STAGES, Stage
from dealroom.textutil import short_money


class Funnel(Static):
    DEFAULT_CSS = """
    Funnel { height: 2; padding: 0 1; background: $panel; }
    """

    def show(self, counts: dict[Stage, tuple[int, int]]) -> None:
        width = max(8, (self.size.width or 80) - 2)
        cell = max(8, width // len(STAGES))
        names, figures = Text(), Text()
        for stage in STAGES:
            count, weighted = counts.get(stage, (0, 0))
            label = STAGE_INFO[stage].label if cell >= 16 else STAGE_INFO[stage].short
            style = "bold" if count else "dim"
            names.append(f"{label} {count}"[: cell - 1].ljust(cell), style=style)
            figures.append(short_money(weighted)[: cell - 1].ljust(cell), style="dim")
        self.update(Text("\n").join([names, figures]), layout=False)  # always 2 lines
