"""The winning methods in the app, driven by keys: checklists and their template, the power
map, competitors, the assessment, the gate decision with its facts, the review and the
forecast. Each test asserts on the screen and on the database."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pilots import TODAY, make_app, open_room, settle, store_on, until
from rich.console import Console
from textual.widgets import Input, Select, Static

from dealroom.domain import Gate, GateDecision, RiskStatus, Role, Stage
from dealroom.domain.checklist import Answer
from dealroom.domain.competitors import Competitor
from dealroom.domain.powermap import Contact, DecisionRole
from dealroom.screens.assessment import AssessmentScreen, FactorLine
from dealroom.screens.checklist import ChecklistScreen, Line
from dealroom.screens.competitors import CompetitorsScreen
from dealroom.screens.confirm import ConfirmScreen
from dealroom.screens.conflict import ConflictScreen
from dealroom.screens.form import FormScreen
from dealroom.screens.gate import GateScreen
from dealroom.screens.help import HelpScreen
from dealroom.screens.info import InfoScreen
from dealroom.screens.methods import MethodsScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.screens.power_map import SUPPORT_PAUSE, PowerMapScreen
from dealroom.screens.template import TemplateScreen
from dealroom.store import open_store
from dealroom.store.method_views import ContactView
from dealroom.widgets.deal_header import DealHeader
from dealroom.widgets.forecast import ForecastPanel
from dealroom.widgets.funnel import Funnel
from dealroom.widgets.vlist import Section


@pytest.fixture
def db(team_db: str) -> str:
    """The same small team database as the other app tests (``team_db``)."""
    return team_db


def shown(widget: Static) -> str:
    return str(widget.render())


def rendered(widget: Static) -> str:
    """What a Static holding a Rich renderable (tables) shows, as plain text."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def row_text(screen: MethodsScreen, item: object) -> str:
    return screen.render_row(item, 120).plain


async def test_header_shows_the_assessment_marks_and_checklist_completion(db: str) -> None:
    st = store_on(db)
    for item in st.methods.checklist_template()[Stage.OPPORTUNITY]:
        st.checklists.answer_checklist("ACME-5G", Stage.OPPORTUNITY, item.key, Answer.YES)
    st.methods.score_factor("ACME-5G", "project", 2)
    st.methods.score_factor("ACME-5G", "solution_fit", -2)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        header = shown(room.query_one(DealHeader))
        assert "assess +−??" in header
        assert "[OPP] 11-" in header or "[OPP]" in header
        assert "100%★" in header  # every Opportunity item yes, the key item holds
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        header = shown(room.query_one(DealHeader))
        assert "assess +−??" in header and "100%★" in header  # the current stage, narrow too


