"""The cash end of Lead-to-Cash in the store: each deal's payment plan, its invoices, and
the payments, credit notes and write-offs against them (rules in
:mod:`dealroom.domain.cash`). Every write goes through the one write path and is kept by
the deal's AR or its sponsor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import DealStatus, permissions, rules
from dealroom.domain.cash import (
    DEFAULT_TERMS,
    Settlement,
    Trigger,
    check_milestone_name,
    check_settlement,
    due_date,
    share_text,
)
from dealroom.domain.cashflow import CashForecast
from dealroom.domain.money import minor_to_text
from dealroom.domain.rules import RuleError
from dealroom.i18n import _
from dealroom.store.cash_reads import (
    INVOICES,
    MILESTONES,
    Contracted,
    cash_forecast_of,
    deal_cash,
    deal_cashes,
    receivables_of,
)
from dealroom.store.cash_views import (
    DealCash,
    InvoiceState,
    InvoiceView,
    MilestoneView,
    Receivable,
)
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError, thing
from dealroom.store.permit import require, seats
from dealroom.store.rows import by_id
from dealroom.store.tables import (
    Deal,
    Invoice,
    InvoiceSettlement,
    Milestone,
)
from dealroom.store.tx import Kind, Logged, Tx, deal_by_code, ident, locked_by_key, quote_title


def _invoice_by_number(s: Session, number: str) -> Invoice:
    return locked_by_key(s, Invoice, col(Invoice.number), number, "invoice")


MILESTONE = Kind("milestone", Milestone, by_id(MILESTONES, col(Milestone.id), "milestone"))
INVOICE = Kind(
    "invoice", Invoice, by_id(INVOICES, col(Invoice.id), "invoice"), by_key=_invoice_by_number
)


def _milestone_words(name: str, share_bp: int | None, amount: int | None, currency: str) -> str:
    part = (
        share_text(share_bp)
        if share_bp is not None
        else f"{minor_to_text(amount or 0, currency)} {currency}"
    )
    return f"{quote_title(name)} ({part})"


class Cash:
    """Reads and writes of the payment plans, invoices and payments."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- reads ------------------------------------------------------------------------

    def deal(self, code: str, *, today: date | None = None) -> DealCash:
        with self.database.read() as s:
            return deal_cash(s, deal_by_code(s, code), today or self.database.today())

    def of_deals(self, deals: Sequence[Contracted], *, today: date) -> dict[int, DealCash]:
        """Several deals' cash by deal id, in the same four queries whatever their number."""
        with self.database.read() as s:
            return deal_cashes(s, deals, today)

    def forecast(self, *, today: date | None = None) -> CashForecast:
        """When the money is expected (``domain.cashflow``): open and won deals, in the
        base currency at the rates in force ``today``; a fixed number of statements."""
        with self.database.read() as s:
            return cash_forecast_of(s, today or self.database.today())

    def invoice(self, number: str) -> InvoiceView:
        with self.database.read() as s:
            what = _("{thing} {key}").format(thing=thing("invoice"), key=repr(number))
            return INVOICES.one(s, col(Invoice.number) == number.strip(), what)

    def receivables(self, *, as_of: date | None = None) -> list[Receivable]:
        """Every invoice with something outstanding on ``as_of`` (default today), oldest
        due first, with its deal, customer and AR, and its amount in the base currency."""
        with self.database.read() as s:
            return receivables_of(s, as_of or self.database.today())

    # --- the payment plan -------------------------------------------------------------

    def add_milestone(
        self,
        code: str,
        name: str,
        *,
        share_bp: int | None = None,
        amount: int | None = None,
        trigger: Trigger = Trigger.SIGNATURE,
        planned: date | None = None,
    ) -> MilestoneView:
        """A new line at the end of the deal's payment plan: ``share_bp`` of the contract
        or a fixed ``amount`` (minor units), not both."""
        name = check_milestone_name(name)
        if (share_bp is None) == (amount is None):
            raise RuleError(
                _("a milestone is a share of the contract or an amount: give one"), field="share"
            )
        if amount is not None and amount <= 0:
            raise RuleError(_("a milestone's amount must be above 0"), field="amount")

        def build(tx: Tx) -> tuple[Milestone, Logged]:
            deal = tx.deal(code, lock=True)
            require(tx, permissions.cash(seats(tx.session, deal), tx.actor))
            last = tx.session.execute(
                select(func.max(col(Milestone.position))).where(col(Milestone.deal_id) == deal.id)
            ).scalar()
            row = Milestone(
                deal_id=ident(deal),
                position=(last if last is not None else -1) + 1,
                name=name,
                share_bp=share_bp,
                amount=amount,
                trigger=trigger,
                planned=planned,
            )
            words = _milestone_words(name, share_bp, amount, deal.currency)
            summary = f"added milestone {words} to the payment plan of {deal.code}"
            changes = {"milestone": (None, name)}
            return row, Logged("create", summary, changes)

        return self.database.create(MILESTONE, build)

    def delete_milestone(self, milestone_id: int, *, version: int | None = None) -> None:
        with self.database.write() as tx:
            row = tx.load(MILESTONE, milestone_id, version)
            deal = tx.session.get(Deal, row.deal_id)
            assert deal is not None
            require(tx, permissions.cash(seats(tx.session, deal), tx.actor))
            billed = tx.session.execute(
                select(func.count()).select_from(Invoice).where(col(Invoice.milestone_id) == row.id)
            ).scalar()
            if billed:
                raise RuleError(
                    _("milestone {name} has invoices: it stays in the plan").format(
                        name=quote_title(row.name)
                    )
                )
            changes = {"milestone": (row.name, None)}
            summary = (
                f"removed milestone {quote_title(row.name)} from the payment plan of {deal.code}"
            )
            tx.remove(MILESTONE, row, Logged("delete", summary, changes))

    # --- invoices ---------------------------------------------------------------------

    def raise_invoice(
        self,
        code: str,
        number: str,
        *,
        milestone_id: int | None = None,
        issued: date | None = None,
        amount: int | None = None,
        terms: int = DEFAULT_TERMS,
        note: str = "",
    ) -> InvoiceView:
        """An invoice against a milestone of deal ``code``: for what the milestone has not
        been invoiced for yet unless ``amount`` (minor units) is given; due ``terms`` days
        after ``issued`` (default today)."""
        number = rules.check_text(number, field="number", limit=40)
        note = rules.check_text(note, field="note", required=False)
        day = issued or self.database.today()
        due = due_date(day, terms)

        def build(tx: Tx) -> tuple[Invoice, Logged]:
            deal = tx.deal(code, lock=True)
            require(tx, permissions.cash(seats(tx.session, deal), tx.actor))
            if deal.status is not DealStatus.WON:
                raise RuleError(
                    _("{code} is not won: a deal is invoiced once it is signed").format(
                        code=deal.code
                    )
                )
            taken = select(col(Invoice.id)).where(col(Invoice.number) == number)
            if tx.session.execute(taken).first():
                raise RuleError(
                    _("invoice number {number} is taken").format(number=number), field="number"
                )
            cash = deal_cash(tx.session, deal, day)
            left = cash.contract - cash.invoiced
            value = amount
            what = ""
            if milestone_id is not None:
                planned = next((p for p in cash.plan if p.milestone.id == milestone_id), None)
                if planned is None:
                    raise NotFoundError(
                        _("no milestone #{id} in the plan of {code}").format(
                            id=milestone_id, code=deal.code
                        )
                    )
                what = f" for {quote_title(planned.milestone.name)}"
                if value is None:
                    value = planned.amount - planned.invoiced
                    if value <= 0:
                        raise RuleError(
                            _("milestone {name} is invoiced in full").format(
                                name=quote_title(planned.milestone.name)
                            ),
                            field="milestone",
                        )
            if value is None:
                raise RuleError(
                    _("an invoice without a milestone needs its amount"), field="amount"
                )
            if value <= 0:
                raise RuleError(_("an invoice's amount must be above 0"), field="amount")
            if value > left:
                over = minor_to_text(value - left, deal.currency)
                raise RuleError(
                    _(
                        "that invoices {over} {currency} more than the contract leaves "
                        "({left} {currency})"
                    ).format(
                        over=over, currency=deal.currency, left=minor_to_text(left, deal.currency)
                    ),
                    field="amount",
                )
            row = Invoice(
                deal_id=ident(deal),
                milestone_id=milestone_id,
                number=number,
                issued=day,
                due=due,
                amount=value,
                note=note,
            )
            shown = f"{minor_to_text(value, deal.currency)} {deal.currency}"
            summary = f"invoiced {number}{what}: {shown}, due {due.isoformat()}"
            return row, Logged("create", summary, {"amount": (None, value), "due": (None, due)})

        return self.database.create(INVOICE, build)

    def update_invoice(
        self,
        invoice: int | str,
        *,
        due: date | None = None,
        note: str | None = None,
        version: int | None = None,
    ) -> InvoiceView:
        """Move an invoice's due date or change its note (the amount is changed by a
        credit note, never by editing)."""
        values: dict[str, object] = {}
        if due is not None:
            values["due"] = due
        if note is not None:
            values["note"] = rules.check_text(note, field="note", required=False)

        def change(tx: Tx, row: Invoice) -> Logged | None:
            deal = tx.session.get(Deal, row.deal_id)
            assert deal is not None
            require(tx, permissions.cash(seats(tx.session, deal), tx.actor))
            if "due" in values and values["due"] < row.issued:  # type: ignore[operator]
                raise RuleError(
                    _("an invoice falls due on or after the day it was issued"), field="due"
                )
            diff = tx.apply(row, values)
            if not diff:
                return None
            return Logged("update", f"edited invoice {row.number} ({', '.join(diff)})", diff)

        return self.database.update(INVOICE, invoice, version, change)

    def settle(
        self,
        invoice: int | str,
        amount: int,
        *,
        kind: Settlement = Settlement.PAYMENT,
        on: date | None = None,
        reason: str = "",
    ) -> InvoiceState:
        """A payment received (or a credit note, or a write-off, each with its reason)
        against an invoice (its id or number); never more than is outstanding."""
        if kind is not Settlement.PAYMENT and not reason.strip():
            said = (
                _("a credit note needs a reason (--reason)")
                if kind is Settlement.CREDIT
                else _("a write-off needs a reason (--reason)")
            )
            raise RuleError(said, field="reason")
        reason = rules.check_text(reason, field="reason", required=False)
        day = on or self.database.today()
        with self.database.write() as tx:
            row = tx.load(INVOICE, invoice)
            deal = tx.session.get(Deal, row.deal_id)
            assert deal is not None
            require(tx, permissions.cash(seats(tx.session, deal), tx.actor))
            if day < row.issued:
                raise RuleError(_("a payment is on or after the invoice's day"), field="on")
            settled = tx.session.execute(
                select(func.coalesce(func.sum(col(InvoiceSettlement.amount)), 0)).where(
                    col(InvoiceSettlement.invoice_id) == row.id
                )
            ).scalar()
            check_settlement(
                row.amount, int(settled or 0), amount, number=row.number, currency=deal.currency
            )
            tx.session.add(
                InvoiceSettlement(
                    invoice_id=ident(row), kind=kind, on=day, amount=amount, reason=reason
                )
            )
            shown = f"{minor_to_text(amount, deal.currency)} {deal.currency}"
            verb = {
                Settlement.PAYMENT: "received",
                Settlement.CREDIT: "credited",
                Settlement.WRITE_OFF: "wrote off",
            }[kind]
            why = f" ({reason})" if reason else ""
            summary = f"{verb} {shown} on invoice {row.number}{why}"
            tx.event(
                "payment",
                ident(row),
                Logged(kind.value, summary, {kind.value: (None, amount)}),
                deal_id=deal.id,
            )
            tx.session.flush()
            cash = deal_cash(tx.session, deal, day)
        return next(i for i in cash.invoices if i.invoice.id == row.id)
