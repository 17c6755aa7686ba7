"""Payment plans, invoices and payments in the store (SQLite, and PostgreSQL where
configured): exact, logged, kept by the AR or the sponsor, refused whole when wrong.

The ``team`` fixture: ACME-5G (1,200,000 CNY, level III), AR ana, SR wei, FR li, sponsor
boss; here it is signed (won at Contract)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import TODAY, Clock, other_store
from pilots import won_at

from dealroom.domain import Stage
from dealroom.domain.cash import Age, Settlement, Trigger
from dealroom.domain.rules import RuleError
from dealroom.store import ConflictError, Store
from dealroom.store.inputs import DealUpdate
from dealroom.store.permit import NotAllowed


@pytest.fixture
def signed(team: Store) -> Store:
    won_at(team, "ACME-5G", Stage.CONTRACT)
    return team


def plan_30_60_10(st: Store) -> list[int]:
    ids = []
    for name, share, trigger in (
        ("30% on signature", 3000, Trigger.SIGNATURE),
        ("60% on acceptance", 6000, Trigger.ACCEPTANCE),
        ("10% after warranty", 1000, Trigger.DATE),
    ):
        ids.append(st.cash.add_milestone("ACME-5G", name, share_bp=share, trigger=trigger).id)
    return ids


def test_a_plan_adds_up_to_the_contract_and_says_so_when_it_does_not(signed: Store) -> None:
    first = signed.cash.add_milestone("ACME-5G", "30% on signature", share_bp=3000)
    cash = signed.cash.deal("ACME-5G")
    assert cash.contract == 1_200_000_00 and [p.amount for p in cash.plan] == [360_000_00]
    assert cash.check.said("CNY") == ("is 840,000.00 CNY short of the contract, 1,200,000.00 CNY")
    signed.cash.add_milestone("ACME-5G", "rest on acceptance", share_bp=7000)
    assert signed.cash.deal("ACME-5G").check.adds_up
    # the deal's amount changes: the shares move with it, the plan still adds up
    signed.deals.update_deal("ACME-5G", DealUpdate(amount=1_000_000))
    assert [p.amount for p in signed.cash.deal("ACME-5G").plan] == [300_000_00, 700_000_00]
    fixed = signed.cash.add_milestone("ACME-5G", "retention", amount=50_000_00)
    signed.deals.update_deal("ACME-5G", DealUpdate(amount=1_100_000))  # the log says so
    assert signed.reads.events()[-1].summary == (
        "edited deal ACME-5G (amount); the payment plan is 50,000.00 CNY over the contract, "
        "1,100,000.00 CNY"
    )
    signed.cash.delete_milestone(fixed.id)
    with pytest.raises(RuleError, match="a share of the contract or an amount"):
        signed.cash.add_milestone("ACME-5G", "both", share_bp=1000, amount=5)
    assert next(e.summary for e in signed.reads.events() if e.entity == "milestone") == (
        "added milestone '30% on signature' (30%) to the payment plan of ACME-5G"
    )
    signed.cash.delete_milestone(first.id)
    assert len(signed.cash.deal("ACME-5G").plan) == 1


def test_an_invoice_half_paid_and_the_rest_overdue(signed: Store) -> None:
    ids = plan_30_60_10(signed)
    day = TODAY
    inv = signed.cash.raise_invoice("ACME-5G", "INV-1", milestone_id=ids[0], issued=day)
    assert (inv.amount, inv.due) == (360_000_00, day + timedelta(days=30))
    with pytest.raises(RuleError, match="invoiced in full"):
        signed.cash.raise_invoice("ACME-5G", "INV-2", milestone_id=ids[0], issued=day)
    with pytest.raises(RuleError, match="invoice number INV-1 is taken"):
        signed.cash.raise_invoice("ACME-5G", "INV-1", milestone_id=ids[1], issued=day)
    state = signed.cash.settle(inv.id, 180_000_00, on=day + timedelta(days=10))
    assert (state.paid, state.outstanding) == (180_000_00, 180_000_00)

    before = len(signed.reads.events())
    with pytest.raises(RuleError, match=r"overpays invoice INV-1 by 0\.01 CNY"):
        signed.cash.settle(inv.id, 180_000_01)
    with pytest.raises(RuleError, match="reason"):
        signed.cash.settle(inv.id, 100, kind=Settlement.WRITE_OFF)
    assert len(signed.reads.events()) == before  # a refusal writes nothing

    late = signed.cash.deal("ACME-5G", today=day + timedelta(days=70))
    [state] = late.invoices
    assert (state.outstanding, state.days_overdue, state.age) == (180_000_00, 40, Age.D31_60)
    assert late.overdue == [state] and late.outstanding == 180_000_00
    [owed] = signed.cash.receivables(as_of=day + timedelta(days=70))
    assert (owed.code, owed.number, owed.outstanding, owed.days_overdue) == (
        "ACME-5G", "INV-1", 180_000_00, 40,
    )  # fmt: skip
    assert owed.ar == "Ana Lima" and owed.account == "ACME Telecom" and owed.in_base == 180_000_00
    # a payment after the day asked is not counted on that day
    signed.cash.settle(inv.id, 180_000_00, on=day + timedelta(days=80))
    assert signed.cash.receivables(as_of=day + timedelta(days=70))[0].outstanding == 180_000_00
    assert signed.cash.receivables(as_of=day + timedelta(days=80)) == []
    logged = [e.summary for e in signed.reads.events() if e.entity in ("invoice", "payment")]
    assert logged == [
        f"invoiced INV-1 for '30% on signature': 360,000.00 CNY, due {inv.due.isoformat()}",
        "received 180,000.00 CNY on invoice INV-1",
        "received 180,000.00 CNY on invoice INV-1",
    ]


def test_receivables_are_in_the_base_currency_or_counted_apart(signed: Store) -> None:
    signed.deals.update_deal("ACME-5G", DealUpdate(currency="USD"))
    inv = signed.cash.raise_invoice("ACME-5G", "US-1", amount=1_000_00, issued=TODAY)
    assert signed.cash.receivables()[0].in_base is None  # no rate: not converted
    signed.money.set_rate("USD", Decimal("7.1"), TODAY - timedelta(days=1))
    assert signed.cash.receivables()[0].in_base == 7_100_00
    assert inv.amount == 1_000_00


def test_an_invoice_edited_in_two_places_is_a_conflict(signed: Store, clock: Clock) -> None:
    inv = signed.cash.raise_invoice("ACME-5G", "INV-9", amount=5_000_00, issued=TODAY)
    with other_store(signed, clock, "boss") as boss:  # the sponsor
        boss.cash.update_invoice(inv.id, due=TODAY + timedelta(days=60), version=inv.version)
    with pytest.raises(ConflictError) as caught:
        signed.cash.update_invoice(inv.id, note="chased by phone", version=inv.version)
    assert caught.value.by == ["boss"]
    assert signed.cash.deal("ACME-5G").invoices[0].invoice.due == TODAY + timedelta(days=60)


def test_cash_is_the_ar_s_or_the_sponsor_s(signed: Store, clock: Clock) -> None:
    with other_store(signed, clock, "wei") as wei:
        with pytest.raises(NotAllowed) as caught:
            wei.cash.add_milestone("ACME-5G", "all of it", share_bp=10_000)
        assert str(caught.value) == (
            "the payment plan, invoices and payments of ACME-5G are kept by its AR lead, "
            "Ana Lima or its sponsor, Sam Sponsor"
        )
    assert signed.cash.deal("ACME-5G").plan == []


def test_an_open_deal_is_not_invoiced(team: Store) -> None:
    with pytest.raises(RuleError, match="ACME-5G is not won"):
        team.cash.raise_invoice("ACME-5G", "INV-1", amount=100, issued=TODAY)


def test_amounts_over_two_billion_are_kept(team: Store) -> None:
    """A 32-bit column overflowed on PostgreSQL; deals and cash are 64-bit everywhere."""
    team.deals.update_deal("ACME-5G", DealUpdate(amount=3_000_000_000))
    assert team.reads.deal("ACME-5G").amount == 3_000_000_000
    won_at(team, "ACME-5G", Stage.CONTRACT)
    inv = team.cash.raise_invoice("ACME-5G", "BIG-1", amount=2_999_999_999_99, issued=TODAY)
    assert team.cash.deal("ACME-5G").invoices[0].invoice.amount == inv.amount == 2_999_999_999_99
