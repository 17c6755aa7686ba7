"""The deal room's item actions: new tasks, risks and handoffs for the focused role, and
what one key does to the item under the cursor (edit, done, delete, accept, send, reject,
escalate). Its keys are bound in :mod:`dealroom.screens.deal_room`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dealroom.i18n import N_, _
from dealroom.screens import deal_forms as forms
from dealroom.screens.deal_room_base import DealRoomBase
from dealroom.screens.gateway import Job
from dealroom.screens.item_moves import accept, ask_reject, toggle_done
from dealroom.store.views import HandoffView, RiskView, TaskView
from dealroom.textutil import one_line

if TYPE_CHECKING:
    from dealroom.store import Store

#: Asking before deleting an item, and saying it is done, per kind of item.
DELETE_ASKED = {
    "task": N_("Delete task “{title}”?"),
    "risk": N_("Delete risk “{title}”?"),
    "handoff": N_("Delete handoff “{title}”?"),
}
DELETED = {
    "task": N_("Deleted the task"),
    "risk": N_("Deleted the risk"),
    "handoff": N_("Deleted the handoff"),
}


class ItemActions(DealRoomBase):
    def action_add_task(self) -> None:
        form = forms.task_form(self.code, self.role, self.people, self.today, owner=self._lead())
        self.app.push_screen(form, self.after_form(_("Task added")))

    def action_add_risk(self) -> None:
        form = forms.risk_form(self.code, self.role, self.people, self.today, owner=self._lead())
        self.app.push_screen(form, self.after_form(_("Risk added")))

    def action_add_handoff(self) -> None:
        form = forms.handoff_form(self.code, self.role, self.today)
        self.app.push_screen(form, self.after_form(_("Handoff saved")))

    def action_edit(self) -> None:
        item = self.current()
        if isinstance(item, TaskView):
            task = forms.task_form(self.code, item.role, self.people, self.today, task=item)
            self.app.push_screen(task, self.after_form(_("Saved")))
        elif isinstance(item, RiskView):
            risk = forms.risk_form(self.code, item.role, self.people, self.today, risk=item)
            self.app.push_screen(risk, self.after_form(_("Saved")))
        elif isinstance(item, HandoffView):
            handoff = forms.handoff_form(self.code, item.from_role, self.today, handoff=item)
            self.app.push_screen(handoff, self.after_form(_("Saved")))

    def action_toggle_done(self) -> None:
        move = toggle_done(self.current())
        if move is not None:
            self.app.gateway.run(self, move.job, self.done(move.said))

    def action_delete(self) -> None:
        item = self.current()
        if item is None:
            return
        kind = type(item).__name__.removesuffix("View").lower()

        jobs: dict[str, Job[None]] = {
            "task": lambda store: store.items.delete_task(item.id, version=item.version),
            "risk": lambda store: store.items.delete_risk(item.id, version=item.version),
            "handoff": lambda store: store.items.delete_handoff(item.id, version=item.version),
        }
        self.remove_after_asking(
            _(DELETE_ASKED[kind]).format(title=one_line(item.title)),
            jobs[kind],
            _(DELETED[kind]),
            button=_("Delete"),
        )

    def _handoff(self) -> HandoffView | None:
        item = self.current()
        if isinstance(item, HandoffView):
            return item
        self.notify(_("Put the cursor on a handoff first."), timeout=3)
        return None

    def _move_handoff(self, move: Callable[[Store, HandoffView], HandoffView], said: str) -> None:
        if (h := self._handoff()) is not None:
            self.app.gateway.run(self, lambda store: move(store, h), self.done(said))

    def _incoming(self, verb: str) -> HandoffView | None:
        """The handoff under the cursor if it comes to the focused role: only the
        receiving side accepts or rejects (``verb``: "accept", "reject"); the sender is
        told so."""
        h = self._handoff()
        if h is not None and h.to_role is not self.role:
            said = (
                _(
                    "This handoff goes from {sender} to {receiver}: "
                    "the {receiver} side accepts it, "
                    "in the {receiver} pane."
                )
                if verb == "accept"
                else _(
                    "This handoff goes from {sender} to {receiver}: "
                    "the {receiver} side rejects it, "
                    "in the {receiver} pane."
                )
            )
            self.notify(said.format(sender=h.from_role.value, receiver=h.to_role.value), timeout=5)
            return None
        return h

    def action_accept(self) -> None:
        if (h := self._incoming("accept")) is not None:
            move = accept(h)
            self.app.gateway.run(self, move.job, self.done(move.said))

    def action_send(self) -> None:
        self._move_handoff(
            lambda store, h: store.items.send_handoff(h.id, version=h.version), _("Handoff sent")
        )

    def action_withdraw(self) -> None:
        """The sender takes a sent handoff back to draft (to change it and send again)."""
        h = self._handoff()
        if h is None:
            return
        if h.from_role is not self.role:
            said = _(
                "This handoff comes from {sender}: the {sender} side withdraws it, "
                "in the {sender} pane."
            )
            self.notify(said.format(sender=h.from_role.value), timeout=5)
            return
        self.app.gateway.run(
            self,
            lambda store: store.items.withdraw_handoff(h.id, version=h.version),
            self.done(_("Handoff withdrawn: back to draft (s sends it again)")),
        )

    def action_reject(self) -> None:
        if (h := self._incoming("reject")) is None:
            return
        ask_reject(self, h, self.today)

    def action_escalate(self) -> None:
        item = self.current()
        if not isinstance(item, RiskView):
            self.notify(_("Put the cursor on a risk first."), timeout=3)
            return
        up = not item.escalated

        def escalated(risk: RiskView) -> None:
            to = risk.escalated_to_name
            said = (
                _("Risk escalated to {name} (sponsor)").format(name=to)
                if to
                else _("Escalation taken back")
            )
            self.done(said)(risk)

        self.app.gateway.run(
            self,
            lambda store: store.items.escalate_risk(item.id, up, version=item.version),
            escalated,
        )
