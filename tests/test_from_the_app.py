"""Starting on an empty database without the command line: a person, an account and a deal
created in the app, its members set, and the deal walked through a gate (issue: start and
run everything from the app)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from pilots import TODAY, make_app, press, settle, store_on
from seeding import open_seeder
from textual.widgets import Input, Select, Static
from tmuxterm import app_in_tmux

from dealroom.cli import main
from dealroom.domain import GateDecision, Role, Stage, Tier
from dealroom.screens.deal_room import DealRoomScreen
from dealroom.screens.form import FormScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.screens.setup import AccountsScreen
from dealroom.store import open_store
from dealroom.widgets.vlist import VirtualList


def empty_db(tmp_path: Path) -> str:
    path = tmp_path / "team.db"
    open_seeder(str(path)).close()  # a new database: no people, no deals; ana administers it
    return str(path)


async def fill(pilot: object, form: FormScreen[object], **values: str) -> None:
    """Type into a form's fields by name (a choice by its value)."""
    for name, value in values.items():
        widget = form.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            if value:
                widget.value = value
            else:
                widget.clear()
        else:
            assert isinstance(widget, Input)
            widget.value = value


def form_of(app: object) -> FormScreen[object]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FormScreen), screen
    return screen


async def test_a_new_team_starts_in_the_app(tmp_path: Path) -> None:
    db = empty_db(tmp_path)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pipeline = app.screen
        assert isinstance(pipeline, PipelineScreen)
        welcome = pipeline.query_one("#deals", VirtualList)._empty
        assert "n   new deal" in welcome and "separate file" in welcome
        assert "dealroom demo` fills" not in welcome  # no fake data in the team's database

        await press(pilot, "N")  # the first person offered is whoever is at the keyboard
        form = form_of(app)
        assert form.raw("handle") == "ana"
        await fill(pilot, form, name="Ana Lima")
        await press(pilot, "ctrl+s")
        await press(pilot, "N")
        await fill(pilot, form_of(app), handle="wei", name="Wei Zhang")
        await press(pilot, "ctrl+s")

        await press(pilot, "A", "a")  # an account, with its tier
        await fill(pilot, form_of(app), name="ACME Telecom", tier="A")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountsScreen)
        await press(pilot, "escape", "n")
        form = form_of(app)
        assert form.raw("AR") == "ana"  # the creator leads the account side by default
        await fill(
            pilot, form, code="ACME-5G", name="5G core", account="ACME Telecom", amount="1.2m"
        )
        await fill(pilot, form, SR="wei", close_date="+90d")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        room = app.screen
        assert isinstance(room, DealRoomScreen) and room.code == "ACME-5G"

        await press(pilot, "M")  # the sponsor, who approves the gates
        await fill(pilot, form_of(app), sponsor="ana")
        await press(pilot, "ctrl+s", ">")  # Lead → Opportunity
        await press(pilot, "g")
        await fill(pilot, form_of(app), gate="ATI", decision="approved", note="go")
        await press(pilot, "ctrl+s", ">")
        await settle(pilot)
        assert app.screen is room

    with store_on(db) as st:
        deal = st.reads.deal("ACME-5G")
        assert (deal.stage, deal.amount, deal.account) == (Stage.PRE_BID, 1_200_000, "ACME Telecom")
        assert deal.close_date is not None and (deal.close_date - TODAY).days > 60
        room_view = st.reads.deal_room("ACME-5G")
        assert {m.role: m.handle for m in room_view.members} == {
            Role.AR: "ana",
            Role.SR: "wei",
            Role.SPONSOR: "ana",
        }
        assert [(g.gate.value, g.decision) for g in room_view.gates] == [
            ("ATI", GateDecision.APPROVED)
        ]
        assert [a.tier for a in st.reads.accounts()] == [Tier.A]


async def test_a_new_deal_needs_one_account_and_keeps_what_was_typed(tmp_path: Path) -> None:
    db = empty_db(tmp_path)
    with store_on(db) as st:
        st.people.add_person("ana", "Ana Lima")
        st.people.add_account("ACME Telecom")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "n")
        form = form_of(app)
        await fill(pilot, form, code="NEW-1", name="Core", amount="300k")
        await press(pilot, "ctrl+s")
        error = str(form.query_one("#e-account", Static).visual)
        assert "pick an account, or name a new one" in error
        await fill(pilot, form, account="ACME Telecom", new_account="ACME Telecom")
        await press(pilot, "ctrl+s")
        assert "not both" in str(form.query_one("#e-new_account", Static).visual)
        await fill(pilot, form, account="")
        await press(pilot, "ctrl+s")
        assert "already an account" in str(form.query_one("#e-new_account", Static).visual)
        assert app.screen is form and form.raw("code") == "NEW-1" and form.raw("amount") == "300k"
        await fill(pilot, form, new_account="Nordlicht", tier="S")
        await press(pilot, "ctrl+s")
        await settle(pilot)
    with store_on(db) as st:
        assert st.reads.deal("NEW-1").account == "Nordlicht"
        assert {a.name: a.tier for a in st.reads.accounts()}["Nordlicht"] is Tier.S


