"""The funnel strip above the pipeline: deals and weighted amount per LTC stage, in the
database's base currency (the pipeline's title says which)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from dealroom.domain import STAGE_INFO, STAGES, Stage
from dealroom.domain.rules import StageFigures
from dealroom.i18n import _
from dealroom.textutil import fit, short_money


class Funnel(Static):
    DEFAULT_CSS = """
    Funnel { height: 2; padding: 0 1; background: $panel; }
    """

    def show(self, counts: dict[Stage, StageFigures]) -> None:
        """Per stage its deals and their weighted amount in the base currency; ``+2?``
        (``+2 no rate`` where it fits) counts the deals whose currency has no rate."""
        width = max(8, (self.size.width or 80) - 2)
        cell = max(8, width // len(STAGES))
        names, figures = Text(), Text()
        for stage in STAGES:
            count, weighted, unrated = counts.get(stage, StageFigures())
            info = STAGE_INFO[stage]
            label = _(info.label) if cell >= 16 else _(info.short)
            style = "bold" if count else "dim"
            names.append(fit(f"{label} {count}", cell - 1) + " ", style=style)  # CJK: 2 cells
            figure = short_money(weighted)
            if unrated:
                wide = _("{figure} +{n} no rate").format(figure=figure, n=unrated)
                figure = wide if len(wide) < cell else f"{figure}+{unrated}?"
            figures.append(fit(figure, cell - 1) + " ", style="dim")
        self.update(Text("\n").join([names, figures]), layout=False)  # always 2 lines
