"""The deal room: header and LTC timeline above the AR | SR | FR panes.

Below 120 columns the panes give way to one at a time, with a role switcher, so 80×24
stays usable. The keys are all bound here; what they do to items is in
:mod:`dealroom.screens.deal_room_items`, what they do to the deal in
:mod:`dealroom.screens.deal_room_deal`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import Static

from dealroom.domain import TRIANGLE, Role
from dealroom.i18n import N_, _
from dealroom.screens.deal_room_base import RoomContents, read_room
from dealroom.screens.deal_room_deal import DealActions
from dealroom.screens.deal_room_items import ItemActions
from dealroom.screens.live import item_keys, others
from dealroom.store.views import FeedItem
from dealroom.textutil import fit, one_line
from dealroom.widgets.deal_header import DealHeader
from dealroom.widgets.footer import KeysFooter
from dealroom.widgets.role_pane import RolePane, home_role, item_key
from dealroom.widgets.rows import item_detail
from dealroom.widgets.vlist import VirtualList

NARROW = 120


class DealRoomScreen(ItemActions, DealActions):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the pipeline"), id="deal.back"),
        Binding("1", "pane('AR')", N_("AR"), show=False, id="deal.pane_ar"),
        Binding("2", "pane('SR')", N_("SR"), show=False, id="deal.pane_sr"),
        Binding("3", "pane('FR')", N_("FR"), show=False, id="deal.pane_fr"),
        Binding("tab", "cycle(1)", N_("Next pane"), show=False, priority=True, id="deal.next_pane"),
        Binding(
            "shift+tab",
            "cycle(-1)",
            N_("Previous pane"),
            show=False,
            priority=True,
            id="deal.prev_pane",
        ),
        Binding(
            "t",
            "add_task",
            N_("Task"),
            tooltip=N_("New task for the focused role"),
            id="deal.add_task",
        ),
        Binding(
            "r",
            "add_risk",
            N_("Risk"),
            tooltip=N_("New risk for the focused role"),
            id="deal.add_risk",
        ),
        Binding(
            "h",
            "add_handoff",
            N_("Handoff"),
            tooltip=N_("New handoff from the focused role"),
            id="deal.add_handoff",
        ),
        Binding(
            "enter",
            "edit",
            N_("Edit"),
            tooltip=N_("Edit the item under the cursor"),
            id="deal.edit",
        ),
        Binding(
            "space",
            "toggle_done",
            N_("Done"),
            tooltip=N_("Task done/reopen; risk closed/reopened"),
            id="deal.toggle_done",
        ),
        Binding(
            "d",
            "delete",
            N_("Delete"),
            show=False,
            tooltip=N_("Delete the item (asks first)"),
            id="deal.delete",
        ),
        Binding(
            "a",
            "accept",
            N_("Accept"),
            show=False,
            tooltip=N_("Accept an incoming handoff"),
            id="deal.accept",
        ),
        Binding(
            "x",
            "reject",
            N_("Reject"),
            show=False,
            tooltip=N_("Reject a handoff, with a reason"),
            id="deal.reject",
        ),
        Binding(
            "s",
            "send",
            N_("Send"),
            show=False,
            tooltip=N_("Send a drafted or rejected handoff"),
            id="deal.send",
        ),
        Binding(
            "w",
            "withdraw",
            N_("Withdraw"),
            show=False,
            tooltip=N_("Withdraw a handoff you sent (it goes back to draft)"),
            id="deal.withdraw",
        ),
        Binding(
            "exclamation_mark",
            "escalate",
            N_("Escalate"),
            key_display="!",
            show=False,
            tooltip=N_("Escalate a risk to the sponsor, or take it back"),
            id="deal.escalate",
        ),
        Binding(
            "less_than_sign", "stage('prev')", N_("Stage◀"), key_display="<", id="deal.stage_prev"
        ),
        Binding(
            "greater_than_sign",
            "stage('next')",
            N_("Stage▶"),
            key_display=">",
            id="deal.stage_next",
        ),
        Binding("g", "gate", N_("Gate"), tooltip=N_("Record a gate decision"), id="deal.gate"),
        Binding(
            "c",
            "methods('checklist')",
            N_("Checklist"),
            tooltip=N_("The stages' checklists: answer y/p/n"),
            id="deal.checklist",
        ),
        Binding(
            "P",
            "methods('power_map')",
            N_("Power map"),
            tooltip=N_("The decision chain: roles, support, gaps"),
            id="deal.power_map",
        ),
        Binding(
            "C",
            "methods('competitors')",
            N_("Competitors"),
            show=False,
            tooltip=N_("Competitors on this deal"),
            id="deal.competitors",
        ),
        Binding(
            "A",
            "methods('assessment')",
            N_("Assessment"),
            show=False,
            tooltip=N_("The opportunity assessment: four questions, twenty factors"),
            id="deal.assessment",
        ),
        Binding(
            "dollar_sign",
            "methods('cash')",
            N_("Cash"),
            key_display="$",
            show=False,
            tooltip=N_("The payment plan, invoices and what is outstanding"),
            id="deal.cash",
        ),
        Binding(
            "R",
            "review",
            N_("Review"),
            show=False,
            tooltip=N_("The review meeting's agenda: read, save, copy; record it was held"),
            id="deal.review",
        ),
        Binding(
            "m",
            "export",
            N_("Export"),
            show=False,
            tooltip=N_("This deal's report: read, save, copy"),
            id="deal.export",
        ),
        Binding(
            "e",
            "edit_deal",
            N_("Deal"),
            show=False,
            tooltip=N_("Edit the deal"),
            id="deal.edit_deal",
        ),
        Binding(
            "W",
            "status",
            N_("Won/lost"),
            show=False,
            tooltip=N_("Mark won, lost, dropped or open"),
            id="deal.status",
        ),
        Binding(
            "H",
            "history",
            N_("History"),
            show=False,
            tooltip=N_("The deal's history: who changed what, old → new"),
            id="deal.history",
        ),
        Binding(
            "M",
            "members",
            N_("Members"),
            show=False,
            tooltip=N_("Add or change members"),
            id="deal.members",
        ),
        Binding(
            "left_square_bracket",
            "neighbour(-1)",
            N_("Prev deal"),
            key_display="[",
            show=False,
            id="deal.prev_deal",
        ),
        Binding(
            "right_square_bracket",
            "neighbour(1)",
            N_("Next deal"),
            key_display="]",
            show=False,
            id="deal.next_deal",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield DealHeader(Text(_("{code} · loading…").format(code=self.code)), id="deal-header")
        yield Static(id="switcher", classes="switcher")
        with Horizontal(id="panes"):
            for role in TRIANGLE:
                yield RolePane(role)
        yield Static(id="detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()
        self._focus_role(Role.AR)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")
        self._switcher()
        if self.room is not None:
            self.query_one(DealHeader).show(self.room, self.today)

    # --- data -----------------------------------------------------------------------------

    def show_deal(self, contents: RoomContents, order: Sequence[str]) -> None:
        """Show another deal, read beforehand with :func:`read_room`, as if newly opened:
        the app keeps one deal room and gives it each deal it opens (composing a screen
        per deal cost more than reading the deal)."""
        self.order = list(order)
        self._changed = set()
        self.stale = False
        self.set_class(self.app.size.width < NARROW, "narrow")
        self._loaded(contents, fresh=True)
        if self.focus_on is None:
            self._focus_role(Role.AR)

    def reload(self) -> None:
        """Read the room again; only the last read asked for is shown (a deal opened
        meanwhile, or ``]`` pressed twice, drops the reads begun before)."""
        self.app.gateway.run(self, read_room(self.code), self._loaded, group="room", latest=True)

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        """Reload when the news touches this deal or the people (names, members)."""
        if feed and not any(f.event.deal_code in (self.code, None) for f in feed):
            return
        self._changed |= item_keys(others(feed, self.app.actor), self.code)
        self.reload()

    def _loaded(self, contents: RoomContents, *, fresh: bool = False) -> None:
        self.room, self.people, self.today, self.now, self.standing = contents
        self.app.standing = self.standing  # (the newest word on it)
        self.code = self.room.deal.code
        self.query_one(DealHeader).show(self.room, self.today)
        changed, self._changed = self._changed, set()
        for pane in self.query(RolePane):
            pane.show(self.room, self.today, self.now, keep=not fresh)
            pane.list.flash(changed)
        self._switcher()
        if self.focus_on is not None:  # opened on an item (from my work): the cursor on it
            item, self.focus_on = self.focus_on, None
            self._focus_role(home_role(item))
            self._pane(home_role(item)).list.select_key(item_key(item))
        self.show_detail()
        self.refresh_bindings()

    # --- panes ----------------------------------------------------------------------------

    def _focus_role(self, role: Role) -> None:
        self.role = role
        for pane in self.query(RolePane):
            pane.set_class(pane.role is role, "active")
        self._pane(role).list.focus()
        self._switcher()
        self.show_detail()

    def watch_role(self, role: Role) -> None:
        self._switcher()

    def _switcher(self) -> None:
        text = Text()
        for i, role in enumerate(TRIANGLE, 1):
            lead = self.room.leads.get(role) if self.room else None
            name = fit(one_line(lead.name), 14).rstrip() if lead else ""
            label = f" {i} {role.value} {name} "
            text.append(label, style="bold reverse" if role is self.role else "dim")
            text.append(" ")
        text.append("  " + _("tab switches"), style="dim")
        self.query_one("#switcher", Static).update(text)

    @on(VirtualList.Highlighted)
    def _highlighted(self, event: VirtualList.Highlighted) -> None:
        pane = next((p for p in event.vlist.ancestors if isinstance(p, RolePane)), None)
        if pane is not None and pane.role is not self.role and event.vlist.has_focus:
            self.role = pane.role
            for p in self.query(RolePane):
                p.set_class(p.role is pane.role, "active")
        if pane is not None and pane.role is self.role:
            self.show_detail()

    def show_detail(self) -> None:
        """The highlighted item in full, below the panes."""
        self.query_one("#detail", Static).update(item_detail(self.current(), self.today, self.now))

    def action_pane(self, role: str) -> None:
        self._focus_role(Role(role))

    def action_cycle(self, step: int) -> None:
        i = TRIANGLE.index(self.role)
        self._focus_role(TRIANGLE[(i + step) % len(TRIANGLE)])

    # --- moving on ------------------------------------------------------------------------

    def action_neighbour(self, step: int) -> None:
        """The deal before or after this one in the order the opener showed."""
        if self.code not in self.order:
            return
        i = (self.order.index(self.code) + step) % len(self.order)
        self.code = self.order[i]
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
