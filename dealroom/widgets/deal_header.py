"""The deal room's header: the deal itself and the shared LTC timeline with its gates."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from dealroom.domain import STAGE_INFO, GateDecision, Stage
from dealroom.domain.checklist import StageCompletion
from dealroom.i18n import _
from dealroom.store.views import DealRoomView, TimelineStage
from dealroom.textutil import fit, money, one_line
from dealroom.widgets.rows import STATUS_WORDS
from dealroom.widgets.wrap import wrapped

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
        text = Text()
        text.append(one_line(d.code), style="bold")
        text.append("  ")
        marks = assessment_marks(room.marks)
        full = self.size.width or 120  # the content width: padding is outside it
        sponsor = sponsor_tag(room, max(12, full // 4))
        room_for_name = (
            full - cell_len(one_line(d.code)) - 2 - sponsor.cell_len - marks.cell_len - 1
        )
        width = max(8, room_for_name)
        name = fit(one_line(d.name), width).rstrip()
        text.append(name)
        text.append_text(sponsor)
        if width == room_for_name:  # the marks go flush right when they fit
            text.append(" " * (width - cell_len(name) + 1))
            text.append_text(marks)
        text.append("\n")
        prob = f"{d.probability}%" + ("*" if d.probability_override is not None else "")
        late = d.close_date is not None and d.close_date < today and d.status.value == "open"
        account = fit(one_line(d.account), 30).rstrip()
        text.append(f"{account} ({d.tier.value}) · {money(d.amount, d.currency)} · {prob} · ")
        close = _("close {day}").format(day=d.close_date or "—") + ("!" if late else "")
        text.append(close, style="bold red" if late else "")
        text.append(" · " + _("level {level}").format(level=d.level.value) + " · ")
        status_style = {"won": "bold green", "lost": "bold red", "dropped": "dim"}.get(
            d.status.value, ""
        )
        text.append(_(STATUS_WORDS[d.status]), style=status_style)
        if d.status_reason:
            text.append(f" ({fit(one_line(d.status_reason), 40).rstrip()})", style="dim")
        text.append("\n")
        text.append_text(timeline(room.timeline, self.size.width or 120, room.completion))
        self.update(text)


def sponsor_tag(room: DealRoomView, width: int) -> Text:
    """`` · sponsor NAME``: who approves the deal's gates and receives its escalations."""
    sponsor = room.sponsor
    if sponsor is None:
        return Text(" · " + _("no sponsor"), style="dim")
    said = " · " + _("sponsor") + " "
    return Text.assemble((said, "dim"), fit(one_line(sponsor.name), width).rstrip())


#: How each assessment mark looks: colour and the sign itself, so both read.
MARK_STYLE = {"+": "bold green", "~": "yellow", "\u2212": "bold red", "?": "dim"}


def assessment_marks(marks: str) -> Text:
    """``assess +~−?``: the four questions' marks (opportunity, compete, win, worth)."""
    text = Text(_("assess") + " ", style="dim")
    for mark in marks:
        text.append(mark, style=MARK_STYLE.get(mark, ""))
    return text


def completion_tag(c: StageCompletion | None, *, percent: bool) -> Text:
    """`` 50%★``: how much of the stage's checklist holds, ``★`` when its key item does."""
    out = Text()
    if c is None or c.total == 0:
        return out
    if percent:
        done = c.percent == 100
        out.append(f" {c.percent}%", style="green" if done else "dim")
    if c.key_item_holds:
        out.append("★", style="bold green")
    return out


def timeline(
    steps: list[TimelineStage],
    width: int,
    completion: dict[Stage, StageCompletion] | None = None,
) -> Text:
    """Every stage in order, the current one marked, dates, and each gate's state; with
    ``completion``, each stage's checklist completion where it matters (the current stage,
    and from 120 columns the stages reached or answered) and ``★`` where the key item
    holds."""
    long = width >= 150
    medium = width >= 116  # a 120-column screen, less the header's padding
    completion = completion or {}
    tokens: list[Text] = []
    for step in steps:
        token = Text()  # a stage with its gate, date and marks: never split across lines
        if step.gate is not None:
            mark, style = (
                GATE_MARK.get(step.gate_state, ("?", "dim")) if step.gate_state else ("·", "dim")
            )
            token.append(f"◆{step.gate.value}{mark}", style=style)
            token.append(" ")
        info = STAGE_INFO[step.stage]
        name = _(info.label) if long else _(info.short)
        if step.current:
            token.append(f"[{name}]", style="bold reverse")
        else:
            token.append(name, style="" if step.reached else "dim")
        when = step.actual or step.planned
        if when is not None:
            late = step.actual is None and step.planned is not None and not step.reached
            token.append(f" {when:%m-%d}", style="dim" if not late else "dim italic")
        if step.went_back is not None:
            token.append("↩", style="yellow")  # the deal went back from here
        c = completion.get(step.stage)
        if c is not None:
            shown = step.current or (medium and (step.reached or c.answered > 0))
            token.append_text(completion_tag(c, percent=shown))
        tokens.append(token)
    return wrapped(tokens, Text(" › ", style="dim"), width)
