"""A deal's cash: its payment plan against the contract, the invoices raised on it, and
what paid, credited or wrote them off — outstanding and overdue by days (rules in
:mod:`dealroom.domain.cash`). Kept by the deal's AR or sponsor; the rest see it greyed."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from dealroom.domain import permissions
from dealroom.domain.cash import Settlement, Trigger, check_share, share_text
from dealroom.domain.money import minor_to_text, parse_minor
from dealroom.i18n import N_, _, pgettext
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.methods import MethodsContents, MethodsScreen, read_methods
from dealroom.store.cash_views import DealCash, InvoiceState, PlannedMilestone
from dealroom.store.method_views import DealMethodsView
from dealroom.textutil import fit, one_line

if TYPE_CHECKING:
    from dealroom.store import Store

#: A row of the screen: a milestone of the plan, or an invoice with its settlements.
CashRow = PlannedMilestone | InvoiceState


#: What settled an invoice, as the screen says it.
SETTLEMENT_WORDS = {
    Settlement.PAYMENT: N_("payment"),
    Settlement.CREDIT: N_("credit"),
    Settlement.WRITE_OFF: N_("write-off"),
}


class CashScreen(MethodsScreen):
    TITLE = N_("Cash")
    ENTITIES = ("milestone", "invoice", "payment")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the deal room"), id="cash.back"),
        Binding(
            "a", "add", N_("Milestone"), tooltip=N_("Add a milestone to the plan"), id="cash.add"
        ),
        Binding(
            "i",
            "invoice",
            N_("Invoice"),
            tooltip=N_("Raise an invoice on the milestone under the cursor"),
            id="cash.invoice",
        ),
        Binding(
            "p", "pay", N_("Payment"), tooltip=N_("Record a payment on the invoice"), id="cash.pay"
        ),
        Binding(
            "x",
            "credit",
            N_("Credit"),
            tooltip=N_("A credit note or write-off on the invoice, with a reason"),
            id="cash.credit",
        ),
        Binding(
            "d,delete",
            "delete",
            N_("Remove"),
            tooltip=N_("Take a milestone with no invoice off the plan (asks first)"),
            id="cash.delete",
        ),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="cash.reload"),
    ]

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.cash: DealCash | None = None
        #: Why the person at the keyboard may not keep this deal's cash (None: they may).
        self.refused: str | None = None

    def compose_panel(self) -> ComposeResult:
        yield Static(id="cash-panel", classes="detail")

    # --- data -------------------------------------------------------------------------

    def reload(self) -> None:
        code, methods = self.code, read_methods(self.code)

        def read(store: Store) -> tuple[MethodsContents, DealCash, str | None]:
            standing = store.reads.standing()
            rule = permissions.cash(store.reads.seats(code), standing.actor)
            return methods(store), store.cash.deal(code), standing.check(rule)

        def loaded(result: tuple[MethodsContents, DealCash, str | None]) -> None:
            contents, self.cash, self.refused = result
            self._loaded(contents)
            self.refresh_bindings()

        self.app.gateway.run(self, read, loaded, group="methods", latest=True)

    def rows(self, m: DealMethodsView) -> list[CashRow]:
        if self.cash is None:
            return []
        return [*self.cash.plan, *self.cash.invoices]

    def key(self, row: CashRow) -> Hashable:
        if isinstance(row, PlannedMilestone):
            return ("milestone", row.milestone.id)
        return ("invoice", row.invoice.id)

    def empty_text(self) -> str:
        return _("No payment plan yet: a adds a milestone (30% at signing, say).")

    def _money(self, minor: int) -> str:
        currency = self.cash.currency if self.cash else ""
        return f"{minor_to_text(minor, currency)} {currency}"

    def show_panel(self) -> None:
        cash = self.cash
        if cash is None:
            return
        text = Text()
        text.append(_("Contract {amount}").format(amount=self._money(cash.contract)) + " · ")
        if not cash.plan:
            text.append(_("no payment plan yet"), style="dim")
        else:
            style = "" if cash.check.adds_up else "bold yellow"
            text.append(self._plan_said(), style=style)
        text.append("\n" + _("Invoiced {amount}").format(amount=self._money(cash.invoiced)))
        text.append(" · " + _("outstanding") + " ")
        text.append(self._money(cash.outstanding), style="bold" if cash.outstanding else "")
        if cash.overdue:
            late = sum(i.outstanding for i in cash.overdue)
            said = _("overdue {amount}").format(amount=self._money(late))
            text.append(" · " + said, style="bold red")
        if cash.to_invoice:
            due = sum(p.to_invoice for p in cash.to_invoice)
            said = _("due for invoicing {amount}").format(amount=self._money(due))
            text.append(" · " + said, style="bold yellow")
        self.query_one("#cash-panel", Static).update(text)

    def _plan_said(self) -> str:
        """``the plan adds up to the contract, 1,200,000.00 CNY``, or how far it is off."""
        assert self.cash is not None
        check, total = self.cash.check, self._money(self.cash.contract)
        if check.adds_up:
            return _("the plan adds up to the contract, {total}").format(total=total)
        gap = self._money(abs(check.gap))
        if check.gap > 0:
            return _("the plan is {gap} short of the contract, {total}").format(
                gap=gap, total=total
            )
        return _("the plan is {gap} over the contract, {total}").format(gap=gap, total=total)

    def render_row(self, row: CashRow, width: int) -> Text:
        """Below 100 columns the trigger and the due day give way (the detail line under
        the list has them); what is to invoice, outstanding and overdue always shows."""
        wide = width >= 100
        text = Text(" ")
        if isinstance(row, PlannedMilestone):
            ms = row.milestone
            part = share_text(ms.share_bp) if ms.share_bp is not None else _("fixed")
            text.append("◇ ", style="cyan")
            text.append(
                fit(one_line(ms.name), max(8, width // 3 if wide else width // 4)), style="bold"
            )
            text.append(f" {fit(part, 6, right=True)} {self._money(row.amount):>18}")
            if wide:
                text.append(" " + _("on {trigger}").format(trigger=ms.trigger.label))
            if row.to_invoice:
                said = _("to invoice {amount}").format(amount=self._money(row.to_invoice))
                text.append(" · " + said, style="bold yellow")
            elif row.invoiced:
                said = (
                    _("invoiced {amount}").format(amount=self._money(row.invoiced))
                    if wide
                    else _("invoiced")
                )
                text.append(" · " + said, style="dim")
        else:
            inv = row.invoice
            text.append("▤ ", style="magenta")
            text.append(fit(one_line(inv.number), 14), style="bold")
            text.append(f" {self._money(inv.amount):>18}")
            if wide:
                text.append(" " + _("due {day}").format(day=inv.due.isoformat()))
            if not row.outstanding:
                text.append(" " + _("paid"), style="green")
            else:
                left = minor_to_text(row.outstanding, inv.currency)
                text.append(" " + _("open {amount}").format(amount=left))
                if row.days_overdue:
                    said = _("{n}d overdue").format(n=row.days_overdue)
                    text.append(" · " + said, style="bold red")
        text.truncate(width, overflow="ellipsis")
        return text

    def detail(self, row: CashRow) -> Text | None:
        text = Text()
        if isinstance(row, PlannedMilestone):
            ms = row.milestone
            text.append(f"#{ms.id} {ms.name}", style="bold")
            trigger = ms.trigger.label
            text.append(" · " + _("due for invoicing on {trigger}").format(trigger=trigger))
            if ms.planned:
                text.append(" · " + _("planned {day}").format(day=ms.planned.isoformat()))
            left = row.amount - row.invoiced
            said = (
                _("{amount} not yet invoiced").format(amount=self._money(left))
                if left
                else _("invoiced")
            )
            text.append(" · " + said)
            if row.to_invoice:
                said = _("due for invoicing now: i raises the invoice")
                text.append(" · " + said, style="bold")
            return text
        inv = row.invoice
        text.append(_("Invoice {number}").format(number=inv.number), style="bold")
        dates = _("issued {day}").format(day=inv.issued.isoformat())
        dates += " · " + _("due {day}").format(day=inv.due.isoformat())
        text.append(" · " + dates)
        if inv.note:
            text.append(f" · {inv.note}")
        for x in row.settlements:
            why = f" ({x.reason})" if x.reason else ""
            kind = _(SETTLEMENT_WORDS[x.kind])
            text.append(f"\n  {x.on.isoformat()} {kind} {self._money(x.amount)}{why}")
        return text

    # --- who may ------------------------------------------------------------------------

    def refusal(self, action: str) -> str | None:
        """The plan, the invoices and the payments are the AR's or the sponsor's."""
        return self.refused if action in ("add", "invoice", "pay", "credit", "delete") else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if self.refusal(action) is not None else True

    # --- changes ------------------------------------------------------------------------

    def _current(self) -> CashRow | None:
        row: CashRow | None = self.rows_list.current
        return row

    def _amount_field(
        self, name: str, label: str, value: str = "", required: bool = True
    ) -> FormField:
        currency = self.cash.currency if self.cash else "CNY"
        return FormField(
            name,
            _("{label} ({currency})").format(label=label, currency=currency),
            value,
            required=required,
            parse=lambda t: parse_minor(t, currency),
            placeholder=_("e.g. 120,000.50 or 1.2m"),
        )

    def action_add(self) -> None:
        code = self.code
        fields = [
            FormField("name", _("Name"), required=True, placeholder=_("30% at signing")),
            FormField("share", _("Share of the contract (%)"), parse=check_share, placeholder="30"),
            self._amount_field("amount", _("or a fixed amount"), required=False),
            FormField(
                "trigger",
                _("Due for invoicing on"),
                Trigger.SIGNATURE.value,
                kind="choice",
                choices=[(t.label, t.value) for t in Trigger],
                required=True,
            ),
            FormField("planned", _("Planned"), kind="date"),
        ]

        def submit(v: FormValues) -> Job[object]:
            trigger = Trigger(v.text("trigger"))
            share, amount, planned = v.int("share"), v.int("amount"), v.date("planned")
            return lambda store: store.cash.add_milestone(
                code, v.text("name"), share_bp=share, amount=amount, trigger=trigger,
                planned=planned,
            )  # fmt: skip

        title = _("New milestone on {code}").format(code=code)
        form = FormScreen(title, fields, submit, self.today)
        self.app.push_screen(form, self.after_form(_("Milestone added")))

    def action_invoice(self) -> None:
        row = self._current()
        code = self.code
        milestone = row.milestone if isinstance(row, PlannedMilestone) else None
        left = row.amount - row.invoiced if isinstance(row, PlannedMilestone) else 0
        currency = self.cash.currency if self.cash else "CNY"
        fields = [
            FormField("number", _("Invoice number"), required=True, placeholder="INV-2026-014"),
            FormField("issued", _("Date"), self.today.isoformat(), kind="date", toward="past"),
            self._amount_field(
                "amount", _("Amount"), minor_to_text(left, currency) if left else "", required=False
            ),
            FormField("terms", _("Payment terms (days)"), "30", kind="int", required=True),
            FormField("note", _("Note")),
        ]

        def submit(v: FormValues) -> Job[object]:
            number, issued, amount = v.text("number"), v.date("issued"), v.int("amount")
            terms, note = v.int("terms") or 0, v.text("note")
            ident = milestone.id if milestone else None
            return lambda store: store.cash.raise_invoice(
                code, number, milestone_id=ident, issued=issued, amount=amount, terms=terms,
                note=note,
            )  # fmt: skip

        title = (
            _("Invoice {code} for {milestone}").format(
                code=code, milestone=one_line(milestone.name)
            )
            if milestone
            else _("Invoice {code}").format(code=code)
        )
        form = FormScreen(title, fields, submit, self.today)
        self.app.push_screen(form, self.after_form(_("Invoice raised")))

    def _settle(self, kinds: Sequence[Settlement]) -> None:
        row = self._current()
        if not isinstance(row, InvoiceState):
            self.notify(_("Put the cursor on an invoice first."), timeout=4, markup=False)
            return
        inv, currency = row.invoice, row.invoice.currency
        fields = [
            self._amount_field("amount", _("Amount"), minor_to_text(row.outstanding, currency)),
            FormField("on", _("Date"), self.today.isoformat(), kind="date", toward="past"),
        ]
        if kinds != [Settlement.PAYMENT]:
            fields.insert(
                0,
                FormField(
                    "kind",
                    pgettext("settling an invoice: payment, credit or write-off", "What"),
                    kinds[0].value,
                    kind="choice",
                    choices=[(_(SETTLEMENT_WORDS[k]), k.value) for k in kinds],
                    required=True,
                ),
            )
            fields.append(FormField("reason", _("Reason"), required=True))

        def submit(v: FormValues) -> Job[object]:
            kind = Settlement(v.text("kind")) if kinds != [Settlement.PAYMENT] else kinds[0]
            amount, on = v.int("amount") or 0, v.date("on")
            reason = v.text("reason") if kinds != [Settlement.PAYMENT] else ""
            return lambda store: store.cash.settle(inv.id, amount, kind=kind, on=on, reason=reason)

        title = (
            _("Payment on {number}")
            if kinds == [Settlement.PAYMENT]
            else _("Credit or write-off on {number}")
        )
        form = FormScreen(title.format(number=one_line(inv.number)), fields, submit, self.today)
        self.app.push_screen(form, self.after_form(_("Recorded")))

    def action_pay(self) -> None:
        self._settle([Settlement.PAYMENT])

    def action_credit(self) -> None:
        self._settle([Settlement.CREDIT, Settlement.WRITE_OFF])

    def action_delete(self) -> None:
        row = self._current()
        if not isinstance(row, PlannedMilestone):
            return
        ms = row.milestone
        self.remove_after_asking(
            _("Take “{name}” off the payment plan?").format(name=one_line(ms.name)),
            lambda store: store.cash.delete_milestone(ms.id, version=ms.version),
            _("Removed {name}").format(name=one_line(ms.name)),
            button=_("Remove"),
        )

    def action_reload(self) -> None:
        self.reload()
