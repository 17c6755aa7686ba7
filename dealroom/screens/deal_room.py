"""The deal room: header and LTC timeline above the AR | SR | FR panes.

Below 120 columns the panes give way to one at a time, with a role switcher, so 80×24
stays usable.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from dealroom.domain import TRIANGLE, HandoffState, RiskStatus, Role, TaskStatus
from dealroom.screens import deal_forms as forms
from dealroom.screens.confirm import ConfirmScreen
from dealroom.screens.live import LiveScreen, item_keys, others
from dealroom.store.inputs import RiskUpdate
from dealroom.store.views import DealRoomView, FeedItem, HandoffView, PersonView, RiskView, TaskView
from dealroom.textutil import fit, one_line
from dealroom.widgets.deal_header import DealHeader
from dealroom.widgets.role_pane import RolePane
from dealroom.widgets.vlist import VirtualList

if TYPE_CHECKING:
    from dealroom.app import DealroomApp

NARROW = 120

#: What a deal room shows: the deal with its items, the people, today and now.
Loaded = tuple[DealRoomView, list[PersonView], date, datetime]


def read_room(code: str) -> Any:
    """The database job that reads deal ``code``'s room (run in a worker)."""

    def load(s: Any) -> Loaded:
        return s.reads.deal_room(code), s.reads.people(), s.today(), s.now()

    return load


