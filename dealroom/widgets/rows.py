"""How one row of each list looks. User text goes in as plain text, never as markup.

Problems stand out by colour *and* by a symbol, for 16-colour terminals and for people who
do not tell red from green: ``!`` overdue, ``#`` blocked, ``⇑`` escalated, ``▲`` high risk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from dealroom.domain import (
    STAGE_INFO,
    TRIANGLE,
    DealStatus,
    HandoffState,
    RiskLevel,
    Role,
    Stage,
    TaskStatus,
)
from dealroom.i18n import N_, _, current
from dealroom.store.views import HandoffView, PipelineRow, RiskView, TaskView
from dealroom.textutil import fit, one_line, short_money

#: Column titles that are codes, the same in every language.
TITLED = frozenset({"%", *(r.value for r in TRIANGLE)})
#: The states of tasks, risks and handoffs, as the detail line says them.
ITEM_STATES = {
    "todo": N_("todo"),
    "doing": N_("doing"),
    "blocked": N_("blocked"),
    "done": N_("done"),
    "open": N_("open"),
    "mitigating": N_("mitigating"),
    "closed": N_("closed"),
    "drafted": N_("drafted"),
    "sent": N_("sent"),
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
}
#: A closed deal's status, beside its stage.
STATUS_WORDS = {
    DealStatus.OPEN: N_("open"),
    DealStatus.WON: N_("won"),
    DealStatus.LOST: N_("lost"),
    DealStatus.DROPPED: N_("dropped"),
}

OVERDUE = "bold red"
BLOCKED = "bold yellow"
DONE = "dim"
HIGH = "bold red"
MEDIUM = "yellow"


def stage_cells() -> int:
    """How wide the short names of the stages a won deal sits at are, in the language
    spoken (CJK counts two): with the mark, ``CLO ✓``, ``合同 ✓``."""
    return _stage_cells(current())


def amount_cells() -> int:
    """How wide a short amount gets in the language spoken: ``99.9M``, ``9,990万``."""
    return _amount_cells(current())


@cache
def _stage_cells(lang: str) -> int:
    won = (Stage.CONTRACT, Stage.DELIVERY, Stage.INVOICE, Stage.CLOSED)
    return max(cell_len(_(STAGE_INFO[stage].short)) for stage in won)


@cache
def _amount_cells(lang: str) -> int:
    return max(cell_len(short_money(999 * 10**k)) for k in range(10))


@dataclass(frozen=True, slots=True)
class PipelineLayout:
    """Which columns fit the width, and how wide each is."""

    width: int

    @property
    def medium(self) -> bool:
        return self.width >= 110

    @property
    def wide(self) -> bool:
        return self.width >= 150

    def columns(self) -> list[tuple[str, int, bool]]:
        """(title, width, right-aligned); the name column takes what is left. Below 110
        columns the amount and its probability stand in for the weighted amount, and the
        flags keep the room for all five kinds ("!2 #1 ▲1 ⇄1 ◆ATCC")."""
        if not self.medium:
            cols: list[tuple[str, int, bool]] = [
                (N_("Code"), 11, False),
                (N_("Stage"), max(5, stage_cells() + 2), False),  # "CLO ✓", "合同 ✓"
                (N_("Amount"), max(9, amount_cells() + 4), True),  # "99.9M CNY", "9,990万 CNY"
                ("%", 4, True),
                (N_("Close"), 11, False),
                (N_("Flags"), 18, False),
            ]
        else:
            cols = [(N_("Code"), 13, False), (N_("Account"), 14 if not self.wide else 18, False)]
            cols.append((N_("Stage"), 14 if self.wide else 12, False))
            amount = amount_cells()
            cols += [(N_("Amount"), max(12, amount + 5), True)]
            cols += [(N_("Weighted"), max(11, amount + 6), True), (N_("Close"), 11, False)]
            if self.wide:
                cols += [(r.value, 12, False) for r in TRIANGLE]
            cols.append((N_("Flags"), 20 if self.wide else 18, False))
        fixed = sum(w for _, w, _ in cols) + len(cols) + 1
        cols.insert(1, (N_("Name"), max(8, self.width - fixed), False))
        return cols

    def header(self) -> Text:
        titles = ((_(t) if t not in TITLED else t, w, right) for t, w, right in self.columns())
        return Text(" ".join(fit(t, w, right) for t, w, right in titles), style="bold")


_STYLES = {
    name: Style.parse(name) if name else Style() for name in ("", "bold", "dim", OVERDUE, BLOCKED)
}
_GAP = Segment(" ")


def pipeline_row(row: PipelineRow, layout: PipelineLayout, today: date) -> list[Segment]:
    """One deal as segments: built directly, it costs a fraction of a Rich Text."""
    d = row.deal
    late = d.close_date is not None and d.close_date < today and d.status.value == "open"
    info = STAGE_INFO[d.stage]
    stage = _(info.label) if layout.medium else _(info.short)
    if d.status.value != "open":
        mark = {"won": "✓", "lost": "✗", "dropped": "–"}[d.status.value]
        stage = f"{stage} ({_(STATUS_WORDS[d.status])})" if layout.medium else f"{stage} {mark}"
    weighted = _("no rate") if row.base_weighted is None else short_money(row.base_weighted)
    values: dict[str, tuple[str, str]] = {
        "Code": (one_line(d.code), "bold"),
        "Name": (one_line(d.name), ""),
        "Account": (one_line(d.account), ""),
        "Stage": (stage, "dim" if d.status.value in ("lost", "dropped") else ""),
        "Amount": (f"{short_money(d.amount)} {d.currency}", ""),
        # in the base currency, as the funnel and the sort (the title says which)
        "Weighted": (
            f"{weighted} {d.probability}%",
            "",
        ),
        "%": (f"{d.probability}%", ""),
        "Close": (
            (d.close_date.isoformat() if d.close_date else "—") + ("!" if late else ""),
            OVERDUE if late else "",
        ),
        "Flags": (row.flags, BLOCKED if row.flags else ""),
    }
    for role in TRIANGLE:
        values[role.value] = (one_line(row.leads.get(role, "—")), "")
    segments: list[Segment] = []
    for i, (title, width, right) in enumerate(layout.columns()):
        value, style = values[title]
        if i:
            segments.append(_GAP)
        segments.append(Segment(fit(value, width, right), _STYLES[style]))
    return segments


def fitted(lead: int, title: str, tails: Sequence[str], width: int) -> tuple[str, str]:
    """The title and the fullest of ``tails`` (fullest first) that leave the whole title
    room after ``lead`` cells; when none does, the shortest tail and the title cut."""
    title = one_line(title)
    for tail in tails:
        if lead + cell_len(title) + cell_len(tail) <= width:
            return fit(title, width - lead - cell_len(tail)), tail
    tail = tails[-1]
    return fit(title, max(4, width - lead - cell_len(tail))), tail


def ljust(text: str, width: int) -> str:
    """``text`` padded to ``width`` cells (CJK counts two), never cut."""
    return text + " " * max(0, width - cell_len(text))


def rjust(text: str, width: int) -> str:
    """``text`` padded on the left to ``width`` cells, never cut."""
    return " " * max(0, width - cell_len(text)) + text


def _head(mark: str, item_id: int, style: str) -> Text:
    """The row's mark and the item's ``#id`` (what the command line names it by)."""
    text = Text(f"{mark} ", style=style)
    text.append(f"#{item_id} ", style="dim")
    return text


