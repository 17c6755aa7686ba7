"""The cash forecast (dealroom.domain.cashflow): when the money is expected."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dealroom.domain.cashflow import DealCashFacts, cash_forecast, expected
from dealroom.domain.model import DealStatus, Tier
from dealroom.domain.money import Rate, Rates

TODAY = date(2026, 12, 4)
RATES = Rates("CNY", (Rate("USD", Decimal("7"), date(2026, 1, 1), "CNY"),))


def facts(**kw: object) -> DealCashFacts:
    base: dict[str, object] = {
        "code": "D-1", "ar": "ana", "tier": Tier.A, "currency": "CNY",
        "status": DealStatus.WON, "probability": 100, "close_date": date(2026, 12, 20),
        "contract": 1_000_00,
    }  # fmt: skip
    base.update(kw)
    return DealCashFacts(**base)  # type: ignore[arg-type]


def test_a_won_deal_expects_its_invoices_and_milestones_on_their_days() -> None:
    deal = facts(
        invoices=[(300_00, date(2026, 11, 10)), (0, date(2026, 12, 1))],
        milestones=[(0, None, True), (500_00, date(2027, 1, 5), False), (200_00, None, False)],
        invoiced=300_00,
    )
    got = [(e.amount, e.on) for e in expected(deal, TODAY)]
    assert got == [(300_00, date(2026, 11, 10)), (500_00, date(2027, 2, 4)), (200_00, None)]
    due_now = facts(milestones=[(1_000_00, None, True)])
    assert [e.on for e in expected(due_now, TODAY)] == [date(2027, 1, 3)]  # today + 30
    assert [(e.amount, e.on) for e in expected(facts(), TODAY)] == [(1_000_00, None)]  # no plan


def test_an_open_deal_expects_its_weighted_contract_after_its_close() -> None:
    deal = facts(status=DealStatus.OPEN, probability=30, contract=1_000_01)
    assert [(e.amount, e.on) for e in expected(deal, TODAY)] == [(300_00, date(2027, 1, 19))]
    assert expected(facts(status=DealStatus.LOST), TODAY) == []


def test_the_forecast_is_by_month_in_the_base_and_never_adds_an_unrated_currency() -> None:
    deals = [
        facts(invoices=[(100_00, date(2026, 10, 1))], invoiced=1_000_00),  # overdue
        facts(code="D-2", ar="wei", tier=Tier.S, currency="USD", status=DealStatus.OPEN,
              probability=50, close_date=date(2026, 12, 10)),  # USD 500.00 → 3,500 CNY
        facts(code="D-3", currency="GBP", status=DealStatus.OPEN, probability=50),
    ]  # fmt: skip
    cf = cash_forecast(deals, TODAY, RATES)
    by = {b.label: b.amount for b in cf.buckets}
    assert by["Overdue"] == 100_00 and by["2027-01"] == 3_500_00
    assert cf.total == 3_600_00 and cf.by_ar == {"ana": 100_00, "wei": 3_500_00}
    assert cf.by_tier[Tier.S] == 3_500_00
    assert [e.code for e in cf.unrated] == ["D-3"]
