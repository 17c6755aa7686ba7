"""Currencies, dated rates and exact conversion (dealroom.domain.money)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dealroom.domain import rules
from dealroom.domain.money import (
    Rate,
    Rates,
    check_currency,
    minor_to_text,
    parse_minor,
    parse_rate,
    total,
)
from dealroom.domain.rules import RuleError

DEC1, DEC15 = date(2026, 12, 1), date(2026, 12, 15)
RATES = Rates(
    "CNY",
    (
        Rate("USD", Decimal("7.10"), DEC1, "CNY"),
        Rate("USD", Decimal("7.25"), DEC15, "CNY"),
        Rate("EUR", Decimal("7.7"), DEC1, "CNY"),
        Rate("JPY", Decimal("0.0473"), DEC1, "CNY"),
        Rate("GBP", Decimal("9.1"), DEC1, "USD"),  # set for another base: not used
    ),
)


def test_the_rate_in_force_is_the_latest_from_that_day_or_before() -> None:
    assert RATES.rate("USD", date(2026, 11, 30)) is None  # none set yet
    assert RATES.rate("USD", DEC1) == Decimal("7.10")
    assert RATES.rate("USD", date(2026, 12, 14)) == Decimal("7.10")
    assert RATES.rate("USD", DEC15) == Decimal("7.25")
    assert RATES.rate("CNY", date(2000, 1, 1)) == 1  # the base is always worth 1
    assert RATES.rate("GBP", DEC15) is None
    assert RATES.in_force(DEC1) == {
        "EUR": (DEC1, Decimal("7.7")),
        "JPY": (DEC1, Decimal("0.0473")),
        "USD": (DEC1, Decimal("7.10")),
    }


def test_conversion_is_exact_and_rounds_half_to_even_once_per_row() -> None:
    assert RATES.convert(9_025_000, "USD", DEC1) == 64_077_500
    assert RATES.convert(9_025_000, "USD", DEC15) == 65_431_250
    assert RATES.convert(5, "JPY", DEC1) == 0  # 0.2365
    assert RATES.convert(10, "JPY", DEC1) == 0  # 0.473
    assert RATES.convert(30, "JPY", DEC1) == 1  # 1.419
    half = Rates("CNY", (Rate("USD", Decimal("0.5"), DEC1, "CNY"),))
    assert [half.convert(n, "USD", DEC1) for n in (1, 3, 5)] == [0, 2, 2]  # half to even
    assert RATES.convert(1, "GBP", DEC15) is None
    # a float would give 0.1 * 3 = 0.30000000000000004; Decimal stays exact at any size
    tenth = Rates("CNY", (Rate("USD", Decimal("0.1"), DEC1, "CNY"),))
    assert tenth.convert(10**15 + 5, "USD", DEC1) == 100_000_000_000_000  # .5 to even: down
    assert tenth.convert(10**15 + 15, "USD", DEC1) == 100_000_000_000_002  # .5 to even: up


def test_cash_converts_between_minor_units_of_different_sizes() -> None:
    # 1,000 JPY (no minor unit) at 0.0473 = 47.30 CNY = 4,730 fen
    assert RATES.convert_minor(1_000, "JPY", DEC1) == 4_730
    assert RATES.convert_minor(12_345, "USD", DEC1) == 87_650  # 123.45 USD = 876.4950 CNY
    assert RATES.convert_minor(12_345, "CNY", DEC1) == 12_345


def test_weighted_in_the_base_weights_the_converted_amount() -> None:
    assert RATES.weighted(1_000_003, "USD", 50, DEC1) == rules.weighted(7_100_021, 50)
    assert RATES.weighted(1_000, "GBP", 50, DEC1) is None


def test_a_total_never_adds_an_amount_without_a_rate() -> None:
    summed = total(
        [(1_000, "CNY"), (100, "USD"), (500, "GBP"), (7, "GBP"), (10, "CHF")], RATES, DEC1
    )
    assert (summed.amount, summed.count) == (1_710, 2)
    assert summed.unrated == {"GBP": 507, "CHF": 10} and summed.unrated_count == 3


def test_currency_codes_are_iso_4217() -> None:
    assert check_currency(" usd ") == "USD"
    assert rules.check_currency("eur") == "EUR"
    for bad in ("XYZ", "US", "usdd", "XXX", "", "€"):
        with pytest.raises(RuleError, match="not an ISO 4217 currency code"):
            check_currency(bad)


def test_rates_are_read_as_decimals_and_refused_when_odd() -> None:
    assert parse_rate("7.10") == Decimal("7.1")
    assert parse_rate("1,000.5") == Decimal("1000.5")
    for bad, said in (
        ("seven", "is not a number"),
        ("0", "above 0"),
        ("-7", "above 0"),
        ("NaN", "above 0"),
        ("Infinity", "above 0"),
        ("0.00000000001", "more than 10 decimals"),
    ):
        with pytest.raises(RuleError, match=said):
            parse_rate(bad)


def test_cash_is_typed_in_the_currency_s_own_decimals() -> None:
    assert parse_minor("1,234.56", "CNY") == 123_456
    assert parse_minor("1.2m", "USD") == 120_000_000
    assert parse_minor("300k", "JPY") == 300_000
    assert parse_minor("1.005", "KWD") == 1_005  # three decimals
    with pytest.raises(RuleError, match=r"more decimals than JPY has \(0\)"):
        parse_minor("10.5", "JPY")
    with pytest.raises(RuleError, match=r"more decimals than CNY has \(2\)"):
        parse_minor("0.001", "CNY")
    with pytest.raises(RuleError, match="not a number"):
        parse_minor("lots", "CNY")
    with pytest.raises(RuleError, match="negative"):
        parse_minor("-5", "CNY")
    assert minor_to_text(123_456, "CNY") == "1,234.56"
    assert minor_to_text(-5, "USD") == "-0.05"
    assert minor_to_text(300_000, "JPY") == "300,000"


def test_deal_amounts_are_whole_units_rounded_half_to_even() -> None:
    assert rules.parse_amount("1.2m") == 1_200_000
    assert rules.parse_amount("0.1m") == 100_000
    assert rules.parse_amount("2.5") == 2 and rules.parse_amount("3.5") == 4
    assert rules.parse_amount("999999999999.5") == 1_000_000_000_000