def task_row(t: TaskView, width: int, today: date) -> Text:
    if t.done:
        mark, style = "✓", DONE
    elif t.overdue(today):
        mark, style = "!", OVERDUE
    elif t.status is TaskStatus.BLOCKED:
        mark, style = "#", BLOCKED
    elif t.status is TaskStatus.DOING:
        mark, style = "›", ""
    else:
        mark, style = "·", ""
    due = t.due.strftime("%m-%d") if t.due else "     "
    owner = one_line(t.owner_name or "—")
    text = _head(mark, t.id, style)
    title, tail = fitted(text.cell_len, t.title, [f" {due} {fit(owner, 10)}", f" {due}"], width)
    text.append(title, style=style if t.done else "")
    text.append(tail, style=style or "dim")
    return text


def risk_row(r: RiskView, width: int) -> Text:
    level = r.level
    style = (
        DONE
        if not r.is_open
        else HIGH
        if level is RiskLevel.HIGH
        else MEDIUM
        if level is RiskLevel.MEDIUM
        else ""
    )
    mark = (
        "⇑"
        if r.escalated and r.is_open
        else ("▲" if level is RiskLevel.HIGH and r.is_open else "△")
    )
    text = _head(mark, r.id, style)
    title, tail = fitted(
        text.cell_len,
        r.title,
        [f" {r.exposure:>2} {ljust(_(ITEM_STATES[r.status.value]), 10)}", f" {r.exposure:>2}"],
        width,
    )
    text.append(title, style="" if r.is_open else DONE)
    text.append(tail, style=style or "dim")
    return text


