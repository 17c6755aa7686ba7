"""Stage checklists: the default template, answers, completion and template edits."""

from __future__ import annotations

import pytest

from dealroom.domain import STAGES, Gate, RuleError, Stage
from dealroom.domain.checklist import (
    DEFAULT_CHECKLISTS,
    ITEM_TEXT_MAX,
    Answer,
    ChecklistItem,
    ItemAnswer,
    answers_by_stage,
    check_answer_note,
    check_item_key,
    check_item_text,
    check_template,
    key_item,
    new_item_key,
    parse_answer,
    stage_closed_by,
    stage_completion,
    timeline_completion,
)

# --- the defaults ---------------------------------------------------------------------


def test_every_stage_has_a_default_checklist_of_sensible_size() -> None:
    assert set(DEFAULT_CHECKLISTS) == set(STAGES)
    for stage in STAGES:
        items = DEFAULT_CHECKLISTS[stage]
        low = 3 if stage is not Stage.CLOSED else 1
        assert low <= len(items) <= 6, stage
        assert all(i.stage is stage for i in items)


def test_default_checklists_pass_their_own_template_rules() -> None:
    for stage, items in DEFAULT_CHECKLISTS.items():
        assert check_template(stage, items) == items


def test_default_keys_are_unique_across_all_stages() -> None:
    keys = [i.key for items in DEFAULT_CHECKLISTS.values() for i in items]
    assert len(keys) == len(set(keys))


def test_pre_bid_key_item_is_a_key_customer_speaking_up_for_us() -> None:
    item = key_item(DEFAULT_CHECKLISTS[Stage.PRE_BID])
    assert item is not None
    assert item.text == "At least one key customer speaks up for us"


def test_opportunity_milestone_is_budget_and_start_time() -> None:
    item = key_item(DEFAULT_CHECKLISTS[Stage.OPPORTUNITY])
    assert item is not None and "budget" in item.text and "start time" in item.text


@pytest.mark.parametrize("stage", [Stage.BID, Stage.CLOSED])
def test_stages_without_a_named_milestone_have_no_key_item(stage: Stage) -> None:
    assert key_item(DEFAULT_CHECKLISTS[stage]) is None


def test_no_stage_has_two_key_items() -> None:
    for items in DEFAULT_CHECKLISTS.values():
        assert sum(i.key_item for i in items) <= 1


# --- answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("y", Answer.YES),
        ("YES", Answer.YES),
        (" p ", Answer.PARTLY),
        ("partly", Answer.PARTLY),
        ("n", Answer.NO),
        ("No", Answer.NO),
        ("?", Answer.UNANSWERED),
        ("unanswered", Answer.UNANSWERED),
    ],
)
def test_parse_answer_reads_short_and_long_forms(typed: str, answer: Answer) -> None:
    assert parse_answer(typed) is answer


