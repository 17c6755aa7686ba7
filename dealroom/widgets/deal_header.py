"""The deal room's header: the deal itself and the shared LTC timeline with its gates."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from dealroom.domain import STAGE_INFO, GateDecision, Stage
from dealroom.store.views import DealRoomView, TimelineStage
from dealroom.textutil import fit, money, one_line

GATE_MARK = {
    GateDecision.APPROVED: ("✓", "green"),
    GateDecision.REJECTED: ("✗", "bold red"),
    GateDecision.DEFERRED: ("…", "yellow"),
}


class DealHeader(Static):
    DEFAULT_CSS = """
    DealHeader { height: auto; max-height: 5; padding: 0 1; background: $panel; }
    """

    def show(self, room: DealRoomView, today: date) -> None:
        d = room.deal
        width = max(20, (self.size.width or 120) - 2)
        text = Text()
        text.append(one_line(d.code), style="bold")
        text.append("  ")
        text.append(fit(one_line(d.name), max(8, width - cell_len(one_line(d.code)) - 2)).rstrip())
        text.append("\n")
        prob = f"{d.probability}%" + ("*" if d.probability_override is not None else "")
        late = d.close_date is not None and d.close_date < today and d.status.value == "open"
        account = fit(one_line(d.account), 30).rstrip()
        text.append(f"{account} ({d.tier.value}) · {money(d.amount, d.currency)} · {prob} · ")
        text.append(
            f"close {d.close_date or '—'}" + ("!" if late else ""), style="bold red" if late else ""
        )
        text.append(f" · level {d.level.value} · ")
        status_style = {"won": "bold green", "lost": "bold red", "dropped": "dim"}.get(
            d.status.value, ""
        )
        text.append(d.status.value, style=status_style)
        if d.status_reason:
            text.append(f" ({fit(one_line(d.status_reason), 40).rstrip()})", style="dim")
        text.append("\n")
        text.append_text(timeline(room.timeline, self.size.width or 120))
        self.update(text)


def timeline(steps: list[TimelineStage], width: int) -> Text:
    """Every stage in order, the current one marked, dates, and each gate's state."""
    long = width >= 150
    out = Text()
    for step in steps:
        if step.gate is not None:
            mark, style = (
                GATE_MARK.get(step.gate_state, ("?", "dim")) if step.gate_state else ("·", "dim")
            )
            out.append(f"◆{step.gate.value}{mark}", style=style)
            out.append(" ")
        info = STAGE_INFO[step.stage]
        name = info.label if long else info.short
        if step.current:
            out.append(f"[{name}]", style="bold reverse")
        else:
            out.append(name, style="" if step.reached else "dim")
        when = step.actual or step.planned
        if when is not None:
            late = step.actual is None and step.planned is not None and not step.reached
            out.append(f" {when:%m-%d}", style="dim" if not late else "dim italic")
        if step.stage is not Stage.CLOSED:
            out.append(" › ", style="dim")
    return out
