"""The cash end of Lead-to-Cash as rules (dealroom.domain.cash): plans, settlements, ageing."""

from __future__ import annotations

from datetime import date

import pytest

from dealroom.domain.cash import (
    Age,
    PlanLine,
    age,
    check_plan,
    check_settlement,
    check_share,
    days_overdue,
    due_date,
    milestone_amounts,
    share_text,
)
from dealroom.domain.rules import RuleError


def test_shares_that_come_to_100_percent_add_up_to_the_contract_to_the_cent() -> None:
    thirds = [PlanLine(3333, None), PlanLine(3333, None), PlanLine(3334, None)]
    assert milestone_amounts(100_00, thirds) == [33_33, 33_33, 33_34]
    # 30/60/10 of 1,234,567.89: the cent the rounding left goes to the last share
    plan = [PlanLine(3000, None), PlanLine(6000, None), PlanLine(1000, None)]
    amounts = milestone_amounts(123_456_789, plan)
    assert amounts == [37_037_036, 74_074_073, 12_345_680]
    assert sum(amounts) == 123_456_789 and check_plan(123_456_789, amounts).adds_up


def test_a_plan_that_does_not_add_up_says_by_how_much() -> None:
    short = milestone_amounts(1_000_000_00, [PlanLine(3000, None), PlanLine(6000, None)])
    check = check_plan(1_000_000_00, short)
    assert not check.adds_up and check.gap == 100_000_00
    assert check.said("CNY") == "is 100,000.00 CNY short of the contract, 1,000,000.00 CNY"
    over = check_plan(1_000_00, milestone_amounts(1_000_00, [PlanLine(None, 1_500_00)]))
    assert (
        over.gap == -500_00 and over.said("USD") == "is 500.00 USD over the contract, 1,000.00 USD"
    )
    # fixed amounts beside shares: no remainder is moved, the gap is said as it is
    mixed = milestone_amounts(10_000, [PlanLine(5000, None), PlanLine(None, 4_999)])
    assert mixed == [5_000, 4_999] and check_plan(10_000, mixed).gap == 1
    assert check_plan(10_000, [10_000]).said("JPY") == "adds up to the contract, 10,000 JPY"


def test_a_share_is_a_percentage_in_basis_points() -> None:
    assert check_share("30") == 3000 and check_share("12.5%") == 1250
    assert share_text(3000) == "30%" and share_text(1250) == "12.5%" and share_text(1) == "0.01%"
    for bad, said in (("0", "above 0"), ("101", "at most 100%"), ("x", "not a percentage"),
                      ("33.333", "more than two decimals")):  # fmt: skip
        with pytest.raises(RuleError, match=said):
            check_share(bad)


def test_partial_payments_settle_an_invoice_and_an_overpayment_is_refused() -> None:
    check_settlement(100_00, 0, 40_00, number="INV-1", currency="CNY")  # part
    check_settlement(100_00, 40_00, 60_00, number="INV-1", currency="CNY")  # the rest, exactly
    with pytest.raises(RuleError) as caught:
        check_settlement(100_00, 40_00, 60_01, number="INV-1", currency="CNY")
    assert str(caught.value) == (
        "that overpays invoice INV-1 by 0.01 CNY: 60.00 CNY is outstanding"
    )
    with pytest.raises(RuleError, match="above 0"):
        check_settlement(100_00, 0, 0, number="INV-1", currency="CNY")


def test_ageing_counts_days_past_due_into_buckets_on_the_day_asked() -> None:
    due = date(2026, 10, 1)
    assert days_overdue(due, date(2026, 10, 1)) == 0  # due today: not yet late
    assert [age(due, date(2026, 10, d)) for d in (1, 2, 31)] == [Age.CURRENT, Age.D1_30, Age.D1_30]
    assert age(due, date(2026, 11, 1)) is Age.D31_60  # 31 days
    assert age(due, date(2026, 11, 30)) is Age.D31_60  # 60
    assert age(due, date(2026, 12, 1)) is Age.D61_90  # 61
    assert age(due, date(2026, 12, 30)) is Age.D61_90  # 90
    assert age(due, date(2026, 12, 31)) is Age.OVER_90  # 91
    assert age(due, date(2026, 9, 1)) is Age.CURRENT  # before it is due


def test_payment_terms_give_the_due_date() -> None:
    assert due_date(date(2026, 12, 1), 30) == date(2026, 12, 31)
    assert due_date(date(2026, 12, 1), 0) == date(2026, 12, 1)
    with pytest.raises(RuleError, match="not plausible"):
        due_date(date(2026, 12, 1), 400)
