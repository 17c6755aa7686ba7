"""One role's pane in the deal room: its lead, tasks, risks and handoffs."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from dealroom.domain import Role
from dealroom.i18n import _
from dealroom.store.views import DealRoomView, HandoffView, RiskView, TaskView
from dealroom.textutil import fit, one_line
from dealroom.widgets.rows import handoff_row, risk_row, task_row
from dealroom.widgets.vlist import Section, VirtualList

Item = TaskView | RiskView | HandoffView


def item_key(item: Item) -> Hashable:
    return (type(item).__name__, item.id)


def home_role(item: Item) -> Role:
    """The pane an item is worked in: its role's, a handoff's receiver's."""
    return item.to_role if isinstance(item, HandoffView) else item.role


class RolePane(Vertical):
    """Headed by the lead's name; the list holds Tasks, Risks and Handoffs sections."""

    DEFAULT_CSS = """
    RolePane { width: 1fr; height: 1fr; border: round $primary-darken-2; }
    RolePane:focus-within { border: round $accent; }
    RolePane > .pane-title { height: 1; padding: 0 1; text-style: bold; }
    """

    def __init__(self, role: Role) -> None:
        super().__init__(id=f"pane-{role.value.lower()}")
        self.role = role
        self.today = date.today()
        self.now = datetime.now().astimezone()

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.role.value} · {self.role.long_name}"), classes="pane-title")
        yield VirtualList[Item](
            self._row_text, item_key, empty=_("Nothing yet: t task, r risk, h handoff.")
        )

    @property
    def list(self) -> VirtualList[Item]:
        return self.query_one(VirtualList)

    def show(self, room: DealRoomView, today: date, now: datetime, *, keep: bool = True) -> None:
        """The room's items for this role; with ``keep``, the cursor stays on its item."""
        self.today, self.now = today, now
        lead = room.leads.get(self.role)
        title = Text(f"{self.role.value} · ", style="bold")
        title.append(
            fit(one_line(lead.name), 24).rstrip() if lead else _("no lead yet"),
            style="bold" if lead else "dim",
        )
        tasks = room.tasks_for(self.role)
        open_tasks = [t for t in tasks if not t.done]
        done = [t for t in tasks if t.done]
        overdue = sum(1 for t in open_tasks if t.overdue(today))
        if overdue:
            title.append("  " + _("!{n} overdue").format(n=overdue), style="bold red")
        self.query_one(".pane-title", Static).update(title)
        risks = room.risks_for(self.role)
        handoffs = room.handoffs_for(self.role)
        tasks_head = _("Tasks ({n} open)").format(n=len(open_tasks))
        items: list[Item | Section] = [Section(tasks_head, "tasks")]
        items += open_tasks + done
        risks_head = _("Risks ({n} open)").format(n=sum(1 for r in risks if r.is_open))
        items.append(Section(risks_head, "risks"))
        items += risks
        waiting = sum(1 for h in handoffs if h.state.value == "sent" and h.to_role is self.role)
        items.append(Section(_("Handoffs ({n} waiting for you)").format(n=waiting), "handoffs"))
        items += handoffs
        self.list.set_items(items, keep=keep)

    def _row_text(self, item: Item, width: int) -> Text:
        if isinstance(item, TaskView):
            return task_row(item, width, self.today)
        if isinstance(item, RiskView):
            return risk_row(item, width)
        return handoff_row(item, self.role, width, self.now)
