"""What one key does to an item, wherever the item is shown (the deal room's panes, my
work): done or reopened, a handoff accepted, or rejected with a reason. Each gives the
database job and what to say once it is done; the screen runs it."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from dealroom.domain import HandoffState, RiskStatus, TaskStatus
from dealroom.i18n import _
from dealroom.screens.deal_forms import reason_form
from dealroom.screens.form import FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.live import LiveScreen
from dealroom.store.inputs import RiskUpdate
from dealroom.store.views import HandoffView, RiskView, TaskView
from dealroom.textutil import one_line
from dealroom.widgets.rows import ITEM_STATES


class Move(NamedTuple):
    job: Job[object]
    said: str


def toggle_done(item: object) -> Move | None:
    """A task done (or reopened), a risk closed (or reopened); None for anything else."""
    if isinstance(item, TaskView):
        task, status = item, TaskStatus.TODO if item.done else TaskStatus.DONE
        return Move(
            lambda store: store.items.set_task_status(task.id, status, version=task.version),
            _("Task reopened") if item.done else _("Task done"),
        )
    if isinstance(item, RiskView):
        risk, new = item, RiskStatus.OPEN if not item.is_open else RiskStatus.CLOSED
        return Move(
            lambda store: store.items.update_risk(
                risk.id, RiskUpdate(status=new), version=risk.version
            ),
            _("Risk open") if new is RiskStatus.OPEN else _("Risk closed"),
        )
    return None


def accept(h: HandoffView) -> Move:
    return Move(
        lambda store: store.items.accept_handoff(h.id, version=h.version), _("Handoff accepted")
    )


def reject_form(h: HandoffView, today: date) -> FormScreen[HandoffView] | str:
    """The form asking why (or, when the handoff cannot be rejected, why not)."""
    if h.state is not HandoffState.SENT:
        return _("Only a sent handoff can be rejected; this one is {state}.").format(
            state=_(ITEM_STATES[h.state.value])
        )

    def submit(v: FormValues) -> Job[HandoffView]:
        return lambda store: store.items.reject_handoff(h.id, v.text("reason"), version=h.version)

    title = _("Reject “{title}”").format(title=one_line(h.title))
    return reason_form(title, _("Why"), today, submit)


def ask_reject(screen: LiveScreen, h: HandoffView, today: date) -> None:
    """On ``screen``: the form asking why ``h`` is rejected, or why it cannot be."""
    form = reject_form(h, today)
    if isinstance(form, str):
        screen.notify(form, markup=False)
    else:
        screen.app.push_screen(form, screen.after_form(_("Handoff rejected")))