@pytest.mark.parametrize("typed", ["", "  ", "maybe", "yess", "1"])
def test_parse_answer_refuses_anything_else_and_names_the_choices(typed: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_answer(typed)
    assert err.value.field == "answer"
    assert "y (yes)" in str(err.value)


def test_answer_marks_are_distinct_single_characters() -> None:
    marks = [a.mark for a in Answer]
    assert len(set(marks)) == 4 and all(len(m) == 1 for m in marks)
    assert not Answer.UNANSWERED.answered and Answer.NO.answered


def test_answer_note_is_optional_but_bounded() -> None:
    assert check_answer_note("  ") == ""
    with pytest.raises(RuleError):
        check_answer_note("x" * 2_001)


# --- completion -------------------------------------------------------------------------

PRE = DEFAULT_CHECKLISTS[Stage.PRE_BID]


def test_an_untouched_stage_is_zero_percent_and_its_milestone_does_not_hold() -> None:
    c = stage_completion(Stage.PRE_BID, PRE, {})
    assert (c.total, c.answered, c.unanswered, c.percent) == (6, 0, 6, 0)
    assert c.key_item_holds is False


def test_partly_counts_half_and_no_counts_nothing() -> None:
    keys = [i.key for i in PRE]
    answers = {keys[0]: Answer.YES, keys[1]: Answer.PARTLY, keys[3]: Answer.NO}
    c = stage_completion(Stage.PRE_BID, PRE, answers)
    assert (c.yes, c.partly, c.no, c.answered) == (1, 1, 1, 3)
    assert c.percent == 25  # (1 + 0.5) / 6


def test_percent_rounds_down_so_100_means_all_yes() -> None:
    items = DEFAULT_CHECKLISTS[Stage.LEAD]
    answers = {i.key: Answer.YES for i in items}
    assert stage_completion(Stage.LEAD, items, answers).percent == 100
    answers[items[0].key] = Answer.PARTLY
    assert stage_completion(Stage.LEAD, items, answers).percent == 87  # 3.5 / 4


@pytest.mark.parametrize(
    ("answer", "holds"),
    [(Answer.YES, True), (Answer.PARTLY, False), (Answer.NO, False), (Answer.UNANSWERED, False)],
)
def test_the_milestone_holds_only_when_the_key_item_is_yes(answer: Answer, holds: bool) -> None:
    c = stage_completion(Stage.PRE_BID, PRE, {"pre_champion": answer})
    assert c.key_item is not None and c.key_item.key == "pre_champion"
    assert c.key_item_holds is holds


def test_a_stage_without_key_item_says_none_not_false() -> None:
    c = stage_completion(Stage.BID, DEFAULT_CHECKLISTS[Stage.BID], {})
    assert c.key_item is None and c.key_item_holds is None


def test_an_empty_checklist_has_no_percent() -> None:
    c = stage_completion(Stage.CLOSED, (), {"whatever": Answer.YES})
    assert c.total == 0 and c.percent is None and c.answered == 0


def test_answers_to_removed_items_and_items_of_other_stages_are_ignored() -> None:
    mixed = (*PRE, *DEFAULT_CHECKLISTS[Stage.BID])
    c = stage_completion(Stage.PRE_BID, mixed, {"gone": Answer.YES, "bid_rules": Answer.YES})
    assert c.total == len(PRE) and c.yes == 0


def test_timeline_completion_covers_every_stage_in_order() -> None:
    rows = [
        ItemAnswer(Stage.LEAD, "lead_need", Answer.NO),
        ItemAnswer(Stage.LEAD, "lead_need", Answer.YES, note="heard it twice", by="ana"),
        ItemAnswer(Stage.PRE_BID, "pre_champion", Answer.YES),
    ]
    done = timeline_completion(DEFAULT_CHECKLISTS, answers_by_stage(rows))
    assert list(done) == list(STAGES)
    assert done[Stage.LEAD].yes == 1 and done[Stage.LEAD].no == 0  # the later answer wins
    assert done[Stage.PRE_BID].key_item_holds is True
    assert done[Stage.BID].answered == 0


# --- editing the template ----------------------------------------------------------------


def test_item_text_is_tidied_to_one_line() -> None:
    assert check_item_text("  Do we\nhave   a coach? ") == "Do we have a coach?"


@pytest.mark.parametrize("text", ["", "   \n\t", "x" * (ITEM_TEXT_MAX + 1)])
def test_item_text_must_be_present_and_short(text: str) -> None:
    with pytest.raises(RuleError):
        check_item_text(text)


def test_item_text_at_the_limit_is_fine() -> None:
    assert len(check_item_text("x" * ITEM_TEXT_MAX)) == ITEM_TEXT_MAX


@pytest.mark.parametrize("key", ["", "Pre", "a-b", "a__b", "_a", "a_", "a b", "x" * 41])
def test_bad_keys_are_refused(key: str) -> None:
    with pytest.raises(RuleError):
        check_item_key(key)


def test_new_item_key_slugs_the_text_and_avoids_taken_keys() -> None:
    assert new_item_key("Do we have a coach?", ()) == "do_we_have_a_coach"
    taken = {"do_we_have_a_coach", "do_we_have_a_coach_2"}
    assert new_item_key("Do we have a coach?", taken) == "do_we_have_a_coach_3"
    assert new_item_key("教练?", ()) == "item"
    key = new_item_key("word " * 30, ())
    assert check_item_key(key) == key


def test_template_refuses_two_key_items_duplicate_keys_and_foreign_items() -> None:
    a = ChecklistItem(Stage.BID, "a", "A", key_item=True)
    b = ChecklistItem(Stage.BID, "b", "B", key_item=True)
    with pytest.raises(RuleError, match="one key item"):
        check_template(Stage.BID, [a, b])
    with pytest.raises(RuleError, match="two items"):
        check_template(Stage.BID, [a, ChecklistItem(Stage.BID, "a", "again")])
    with pytest.raises(RuleError, match="belongs to"):
        check_template(Stage.LEAD, [a])
    with pytest.raises(RuleError, match="keep it to"):
        check_template(Stage.BID, [ChecklistItem(Stage.BID, f"k{i}", "t") for i in range(31)])


@pytest.mark.parametrize(
    ("gate", "stage"),
    [
        (Gate.ATI, Stage.OPPORTUNITY),
        (Gate.ATB, Stage.PRE_BID),
        (Gate.ATC, Stage.BID),
        (Gate.ATCC, Stage.INVOICE),
        (Gate.ATAC, None),
    ],
)
def test_a_gate_decision_weighs_the_checklist_of_the_stage_it_closes(
    gate: Gate, stage: Stage | None
) -> None:
    assert stage_closed_by(gate) is stage