async def test_checklist_answers_with_one_key_and_takes_a_note(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        first = screen.rows_list.current
        assert isinstance(first, Line) and first.item.stage is Stage.OPPORTUNITY  # current
        await pilot.press("y")  # answered, the cursor moves on to the next item
        nxt = screen.rows_list.current
        assert isinstance(nxt, Line) and nxt.item.key == "opp_current_system"
        await pilot.press("p", "n")
        await settle(pilot)
        await pilot.press("o")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-answer", Select).value = "yes"
        form.query_one("#f-note", Input).value = "CTO said so on [red]Monday[/]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and isinstance(screen, ChecklistScreen)
        line = screen.rows_list.current
        assert isinstance(line, Line)
        text = row_text(screen, line)
        assert text.startswith(" ✓ ") and "CTO said so on [red]Monday[/]" in text and "ana" in text
        await pilot.press("k", "k", "k", "u")  # the first one taken back
        await settle(pilot)
    m = store_on(db).methods.deal_methods("ACME-5G")
    got = {k: (a.answer, a.note) for (s, k), a in m.answers.items() if s is Stage.OPPORTUNITY}
    assert got == {
        "opp_needs": (Answer.UNANSWERED, ""),
        "opp_current_system": (Answer.PARTLY, ""),
        "opp_decision_chain": (Answer.NO, ""),
        "opp_competitors": (Answer.YES, "CTO said so on [red]Monday[/]"),
    }


async def test_an_answer_given_meanwhile_is_a_conflict_the_person_settles(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dealroom.app.WATCH_INTERVAL", 3600.0)  # no live refresh here
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("c")
        await settle(pilot)
        with open_store(db, actor="wei", today=TODAY) as other:
            other.checklists.answer_checklist("ACME-5G", Stage.OPPORTUNITY, "opp_needs", Answer.NO)
        await pilot.press("y")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen) and dialog.by == "Wei Zhang"
        assert dialog.pairs is not None and dialog.pairs[0].theirs == "no (wei)"
        await pilot.press("y")  # keep mine
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
    answer = store_on(db).methods.deal_methods("ACME-5G").answer(Stage.OPPORTUNITY, "opp_needs")
    assert answer is not None and (answer.answer, answer.answered_by) == (Answer.YES, "ana")


async def test_the_team_edits_the_checklist_template_in_the_app(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TemplateScreen)
        current = screen.rows_list.current
        assert current is not None and current.stage is Stage.OPPORTUNITY  # where we came from
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, FormScreen) and form.raw("stage") == "opportunity"
        await pilot.press(*"Procurement rules known", "ctrl+s")
        await settle(pilot)
        added = screen.rows_list.current
        assert added is not None and added.text == "Procurement rules known"
        await pilot.press("K")  # up one
        await settle(pilot)
        await pilot.press("asterisk")  # the stage's key item now: it says from which
        await settle(pilot)
        said = [n.message for n in app._notifications if n.message.startswith("Key item")]
        assert said == [
            "Key item of Opportunity: “Procurement rules known”; “The customer has a clear "
            "budget and a clear start time” is no longer the key item"
        ]
        [logged] = [e for e in store_on(db).reads.events() if e.entity == "checklist_item"][-1:]
        assert logged.summary.endswith(
            "'The customer has a clear budget and a clear start time' is no longer the key item"
        )
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-text", Input).value = "Procurement rules known and written down"
        await pilot.press("ctrl+s")
        await settle(pilot)
        opp = store_on(db).methods.checklist_template()[Stage.OPPORTUNITY]
        assert [i.text for i in opp][-2:] == [
            "Procurement rules known and written down",
            "The customer has a clear budget and a clear start time",
        ]
        assert [i.key_item for i in opp][-2:] == [True, False]
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert len(store_on(db).methods.checklist_template()[Stage.OPPORTUNITY]) == 7
        await pilot.press("k", "d", "y")  # one from the middle
        await settle(pilot)
        assert len(store_on(db).methods.checklist_template()[Stage.OPPORTUNITY]) == 6
        numbers = [
            screen._row(item, 60).plain[:4].strip()
            for item in screen.rows_list.items
            if not isinstance(item, Section) and item.stage is Stage.OPPORTUNITY
        ]
        assert numbers == ["1", "2", "3", "4", "5", "6"]  # no gap where the line was
        await pilot.press("escape")
        assert isinstance(app.screen, ChecklistScreen)


async def test_power_map_groups_by_role_calls_out_gaps_and_steps_support(db: str) -> None:
    st = store_on(db)
    st.powermap.add_contact(
        "ACME-5G",
        Contact("Wang Li", "CTO", DecisionRole.DECISION_MAKER, 5, True, 1, "ana", None, TODAY),
    )
    st.powermap.add_contact(
        "ACME-5G", Contact("[b]Zhou[/b]", "", DecisionRole.APPROVER, 4, False, -1)
    )
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PowerMapScreen)
        gaps = shown(screen.query_one("#gaps", Static))
        assert "no coach" in gaps and "nobody on our side owns [b]Zhou[/b]" in gaps
        people = [i for i in screen.rows_list.items if isinstance(i, ContactView)]
        assert [c.name for c in people] == ["[b]Zhou[/b]", "Wang Li"]  # approver first
        assert "  █│    −1" in row_text(screen, people[0])  # the bar, then the sign
        screen.rows_list.select_key(("contact", people[1].id))
        last = store_on(db).reads.last_event_id()
        await pilot.press("minus", "minus", "minus", "plus")  # one change, shown at once
        assert "−1" in row_text(screen, people[1])
        assert store_on(db).reads.last_event_id() == last  # ...saved when the keys pause
        await pilot.pause(SUPPORT_PAUSE + 0.3)
        await settle(pilot)
        assert "key decider Wang Li (CTO) is at −1" in shown(screen.query_one("#gaps", Static))
        [event] = store_on(db).reads.events(after_id=last)
        assert event.summary == "support of Wang Li (CTO) fell from +1 to −1"
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"Liu Yang")
        form.query_one("#f-title", Input).value = "Network ops"
        form.query_one("#f-role", Select).value = "coach"
        form.query_one("#f-support", Select).value = "2"
        form.query_one("#f-owner", Select).value = "wei"
        form.query_one("#f-last_contact", Input).value = "-3d"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "no coach" not in shown(screen.query_one("#gaps", Static))
    m = store_on(db).methods.deal_methods("ACME-5G")
    by_name = {c.name: c for c in m.contacts}
    assert by_name["Wang Li"].support == -1
    coach = by_name["Liu Yang"]
    assert (coach.role, coach.support, coach.owner, coach.title) == (
        DecisionRole.COACH,
        2,
        "wei",
        "Network ops",
    )
    assert coach.last_contact == TODAY - timedelta(days=3)
    changes = [c.description for c in m.support_changes]
    assert changes == ["support of Wang Li (CTO) fell from +1 to −1"]  # one change, not four