class DealRoomScreen(LiveScreen, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the pipeline", id="deal.back"),
        Binding("1", "pane('AR')", "AR", show=False, id="deal.pane_ar"),
        Binding("2", "pane('SR')", "SR", show=False, id="deal.pane_sr"),
        Binding("3", "pane('FR')", "FR", show=False, id="deal.pane_fr"),
        Binding("tab", "cycle(1)", "Next pane", show=False, priority=True, id="deal.next_pane"),
        Binding(
            "shift+tab",
            "cycle(-1)",
            "Previous pane",
            show=False,
            priority=True,
            id="deal.prev_pane",
        ),
        Binding(
            "t", "add_task", "Task", tooltip="New task for the focused role", id="deal.add_task"
        ),
        Binding(
            "r", "add_risk", "Risk", tooltip="New risk for the focused role", id="deal.add_risk"
        ),
        Binding(
            "h",
            "add_handoff",
            "Handoff",
            tooltip="New handoff from the focused role",
            id="deal.add_handoff",
        ),
        Binding("enter", "edit", "Edit", tooltip="Edit the item under the cursor", id="deal.edit"),
        Binding(
            "space",
            "toggle_done",
            "Done",
            tooltip="Task done/reopen; risk closed/reopened",
            id="deal.toggle_done",
        ),
        Binding(
            "d",
            "delete",
            "Delete",
            show=False,
            tooltip="Delete the item (asks first)",
            id="deal.delete",
        ),
        Binding(
            "a",
            "accept",
            "Accept",
            show=False,
            tooltip="Accept an incoming handoff",
            id="deal.accept",
        ),
        Binding(
            "x",
            "reject",
            "Reject",
            show=False,
            tooltip="Reject a handoff, with a reason",
            id="deal.reject",
        ),
        Binding(
            "s",
            "send",
            "Send",
            show=False,
            tooltip="Send a drafted or rejected handoff",
            id="deal.send",
        ),
        Binding(
            "exclamation_mark",
            "escalate",
            "Escalate",
            key_display="!",
            show=False,
            tooltip="Escalate a risk to the sponsor, or take it back",
            id="deal.escalate",
        ),
        Binding("less_than_sign", "stage('prev')", "Stage◀", key_display="<", id="deal.stage_prev"),
        Binding(
            "greater_than_sign", "stage('next')", "Stage▶", key_display=">", id="deal.stage_next"
        ),
        Binding("g", "gate", "Gate", tooltip="Record a gate decision", id="deal.gate"),
        Binding(
            "c",
            "methods('checklist')",
            "Checklist",
            tooltip="The stages' checklists: answer y/p/n",
            id="deal.checklist",
        ),
        Binding(
            "P",
            "methods('power_map')",
            "Power map",
            tooltip="The decision chain: roles, support, gaps",
            id="deal.power_map",
        ),
        Binding(
            "C",
            "methods('competitors')",
            "Competitors",
            show=False,
            tooltip="Competitors on this deal",
            id="deal.competitors",
        ),
        Binding(
            "A",
            "methods('assessment')",
            "Assessment",
            show=False,
            tooltip="The opportunity assessment: four questions, twenty factors",
            id="deal.assessment",
        ),
        Binding(
            "R",
            "review",
            "Review",
            show=False,
            tooltip="Save the review meeting's agenda (and copy); record it was held",
            id="deal.review",
        ),
        Binding(
            "m",
            "export",
            "Export",
            show=False,
            tooltip="Save this deal as Markdown (and copy)",
            id="deal.export",
        ),
        Binding("e", "edit_deal", "Deal", show=False, tooltip="Edit the deal", id="deal.edit_deal"),
        Binding(
            "W",
            "status",
            "Won/lost",
            show=False,
            tooltip="Mark won, lost, dropped or open",
            id="deal.status",
        ),
        Binding(
            "M",
            "members",
            "Members",
            show=False,
            tooltip="Add or change members",
            id="deal.members",
        ),
        Binding(
            "left_square_bracket",
            "neighbour(-1)",
            "Prev deal",
            key_display="[",
            show=False,
            id="deal.prev_deal",
        ),
        Binding(
            "right_square_bracket",
            "neighbour(1)",
            "Next deal",
            key_display="]",
            show=False,
            id="deal.next_deal",
        ),
    ]

    role: reactive[Role] = reactive(Role.AR, init=False)

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.room: DealRoomView | None = None
        self.people: list[PersonView] = []
        self.today = date.today()
        self.now = datetime.now().astimezone()
        #: Items someone else changed, to mark once the reload is in.
        self._changed: set[Hashable] = set()
        #: Bumped when the screen is given another deal: reads begun before are dropped.
        self._generation = 0

    @property
    def dr(self) -> DealroomApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DealHeader(Text(f"{self.code} · loading…"), id="deal-header")
        yield Static(id="switcher", classes="switcher")
        with Horizontal(id="panes"):
            for role in TRIANGLE:
                yield RolePane(role)
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self._focus_role(Role.AR)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")
        self._switcher()
        if self.room is not None:
            self.query_one(DealHeader).show(self.room, self.today)

    # --- data -----------------------------------------------------------------------------

    def show_deal(self, result: Loaded) -> None:
        """Show another deal, read beforehand with :func:`read_room`, as if newly opened:
        the app keeps one deal room and gives it each deal it opens (composing a screen
        per deal cost more than reading the deal)."""
        self._generation += 1
        self._changed = set()
        self.stale = False
        self.set_class(self.app.size.width < NARROW, "narrow")
        self._loaded(result, fresh=True)
        self._focus_role(Role.AR)

    def reload(self) -> None:
        generation = self._generation

        def loaded(result: Loaded) -> None:
            if generation == self._generation:
                self._loaded(result)

        self.dr.db(read_room(self.code), loaded, group=f"room-{self.code}", exclusive=True)

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        """Reload when the news touches this deal or the people (names, members)."""
        if feed and not any(f.event.deal_code in (self.code, None) for f in feed):
            return
        self._changed |= item_keys(others(feed, self.dr.actor), self.code)
        self.reload()

    def _loaded(self, result: Loaded, *, fresh: bool = False) -> None:
        self.room, self.people, self.today, self.now = result
        self.code = self.room.deal.code
        self.query_one(DealHeader).show(self.room, self.today)
        changed, self._changed = self._changed, set()
        for pane in self.query(RolePane):
            pane.show(self.room, self.today, self.now, keep=not fresh)
            pane.list.flash(changed)
        self._switcher()

    def _done(self, message: str) -> Any:
        def after(_: Any) -> None:
            self.notify(message, timeout=3, markup=False)
            self.reload()

        return after

    # --- panes ----------------------------------------------------------------------------

    def _pane(self, role: Role | None = None) -> RolePane:
        return self.query_one(f"#pane-{(role or self.role).value.lower()}", RolePane)

    def _focus_role(self, role: Role) -> None:
        self.role = role
        for pane in self.query(RolePane):
            pane.set_class(pane.role is role, "active")
        self._pane(role).list.focus()
        self._switcher()

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
        text.append("  tab switches", style="dim")
        self.query_one("#switcher", Static).update(text)

    @on(VirtualList.Highlighted)
    def _highlighted(self, event: VirtualList.Highlighted) -> None:
        pane = next((p for p in event.vlist.ancestors if isinstance(p, RolePane)), None)
        if pane is not None and pane.role is not self.role and event.vlist.has_focus:
            self.role = pane.role
            for p in self.query(RolePane):
                p.set_class(p.role is pane.role, "active")

    def action_pane(self, role: str) -> None:
        self._focus_role(Role(role))

    def action_cycle(self, step: int) -> None:
        i = TRIANGLE.index(self.role)
        self._focus_role(TRIANGLE[(i + step) % len(TRIANGLE)])

    def current(self) -> TaskView | RiskView | HandoffView | None:
        return self._pane().list.current

    # --- item actions ---------------------------------------------------------------------

    def _lead(self) -> str | None:
        lead = self.room.leads.get(self.role) if self.room else None
        return lead.handle if lead else None

    def action_add_task(self) -> None:
        form = forms.task_form(self.code, self.role, self.people, self.today, owner=self._lead())
        self.app.push_screen(form, self._after_form("Task added"))

    def action_add_risk(self) -> None:
        form = forms.risk_form(self.code, self.role, self.people, self.today, owner=self._lead())
        self.app.push_screen(form, self._after_form("Risk added"))

    def action_add_handoff(self) -> None:
        form = forms.handoff_form(self.code, self.role, self.today)
        self.app.push_screen(form, self._after_form("Handoff saved"))

    def _after_form(self, message: str) -> Any:
        def after(result: Any) -> None:
            if result is not None:
                self.notify(message, timeout=3, markup=False)
                self.reload()

        return after

    def action_edit(self) -> None:
        item = self.current()
        if isinstance(item, TaskView):
            form = forms.task_form(self.code, item.role, self.people, self.today, task=item)
        elif isinstance(item, RiskView):
            form = forms.risk_form(self.code, item.role, self.people, self.today, risk=item)
        elif isinstance(item, HandoffView):
            form = forms.handoff_form(self.code, item.from_role, self.today, handoff=item)
        else:
            return
        self.app.push_screen(form, self._after_form("Saved"))

    def action_toggle_done(self) -> None:
        item = self.current()
        if isinstance(item, TaskView):
            status = TaskStatus.TODO if item.done else TaskStatus.DONE
            self.dr.db(
                lambda s: s.items.set_task_status(item.id, status, version=item.version),
                self._done(f"Task {'reopened' if item.done else 'done'}"),
            )
        elif isinstance(item, RiskView):
            risk = RiskStatus.OPEN if not item.is_open else RiskStatus.CLOSED
            self.dr.db(
                lambda s: s.items.update_risk(
                    item.id, RiskUpdate(status=risk), version=item.version
                ),
                self._done(f"Risk {risk.value}"),
            )

    def action_delete(self) -> None:
        item = self.current()
        if item is None:
            return
        kind = type(item).__name__.removesuffix("View").lower()

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            job = {
                "task": lambda s: s.items.delete_task(item.id, version=item.version),
                "risk": lambda s: s.items.delete_risk(item.id, version=item.version),
                "handoff": lambda s: s.items.delete_handoff(item.id, version=item.version),
            }[kind]
            self.dr.db(job, self._done(f"Deleted the {kind}"))

        self.app.push_screen(
            ConfirmScreen(f"Delete {kind} “{one_line(item.title)}”?", "Delete"), confirmed
        )

    def _handoff(self) -> HandoffView | None:
        item = self.current()
        if isinstance(item, HandoffView):
            return item
        self.notify("Put the cursor on a handoff first.", timeout=3)
        return None

    def action_accept(self) -> None:
        if (h := self._handoff()) is not None:
            self.dr.db(
                lambda s: s.items.accept_handoff(h.id, version=h.version),
                self._done("Handoff accepted"),
            )

    def action_send(self) -> None:
        if (h := self._handoff()) is not None:
            self.dr.db(
                lambda s: s.items.send_handoff(h.id, version=h.version), self._done("Handoff sent")
            )

    def action_reject(self) -> None:
        h = self._handoff()
        if h is None:
            return
        if h.state is not HandoffState.SENT:
            self.notify(
                f"Only a sent handoff can be rejected; this one is {h.state.value}.", markup=False
            )
            return

        def submit(v: dict[str, Any]) -> Any:
            return lambda s: s.items.reject_handoff(h.id, v["reason"], version=h.version)

        form = forms.reason_form(f"Reject “{one_line(h.title)}”", "Why", self.today, submit)
        self.app.push_screen(form, self._after_form("Handoff rejected"))

    def action_escalate(self) -> None:
        item = self.current()
        if not isinstance(item, RiskView):
            self.notify("Put the cursor on a risk first.", timeout=3)
            return
        up = not item.escalated
        self.dr.db(
            lambda s: s.items.escalate_risk(item.id, up, version=item.version),
            self._done("Risk escalated to the sponsor" if up else "Escalation taken back"),
        )

    # --- deal actions ---------------------------------------------------------------------

    def action_stage(self, direction: str) -> None:
        if self.room is None:
            return
        version = self.room.deal.version
        code = self.code
        self.dr.db(
            lambda s: s.deals.move_stage(code, direction, version=version),
            lambda d: self._done(f"{d.code} is now in {d.stage.label}")(d),
        )

    def action_gate(self) -> None:
        """The gate form with what it weighs: read the stage checklists first."""
        if self.room is None:
            return
        from dealroom.domain import rules
        from dealroom.screens.gate import GateScreen

        room, today, now = self.room, self.today, self.now
        gate = rules.pending_gate(room.deal.stage, room.gate_states)

        def show(methods: Any) -> None:
            if self.app.screen is self:
                self.app.push_screen(
                    GateScreen(room, methods, today, now, gate),
                    self._after_form("Gate decision recorded"),
                )

        self.dr.db(lambda s: s.methods.deal_methods(room.deal.code), show)

    def action_methods(self, which: str) -> None:
        """The checklist, power map, competitors or assessment of this deal."""
        from dealroom.screens.assessment import AssessmentScreen
        from dealroom.screens.checklist import ChecklistScreen
        from dealroom.screens.competitors import CompetitorsScreen
        from dealroom.screens.power_map import PowerMapScreen

        screens: dict[str, Any] = {
            "checklist": ChecklistScreen,
            "power_map": PowerMapScreen,
            "competitors": CompetitorsScreen,
            "assessment": AssessmentScreen,
        }
        self.app.push_screen(screens[which](self.code))

    def action_review(self) -> None:
        """Save the review agenda as Markdown (and copy it), then offer to record that the
        review meeting was held."""
        from dealroom.screens.exporting import save_markdown
        from dealroom.screens.form import FormField, FormScreen

        code, today = self.code, self.today

        def build(s: Any) -> str:
            from dealroom.export.markdown import md

            return str(s.methods.review_agenda(code).to_markdown(md))

        def saved(text: str) -> None:
            save_markdown(self.dr, f"{code}-review-{today.isoformat()}.md", text)

            def submit(v: dict[str, Any]) -> Any:
                return lambda s: s.methods.record_review(
                    code, held_on=v["held_on"], note=v["note"] or ""
                )

            form = FormScreen(
                f"Record the review of {code} as held? (escape: not yet)",
                [
                    FormField("held_on", "Held on", today.isoformat(), kind="date", required=True),
                    FormField("note", "Note", "", placeholder="what was decided"),
                ],
                submit,
                today,
            )
            self.app.push_screen(form, self._after_form("Review recorded"))

        self.dr.db(build, saved, group="export")

    def action_edit_deal(self) -> None:
        if self.room is not None:
            self.app.push_screen(
                forms.deal_form(self.room.deal, self.today), self._after_form("Deal saved")
            )

    def action_status(self) -> None:
        if self.room is not None:
            self.app.push_screen(
                forms.status_form(self.room.deal, self.today), self._after_form("Status changed")
            )

    def action_members(self) -> None:
        if self.room is not None:
            self.app.push_screen(
                forms.member_form(self.room.deal, self.people, self.today),
                self._after_form("Members changed"),
            )

    def action_neighbour(self, step: int) -> None:
        order = [row.deal.code for row in self.dr.deal_order]
        if self.code not in order:
            return
        i = (order.index(self.code) + step) % len(order)
        self.code = order[i]
        self.reload()

    def action_export(self) -> None:
        if self.room is None:
            return
        from dealroom.export.markdown import deal_report
        from dealroom.screens.exporting import save_markdown

        text = deal_report(self.room, today=self.today)
        save_markdown(self.dr, f"{self.room.deal.code}-{self.today.isoformat()}.md", text)

    def action_back(self) -> None:
        self.app.pop_screen()
