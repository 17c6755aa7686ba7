"""The gate decision: the sponsor decides with the facts in front of them — the checklist
of the stage the gate closes, the open high-exposure risks and the handoffs still
waiting — then records approved, rejected or deferred with a note."""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from dealroom.domain import Gate, GateDecision, HandoffState, RiskLevel
from dealroom.domain.checklist import stage_closed_by
from dealroom.domain.money import minor_to_text
from dealroom.i18n import _, ngettext, pgettext
from dealroom.screens.checklist import ANSWER_STYLE, KEY_MARK, completion_title
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.store.cash_views import DealCash
from dealroom.store.method_views import DealMethodsView
from dealroom.store.views import DealRoomView, GateView
from dealroom.textutil import one_line


def decision_word(d: GateDecision) -> str:
    """A gate decision as the form offers it: ``approved``, ``rejected``, ``deferred``."""
    return {
        GateDecision.APPROVED: pgettext("gate decision", "approved"),
        GateDecision.REJECTED: pgettext("gate decision", "rejected"),
        GateDecision.DEFERRED: pgettext("gate decision", "deferred"),
    }[d]


def gate_fields(gate: Gate | None) -> list[FormField]:
    return [
        FormField(
            "gate",
            _("Gate"),
            gate.value if gate else "",
            kind="choice",
            required=True,
            choices=[(f"{g.value} · {_(g.meaning)}", g.value) for g in Gate],
        ),
        FormField(
            "decision",
            _("Decision"),
            "approved",
            kind="choice",
            required=True,
            choices=[(decision_word(d), d.value) for d in GateDecision],
        ),
        FormField("note", _("Note"), "", placeholder=_("why, and on what condition")),
    ]


def gate_facts(
    gate: Gate | None,
    room: DealRoomView,
    m: DealMethodsView,
    now: datetime,
    cash: DealCash | None = None,
) -> Text:
    """What the decision weighs, as text: every piece of user text as data. ATCC, which
    closes the deal, also weighs what the customer still owes."""
    text = Text()
    if gate is Gate.ATCC and cash is not None:
        unpaid = [i for i in cash.invoices if i.outstanding]
        owed = sum(i.outstanding for i in unpaid)
        cur = cash.currency
        n = len(unpaid)
        outstanding = ngettext("Outstanding ({n} invoice)", "Outstanding ({n} invoices)", n)
        text.append(outstanding.format(n=n) + "\n", style="bold")
        if not unpaid:
            text.append("  " + _("nothing: the customer has paid") + "\n", style="dim")
        for i in unpaid:
            days = i.days_overdue
            late = (
                " · " + ngettext("{n} day overdue", "{n} days overdue", days).format(n=days)
                if days
                else ""
            )
            text.append(f"  $ {one_line(i.invoice.number)} ", style="bold red" if late else "")
            text.append(f"{minor_to_text(i.outstanding, cur)} {cur}{late}\n")
        if cash.to_invoice:
            due = len(cash.to_invoice)
            said = ngettext(
                "not invoiced yet: {n} milestone due", "not invoiced yet: {n} milestones due", due
            )
            text.append("  " + said.format(n=due) + "\n")
        if owed:
            text.append(
                "  "
                + _("approving ATCC with this unpaid needs a note on what becomes of it")
                + "\n",
                style="italic",
            )
    stage = stage_closed_by(gate) if gate is not None else None
    if stage is None:
        text.append(_("This gate closes no stage: no checklist to weigh.") + "\n", style="dim")
    else:
        c = m.completion(stage)
        completion = completion_title(stage, c, stage is room.deal.stage)
        text.append(
            _("Checklist · {completion}").format(completion=completion) + "\n", style="bold"
        )
        items = m.template.get(stage, [])
        if not items:
            text.append("  " + _("no items") + "\n", style="dim")
        for item in items:
            a = m.answer(stage, item.key)
            given = a.answer if a else None
            mark = given.mark if given else "·"
            text.append(f"  {mark} ", style=ANSWER_STYLE[given] if given else "dim")
            text.append(KEY_MARK if item.key_item else " ", style="bold yellow")
            text.append(f" {one_line(item.text)}")
            if a is not None and a.note:
                text.append(f" — {one_line(a.note)}", style="italic dim")
            text.append("\n")
    risks = [r for r in room.risks if r.is_open and r.level is RiskLevel.HIGH]
    risks.sort(key=lambda r: (-r.exposure, r.id))
    text.append(_("Open high-exposure risks ({n})").format(n=len(risks)) + "\n", style="bold")
    if not risks:
        text.append("  " + _("none") + "\n", style="dim")
    for r in risks:
        text.append(f"  {'⇑' if r.escalated else '▲'} {r.exposure:>2} ", style="bold red")
        text.append(f"{r.role.value} {one_line(r.title)}")
        if r.owner_name:
            text.append(f" · {one_line(r.owner_name)}", style="dim")
        text.append("\n")
    waiting = [h for h in room.handoffs if h.state is HandoffState.SENT]
    text.append(_("Handoffs still waiting ({n})").format(n=len(waiting)) + "\n", style="bold")
    if not waiting:
        text.append("  " + _("none") + "\n", style="dim")
    for h in waiting:
        text.append(f"  ⇄ {h.from_role.value}→{h.to_role.value} ", style="yellow")
        text.append(one_line(h.title))
        text.append(" · " + _("{n}d").format(n=h.age_days(now)), style="dim")
        text.append("\n")
    text.rstrip()
    return text


class GateScreen(FormScreen[GateView]):
    """The gate form with its facts above it; picking another gate shows that gate's."""

    def __init__(
        self,
        room: DealRoomView,
        methods: DealMethodsView,
        today: date,
        now: datetime,
        gate: Gate | None,
        cash: DealCash | None = None,
    ) -> None:
        code = room.deal.code

        def submit(v: FormValues) -> Job[GateView]:
            chosen, decision = Gate(v.text("gate")), GateDecision(v.text("decision"))
            return lambda store: store.deals.record_gate(code, chosen, decision, v.text("note"))

        super().__init__(
            _("Gate decision on {code}").format(code=code), gate_fields(gate), submit, today
        )
        self.room = room
        self.methods = methods
        self.now = now
        self.gate = gate
        self.cash = cash

    def compose_intro(self) -> ComposeResult:
        with VerticalScroll(id="gate-facts"):
            facts = gate_facts(self.gate, self.room, self.methods, self.now, self.cash)
            yield Static(facts, id="facts")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#form").add_class("gate")

    @on(Select.Changed, "#f-gate")
    def _gate_changed(self, event: Select.Changed) -> None:
        value = event.value
        self.gate = Gate(value) if isinstance(value, str) and value else None
        self.query_one("#facts", Static).update(
            gate_facts(self.gate, self.room, self.methods, self.now, self.cash)
        )