async def test_accounts_are_renamed_and_retiered_in_the_app(tmp_path: Path) -> None:
    db = empty_db(tmp_path)
    with store_on(db) as st:
        st.deals.create_deal("ACME-5G", "5G core", "ACME", tier=Tier.C)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "A", "enter")
        form = form_of(app)
        assert (form.raw("name"), form.raw("tier")) == ("ACME", "C")
        await fill(pilot, form, name="ACME Telecom", tier="S")
        await press(pilot, "ctrl+s")
        await settle(pilot)
    with store_on(db) as st:
        deal = st.reads.deal("ACME-5G")
        assert (deal.account, deal.tier) == ("ACME Telecom", Tier.S)  # the deal follows


async def test_escape_on_an_open_choice_closes_it_not_the_form(tmp_path: Path) -> None:
    """Before, escape on an open choice list closed the whole form: all typed was lost."""
    db = empty_db(tmp_path)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "n")
        form = form_of(app)
        await fill(pilot, form, code="NEW-1")
        form.query_one("#f-tier", Select).focus()
        await press(pilot, "enter")  # enter on a choice opens it; it saves nothing
        assert form.query_one("#f-tier", Select).expanded and app.screen is form
        await press(pilot, "escape")
        assert app.screen is form and not form.query_one("#f-tier", Select).expanded
        assert form.raw("code") == "NEW-1"


def test_account_edit_and_list_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = empty_db(tmp_path)
    with store_on(db) as st:
        st.deals.create_deal("ACME-5G", "5G core", "ACME")
    assert main(["--db", db, "account", "edit", "ACME", "--tier", "s", "--name", "ACME Tel"]) == 0
    assert capsys.readouterr().out == "Account ACME Tel, tier S.\n"
    assert main(["--db", db, "account", "edit", "ACME Tel", "--tier", "S"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["--db", db, "account", "edit", "ACME"]) == 2
    assert "say what to change" in capsys.readouterr().err
    assert main(["--db", db, "account", "edit", "Nobody", "--tier", "A"]) == 1
    assert "no account 'Nobody'" in capsys.readouterr().err
    assert main(["--db", db, "account", "list"]) == 0
    assert capsys.readouterr().out == "S  ACME Tel\n"
    with store_on(db) as st:
        assert st.reads.deal("ACME-5G").account == "ACME Tel"
        [renamed] = [e for e in st.reads.events() if e.entity == "account"][-1:]
        assert renamed.changes == {"name": ["ACME", "ACME Tel"], "tier": ["C", "S"]}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_new_team_starts_in_the_app_in_a_real_terminal(tmp_path: Path) -> None:
    db = Path(empty_db(tmp_path))
    with app_in_tmux(db, tmp_path, size=(80, 24)) as term:
        term.wait_for("Welcome to dealroom")
        term.keys("N")
        term.wait_for("New person")
        term.keys("Tab")
        term.type("Ana Lima")
        term.keys("C-s")
        term.wait_for("Added Ana Lima")
        term.keys("n")
        term.wait_for("New deal")
        term.type("ACME-5G")
        term.keys("Tab")
        term.type("5G core")
        term.keys("Tab", "Tab")  # past the (empty) account list to a new account
        term.type("ACME Telecom")
        term.keys("C-s")
        term.wait_for("Created ACME-5G", "ACME Telecom (C)")
        term.keys("M")
        term.wait_for("Members of ACME-5G")
        term.keys("Tab", "Tab", "Tab", "Enter")  # the sponsor's list: Ana, the only one
        time.sleep(0.5)  # the list opens
        term.keys("Down", "Enter")
        time.sleep(0.5)
        term.keys("C-s")
        term.wait_for("sponsor Ana Lima")
        term.keys(">")
        term.wait_for("now in Opportunity")
        term.keys("g")
        term.wait_for("Gate decision on ACME-5G")
        term.keys("C-s")  # ATI, approved: the form's first choices
        term.wait_for("ATI✓")
        term.keys(">")
        term.wait_for("now in Pre-bid shaping")
    with open_store(str(db), actor="ana") as st:
        assert st.reads.deal("ACME-5G").stage is Stage.PRE_BID
        assert st.reads.deal_room("ACME-5G").sponsor is not None
