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
from dealroom.i18n import N_
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


class CashScreen(MethodsScreen):
    TITLE = "Cash"
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
        return "No payment plan yet: a adds a milestone (30% on signature, say)."

    def _money(self, minor: int) -> str:
        currency = self.cash.currency if self.cash else ""
        return f"{minor_to_text(minor, currency)} {currency}"

    def show_panel(self) -> None:
        cash = self.cash
        if cash is None:
            return
        text = Text()
        text.append(f"Contract {self._money(cash.contract)} · ")
        if not cash.plan:
            text.append("no payment plan yet", style="dim")
        else:
            style = "" if cash.check.adds_up else "bold yellow"
            text.append(f"the plan {cash.check.said(cash.currency)}", style=style)
        text.append(f"\nInvoiced {self._money(cash.invoiced)} · outstanding ")
        text.append(self._money(cash.outstanding), style="bold" if cash.outstanding else "")
        if cash.overdue:
            late = sum(i.outstanding for i in cash.overdue)
            text.append(f" · overdue {self._money(late)}", style="bold red")
        if cash.to_invoice:
            due = sum(p.to_invoice for p in cash.to_invoice)
            text.append(f" · due for invoicing {self._money(due)}", style="bold yellow")
        self.query_one("#cash-panel", Static).update(text)

    def render_row(self, row: CashRow, width: int) -> Text:
        """Below 100 columns the trigger and the due day give way (the detail line under
        the list has them); what is to invoice, outstanding and overdue always shows."""
        wide = width >= 100
        text = Text(" ")
        if isinstance(row, PlannedMilestone):
            ms = row.milestone
            part = share_text(ms.share_bp) if ms.share_bp is not None else "fixed"
            text.append("◇ ", style="cyan")
            text.append(
                fit(one_line(ms.name), max(8, width // 3 if wide else width // 4)), style="bold"
            )
            text.append(f" {part:>6} {self._money(row.amount):>18}")
            if wide:
                text.append(f" on {ms.trigger.value}")
            if row.to_invoice:
                text.append(f" · to invoice {self._money(row.to_invoice)}", style="bold yellow")
            elif row.invoiced:
                text.append(
                    " · invoiced" if not wide else f" · invoiced {self._money(row.invoiced)}",
                    style="dim",
                )
        else:
            inv = row.invoice
            text.append("▤ ", style="magenta")
            text.append(fit(one_line(inv.number), 14), style="bold")
            text.append(f" {self._money(inv.amount):>18}")
            if wide:
                text.append(f" due {inv.due.isoformat()}")
            if not row.outstanding:
                text.append(" paid", style="green")
            else:
                text.append(f" open {minor_to_text(row.outstanding, inv.currency)}")
                if row.days_overdue:
                    text.append(f" · {row.days_overdue}d overdue", style="bold red")
        text.truncate(width, overflow="ellipsis")
        return text

    def detail(self, row: CashRow) -> Text | None:
        text = Text()
        if isinstance(row, PlannedMilestone):
            ms = row.milestone
            text.append(f"#{ms.id} {ms.name}", style="bold")
            planned = f" · planned {ms.planned.isoformat()}" if ms.planned else ""
            text.append(f" · due for invoicing on {ms.trigger.value}{planned}")
            left = row.amount - row.invoiced
            text.append(f" · {self._money(left)} not yet invoiced" if left else " · invoiced")
            if row.to_invoice:
                text.append(" · due for invoicing now: i raises the invoice", style="bold")
            return text
        inv = row.invoice
        text.append(f"Invoice {inv.number}", style="bold")
        text.append(f" · issued {inv.issued.isoformat()} · due {inv.due.isoformat()}")
        if inv.note:
            text.append(f" · {inv.note}")
        for x in row.settlements:
            why = f" ({x.reason})" if x.reason else ""
            text.append(f"\n  {x.on.isoformat()} {x.kind.value} {self._money(x.amount)}{why}")
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
            f"{label} ({currency})",
            value,
            required=required,
            parse=lambda t: parse_minor(t, currency),
            placeholder="e.g. 120,000.50 or 1.2m",
        )

    def action_add(self) -> None:
        code = self.code
        fields = [
            FormField("name", "Name", required=True, placeholder="30% on signature"),
            FormField("share", "Share of the contract (%)", parse=check_share, placeholder="30"),
            self._amount_field("amount", "or a fixed amount", required=False),
            FormField(
                "trigger",
                "Due for invoicing on",
                Trigger.SIGNATURE.value,
                kind="choice",
                choices=[(t.value, t.value) for t in Trigger],
                required=True,
            ),
            FormField("planned", "Planned", kind="date"),
        ]

        def submit(v: FormValues) -> Job[object]:
            trigger = Trigger(v.text("trigger"))
            share, amount, planned = v.int("share"), v.int("amount"), v.date("planned")
            return lambda store: store.cash.add_milestone(
                code, v.text("name"), share_bp=share, amount=amount, trigger=trigger,
                planned=planned,
            )  # fmt: skip

        form = FormScreen(f"New milestone on {code}", fields, submit, self.today)
        self.app.push_screen(form, self.after_form("Milestone added"))

    def action_invoice(self) -> None:
        row = self._current()
        code = self.code
        milestone = row.milestone if isinstance(row, PlannedMilestone) else None
        left = row.amount - row.invoiced if isinstance(row, PlannedMilestone) else 0
        currency = self.cash.currency if self.cash else "CNY"
        fields = [
            FormField("number", "Invoice number", required=True, placeholder="INV-2026-014"),
            FormField("issued", "Date", self.today.isoformat(), kind="date", toward="past"),
            self._amount_field(
                "amount", "Amount", minor_to_text(left, currency) if left else "", required=False
            ),
            FormField("terms", "Payment terms (days)", "30", kind="int", required=True),
            FormField("note", "Note"),
        ]
        what = f" for {one_line(milestone.name)}" if milestone else ""

        def submit(v: FormValues) -> Job[object]:
            number, issued, amount = v.text("number"), v.date("issued"), v.int("amount")
            terms, note = v.int("terms") or 0, v.text("note")
            ident = milestone.id if milestone else None
            return lambda store: store.cash.raise_invoice(
                code, number, milestone_id=ident, issued=issued, amount=amount, terms=terms,
                note=note,
            )  # fmt: skip

        form = FormScreen(f"Invoice {code}{what}", fields, submit, self.today)
        self.app.push_screen(form, self.after_form("Invoice raised"))

    def _settle(self, kinds: Sequence[Settlement]) -> None:
        row = self._current()
        if not isinstance(row, InvoiceState):
            self.notify("Put the cursor on an invoice first.", timeout=4, markup=False)
            return
        inv, currency = row.invoice, row.invoice.currency
        fields = [
            self._amount_field("amount", "Amount", minor_to_text(row.outstanding, currency)),
            FormField("on", "Date", self.today.isoformat(), kind="date", toward="past"),
        ]
        if kinds != [Settlement.PAYMENT]:
            fields.insert(
                0,
                FormField(
                    "kind",
                    "What",
                    kinds[0].value,
                    kind="choice",
                    choices=[(k.value, k.value.replace("_", "-")) for k in kinds],
                    required=True,
                ),
            )
            fields.append(FormField("reason", "Reason", required=True))

        def submit(v: FormValues) -> Job[object]:
            kind = Settlement(v.text("kind")) if kinds != [Settlement.PAYMENT] else kinds[0]
            amount, on = v.int("amount") or 0, v.date("on")
            reason = v.text("reason") if kinds != [Settlement.PAYMENT] else ""
            return lambda store: store.cash.settle(inv.id, amount, kind=kind, on=on, reason=reason)

        title = "Payment on" if kinds == [Settlement.PAYMENT] else "Credit or write-off on"
        form = FormScreen(f"{title} {one_line(inv.number)}", fields, submit, self.today)
        self.app.push_screen(form, self.after_form("Recorded"))

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
            f"Take “{one_line(ms.name)}” off the payment plan?",
            lambda store: store.cash.delete_milestone(ms.id, version=ms.version),
            f"Removed {one_line(ms.name)}",
        )

    def action_reload(self) -> None:
        self.reload()
