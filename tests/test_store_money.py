"""The base currency and exchange rates in the store (SQLite, and PostgreSQL where
configured): exact, dated, logged, and kept by the administrators."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import Clock, other_store

from dealroom.domain.money import Rate
from dealroom.domain.rules import RuleError
from dealroom.store import Store
from dealroom.store.inputs import DealUpdate
from dealroom.store.permit import NotAllowed

DEC1 = date(2026, 12, 1)


def test_rates_are_kept_exactly_with_their_day(store: Store) -> None:
    assert store.money.rates().base == "CNY" and store.money.rates().rates == ()
    store.money.set_rate("usd", Decimal("7.1234567891"), DEC1)
    store.money.set_rate("JPY", Decimal("0.0000473"), DEC1)
    rates = store.money.rates()
    assert rates.rate("USD", DEC1) == Decimal("7.1234567891")  # no float on the way
    assert rates.convert(1_000_000_000, "JPY", DEC1) == 47_300
    assert rates.rate("USD", date(2026, 11, 30)) is None


def test_a_rate_set_again_for_the_same_day_replaces_it_and_the_log_keeps_both(
    store: Store,
) -> None:
    store.money.set_rate("USD", Decimal("7.10"), DEC1)
    store.money.set_rate("USD", Decimal("7.12"), DEC1)
    store.money.set_rate("USD", Decimal("7.120"), DEC1)  # the same rate: nothing logged
    assert store.money.rates().rates == (Rate("USD", Decimal("7.12"), DEC1, "CNY"),)
    logged = [(e.summary, e.changes) for e in store.reads.events() if e.entity == "rate"]
    assert logged == [
        ("set 1 USD = 7.1 CNY from 2026-12-01", {"USD rate": [None, "7.1"]}),
        ("set 1 USD = 7.12 CNY from 2026-12-01", {"USD rate": ["7.1", "7.12"]}),
    ]


def test_a_new_base_leaves_the_old_rates_unused(store: Store) -> None:
    store.money.set_rate("USD", Decimal("7.10"), DEC1)
    assert store.money.set_base("eur") is True
    assert store.money.set_base("EUR") is False
    rates = store.money.rates()
    assert rates.base == "EUR" and rates.rate("USD", DEC1) is None
    assert rates.rate("EUR", DEC1) == 1
    with pytest.raises(RuleError, match="EUR is the base currency"):
        store.money.set_rate("EUR", Decimal("1"), DEC1)
    summaries = [e.summary for e in store.reads.events() if e.entity == "setting"]
    assert summaries == ["made EUR the base currency (was CNY)"]


def test_only_an_administrator_sets_rates_and_the_base(team: Store, clock: Clock) -> None:
    with other_store(team, clock, "wei") as wei:
        before = len(team.reads.events())
        admins = ", ".join(team.people.administrators())
        said = f"the base currency and the exchange rates are set by an administrator ({admins})"
        with pytest.raises(NotAllowed) as caught:
            wei.money.set_rate("USD", Decimal("7.1"), DEC1)
        assert str(caught.value) == said
        with pytest.raises(NotAllowed):
            wei.money.set_base("USD")
        assert len(team.reads.events()) == before and team.money.rates().rates == ()


def test_the_pipeline_funnel_and_list_add_up_in_the_base_currency(
    team: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """9M CNY and 1M USD are not 10M of anything: converted at the rate in force, and a
    deal whose currency has no rate is counted apart."""
    from dealroom.cli import main
    from dealroom.domain import Stage, rules

    team.deals.create_deal("US-1", "US arm", "ACME Telecom", amount=1_000_000, currency="USD")
    team.deals.create_deal("GB-1", "UK arm", "ACME Telecom", amount=500_000, currency="GBP")
    team.deals.update_deal("ACME-5G", DealUpdate(amount=9_000_000))
    team.money.set_rate("USD", Decimal("7.1"), DEC1 - timedelta(days=30))
    rows = {r.deal.code: r for r in team.reads.pipeline(today=DEC1)}
    assert rows["US-1"].base_amount == 7_100_000 and rows["GB-1"].base_amount is None
    lead = rules.funnel((r.deal.stage, r.base_weighted) for r in rows.values())[Stage.LEAD]
    assert lead.deals == 3 and lead.unrated == 1  # GBP: counted, not summed
    assert lead.weighted == rules.weighted(9_000_000, 10) + rules.weighted(7_100_000, 10)
    assert main(["--db", team.url, "list"]) == 0
    total = capsys.readouterr().out.strip().splitlines()[-1]
    assert total == "3 deals · 16.1M CNY (weighted 1.6M) · no rate, not counted: 1 deal (500k GBP)"
