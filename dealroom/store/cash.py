"""The cash end of Lead-to-Cash in the store: each deal's payment plan, its invoices, and
the payments, credit notes and write-offs against them (rules in
:mod:`dealroom.domain.cash`). Every write goes through the one write path and is kept by
the deal's AR or its sponsor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import DealStatus, HandoffState, Role, Stage, permissions, rules
from dealroom.domain.cash import (
    DEFAULT_TERMS,
    PlanLine,
    Settlement,
    Trigger,
    age,
    check_milestone_name,
    check_plan,
    check_settlement,
    days_overdue,
    due_date,
    due_for_invoicing,
    milestone_amounts,
    share_text,
)
from dealroom.domain.cashflow import CashForecast, DealCashFacts, cash_forecast
from dealroom.domain.money import minor_places, minor_to_text
from dealroom.domain.rules import RuleError
from dealroom.store import money
from dealroom.store.cash_views import (
    DealCash,
    InvoiceState,
    InvoiceView,
    MilestoneView,
    PlannedMilestone,
    Receivable,
    SettlementView,
)
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError
from dealroom.store.permit import require, seats
from dealroom.store.rows import DEALS, Shape, by_id, grouped
from dealroom.store.tables import (
    Account,
    Deal,
    DealMember,
    Handoff,
    Invoice,
    InvoiceSettlement,
    Milestone,
    Person,
)
from dealroom.store.tx import Kind, Logged, Tx, deal_by_code, ident, locked_by_key, quote_title

MILESTONES = Shape(MilestoneView, Milestone, order=[col(Milestone.position), col(Milestone.id)])
INVOICES = Shape(
    InvoiceView,
    Invoice,
    {"currency": col(Deal.currency)},
    join=lambda stmt: stmt.join_from(Invoice, Deal, col(Invoice.deal_id) == col(Deal.id)),
    order=[col(Invoice.issued), col(Invoice.id)],
)
SETTLEMENTS = Shape(
    SettlementView,
    InvoiceSettlement,
    order=[col(InvoiceSettlement.on), col(InvoiceSettlement.id)],
)


def _invoice_by_number(s: Session, number: str) -> Invoice:
    return locked_by_key(s, Invoice, col(Invoice.number), number, "invoice")


MILESTONE = Kind("milestone", Milestone, by_id(MILESTONES, col(Milestone.id), "milestone"))
INVOICE = Kind(
    "invoice", Invoice, by_id(INVOICES, col(Invoice.id), "invoice"), by_key=_invoice_by_number
)


class Contracted(Protocol):
    """What the cash of a deal is read from: a deal's row or its view."""

    @property
    def id(self) -> int | None: ...
    @property
    def code(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def status(self) -> DealStatus: ...
    @property
    def stage(self) -> Stage: ...


def contract_minor(deal: Contracted) -> int:
    """The deal's amount in minor units of its currency."""
    return deal.amount * 10 ** minor_places(deal.currency)


def _lines(milestones: list[MilestoneView]) -> list[PlanLine]:
    return [PlanLine(m.share_bp, m.amount) for m in milestones]


def deal_cashes(s: Session, deals: Sequence[Contracted], today: date) -> dict[int, DealCash]:
    """The plans, invoices and settlements of ``deals`` by deal id, in four queries
    whatever their number."""
    ids = [d.id for d in deals if d.id is not None]
    plans = grouped(MILESTONES.rows(s, col(Milestone.deal_id).in_(ids)))
    bills = grouped(INVOICES.rows(s, col(Invoice.deal_id).in_(ids)))
    billed = select(col(Invoice.id)).where(col(Invoice.deal_id).in_(ids))
    settled: dict[int, list[SettlementView]] = defaultdict(list)
    for row in SETTLEMENTS.rows(s, col(InvoiceSettlement.invoice_id).in_(billed)):
        settled[row.invoice_id].append(row)
    accepted = set(
        s.execute(
            select(col(Handoff.deal_id)).where(
                col(Handoff.deal_id).in_(ids),
                col(Handoff.from_role) == Role.FR.value,
                col(Handoff.to_role) == Role.AR.value,
                col(Handoff.state) == HandoffState.ACCEPTED.value,
            )
        ).scalars()
    )
    out = {}
    for deal in deals:
        if deal.id is None:
            continue
        signed = deal.status is DealStatus.WON
        happened = {
            "signed": signed,
            "delivered": signed and deal.stage.order >= Stage.INVOICE.order,
            "accepted": signed and deal.id in accepted,
        }
        plan, invoices = plans.get(deal.id, []), bills.get(deal.id, [])
        contract = contract_minor(deal)
        amounts = milestone_amounts(contract, _lines(plan))
        invoiced: dict[int, int] = defaultdict(int)
        for i in invoices:
            if i.milestone_id is not None:
                invoiced[i.milestone_id] += i.amount
        states = []
        for i in invoices:
            left = i.amount - sum(x.amount for x in settled[i.id])
            late = days_overdue(i.due, today) if left else 0
            states.append(InvoiceState(i, settled[i.id], left, late, age(i.due, today)))
        out[deal.id] = DealCash(
            code=deal.code,
            currency=deal.currency,
            contract=contract,
            plan=[
                PlannedMilestone(
                    m,
                    a,
                    invoiced.get(m.id, 0),
                    due_for_invoicing(m.trigger, m.planned, today, **happened),
                )
                for m, a in zip(plan, amounts, strict=True)
            ],
            check=check_plan(contract, amounts),
            invoices=states,
            today=today,
        )
    return out


def deal_cash(s: Session, deal: Contracted, today: date) -> DealCash:
    return deal_cashes(s, [deal], today)[ident_of(deal)]


def plan_effect(s: Session, deal: Contracted, today: date) -> str:
    """What a new amount does to the deal's payment plan, for the change's log line:
    ``; the payment plan is 100,000.00 CNY short of the contract, …`` ("" without a plan)."""
    cash = deal_cash(s, deal, today)
    if not cash.plan:
        return ""
    return f"; the payment plan {cash.check.said(cash.currency)}"


def ident_of(deal: Contracted) -> int:
    assert deal.id is not None
    return deal.id


def _milestone_words(name: str, share_bp: int | None, amount: int | None, currency: str) -> str:
    part = (
        share_text(share_bp)
        if share_bp is not None
        else f"{minor_to_text(amount or 0, currency)} {currency}"
    )
    return f"{quote_title(name)} ({part})"


def overdue_invoices(s: Session, deal_ids: Select[int | None], today: date) -> dict[int, int]:
    """Per deal (of ``deal_ids``), how many of its invoices are past due with something
    outstanding on ``today``: one grouped query."""
    settled = (
        select(
            col(InvoiceSettlement.invoice_id),
            func.sum(col(InvoiceSettlement.amount)).label("settled"),
        )
        .group_by(col(InvoiceSettlement.invoice_id))
        .subquery()
    )
    rows = s.execute(
        select(col(Invoice.deal_id), func.count())
        .join(settled, settled.c.invoice_id == col(Invoice.id), isouter=True)
        .where(
            col(Invoice.deal_id).in_(deal_ids),
            col(Invoice.due) < today,
            col(Invoice.amount) > func.coalesce(settled.c.settled, 0),
        )
        .group_by(col(Invoice.deal_id))
    )
    return {int(deal_id): int(n) for deal_id, n in rows}


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
        day = today or self.database.today()
        live = [DealStatus.OPEN.value, DealStatus.WON.value]
        with self.database.read() as s:
            rates = money.rates(s)
            deals = DEALS.rows(s, col(Deal.status).in_(live))
            ars = dict(
                s.execute(
                    select(col(DealMember.deal_id), col(Person.handle))
                    .join(Person, col(DealMember.person_id) == col(Person.id))
                    .where(col(DealMember.role) == Role.AR.value)
                ).all()
            )
            won = [d for d in deals if d.status is DealStatus.WON]
            cashes = deal_cashes(s, won, day)
        facts = []
        for d in deals:
            c = cashes.get(d.id)
            facts.append(
                DealCashFacts(
                    code=d.code,
                    ar=ars.get(d.id, ""),
                    tier=d.tier,
                    currency=d.currency,
                    status=d.status,
                    probability=d.probability,
                    close_date=d.close_date,
                    contract=contract_minor(d),
                    milestones=[(p.amount - p.invoiced, p.milestone.planned, p.due) for p in c.plan]
                    if c
                    else [],
                    invoices=[(i.outstanding, i.invoice.due) for i in c.invoices] if c else [],
                    invoiced=c.invoiced if c else 0,
                )
            )
        return cash_forecast(facts, day, rates)

    def invoice(self, number: str) -> InvoiceView:
        with self.database.read() as s:
            return INVOICES.one(s, col(Invoice.number) == number.strip(), f"invoice {number!r}")

    def receivables(self, *, as_of: date | None = None) -> list[Receivable]:
        """Every invoice with something outstanding on ``as_of`` (default today), oldest
        due first, with its deal, customer and AR, and its amount in the base currency."""
        day = as_of or self.database.today()
        with self.database.read() as s:
            rates = money.rates(s)
            settled = (
                select(
                    col(InvoiceSettlement.invoice_id),
                    func.sum(col(InvoiceSettlement.amount)).label("settled"),
                )
                .where(col(InvoiceSettlement.on) <= day)
                .group_by(col(InvoiceSettlement.invoice_id))
                .subquery()
            )
            ar = (
                select(col(DealMember.deal_id), col(Person.name))
                .join(Person, col(DealMember.person_id) == col(Person.id))
                .where(col(DealMember.role) == Role.AR.value)
                .subquery()
            )
            rows = s.execute(
                select(
                    col(Deal.code),
                    col(Account.name),
                    ar.c.name,
                    col(Deal.currency),
                    col(Invoice.number),
                    col(Invoice.due),
                    col(Invoice.amount) - func.coalesce(settled.c.settled, 0),
                )
                .join(Deal, col(Invoice.deal_id) == col(Deal.id))
                .join(Account, col(Deal.account_id) == col(Account.id))
                .join(settled, settled.c.invoice_id == col(Invoice.id), isouter=True)
                .join(ar, ar.c.deal_id == col(Deal.id), isouter=True)
                .where(col(Invoice.issued) <= day)
                .order_by(col(Invoice.due), col(Invoice.number))
            ).all()
        out = []
        for code, account, ar_name, currency, number, due, left in rows:
            if left <= 0:
                continue
            out.append(
                Receivable(
                    code=code,
                    account=account,
                    ar=ar_name or "",
                    currency=currency,
                    number=number,
                    due=due,
                    outstanding=int(left),
                    days_overdue=days_overdue(due, day),
                    age=age(due, day),
                    in_base=rates.convert_minor(int(left), currency, day),
                )
            )
        return out

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
                "a milestone is a share of the contract or an amount: give one", field="share"
            )
        if amount is not None and amount <= 0:
            raise RuleError("a milestone's amount must be above 0", field="amount")

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
                    f"milestone {quote_title(row.name)} has invoices: it stays in the plan"
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
                raise RuleError(f"{deal.code} is not won: a deal is invoiced once it is signed")
            taken = select(col(Invoice.id)).where(col(Invoice.number) == number)
            if tx.session.execute(taken).first():
                raise RuleError(f"invoice number {number} is taken", field="number")
            cash = deal_cash(tx.session, deal, day)
            left = cash.contract - cash.invoiced
            value = amount
            what = ""
            if milestone_id is not None:
                planned = next((p for p in cash.plan if p.milestone.id == milestone_id), None)
                if planned is None:
                    raise NotFoundError(f"no milestone #{milestone_id} in the plan of {deal.code}")
                what = f" for {quote_title(planned.milestone.name)}"
                if value is None:
                    value = planned.amount - planned.invoiced
                    if value <= 0:
                        raise RuleError(
                            f"milestone {quote_title(planned.milestone.name)} is invoiced in full",
                            field="milestone",
                        )
            if value is None:
                raise RuleError("an invoice without a milestone needs its amount", field="amount")
            if value <= 0:
                raise RuleError("an invoice's amount must be above 0", field="amount")
            if value > left:
                over = minor_to_text(value - left, deal.currency)
                raise RuleError(
                    f"that invoices {over} {deal.currency} more than the contract leaves "
                    f"({minor_to_text(left, deal.currency)} {deal.currency})",
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
                    "an invoice falls due on or after the day it was issued", field="due"
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
            what = "a credit note" if kind is Settlement.CREDIT else "a write-off"
            raise RuleError(f"{what} needs a reason (--reason)", field="reason")
        reason = rules.check_text(reason, field="reason", required=False)
        day = on or self.database.today()
        with self.database.write() as tx:
            row = tx.load(INVOICE, invoice)
            deal = tx.session.get(Deal, row.deal_id)
            assert deal is not None
            require(tx, permissions.cash(seats(tx.session, deal), tx.actor))
            if day < row.issued:
                raise RuleError("a payment is on or after the invoice's day", field="on")
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
