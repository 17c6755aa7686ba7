"""The forecast: the weighted pipeline by close month, per person and per tier.

Decisions:

- Only **open** deals count (won deals are booked, lost and dropped ones are gone).
- A deal's weighted amount is ``amount × probability ÷ 100`` rounded **down** to a whole
  unit (:func:`rules.weighted`, the same as the funnel), computed per deal and then summed,
  so totals always equal the sum of the rows shown.
- One forecast, in the database's base currency: each deal's amount is converted at the
  rate in force ``today`` (:mod:`dealroom.domain.money`) and then weighted, so a deal's
  weighted figure is the funnel's. A deal whose currency has no rate is not summed: it is
  listed apart (:attr:`Forecast.unrated`).
- Buckets by close date, relative to ``today``: **overdue** (before the first day of this
  month), the **three months** from this month on (this month, next, the one after),
  **rest of the year** (later months of this calendar year), **later** (after this
  calendar year and past the three months) and **no close date**. The year figure is the
  calendar year: this month to December. In November and December the three months run
  into next year, so the two figures then cover different spans. Overdue deals are in
  neither figure until their close date is moved.
- Per person: a deal counts once for each distinct AR/SR/FR lead (a person holding two
  roles counts it once), so the per-person totals add up to more than the whole.
  Sponsors and experts are not counted; deals without leads appear under no one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from dealroom.domain.model import TRIANGLE, DealStatus, Role, Tier
from dealroom.domain.money import Rates
from dealroom.domain.rules import check_probability, weighted


@dataclass(frozen=True, slots=True)
class ForecastDeal:
    code: str
    amount: int
    probability: int
    """In percent, after any override (see :func:`rules.probability`)."""
    close_date: date | None
    status: DealStatus
    tier: Tier
    currency: str = "CNY"
    leads: Mapping[Role, str] = field(default_factory=dict)
    """Handles of the deal's leads by role; only AR, SR and FR count."""

    @property
    def weighted(self) -> int:
        return weighted(self.amount, check_probability(self.probability) or 0)


@dataclass(frozen=True, slots=True)
class Figures:
    count: int = 0
    amount: int = 0
    weighted: int = 0

    def plus(self, deal: ForecastDeal) -> Figures:
        return Figures(self.count + 1, self.amount + deal.amount, self.weighted + deal.weighted)


class Horizon(StrEnum):
    """The kinds of bucket, in display order."""

    OVERDUE = "overdue"
    MONTH = "month"
    REST_OF_YEAR = "rest_of_year"
    LATER = "later"
    UNDATED = "undated"


@dataclass(frozen=True, slots=True)
class Bucket:
    horizon: Horizon
    label: str
    """``Overdue``, ``2026-11``, ``Rest of 2026``, ``Later``, ``No close date``."""
    first: date | None
    """The first day the bucket covers (None: open-ended backwards, or undated)."""
    figures: Figures


@dataclass(frozen=True, slots=True)
class Slice:
    """One group's figures: the next three months, this calendar year, all open deals."""

    next_3_months: Figures = Figures()
    this_year: Figures = Figures()
    pipeline: Figures = Figures()


@dataclass(frozen=True, slots=True)
class Forecast:
    currency: str
    """The base currency every figure is in."""
    buckets: tuple[Bucket, ...]
    """Overdue, the three months, rest of year, later, no close date — always all seven."""
    total: Slice
    by_person: dict[str, Slice]
    """Handle → figures, handles sorted."""
    by_tier: dict[Tier, Slice]
    """Every tier, S to C, even when empty."""
    unrated: tuple[ForecastDeal, ...] = ()
    """Open deals whose currency has no rate: in none of the figures."""


def _month(d: date, ahead: int = 0) -> date:
    m = d.month - 1 + ahead
    return date(d.year + m // 12, m % 12 + 1, 1)


def _add(slice_: Slice, deal: ForecastDeal, near: bool, year: bool) -> Slice:
    return Slice(
        next_3_months=slice_.next_3_months.plus(deal) if near else slice_.next_3_months,
        this_year=slice_.this_year.plus(deal) if year else slice_.this_year,
        pipeline=slice_.pipeline.plus(deal),
    )


def forecast(deals: Iterable[ForecastDeal], today: date, rates: Rates | None = None) -> Forecast:
    """The forecast in the base currency of ``rates`` (default: CNY, no other currency
    converted); see the module for the rules."""
    rates = rates if rates is not None else Rates()
    converted: list[ForecastDeal] = []
    unrated: list[ForecastDeal] = []
    for d in deals:
        if d.status is not DealStatus.OPEN:
            continue
        amount = rates.convert(d.amount, d.currency, today)
        if amount is None:
            unrated.append(d)
        else:
            converted.append(replace(d, amount=amount, currency=rates.base))
    return replace(_one(rates.base, converted, today), unrated=tuple(unrated))


def _one(currency: str, deals: list[ForecastDeal], today: date) -> Forecast:
    this_month = _month(today)
    months = [_month(today, i) for i in range(3)]
    after_three = _month(today, 3)
    next_year = date(today.year + 1, 1, 1)
    figures: dict[str, Figures] = {}
    total = Slice()
    people: dict[str, Slice] = {}
    tiers: dict[Tier, Slice] = {t: Slice() for t in Tier}
    for d in deals:
        c = d.close_date
        key: str
        if c is None:
            key = Horizon.UNDATED
        elif c < this_month:
            key = Horizon.OVERDUE
        elif c < after_three:
            key = _month(c).isoformat()
        elif c < next_year:
            key = Horizon.REST_OF_YEAR
        else:
            key = Horizon.LATER
        figures[key] = figures.get(key, Figures()).plus(d)
        near = c is not None and this_month <= c < after_three
        year = c is not None and this_month <= c < next_year
        total = _add(total, d, near, year)
        tiers[d.tier] = _add(tiers[d.tier], d, near, year)
        for handle in {d.leads[r] for r in TRIANGLE if d.leads.get(r)}:
            people[handle] = _add(people.get(handle, Slice()), d, near, year)
    buckets = [Bucket(Horizon.OVERDUE, "Overdue", None, figures.get(Horizon.OVERDUE, Figures()))]
    buckets += [
        Bucket(Horizon.MONTH, m.strftime("%Y-%m"), m, figures.get(m.isoformat(), Figures()))
        for m in months
    ]
    if after_three < next_year:  # from October on, the three months reach the new year
        buckets.append(
            Bucket(
                Horizon.REST_OF_YEAR,
                f"Rest of {today.year}",
                after_three,
                figures.get(Horizon.REST_OF_YEAR, Figures()),
            )
        )
    buckets += [
        Bucket(
            Horizon.LATER,
            "Later",
            max(after_three, next_year),
            figures.get(Horizon.LATER, Figures()),
        ),
        Bucket(Horizon.UNDATED, "No close date", None, figures.get(Horizon.UNDATED, Figures())),
    ]
    return Forecast(
        currency=currency,
        buckets=tuple(buckets),
        total=total,
        by_person=dict(sorted(people.items())),
        by_tier=tiers,
    )
