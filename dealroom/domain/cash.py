"""The cash end of Lead-to-Cash: a deal's payment plan, its invoices, the payments and
credits against them, and what is outstanding and overdue.

Decisions:

- Cash is held in minor units of the deal's currency (:mod:`dealroom.domain.money`).
- A milestone is a share of the contract (in basis points: 3000 is 30%) or a fixed
  amount. Share milestones are the contract's amount times their share, rounded down;
  when the plan's shares come to 100% and there are no fixed amounts, the cents the
  rounding left go to the last share milestone, so the plan adds up to the contract
  exactly.
- A plan "adds up" when its milestones come to the contract amount; otherwise it says by
  how much it is short or over. A deal's amount changing moves its share milestones with
  it, and the plan says what that does.
- A milestone is due for invoicing once what triggers it has happened: signature (the
  deal is won), delivery (the deal has moved on to Invoice & cash), acceptance (the FR's
  handoff to the AR is accepted on the won deal: the customer's acceptance reached the
  side that invoices), or its planned day.
- An invoice is raised against a milestone, for the milestone's amount unless told
  otherwise, due after the payment terms (30 days unless told otherwise).
- Payments, credit notes and write-offs settle an invoice; what they settle may never
  exceed it: an overpayment is refused, not kept as a credit.
- Closing the deal (approving ATCC) while invoices are unpaid takes a note on the
  decision that says what becomes of them.
- An invoice is overdue from the day after it fell due while anything is outstanding.
  Ageing buckets by days overdue on the day asked: current (not yet due), 1–30, 31–60,
  61–90, over 90.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from dealroom.domain.money import minor_to_text
from dealroom.domain.rules import RuleError, check_text
from dealroom.i18n import _, ngettext, pgettext

#: 100% in basis points.
WHOLE = 10_000
#: Payment terms when none are given: due 30 days after the invoice date.
DEFAULT_TERMS = 30


class Trigger(StrEnum):
    """What makes a milestone due for invoicing."""

    SIGNATURE = "signature"
    DELIVERY = "delivery"
    ACCEPTANCE = "acceptance"
    DATE = "date"

    @property
    def label(self) -> str:
        """The word for it in the language spoken (``on signature``: 签约时)."""
        words = {  # the context a literal: the extraction reads it
            Trigger.SIGNATURE: pgettext("milestone due on", "signature"),
            Trigger.DELIVERY: pgettext("milestone due on", "delivery"),
            Trigger.ACCEPTANCE: pgettext("milestone due on", "acceptance"),
            Trigger.DATE: pgettext("milestone due on", "date"),
        }
        return words[self]


class Settlement(StrEnum):
    """What settles (part of) an invoice: the customer's payment, a credit note, or a
    write-off (the last two with a reason)."""

    PAYMENT = "payment"
    CREDIT = "credit"
    WRITE_OFF = "write_off"


@dataclass(frozen=True, slots=True)
class PlanLine:
    """A milestone as the plan reads it: a share in basis points, or an amount."""

    share_bp: int | None
    amount: int | None


def check_share(percent: str) -> int:
    """``30`` or ``30%`` or ``12.5`` → basis points (3000, 1250); 0 < share ≤ 100%."""
    raw = percent.strip().removesuffix("%").strip()
    try:
        value = Decimal(raw) * 100
    except InvalidOperation:
        raise RuleError(
            _("share {text} is not a percentage").format(text=repr(percent.strip())),
            field="share",
        ) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise RuleError(
            _("share {text} has more than two decimals").format(text=repr(percent.strip())),
            field="share",
        )
    if not 0 < value <= WHOLE:
        raise RuleError(
            _("share {text} must be above 0 and at most 100%").format(text=repr(percent.strip())),
            field="share",
        )
    return int(value)


def share_text(share_bp: int) -> str:
    """3000 → ``30%``; 1250 → ``12.5%``."""
    whole, part = divmod(share_bp, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"


def check_milestone_name(name: str) -> str:
    return check_text(name, field="name", limit=200)


def milestone_amounts(contract: int, lines: Sequence[PlanLine]) -> list[int]:
    """Each milestone's amount in minor units, for a contract of ``contract`` minor
    units (see the module for the rounding)."""
    out = [
        line.amount if line.amount is not None else contract * (line.share_bp or 0) // WHOLE
        for line in lines
    ]
    shares = [i for i, line in enumerate(lines) if line.amount is None]
    if (
        shares
        and len(shares) == len(lines)
        and sum(lines[i].share_bp or 0 for i in shares) == WHOLE
    ):
        out[shares[-1]] += contract - sum(out)
    return out


@dataclass(frozen=True, slots=True)
class PlanCheck:
    contract: int
    planned: int

    @property
    def gap(self) -> int:
        """Above 0: the plan is short of the contract by that much; below 0: over it."""
        return self.contract - self.planned

    @property
    def adds_up(self) -> bool:
        return self.gap == 0

    def said(self, currency: str) -> str:
        """``adds up to 1,200,000.00 CNY`` or ``is 300,000.00 CNY short of …``: in English,
        as the event log keeps it (an edit's summary ends with it)."""
        total = f"{minor_to_text(self.contract, currency)} {currency}"
        if self.adds_up:
            return f"adds up to the contract, {total}"
        how = "short of" if self.gap > 0 else "over"
        return f"is {minor_to_text(abs(self.gap), currency)} {currency} {how} the contract, {total}"


def check_plan(contract: int, amounts: Iterable[int]) -> PlanCheck:
    return PlanCheck(contract, sum(amounts))


def due_date(issued: date, terms_days: int) -> date:
    if not 0 <= terms_days <= 365:
        raise RuleError(
            _("payment terms of {n} days are not plausible (0–365)").format(n=terms_days),
            field="terms",
        )
    return issued + timedelta(days=terms_days)


def check_settlement(
    invoice: int, settled: int, amount: int, *, number: str, currency: str
) -> None:
    """Refuse a payment or credit of ``amount`` that would settle more than the invoice."""
    if amount <= 0:
        raise RuleError(_("an amount above 0 is needed"), field="amount")
    left = invoice - settled
    if amount > left:
        over = minor_to_text(amount - left, currency)
        open_ = minor_to_text(left, currency)
        raise RuleError(
            _(
                "that overpays invoice {number} by {over} {currency}: {outstanding} {currency} "
                "is outstanding"
            ).format(number=number, over=over, currency=currency, outstanding=open_),
            field="amount",
        )


def days_overdue(due: date, as_of: date) -> int:
    """0 until the due day has passed."""
    return max(0, (as_of - due).days)


class Age(StrEnum):
    CURRENT = "current"
    D1_30 = "1-30"
    D31_60 = "31-60"
    D61_90 = "61-90"
    OVER_90 = "90+"

    @property
    def label(self) -> str:
        """The bucket in the language spoken."""
        return {
            Age.CURRENT: _("Current"),
            Age.D1_30: _("1–30 days"),
            Age.D31_60: _("31–60 days"),
            Age.D61_90: _("61–90 days"),
            Age.OVER_90: _("Over 90 days"),
        }[self]


def age(due: date, as_of: date) -> Age:
    late = days_overdue(due, as_of)
    if late == 0:
        return Age.CURRENT
    if late <= 30:
        return Age.D1_30
    if late <= 60:
        return Age.D31_60
    if late <= 90:
        return Age.D61_90
    return Age.OVER_90


def check_closing(code: str, outstanding: int, invoices: int, currency: str, note: str) -> None:
    """Approving ATCC (which closes the deal) with invoices unpaid takes a note that says
    what becomes of them: Lead-to-Cash ends when the customer has paid."""
    if outstanding > 0 and not note.strip():
        owed = f"{minor_to_text(outstanding, currency)} {currency}"
        raise RuleError(
            ngettext(
                "ATCC on {code} leaves {owed} outstanding on {n} invoice: the decision's note "
                "says what becomes of it (collected later, written off, disputed)",
                "ATCC on {code} leaves {owed} outstanding on {n} invoices: the decision's note "
                "says what becomes of it (collected later, written off, disputed)",
                invoices,
            ).format(code=code, owed=owed, n=invoices),
            field="note",
        )


def due_for_invoicing(
    trigger: Trigger,
    planned: date | None,
    today: date,
    *,
    signed: bool,
    delivered: bool,
    accepted: bool,
) -> bool:
    """Whether what makes a milestone due has happened: the contract signed (the deal
    won), delivery done (the deal moved on to Invoice & cash), the customer's acceptance
    (the FR's handoff to the AR accepted on the won deal), or its planned day reached."""
    if trigger is Trigger.SIGNATURE:
        return signed
    if trigger is Trigger.DELIVERY:
        return delivered
    if trigger is Trigger.ACCEPTANCE:
        return accepted
    return planned is not None and planned <= today