async def test_power_map_edits_and_deletes_with_a_confirm(db: str) -> None:
    store_on(db).powermap.add_contact("ACME-5G", Contact("Wang Li", "CTO", DecisionRole.EVALUATOR))
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("P")
        await settle(pilot)
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, FormScreen) and form.raw("role") == "evaluator"
        form.query_one("#f-key_decider", Select).value = "yes"
        form.query_one("#f-influence", Select).value = "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        [c] = store_on(db).methods.deal_methods("ACME-5G").contacts
        assert (c.key_decider, c.influence) == (True, 5)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
    assert store_on(db).methods.deal_methods("ACME-5G").contacts == []


async def test_competitors_are_added_edited_and_removed(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("C")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompetitorsScreen)
        await pilot.press("a", *"Huaxin")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-strengths", Input).value = "price"
        form.query_one("#f-differentiator", Input).value = "local team"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "+ price" in row_text(screen, screen.rows_list.current)
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-allies", Input).value = "NetCo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        [c] = store_on(db).methods.deal_methods("ACME-5G").competitors
        assert (c.name, c.strengths, c.allies, c.differentiator) == (
            "Huaxin",
            "price",
            "NetCo",
            "local team",
        )
        assert "Allies: NetCo" in shown(screen.query_one("#detail", Static))
        await pilot.press("d", "y")
        await settle(pilot)
    assert store_on(db).methods.deal_methods("ACME-5G").competitors == []


async def test_assessment_scores_the_factor_under_the_cursor_and_shows_its_history(
    db: str,
) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        line = screen.rows_list.current
        assert isinstance(line, FactorLine) and line.factor.key == "project"
        for key in ("plus", "plus", "minus"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, FormScreen) and form.raw("score") == "1"
        form.query_one("#f-score", Select).value = "-2"
        form.query_one("#f-note", Input).value = "no sponsor"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Overall −" in shown(screen.query_one("#summary", Static))
        await pilot.press("h")
        info = app.screen
        assert isinstance(info, InfoScreen)
        lines = info.body.plain.splitlines()
        assert len(lines) == 4 and "−2  ana  no sponsor" in lines[0] and "+1  ana" in lines[-1]
        await pilot.press("escape")
    m = store_on(db).methods.deal_methods("ACME-5G")
    assert [s.score for s in m.scores] == [1, 2, 1, -2]
    assert m.assessment.marks == "−???"