def handoff_row(h: HandoffView, role: Role, width: int, now: datetime) -> Text:
    incoming = h.to_role is role
    arrow = f"←{h.from_role.value}" if incoming else f"→{h.to_role.value}"
    waiting = h.state is HandoffState.SENT
    style = {
        HandoffState.SENT: "bold cyan" if incoming else "cyan",
        HandoffState.REJECTED: BLOCKED,
        HandoffState.ACCEPTED: DONE,
        HandoffState.DRAFTED: "",
    }[h.state]
    mark = {
        HandoffState.SENT: "⇄",
        HandoffState.REJECTED: "✗",
        HandoffState.ACCEPTED: "✓",
        HandoffState.DRAFTED: "…",
    }[h.state]
    age = rjust(_("{n}d").format(n=h.age_days(now)), 3) if waiting else "   "
    text = _head(mark, h.id, style)
    text.append(f"{arrow} ", style=style)
    tails = [f" {ljust(_(ITEM_STATES[h.state.value]), 8)} {age}", f" {age}" if waiting else ""]
    title, tail = fitted(text.cell_len, h.title, tails, width)
    text.append(title)
    text.append(tail, style=style or "dim")
    return text


def item_detail(item: object, today: date, now: datetime) -> Text:
    """The highlighted item in full on one line, with what its row has no room for: its
    id (for the command line), the whole title, the owner, the due date, a handoff's age
    and rejection reason, a risk's owner and the sponsor it was escalated to."""
    out = Text(overflow="ellipsis")  # two lines at most (#detail), then cut
    parts: list[str] = []
    if isinstance(item, TaskView):
        out.append(_("#{id} task").format(id=item.id) + " ", style="bold")
        parts = [
            one_line(item.title),
            _(ITEM_STATES[item.status.value]),
            _("owner {name}").format(name=one_line(item.owner_name or "—")),
        ]
        if item.due:
            due = _("due {day}").format(day=item.due.isoformat())
            if item.overdue(today):
                due += _(", {n}d overdue").format(n=(today - item.due).days)
            parts.append(due)
    elif isinstance(item, RiskView):
        out.append(_("#{id} risk").format(id=item.id) + " ", style="bold")
        exposure = _("exposure {n} ({likelihood}×{impact})")
        parts = [
            one_line(item.title),
            exposure.format(n=item.exposure, likelihood=item.likelihood, impact=item.impact),
            _(ITEM_STATES[item.status.value]),
            _("owner {name}").format(name=one_line(item.owner_name or "—")),
        ]
        if item.escalated:
            to = item.escalated_to_name
            parts.append(
                _("escalated to {name}").format(name=one_line(to)) if to else _("escalated")
            )
        if item.mitigation:
            parts.append(_("mitigation: {text}").format(text=one_line(item.mitigation)))
    elif isinstance(item, HandoffView):
        head = _("#{id} handoff {route}").format(
            id=item.id, route=f"{item.from_role.value}→{item.to_role.value}"
        )
        out.append(head + " ", style="bold")
        parts = [one_line(item.title), _(ITEM_STATES[item.state.value])]
        if item.state is HandoffState.SENT:
            parts.append(_("waiting {n}d").format(n=item.age_days(now)))
        if item.due:
            parts.append(_("due {day}").format(day=item.due.isoformat()))
        if item.reason:
            parts.append(_("reason: {text}").format(text=one_line(item.reason)))
    else:
        return out
    out.append(" · ".join(parts))
    return out
