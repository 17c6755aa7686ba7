"""What the cash end of a deal reads as: its payment plan, invoices and what settled them,
and the receivables across deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dealroom.domain.cash import Age, PlanCheck, Settlement, Trigger


@dataclass(frozen=True, slots=True)
class MilestoneView:
    id: int
    deal_id: int
    position: int
    name: str
    share_bp: int | None
    amount: int | None
    """The fixed amount (minor units); None for a share of the contract."""
    trigger: Trigger
    planned: date | None
    version: int


@dataclass(frozen=True, slots=True)
class InvoiceView:
    id: int
    deal_id: int
    milestone_id: int | None
    number: str
    issued: date
    due: date
    amount: int
    note: str
    version: int
    currency: str
    """The deal's currency, which the invoice is in."""


@dataclass(frozen=True, slots=True)
class SettlementView:
    id: int
    invoice_id: int
    kind: Settlement
    on: date
    amount: int
    reason: str


@dataclass(frozen=True, slots=True)
class InvoiceState:
    """An invoice with what settled it, and where it stands on the day read."""

    invoice: InvoiceView
    settlements: list[SettlementView]
    outstanding: int
    days_overdue: int
    age: Age

    @property
    def paid(self) -> int:
        return sum(s.amount for s in self.settlements if s.kind is Settlement.PAYMENT)


@dataclass(frozen=True, slots=True)
class PlannedMilestone:
    milestone: MilestoneView
    amount: int
    """What the milestone comes to, in minor units."""
    invoiced: int
    """How much of it has been invoiced."""
    due: bool = False
    """Whether what triggers it has happened (see ``domain.cash.due_for_invoicing``)."""

    @property
    def to_invoice(self) -> int:
        """Due for invoicing and not invoiced yet (0: nothing to do)."""
        return self.amount - self.invoiced if self.due else 0


@dataclass(frozen=True, slots=True)
class DealCash:
    """A deal's cash on the day read: the plan against the contract, and the invoices."""

    code: str
    currency: str
    contract: int
    """The deal's amount, in minor units."""
    plan: list[PlannedMilestone]
    check: PlanCheck
    invoices: list[InvoiceState]
    today: date

    @property
    def invoiced(self) -> int:
        return sum(i.invoice.amount for i in self.invoices)

    @property
    def outstanding(self) -> int:
        return sum(i.outstanding for i in self.invoices)

    @property
    def to_invoice(self) -> list[PlannedMilestone]:
        """The milestones due for invoicing with something not invoiced yet."""
        return [p for p in self.plan if p.to_invoice > 0]

    @property
    def overdue(self) -> list[InvoiceState]:
        return [i for i in self.invoices if i.days_overdue and i.outstanding]


@dataclass(frozen=True, slots=True)
class Receivable:
    """One invoice with something outstanding, for the ageing report."""

    code: str
    account: str
    ar: str
    """The AR lead's name ("" when the deal has none)."""
    currency: str
    number: str
    due: date
    outstanding: int
    days_overdue: int
    age: Age
    in_base: int | None
    """The outstanding amount in the base currency's minor units (None: no rate)."""