async def test_gate_decision_shows_the_checklist_risks_and_handoffs_it_weighs(db: str) -> None:
    st = store_on(db)
    st.checklists.answer_checklist("ACME-5G", Stage.OPPORTUNITY, "opp_budget_and_start", Answer.YES)
    st.items.add_risk("ACME-5G", Role.SR, "Interop with the legacy core", likelihood=5, impact=4)
    st.items.add_risk(
        "ACME-5G", Role.SR, "Closed worry", likelihood=5, impact=5, status=RiskStatus.CLOSED
    )
    app = make_app(db)
    async with app.run_test(size=(120, 50)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GateScreen) and screen.raw("gate") == "ATI"
        facts = shown(screen.query_one("#facts", Static))
        assert "Checklist · Opportunity" in facts and "★ holds" in facts
        assert "✓ ★ The customer has a clear budget and a clear start time" in facts
        assert "Interop with the legacy core" in facts and "Closed worry" not in facts
        assert "Solution and quotation" in facts  # sent, not yet accepted
        screen.query_one("#f-gate", Select).value = "ATB"
        await pilot.pause()
        assert "Checklist · Pre-bid shaping" in shown(screen.query_one("#facts", Static))
        screen.query_one("#f-gate", Select).value = "ATI"
        screen.query_one("#f-decision", Select).value = "deferred"
        screen.query_one("#f-note", Input).value = "wait for the budget letter"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert store_on(db).reads.deal_room("ACME-5G").gate_states == {Gate.ATI: GateDecision.DEFERRED}


async def test_review_saves_the_agenda_and_records_the_meeting(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALROOM_EXPORT_DIR", str(tmp_path))
    store_on(db).powermap.add_competitor("ACME-5G", Competitor("Huaxin *bold*"))
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("R")  # the agenda in the reader: saved with s; then, leaving it,
        await settle(pilot)  # the offer to record the meeting as held
        await pilot.press("s", "escape")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.raw("held_on") == "2026-11-23"
        await pilot.press("tab", *"Agreed the bid strategy", "ctrl+s")
        await settle(pilot)
    text = (tmp_path / "ACME-5G-review-2026-11-23.md").read_text(encoding="utf-8")
    assert text.startswith("# Deal review — ") and "Huaxin \\*bold\\*" in text
    [review] = store_on(db).methods.deal_methods("ACME-5G").reviews
    assert (review.held_on, review.held_by, review.note) == (
        TODAY,
        "ana",
        "Agreed the bid strategy",
    )


async def test_review_not_recorded_when_the_person_says_not_yet(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALROOM_EXPORT_DIR", str(tmp_path))
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("s", "escape", "escape")
        await settle(pilot)
    assert (tmp_path / "ACME-5G-review-2026-11-23.md").exists()
    assert store_on(db).methods.deal_methods("ACME-5G").reviews == []


async def test_forecast_panel_takes_the_funnels_place_in_the_base_currency(db: str) -> None:
    st = store_on(db)
    st.deals.create_deal(
        "EURO-1",
        "Euro deal",
        "Nordlicht",
        amount=500_000,
        currency="EUR",
        close_date=TODAY + timedelta(days=20),
        leads={Role.AR: "li"},
    )
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        panel = screen.query_one(ForecastPanel)
        assert not panel.display
        await pilot.press("F")
        await settle(pilot)
        assert panel.display and not screen.query_one(Funnel).display
        body = rendered(panel.query_one("#forecast-body", Static))
        assert "Forecast CNY" in body and "Ana Lima" in body
        assert "no rate, not counted: EURO-1" in body and "385k" not in body  # never summed
        await pilot.press("F")
        assert not panel.display and screen.query_one(Funnel).display
        st.money.set_rate("EUR", Decimal("7.7"), TODAY)  # now it converts: 10% of 3.85M
        await pilot.press("F")
        await settle(pilot)
        body = rendered(panel.query_one("#forecast-body", Static))
        assert "no rate" not in body and "385k" in body


async def test_help_lists_a_methods_screens_keys_with_their_ids(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        for key, ident in (
            ("c", "checklist.yes"),
            ("P", "powermap.support_up"),
            ("C", "competitors.add"),
            ("A", "assessment.history"),
        ):
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("question_mark")
            help_screen = app.screen
            assert isinstance(help_screen, HelpScreen)
            assert ident in {row[3] for row in help_screen.rows}
            await pilot.press("escape", "escape")
            await settle(pilot)


async def test_power_map_follows_others_changes(db: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "ACME-5G")
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PowerMapScreen)
        with open_store(db, actor="wei", today=TODAY) as other:
            other.powermap.add_contact("ACME-5G", Contact("Sun Mei", "CFO", DecisionRole.APPROVER))
        # the other's contact shows
        await until(
            pilot, lambda: any(isinstance(i, ContactView) for i in screen.rows_list.items), 3
        )
        assert app.screen is screen
