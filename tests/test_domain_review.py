"""Deal review triggers and the review agenda."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from dealroom.domain import DealStatus, Stage, TaskStatus, Tier
from dealroom.domain.checklist import DEFAULT_CHECKLISTS, Answer
from dealroom.domain.competitors import Competitor
from dealroom.domain.powermap import MINUS, Contact, DecisionRole, SupportChange
from dealroom.domain.review import (
    BLOCKED_DAYS,
    CompetitorNoted,
    DealBrief,
    ReviewFacts,
    TaskFact,
    TriggerKind,
    needs_review,
    review_agenda,
    review_triggers,
)

TODAY = date(2026, 11, 23)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def blocked(days: int, title: str = "Site survey") -> TaskFact:
    return TaskFact(title, TaskStatus.BLOCKED, owner="olu", blocked_since=ago(days))


def kinds(facts: ReviewFacts, **kw: int) -> list[TriggerKind]:
    return [t.kind for t in review_triggers(facts, TODAY, **kw)]


def test_a_quiet_deal_needs_no_review() -> None:
    facts = ReviewFacts(stage=Stage.PRE_BID, tasks=[TaskFact("x", TaskStatus.DOING)])
    assert review_triggers(facts, TODAY) == []
    assert not needs_review(facts, TODAY)


# --- obstacles -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "fires"),
    [(0, False), (BLOCKED_DAYS - 1, False), (BLOCKED_DAYS, False), (BLOCKED_DAYS + 1, True)],
)
def test_a_task_is_an_obstacle_when_blocked_longer_than_n_days(days: int, fires: bool) -> None:
    facts = ReviewFacts(stage=Stage.PRE_BID, tasks=[blocked(days)])
    triggers = review_triggers(facts, TODAY)
    assert bool(triggers) is fires
    if fires:
        assert triggers[0].kind is TriggerKind.OBSTACLE
        assert triggers[0].message == f"“Site survey” has been blocked for {days} days"
        assert triggers[0].since == TODAY  # the first day it counts


def test_blocked_days_can_be_set() -> None:
    facts = ReviewFacts(stage=Stage.PRE_BID, tasks=[blocked(4)])
    assert kinds(facts, blocked_days=3) == [TriggerKind.OBSTACLE]
    assert kinds(facts, blocked_days=4) == []


def test_only_blocked_tasks_with_a_date_count() -> None:
    facts = ReviewFacts(
        stage=Stage.PRE_BID,
        tasks=[
            TaskFact("a", TaskStatus.DOING, blocked_since=ago(30)),  # unblocked since
            TaskFact("b", TaskStatus.BLOCKED, blocked_since=None),
        ],
    )
    assert review_triggers(facts, TODAY) == []


# --- slipped plans ---------------------------------------------------------------------


@pytest.mark.parametrize(("planned", "fires"), [(1, False), (0, False), (-1, True)])
def test_a_stage_due_today_has_not_slipped(planned: int, fires: bool) -> None:
    facts = ReviewFacts(stage=Stage.PRE_BID, planned={Stage.BID: TODAY + timedelta(days=planned)})
    assert (kinds(facts) == [TriggerKind.SLIPPED]) is fires


def test_slipped_message_names_the_stage_and_how_late() -> None:
    facts = ReviewFacts(stage=Stage.PRE_BID, planned={Stage.BID: ago(1), Stage.CONTRACT: ago(3)})
    triggers = review_triggers(facts, TODAY)
    assert [t.message for t in triggers] == [
        "Contract was planned for 2026-11-20: 3 days late",
        "Bid was planned for 2026-11-22: 1 day late",
    ]
    assert [t.since for t in triggers] == [ago(2), TODAY]


def test_stages_already_reached_do_not_slip() -> None:
    facts = ReviewFacts(
        stage=Stage.BID,
        planned={Stage.PRE_BID: ago(20), Stage.BID: ago(10)},
        entered={Stage.BID: ago(2)},
        last_review=ago(1),
    )
    assert review_triggers(facts, TODAY) == []


# --- adverse moves ----------------------------------------------------------------------


def test_a_key_deciders_fall_is_an_adverse_move() -> None:
    facts = ReviewFacts(
        stage=Stage.PRE_BID,
        support_changes=[
            SupportChange("the CTO", 1, -1, ago(2), key_decider=True),
            SupportChange("the CFO", -1, 1, ago(2), key_decider=True),  # rose
            SupportChange("an engineer", 2, -2, ago(2)),  # not a key decider
        ],
    )
    triggers = review_triggers(facts, TODAY)
    assert [t.kind for t in triggers] == [TriggerKind.ADVERSE_SUPPORT]
    assert triggers[0].message == f"support of the CTO fell from +1 to {MINUS}1"


def test_a_competitor_noted_is_a_move() -> None:
    facts = ReviewFacts(
        stage=Stage.OPPORTUNITY, competitors_noted=[CompetitorNoted("Acme", ago(3))]
    )
    [t] = review_triggers(facts, TODAY)
    assert (t.kind, t.since, t.message) == (TriggerKind.COMPETITOR, ago(3), "competitor Acme noted")


# --- entering Bid -----------------------------------------------------------------------


def test_entering_bid_calls_for_the_commercial_strategy_review() -> None:
    facts = ReviewFacts(stage=Stage.BID, entered={Stage.BID: ago(1)})
    [t] = review_triggers(facts, TODAY)
    assert t.kind is TriggerKind.BID and t.since == ago(1)


def test_bid_trigger_is_cleared_by_a_review_the_day_bid_was_entered() -> None:
    facts = ReviewFacts(stage=Stage.BID, entered={Stage.BID: ago(1)}, last_review=ago(1))
    assert review_triggers(facts, TODAY) == []


def test_a_review_before_bid_does_not_cover_bid() -> None:
    facts = ReviewFacts(stage=Stage.BID, entered={Stage.BID: ago(1)}, last_review=ago(2))
    assert kinds(facts) == [TriggerKind.BID]


def test_bid_without_an_entry_date_needs_any_review() -> None:
    assert kinds(ReviewFacts(stage=Stage.BID)) == [TriggerKind.BID]
    assert kinds(ReviewFacts(stage=Stage.BID, last_review=ago(100))) == []


def test_past_bid_the_bid_trigger_is_gone() -> None:
    assert kinds(ReviewFacts(stage=Stage.CONTRACT, entered={Stage.BID: ago(10)})) == []


# --- reviews clear triggers ---------------------------------------------------------------


def busy(last_review: date | None) -> ReviewFacts:
    return ReviewFacts(
        stage=Stage.PRE_BID,
        tasks=[blocked(10)],  # counts from ago(2)
        planned={Stage.BID: ago(5)},  # slipped from ago(4)
        support_changes=[SupportChange("the CTO", 2, 1, ago(3), key_decider=True)],
        competitors_noted=[CompetitorNoted("Acme", ago(1))],
        last_review=last_review,
    )


def test_triggers_come_oldest_first() -> None:
    assert kinds(busy(None)) == [
        TriggerKind.SLIPPED,
        TriggerKind.ADVERSE_SUPPORT,
        TriggerKind.OBSTACLE,
        TriggerKind.COMPETITOR,
    ]


@pytest.mark.parametrize(
    ("review", "left"),
    [
        (ago(5), 4),
        (ago(4), 3),  # held the day the plan slipped: it knew
        (ago(3), 2),
        (ago(2), 1),
        (ago(1), 0),
        (TODAY, 0),
    ],
)
def test_a_review_held_on_or_after_a_trigger_clears_it(review: date, left: int) -> None:
    assert len(review_triggers(busy(review), TODAY)) == left


@pytest.mark.parametrize(
    ("status", "stage"),
    [
        (DealStatus.LOST, Stage.BID),
        (DealStatus.DROPPED, Stage.PRE_BID),
        (DealStatus.WON, Stage.CLOSED),
    ],
)
def test_finished_deals_need_no_review(status: DealStatus, stage: Stage) -> None:
    facts = ReviewFacts(stage=stage, status=status, tasks=[blocked(30)])
    assert review_triggers(facts, TODAY) == []


def test_a_won_deal_in_delivery_still_gets_obstacle_reviews() -> None:
    facts = ReviewFacts(stage=Stage.DELIVERY, status=DealStatus.WON, tasks=[blocked(30)])
    assert kinds(facts) == [TriggerKind.OBSTACLE]


# --- the agenda ---------------------------------------------------------------------------

DEAL = DealBrief(
    code="ACME-5G",
    name="Core network",
    account="Acme Telecom",
    tier=Tier.A,
    stage=Stage.PRE_BID,
    amount=1_200_000,
    currency="CNY",
    probability=30,
    close_date=date(2027, 3, 1),
)


def escape(text: str) -> str:
    return re.sub(r"([\\*_|#\[\]])", r"\\\1", text)


def agenda_markdown() -> str:
    facts = busy(None)
    facts = ReviewFacts(
        stage=facts.stage,
        tasks=[
            *facts.tasks,
            TaskFact(
                "Book the CTO lunch",
                TaskStatus.TODO,
                owner="ana",
                due=ago(-3),
                checkpoint="CTO agrees a date",
            ),
            TaskFact("Later thing", TaskStatus.TODO),
            TaskFact("Done thing", TaskStatus.DONE, owner="ana", due=ago(9)),
        ],
        planned=facts.planned,
        support_changes=facts.support_changes,
        competitors_noted=facts.competitors_noted,
    )
    agenda = review_agenda(
        DEAL,
        facts,
        TODAY,
        contacts=[
            Contact("Liu", "CTO", DecisionRole.DECISION_MAKER, 5, True, 1, "ana", "Acme", TODAY),
            Contact("Pipe|Man *bold*", "", DecisionRole.USER, 2, False, 0, None, None, None),
        ],
        competitors=[
            Competitor("Acme", strengths="price", weaknesses="support", differentiator="SLA")
        ],
        scores={"funding": 2, "internal_support": -2, "margin": 0},
        checklist=DEFAULT_CHECKLISTS[Stage.PRE_BID],
        answers={
            "pre_coach": Answer.NO,
            "pre_champion": Answer.PARTLY,
            "pre_briefings": Answer.YES,
        },
    )
    return agenda.to_markdown(escape)


def test_agenda_has_the_seeds_sections_in_order() -> None:
    out = agenda_markdown()
    heads = [ln for ln in out.splitlines() if ln.startswith("#")]
    assert heads == [
        "# Deal review — ACME-5G Core network — 2026-11-23",
        "## Background",
        "## Decision chain",
        "## Customer, competitor and channel moves",
        "## Strengths",
        "## Weaknesses",
        "## Strategy",
        "## Next actions",
    ]


def test_agenda_is_drawn_from_the_data() -> None:
    out = agenda_markdown()
    assert "- Customer: Acme Telecom (tier A)" in out
    assert "- Why now — Plan slipped: Bid was planned for 2026-11-18: 5 days late" in out
    assert (
        "- Decision maker, +1, key decider, influence 5: Liu (CTO); owner ana; leans to Acme" in out
    )
    assert "- Gap: key decider" not in out  # +1 is support
    assert "- Gap: no coach: nobody inside the customer guides us" in out
    assert "support of the CTO fell from +2 to +1" in out
    assert "- Funding (+2)" in out and f"- Internal support ({MINUS}2)" in out
    assert "Margin" not in out  # scored 0: neither
    assert "- Against: Acme: their weaknesses: support; our differentiator: SLA" in out
    assert "- Against: Acme: their strengths: price" in out
    assert "- Checklist (no): We have a coach inside the customer" in out
    assert "- Checklist (partly): At least one key customer speaks up for us" in out
    assert "Technical briefings" not in out  # answered yes


def test_next_actions_are_open_tasks_soonest_first_with_owner_date_checkpoint() -> None:
    out = agenda_markdown()
    rows = [ln for ln in out.split("## Next actions")[1].splitlines() if ln.startswith("| ")]
    assert rows[0] == "| What | Owner | Date | Checkpoint |"
    assert rows[2:] == [
        "| Book the CTO lunch | ana | 2026-11-26 | CTO agrees a date |",
        "| Later thing | — | — | — |",  # undated last, by title
        "| Site survey | olu | — | — |",
    ]
    assert "Done thing" not in out


def test_agenda_escapes_user_text() -> None:
    out = agenda_markdown()
    assert r"Pipe\|Man \*bold\*" in out
    assert "Pipe|Man" not in out
