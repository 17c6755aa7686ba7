"""The deal room's deal actions: the stage and its gate, the winning methods' screens, the
review agenda and the Markdown report, and the deal's fields, status and members. Their
keys are bound in :mod:`dealroom.screens.deal_room`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealroom.i18n import _
from dealroom.screens import deal_edit_forms as forms
from dealroom.screens.deal_room_base import DealRoomBase
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.store.cash_views import DealCash
from dealroom.store.method_views import DealMethodsView
from dealroom.store.views import DealView

if TYPE_CHECKING:
    from dealroom.screens.methods import MethodsScreen
    from dealroom.store import Store
    from dealroom.store.method_views import ReviewView


class DealActions(DealRoomBase):
    def action_stage(self, direction: str) -> None:
        """``>`` moves on (its gates must be approved); ``<`` asks first, with a reason the
        deal's stage history and the log keep."""
        if self.room is None:
            return
        deal = self.room.deal
        version, code = deal.version, self.code
        if direction == "prev" and deal.stage.prev is not None:
            self._move_back(deal)
            return

        def moved(deal: DealView) -> None:
            said = _("{code} is now in {stage}").format(code=deal.code, stage=_(deal.stage.label))
            self.done(said)(deal)

        self.app.gateway.run(
            self, lambda store: store.deals.move_stage(code, direction, version=version), moved
        )

    def _move_back(self, deal: DealView) -> None:
        from dealroom.screens.form import FormField, FormScreen

        goal = deal.stage.prev
        assert goal is not None
        code, version = deal.code, deal.version

        def submit(v: FormValues) -> Job[DealView]:
            return lambda store: store.deals.move_stage(
                code, goal, reason=v.text("reason"), version=version
            )

        title = _(
            "Move {code} back from {stage} to {goal}? "
            "The stage history keeps the reason (escape: stay)"
        ).format(code=code, stage=_(deal.stage.label), goal=_(goal.label))
        form = FormScreen(
            title,
            [
                FormField(
                    "reason",
                    _("Reason"),
                    "",
                    placeholder=_("what happened: the customer paused the tender…"),
                    required=True,
                )
            ],
            submit,
            self.today,
        )
        said = _("{code} moved back to {stage}").format(code=code, stage=_(goal.label))
        self.app.push_screen(form, self.after_form(said))

    def action_gate(self) -> None:
        """The gate form with what it weighs: read the stage checklists first."""
        if self.room is None:
            return
        from dealroom.domain import rules
        from dealroom.screens.gate import GateScreen

        room, today, now = self.room, self.today, self.now
        gate = rules.pending_gate(room.deal.stage, room.gate_states)

        code = room.deal.code

        def read(store: Store) -> tuple[DealMethodsView, DealCash]:
            return store.methods.deal_methods(code), store.cash.deal(code, today=today)

        def show(result: tuple[DealMethodsView, DealCash]) -> None:
            methods, cash = result
            if self.app.screen is self:
                self.app.push_screen(
                    GateScreen(room, methods, today, now, gate, cash),
                    self.after_form(_("Gate decision recorded")),
                )

        self.app.gateway.run(self, read, show)

    def action_methods(self, which: str) -> None:
        """The checklist, power map, competitors, assessment or cash of this deal."""
        from dealroom.screens.assessment import AssessmentScreen
        from dealroom.screens.cash import CashScreen
        from dealroom.screens.checklist import ChecklistScreen
        from dealroom.screens.competitors import CompetitorsScreen
        from dealroom.screens.power_map import PowerMapScreen

        screens: dict[str, type[MethodsScreen]] = {
            "checklist": ChecklistScreen,
            "power_map": PowerMapScreen,
            "competitors": CompetitorsScreen,
            "assessment": AssessmentScreen,
            "cash": CashScreen,
        }
        self.app.push_screen(screens[which](self.code))

    def action_review(self) -> None:
        """The review agenda in the reader (``s`` saves it, ``c`` copies it); on leaving
        it, the offer to record that the review meeting was held."""
        from dealroom.screens.form import FormField, FormScreen
        from dealroom.screens.reader import ReaderScreen

        code, today = self.code, self.today

        def build(store: Store) -> str:
            from dealroom.domain.chain import witnessed
            from dealroom.export.escape import md

            agenda = str(store.methods.review_agenda(code).to_markdown(md))
            return witnessed(agenda, store.chain.head())

        def record(_result: object = None) -> None:
            def submit(v: FormValues) -> Job[ReviewView]:
                return lambda store: store.methods.record_review(
                    code, held_on=v.date("held_on"), note=v.text("note")
                )

            form = FormScreen(
                _("Record the review of {code} as held? (escape: not yet)").format(code=code),
                [
                    FormField(
                        "held_on", _("Held on"), today.isoformat(), kind="date", required=True
                    ),
                    FormField("note", _("Note"), "", placeholder=_("what was decided")),
                ],
                submit,
                today,
            )
            self.app.push_screen(form, self.after_form(_("Review recorded")))

        def read(text: str) -> None:
            reader = ReaderScreen(
                _("Review agenda of {code}").format(code=code),
                f"{code}-review-{today.isoformat()}.md",
                text,
            )
            self.app.push_screen(reader, record)

        self.app.gateway.run(self, build, read, group="export")

    def action_export(self) -> None:
        """What ``dealroom export CODE`` writes (the same function), in the reader."""
        from dealroom.export.report import status_report
        from dealroom.screens.reader import ReaderScreen

        code, today = self.code, self.today
        self.app.gateway.run(
            self,
            lambda store: status_report(store, [code], today=today),
            lambda text: self.app.push_screen(
                ReaderScreen(
                    _("Deal report of {code}").format(code=code),
                    f"{code}-{today.isoformat()}.md",
                    text,
                )
            ),
            group="export",
        )

    def action_edit_deal(self) -> None:
        if self.room is not None:
            self.app.push_screen(
                forms.deal_form(self.room.deal, self.today), self.after_form(_("Deal saved"))
            )

    def action_status(self) -> None:
        if self.room is not None:
            self.app.push_screen(
                forms.status_form(self.room.deal, self.today), self.after_form(_("Status changed"))
            )

    def action_members(self) -> None:
        if self.room is not None:
            self.app.push_screen(
                forms.member_form(self.room, self.people, self.today),
                self.after_form(_("Members saved")),
            )

    def action_history(self) -> None:
        """The deal's history; ``i`` there narrows it to the item the cursor is on."""
        from dealroom.screens.history import HistoryScreen
        from dealroom.store.views import HandoffView, RiskView, TaskView

        item = self.current()
        entity = {TaskView: "task", RiskView: "risk", HandoffView: "handoff"}.get(type(item))
        target = (entity, item.id) if entity and item is not None else None
        self.app.push_screen(HistoryScreen(self.code, self.today, target))
