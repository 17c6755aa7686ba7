"""The forecast: weighted amounts by close month, per person and per tier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dealroom.domain import DealStatus, Role, RuleError, Tier
from dealroom.domain.forecast import Figures, Forecast, ForecastDeal, Horizon, forecast
from dealroom.domain.money import Rate, Rates

TODAY = date(2026, 5, 15)


def deal(
    code: str,
    close: date | None,
    amount: int = 1_000,
    prob: int = 50,
    *,
    status: DealStatus = DealStatus.OPEN,
    tier: Tier = Tier.A,
    currency: str = "CNY",
    leads: dict[Role, str] | None = None,
) -> ForecastDeal:
    return ForecastDeal(code, amount, prob, close, status, tier, currency, leads or {})


def one(deals: list[ForecastDeal], today: date = TODAY) -> Forecast:
    return forecast(deals, today)


def bucket_counts(f: Forecast) -> dict[str, int]:
    return {b.label: b.figures.count for b in f.buckets}


def test_weighted_is_amount_times_probability_rounded_down() -> None:
    assert deal("A", None, 999, 10).weighted == 99
    assert deal("A", None, 5, 50).weighted == 2
    assert deal("A", None, 1_200_000, 30).weighted == 360_000
    with pytest.raises(RuleError):
        _ = deal("A", None, 100, 101).weighted


def test_buckets_are_overdue_three_months_rest_of_year_later_and_undated() -> None:
    f = one(
        [
            deal("old", date(2026, 4, 30)),
            deal("early-this-month", date(2026, 5, 1)),  # before today, still this month
            deal("jun", date(2026, 6, 30)),
            deal("jul", date(2026, 7, 1)),
            deal("aug", date(2026, 8, 1)),
            deal("dec", date(2026, 12, 31)),
            deal("next-year", date(2027, 1, 1)),
            deal("undated", None),
        ]
    )
    assert [b.horizon for b in f.buckets] == [
        Horizon.OVERDUE,
        Horizon.MONTH,
        Horizon.MONTH,
        Horizon.MONTH,
        Horizon.REST_OF_YEAR,
        Horizon.LATER,
        Horizon.UNDATED,
    ]
    assert bucket_counts(f) == {
        "Overdue": 1,
        "2026-05": 1,
        "2026-06": 1,
        "2026-07": 1,
        "Rest of 2026": 2,
        "Later": 1,
        "No close date": 1,
    }
    assert f.buckets[1].first == date(2026, 5, 1)
    assert f.buckets[4].first == date(2026, 8, 1)
    assert f.total.next_3_months.count == 3
    assert f.total.this_year.count == 5  # May to December; not overdue, not undated
    assert f.total.pipeline.count == 8


def test_near_the_year_end_three_months_run_into_next_year() -> None:
    f = one(
        [
            deal("dec", date(2026, 12, 5)),
            deal("jan", date(2027, 1, 5)),
            deal("mar", date(2027, 3, 1)),
        ],
        today=date(2026, 11, 30),
    )
    assert [b.label for b in f.buckets[1:4]] == ["2026-11", "2026-12", "2027-01"]
    # no "Rest of 2026" after a 2027 month: the three months have left the year
    assert "Rest of 2026" not in bucket_counts(f)
    assert [b.label for b in f.buckets[4:]] == ["Later", "No close date"]
    assert bucket_counts(f)["Later"] == 1 and f.buckets[4].first == date(2027, 2, 1)
    assert f.total.next_3_months.count == 2
    assert f.total.this_year.count == 1


def test_totals_sum_the_rounded_rows() -> None:
    f = one([deal("a", date(2026, 6, 1), 5, 50), deal("b", date(2026, 6, 2), 5, 50)])
    assert f.buckets[2].figures == Figures(count=2, amount=10, weighted=4)


@pytest.mark.parametrize("status", [DealStatus.WON, DealStatus.LOST, DealStatus.DROPPED])
def test_only_open_deals_count(status: DealStatus) -> None:
    f = forecast([deal("x", date(2026, 6, 1), status=status)], TODAY)
    assert f.total.pipeline == Figures() and f.unrated == ()


def test_currencies_are_converted_to_the_base_or_kept_apart_never_added_as_they_are() -> None:
    usd = deal("a", date(2026, 6, 1), 1_001, currency="USD")
    gbp = deal("c", date(2026, 6, 1), currency="GBP")
    deals = [usd, deal("b", date(2026, 6, 1), currency="CNY"), gbp]
    rates = Rates("CNY", (Rate("USD", Decimal("7.1"), date(2026, 1, 1), "CNY"),))
    out = forecast(deals, TODAY, rates)
    assert out.currency == "CNY"
    # 1,001 USD = 7,107.1 → 7,107 CNY, weighted 50% → 3,553; plus 1,000 CNY at 50%
    assert out.total.pipeline == Figures(2, 8_107, 3_553 + 500)
    assert out.unrated == (gbp,)  # no rate: named, not summed
    # without a rate for USD the sum would have been 2,001 "CNY"; it is never made
    assert forecast(deals, TODAY).total.pipeline == Figures(1, 1_000, 500)


def test_per_person_counts_a_deal_once_for_each_lead() -> None:
    both = deal(
        "a",
        date(2026, 6, 1),
        leads={Role.AR: "ana", Role.SR: "ana", Role.FR: "olu", Role.SPONSOR: "boss"},
    )
    other = deal("b", date(2027, 2, 1), 2_000, 10, leads={Role.AR: "ana"})
    nobody = deal("c", date(2026, 6, 1))
    f = one([both, other, nobody])
    assert list(f.by_person) == ["ana", "olu"]  # sponsors are not counted
    assert f.by_person["ana"].pipeline == Figures(2, 3_000, 700)
    assert f.by_person["ana"].next_3_months == Figures(1, 1_000, 500)
    assert f.by_person["ana"].this_year == Figures(1, 1_000, 500)
    assert f.by_person["olu"].pipeline.count == 1
    assert f.total.pipeline.count == 3


def test_per_tier_lists_every_tier() -> None:
    f = one([deal("a", date(2026, 6, 1), tier=Tier.S), deal("b", date(2026, 9, 1), tier=Tier.S)])
    assert list(f.by_tier) == [Tier.S, Tier.A, Tier.B, Tier.C]
    assert f.by_tier[Tier.S].pipeline.count == 2
    assert f.by_tier[Tier.S].next_3_months.count == 1
    assert f.by_tier[Tier.S].this_year.count == 2
    assert f.by_tier[Tier.C].pipeline == Figures()
