"""Lead-to-Cash to the cash: a deal signed, its plan entered, the FR's acceptance handoff
accepted (which makes the "on acceptance" milestone due for invoicing), the invoice raised
and half paid in the app, the rest overdue — shown in the deal room, the standup, the
export and ``dealroom receivables``; and ATCC refuses to close it quietly.

``team_db``: ACME-5G (1,200,000 CNY) with AR ana, SR wei, FR li."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pilots import TODAY, make_app, open_room, press, settle, store_on, won_at
from textual.widgets import Input, Static

from dealroom.cli import main
from dealroom.domain import Gate, GateDecision, Role, Stage
from dealroom.domain.cash import Trigger
from dealroom.domain.rules import RuleError
from dealroom.screens.cash import CashScreen
from dealroom.screens.form import FormScreen


def form_of(app: object) -> FormScreen[object]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FormScreen), screen
    return screen


async def test_signed_planned_accepted_invoiced_half_paid_and_the_rest_overdue(
    team_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with store_on(team_db) as st:
        won_at(st, "ACME-5G", Stage.DELIVERY)
        st.cash.add_milestone("ACME-5G", "30% on signature", share_bp=3000)
        st.cash.add_milestone(
            "ACME-5G", "70% on acceptance", share_bp=7000, trigger=Trigger.ACCEPTANCE
        )
        assert [p.due for p in st.cash.deal("ACME-5G").plan] == [True, False]
        h = st.items.add_handoff("ACME-5G", Role.FR, Role.AR, "Acceptance certificate")
        st.items.accept_handoff(h.id)
        assert [p.to_invoice for p in st.cash.deal("ACME-5G").plan] == [360_000_00, 840_000_00]

    issued = TODAY - timedelta(days=45)  # due 30 days after: 15 days overdue today
    app = make_app(team_db, "ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await press(pilot, "dollar_sign")
        await settle(pilot)
        cash = app.screen
        assert isinstance(cash, CashScreen)
        assert "due for invoicing 1,200,000.00 CNY" in str(
            cash.query_one("#cash-panel", Static).visual
        )
        await press(pilot, "j", "i")  # the acceptance milestone: invoice it
        form = form_of(app)
        assert form.raw("amount") == "840,000.00"
        form.query_one("#f-number", Input).value = "INV-ACC"
        form.query_one("#f-issued", Input).value = issued.isoformat()
        await press(pilot, "ctrl+s")
        await settle(pilot)
        await press(pilot, "end", "p")
        form = form_of(app)
        form.query_one("#f-amount", Input).value = "420,000"
        form.query_one("#f-on", Input).value = (issued + timedelta(days=20)).isoformat()
        await press(pilot, "ctrl+s")
        await settle(pilot)
        panel = str(cash.query_one("#cash-panel", Static).visual)
        assert "outstanding 420,000.00 CNY · overdue 420,000.00 CNY" in panel
        row = cash.rows_list.current
        assert row is not None and "15d overdue" in str(cash.render_row(row, 120))

    monkeypatch.setenv("DEALROOM_USER", "test")
    assert main(["--db", team_db, "standup", "--today", TODAY.isoformat()]) == 0
    standup = capsys.readouterr().out
    assert "- invoice INV-ACC 15 days overdue: 420,000.00 CNY outstanding" in standup
    assert "- to invoice: 30% on signature (360,000.00 CNY)" in standup

    assert main(["--db", team_db, "export", "ACME-5G", "--today", TODAY.isoformat()]) == 0
    export = capsys.readouterr().out
    assert "### Payment plan and receivables" in export
    assert "| INV-ACC | " in export and "| 420,000.00 CNY | 15 days |" in export

    assert main(["--db", team_db, "receivables", "--as-of", TODAY.isoformat()]) == 0
    ageing = capsys.readouterr().out
    assert "| ACME Telecom | 0.00 | 420,000.00 | 0.00 | 0.00 | 0.00 | 420,000.00 |" in ageing
    assert "| Ana Lima | 0.00 | 420,000.00 |" in ageing
    assert main(["--db", team_db, "receivables", "--json", "--as-of", TODAY.isoformat()]) == 0
    assert '"outstanding": 42000000' in capsys.readouterr().out

    # closing the deal with money outstanding takes a note that says so
    with store_on(team_db) as st:
        st.deals.move_stage("ACME-5G", "next")  # delivery done: Invoice & cash
        with pytest.raises(RuleError, match=r"ATCC on ACME-5G leaves 420,000\.00 CNY outstanding"):
            st.deals.record_gate("ACME-5G", Gate.ATCC, GateDecision.APPROVED)
        st.deals.record_gate(
            "ACME-5G", Gate.ATCC, GateDecision.APPROVED, "rest collected by finance in Q1"
        )
