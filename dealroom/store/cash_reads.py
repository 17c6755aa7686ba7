"""Reading the cash end of Lead-to-Cash: deals' payment plans, invoices and settlements
in a fixed number of statements whatever their number, the receivables on a day, the cash
forecast, and the invoices past due per deal (rules in :mod:`dealroom.domain.cash` and
:mod:`dealroom.domain.cashflow`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import DealStatus, HandoffState, Role, Stage
from dealroom.domain.cash import (
    PlanLine,
    age,
    check_plan,
    days_overdue,
    due_for_invoicing,
    milestone_amounts,
)
from dealroom.domain.cashflow import CashForecast, DealCashFacts, cash_forecast
from dealroom.domain.money import minor_places
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
from dealroom.store.rows import DEALS, Shape, grouped
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
    [cash] = deal_cashes(s, [deal], today).values()  # (a stored deal: it has an id)
    return cash


def plan_effect(s: Session, deal: Contracted, today: date) -> str:
    """What a new amount does to the deal's payment plan, for the change's log line:
    ``; the payment plan is 100,000.00 CNY short of the contract, …`` ("" without a plan)."""
    cash = deal_cash(s, deal, today)
    if not cash.plan:
        return ""
    return f"; the payment plan {cash.check.said(cash.currency)}"


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


def cash_forecast_of(s: Session, day: date) -> CashForecast:
    """When the money is expected (``domain.cashflow``): open and won deals, in the
    base currency at the rates in force ``today``; a fixed number of statements."""
    live = [DealStatus.OPEN.value, DealStatus.WON.value]
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


def receivables_of(s: Session, day: date) -> list[Receivable]:
    """Every invoice with something outstanding on ``day``, oldest due first, with its
    deal, customer and AR, and its amount in the base currency."""
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
