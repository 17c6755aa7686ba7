"""My work: the acting person's open tasks, risks and incoming handoffs across all deals,
grouped by when they are due."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from dealroom.i18n import N_, _
from dealroom.screens.item_moves import accept, ask_reject, toggle_done
from dealroom.screens.live import ITEM_KIND, LiveScreen, others
from dealroom.store.views import FeedItem, HandoffView, MyWorkView, RiskView, TaskView
from dealroom.textutil import fit, one_line
from dealroom.widgets.footer import KeysFooter
from dealroom.widgets.rows import handoff_row, risk_row, task_row
from dealroom.widgets.vlist import Section, VirtualList

Item = TaskView | RiskView | HandoffView


def bucket(due: date | None, today: date) -> str:
    if due is None:
        return "No date"
    if due < today:
        return "Overdue"
    if due == today:
        return "Today"
    if due <= today + timedelta(days=6 - today.weekday()):
        return "This week"
    return "Later"


ORDER = ["Overdue", "Today", "This week", "Later", "No date"]
#: Each group's heading, with how many items it holds.
HEADINGS = {
    "Overdue": N_("Overdue ({n})"),
    "Today": N_("Today ({n})"),
    "This week": N_("This week ({n})"),
    "Later": N_("Later ({n})"),
    "No date": N_("No date ({n})"),
}


def grouped(work: MyWorkView, today: date) -> list[Item | Section]:
    """Tasks and handoffs by due date (overdue first), then the open risks by exposure."""
    groups: dict[str, list[Item]] = {name: [] for name in ORDER}
    dated: list[TaskView | HandoffView] = [*work.tasks, *work.handoffs]
    dated.sort(key=lambda x: (x.due or date.max, x.id))
    for item in dated:
        groups[bucket(item.due, today)].append(item)
    out: list[Item | Section] = []
    for name in ORDER:
        if groups[name]:
            out.append(Section(_(HEADINGS[name]).format(n=len(groups[name])), name))
            out += groups[name]
    if work.risks:
        heading = _("Open risks you own ({n})").format(n=len(work.risks))
        out.append(Section(heading, "risks"))
        risks: list[RiskView] = sorted(work.risks, key=lambda r: (not r.escalated, -r.exposure))
        out += risks
    return out


class MyWorkScreen(LiveScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="work.back"),
        Binding(
            "enter",
            "open",
            N_("Open deal"),
            tooltip=N_("Open the item's deal room"),
            id="work.open",
        ),
        Binding(
            "space",
            "toggle_done",
            N_("Done"),
            tooltip=N_("Mark the task done (or reopen it); close a risk (or reopen it)"),
            id="work.done",
        ),
        Binding("a", "accept", N_("Accept"), tooltip=N_("Accept the handoff"), id="work.accept"),
        Binding(
            "x",
            "reject",
            N_("Reject"),
            tooltip=N_("Reject the handoff, with a reason"),
            id="work.reject",
        ),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="work.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.work: MyWorkView | None = None
        self.today = date.today()
        self.now = datetime.now().astimezone()
        self._changed: set[Hashable] = set()

    def compose(self) -> ComposeResult:
        title = _("My work · {who}").format(who=one_line(self.app.actor))
        yield Static(Text(title), id="title", classes="title-bar")
        yield VirtualList[Item](self._row_text, self._key, empty=_("Loading…"), id="work")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#work").focus()
        self.reload()

    def reload(self) -> None:
        self.app.gateway.run(
            self,
            lambda store: (store.reads.my_work(), store.today(), store.now()),
            self._loaded,
            group="my-work",
            latest=True,
        )

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        self._changed |= {
            (ITEM_KIND[f.event.entity], f.event.entity_id)
            for f in others(feed, self.app.actor)
            if f.event.entity in ITEM_KIND
        }
        self.reload()

    def _loaded(self, result: tuple[MyWorkView, date, datetime]) -> None:
        self.work, self.today, self.now = result
        items = grouped(self.work, self.today)
        vlist = self.query_one("#work", VirtualList)
        vlist._empty = _("Nothing waits on you. (Items count when you own them or lead the role.)")
        vlist.set_items(items)
        changed, self._changed = self._changed, set()
        vlist.flash(changed)

    @staticmethod
    def _key(item: Item) -> Hashable:
        return (type(item).__name__, item.id)

    def _row_text(self, item: Item, width: int) -> Text:
        assert self.work is not None
        code = self.work.deals.get(item.deal_id, ("?", ""))[0]
        head = Text(fit(one_line(code), 14) + " ", style="bold")
        rest = width - 15
        if isinstance(item, TaskView):
            head.append_text(Text(f"{item.role.value} ", style="dim"))
            head.append_text(task_row(item, rest - 3, self.today))
        elif isinstance(item, RiskView):
            head.append_text(Text(f"{item.role.value} ", style="dim"))
            head.append_text(risk_row(item, rest - 3))
        else:
            head.append_text(Text(f"{item.to_role.value} ", style="dim"))
            head.append_text(handoff_row(item, item.to_role, rest - 3, self.now))
        return head

    def action_open(self) -> None:
        item = self.query_one("#work", VirtualList).current
        if item is not None and self.work is not None:
            self.app.open_deal(self.work.deals[item.deal_id][0], focus=item)

    def _current(self) -> Item | None:
        item: Item | None = self.query_one("#work", VirtualList).current
        return item

    def action_toggle_done(self) -> None:
        move = toggle_done(self._current())
        if move is not None:
            self.app.gateway.run(self, move.job, self.done(move.said))

    def _handoff(self) -> HandoffView | None:
        item = self._current()
        if isinstance(item, HandoffView):
            return item
        self.notify(_("Put the cursor on a handoff first."), timeout=3)
        return None

    def action_accept(self) -> None:
        if (h := self._handoff()) is not None:
            move = accept(h)
            self.app.gateway.run(self, move.job, self.done(move.said))

    def action_reject(self) -> None:
        if (h := self._handoff()) is None:
            return
        ask_reject(self, h, self.today)

    @on(VirtualList.Selected)
    def _selected(self, event: VirtualList.Selected) -> None:
        self.action_open()

    def action_back(self) -> None:
        self.app.pop_screen()
