"""The cash forecast: when the customers' money is expected, by month, per AR and per
customer tier, in the base currency — beside the bookings forecast.

Decisions:

- A **won** deal's cash is certain: each invoice's outstanding amount is expected on its due
  day; each milestone's part not invoiced yet is expected 30 days after its planned day,
  or, when it is due for invoicing but has no planned day, 30 days from today; a milestone
  whose trigger has not happened and has no planned day is undated. A won deal with no
  plan expects what is not invoiced yet, undated.
- An **open** deal's cash is its contract weighted by its probability (rounded down),
  expected 30 days after its close date (undated without one). Lost and dropped deals
  expect nothing.
- Amounts are converted to the base currency's minor units at the rates in force
  ``today``; a deal with no rate is listed apart, never summed.
- Months: overdue (expected before this month), the three months from this month on,
  later, and undated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dealroom.domain.cash import DEFAULT_TERMS
from dealroom.domain.model import DealStatus, Tier
from dealroom.domain.money import Rates

TERMS = timedelta(days=DEFAULT_TERMS)


@dataclass(frozen=True, slots=True)
class Expected:
    """Money expected from one deal: minor units of its currency, on a day (None: when
    its trigger happens)."""

    code: str
    ar: str
    tier: Tier
    currency: str
    amount: int
    on: date | None


@dataclass(frozen=True, slots=True)
class DealCashFacts:
    """What the cash forecast reads of a deal."""

    code: str
    ar: str
    tier: Tier
    currency: str
    status: DealStatus
    probability: int
    close_date: date | None
    contract: int
    #: (not invoiced yet, planned day, due for invoicing) of each milestone.
    milestones: Sequence[tuple[int, date | None, bool]] = ()
    #: (outstanding, due day) of each invoice with something outstanding.
    invoices: Sequence[tuple[int, date]] = ()
    invoiced: int = 0


def expected(deal: DealCashFacts, today: date) -> list[Expected]:
    """When ``deal``'s money is expected (see the module for the rules)."""

    def one(amount: int, on: date | None) -> Expected:
        return Expected(deal.code, deal.ar, deal.tier, deal.currency, amount, on)

    if deal.status is DealStatus.OPEN:
        weighted = deal.contract * deal.probability // 100
        on = deal.close_date + TERMS if deal.close_date else None
        return [one(weighted, on)] if weighted else []
    if deal.status is not DealStatus.WON:
        return []
    out = [one(left, due) for left, due in deal.invoices if left > 0]
    if not deal.milestones:
        rest = deal.contract - deal.invoiced
        return [*out, one(rest, None)] if rest > 0 else out
    for left, planned, due in deal.milestones:
        if left <= 0:
            continue
        on = planned + TERMS if planned else (today + TERMS if due else None)
        out.append(one(left, on))
    return out


@dataclass(frozen=True, slots=True)
class CashBucket:
    label: str
    amount: int = 0
    count: int = 0


@dataclass(frozen=True, slots=True)
class CashForecast:
    base: str
    buckets: tuple[CashBucket, ...]
    """Overdue, the three months, later, undated."""
    by_ar: dict[str, int]
    """Handle → everything expected from the deals they are AR of (base minor units)."""
    by_tier: dict[Tier, int]
    unrated: tuple[Expected, ...] = ()
    total: int = field(default=0)


def _month(d: date, ahead: int = 0) -> date:
    m = d.month - 1 + ahead
    return date(d.year + m // 12, m % 12 + 1, 1)


def cash_forecast(deals: Iterable[DealCashFacts], today: date, rates: Rates) -> CashForecast:
    months = [_month(today, i) for i in range(3)]
    after = _month(today, 3)
    labels = ["Overdue", *(m.strftime("%Y-%m") for m in months), "Later", "Undated"]
    sums = dict.fromkeys(labels, 0)
    counts = dict.fromkeys(labels, 0)
    by_ar: dict[str, int] = {}
    by_tier = dict.fromkeys(Tier, 0)
    unrated: list[Expected] = []
    for deal in deals:
        for e in expected(deal, today):
            base = rates.convert_minor(e.amount, e.currency, today)
            if base is None:
                unrated.append(e)
                continue
            if e.on is None:
                label = "Undated"
            elif e.on < months[0]:
                label = "Overdue"
            elif e.on >= after:
                label = "Later"
            else:
                label = _month(e.on).strftime("%Y-%m")
            sums[label] += base
            counts[label] += 1
            if e.ar:
                by_ar[e.ar] = by_ar.get(e.ar, 0) + base
            by_tier[e.tier] += base
    buckets = tuple(CashBucket(label, sums[label], counts[label]) for label in labels)
    return CashForecast(
        base=rates.base,
        buckets=buckets,
        by_ar=dict(sorted(by_ar.items())),
        by_tier=by_tier,
        unrated=tuple(unrated),
        total=sum(sums.values()),
    )
