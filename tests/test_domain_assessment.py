"""Opportunity assessment: factors, scores, marks and the history of scores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dealroom.domain import RuleError
from dealroom.domain.assessment import (
    FACTORS,
    QUESTIONS,
    Mark,
    Question,
    ScoreEntry,
    check_factor_key,
    check_score,
    latest_scores,
    parse_score,
    question_mark,
    summarize,
    summarize_entries,
)


def keys(q: Question) -> list[str]:
    return [f.key for f in q.factors]


def test_four_questions_with_five_factors_each_and_unique_keys() -> None:
    assert [q.label for q in QUESTIONS] == [
        "Is there an opportunity?",
        "Can we compete?",
        "Can we win?",
        "Is it worth it?",
    ]
    assert [len(q.factors) for q in QUESTIONS] == [5, 5, 5, 5]
    assert len({f.key for f in FACTORS}) == 20
    assert keys(Question.OPPORTUNITY) == [
        "project",
        "customer_business",
        "finances",
        "funding",
        "compelling_event",
    ]
    assert keys(Question.WORTH)[-2:] == ["risk", "strategic_value"]


def test_unknown_factor_is_refused() -> None:
    assert check_factor_key("margin").question is Question.WORTH
    with pytest.raises(RuleError, match="factor"):
        check_factor_key("vibes")


@pytest.mark.parametrize(
    ("typed", "value"), [("+2", 2), ("2", 2), ("0", 0), ("-1", -1), ("−2", -2)]
)
def test_parse_score(typed: str, value: int) -> None:
    assert parse_score(typed) == value


@pytest.mark.parametrize("typed", ["3", "-3", "", "+", "1.0", "12"])
def test_parse_score_refuses_out_of_range(typed: str) -> None:
    with pytest.raises(RuleError):
        parse_score(typed)


def test_check_score_bounds() -> None:
    assert check_score(-2) == -2 and check_score(2) == 2
    with pytest.raises(RuleError):
        check_score(3)


@pytest.mark.parametrize(
    ("total", "scored", "worst", "mark"),
    [
        (0, 0, None, Mark.UNKNOWN),
        (1, 2, 0, Mark.GOOD),  # average exactly +½
        (2, 5, 0, Mark.MIXED),  # +0.4
        (0, 5, -1, Mark.MIXED),
        (-1, 2, -1, Mark.BAD),  # exactly −½
        (-2, 5, -1, Mark.MIXED),  # −0.4
        (6, 5, -2, Mark.MIXED),  # good average, but a deal-breaker
        (-10, 5, -2, Mark.BAD),
    ],
)
def test_question_mark_thresholds(total: int, scored: int, worst: int | None, mark: Mark) -> None:
    assert question_mark(total, scored, worst) is mark


def test_nothing_scored_is_all_question_marks() -> None:
    s = summarize({})
    assert s.marks == "????" and s.mark is Mark.UNKNOWN and s.scored == 0


def test_summary_per_question_and_overall() -> None:
    scores = {k: 2 for k in keys(Question.OPPORTUNITY)}
    scores |= {"decision_criteria": 1, "solution_fit": 0}
    scores |= {"internal_support": -2, "executive_trust": -1}
    s = summarize(scores)
    opp, comp, win, worth = s.questions
    assert (opp.total, opp.scored, opp.factors, opp.mark) == (10, 5, 5, Mark.GOOD)
    assert (comp.total, comp.scored, comp.mark) == (1, 2, Mark.GOOD)
    assert (win.total, win.worst, win.mark) == (-3, -2, Mark.BAD)
    assert (worth.scored, worth.mark) == (0, Mark.UNKNOWN)
    assert s.marks == "++−?"
    assert s.mark is Mark.BAD
    assert (s.total, s.scored) == (8, 9)


def test_overall_is_good_only_when_all_four_questions_are() -> None:
    all_good = {f.key: 1 for f in FACTORS}
    assert summarize(all_good).mark is Mark.GOOD
    one_open = {k: v for k, v in all_good.items() if k not in keys(Question.WORTH)}
    assert summarize(one_open).mark is Mark.MIXED


def test_unknown_keys_are_ignored_but_bad_scores_are_not() -> None:
    assert summarize({"gone": 2}).scored == 0
    with pytest.raises(RuleError):
        summarize({"margin": 5})


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 9, tzinfo=UTC)


def test_history_keeps_every_score_and_the_latest_counts() -> None:
    history = [
        ScoreEntry("funding", -1, "no budget yet", "ana", at(1)),
        ScoreEntry("margin", 1, by="priya", at=at(2)),
        ScoreEntry("funding", 2, "budget approved", "ana", at(10)),
    ]
    now = latest_scores(history)
    assert now["funding"].score == 2 and now["funding"].note == "budget approved"
    then = latest_scores(history, as_of=at(5))
    assert then["funding"].score == -1
    assert summarize_entries(history).questions[0].total == 2
    assert summarize_entries(history, as_of=at(1)).questions[0].total == -1
    assert summarize_entries(history, as_of=at(1)).questions[3].scored == 0
