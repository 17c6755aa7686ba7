"""The deal room's cash (``$``): the plan entered, an invoice raised, half paid, the rest
overdue, by keys; an overpayment refused in the form, which keeps what was typed; and a
member who is not the AR or the sponsor sees the keys greyed out.

``team_db``: ACME-5G (1,200,000 CNY) with AR ana, SR wei, FR li; here it is signed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from pilots import TODAY, make_app, open_room, press, settle, store_on, won_at
from textual.pilot import Pilot
from textual.widgets import Input, Static

from dealroom.domain import Stage
from dealroom.screens.cash import CashScreen
from dealroom.screens.form import FormScreen
from dealroom.screens.rates import RatesScreen


def form_of(app: object) -> FormScreen[object]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FormScreen), screen
    return screen


async def open_cash(pilot: Pilot[Any], team_db: str) -> CashScreen:
    """ACME-5G signed, its room open, and ``$``."""
    await open_room(pilot, "ACME-5G")
    await press(pilot, "dollar_sign")
    await settle(pilot)
    cash = pilot.app.screen
    assert isinstance(cash, CashScreen)
    return cash


@pytest.fixture
def signed_db(team_db: str) -> str:
    with store_on(team_db) as st:
        won_at(st, "ACME-5G", Stage.CONTRACT)
    return team_db


def typed(form: FormScreen[object], **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#f-{name}", Input).value = value


async def test_the_plan_an_invoice_and_a_payment_by_keys(signed_db: str) -> None:
    app = make_app(signed_db, "ana")
    async with app.run_test(size=(120, 40)) as pilot:
        cash = await open_cash(pilot, signed_db)
        assert "No payment plan yet" in cash.rows_list._empty
        assert "· no payment plan yet" in str(cash.query_one("#cash-panel", Static).visual)

        await press(pilot, "a")
        typed(form_of(app), name="40% on signature", share="40")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        panel = str(cash.query_one("#cash-panel", Static).visual)
        assert "is 720,000.00 CNY short of the contract, 1,200,000.00 CNY" in panel

        await press(pilot, "i")  # on the milestone under the cursor: its amount offered
        form = form_of(app)
        assert form.raw("amount") == "480,000.00"
        typed(form, number="INV-1", issued=(TODAY - timedelta(days=45)).isoformat())
        await press(pilot, "ctrl+s")
        await settle(pilot)

        await press(pilot, "end", "p")  # the invoice: pay half
        form = form_of(app)
        typed(form, amount="500,000")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert app.screen is form  # refused: more than is outstanding
        said = "that overpays invoice INV-1 by 20,000.00 CNY: 480,000.00 CNY is outstanding"
        assert said in str(form.query_one("#e-amount", Static).visual)
        assert form.raw("amount") == "500,000"  # what was typed is kept
        typed(form, amount="240,000")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert app.screen is cash
        panel = str(cash.query_one("#cash-panel", Static).visual)
        assert "outstanding 240,000.00 CNY · overdue 240,000.00 CNY" in panel
    with store_on(signed_db) as st:
        [state] = st.cash.deal("ACME-5G").invoices
        assert (state.paid, state.outstanding, state.days_overdue) == (240_000_00, 240_000_00, 15)


async def test_a_member_who_is_not_the_ar_sees_the_cash_keys_greyed(signed_db: str) -> None:
    app = make_app(signed_db, "wei")
    async with app.run_test(size=(120, 40)) as pilot:
        cash = await open_cash(pilot, signed_db)
        said = (
            "the payment plan, invoices and payments of ACME-5G are kept by its AR lead, "
            "Ana Lima or its sponsor (none yet)"
        )
        assert cash.refusal("add") == said and cash.check_action("add", ()) is None
        await press(pilot, "a")
        assert app.screen is cash  # nothing opens


async def test_rates_are_set_in_the_app_by_an_administrator_and_greyed_for_others(
    team_db: str,
) -> None:
    app = make_app(team_db, "ana")  # an administrator
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "dollar_sign")
        await settle(pilot)
        rates = app.screen
        assert isinstance(rates, RatesScreen)
        await press(pilot, "a")
        typed(form_of(app), currency="usd", rate="7.10")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert app.screen is rates
        await press(pilot, "a")
        typed(form_of(app), currency="XYZ", rate="7")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "not an ISO 4217 currency code" in str(
            form_of(app).query_one("#e-currency", Static).visual
        )
    with store_on(team_db) as st:
        assert st.money.rates().rate("USD", TODAY) == Decimal("7.1")
    app = make_app(team_db, "wei")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "dollar_sign")
        await settle(pilot)
        assert isinstance(app.screen, RatesScreen)
        assert app.screen.check_action("add", ()) is None  # greyed: not an administrator
