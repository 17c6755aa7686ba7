"""The stored methods that win a deal: checklist template and answers, power map,
competitors, assessment history, reviews held, review triggers and the forecast. Each on
SQLite and, when configured, PostgreSQL, with version conflicts and the event log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import TODAY, Clock

from dealroom.domain import DealStatus, Role, RuleError, Stage, TaskStatus
from dealroom.domain.checklist import DEFAULT_CHECKLISTS, Answer
from dealroom.domain.competitors import Competitor
from dealroom.domain.forecast import Horizon
from dealroom.domain.powermap import Contact, DecisionRole
from dealroom.domain.review import TriggerKind
from dealroom.domain.rules import GateMissingError
from dealroom.store import ConflictError, NotFoundError, Store
from dealroom.store.errors import StoreError

CTO = Contact("Wang Li", "CTO", DecisionRole.DECISION_MAKER, 5, key_decider=True, support=1)


def other_store(team: Store, actor: str) -> Store:
    """A second person's store on the same database (as another terminal would be)."""
    return Store(team.url, actor=actor, now=team._now, today=TODAY)


# --- the checklist template ----------------------------------------------------------------


def test_a_new_database_holds_the_default_checklists(team: Store) -> None:
    template = team.checklist_template()
    for stage, defaults in DEFAULT_CHECKLISTS.items():
        assert [(i.key, i.text, i.key_item) for i in template[stage]] == [
            (d.key, d.text, d.key_item) for d in defaults
        ]
    [key] = [i for i in template[Stage.PRE_BID] if i.key_item]
    assert key.text == "At least one key customer speaks up for us"


def test_the_team_edits_the_template_and_the_log_says_so(team: Store) -> None:
    added = team.add_checklist_item(Stage.BID, "Our reference visit is booked", key_item=True)
    assert added.key == "our_reference_visit_is_booked" and added.key_item
    bid = team.checklist_template()[Stage.BID]
    assert bid[-1].id == added.id and [i.key_item for i in bid].count(True) == 1

    moved = team.move_checklist_item(added.id, -2)
    assert [i.id for i in team.checklist_template()[Stage.BID]].index(added.id) == len(bid) - 3
    edited = team.update_checklist_item(added.id, version=moved.version, text="Reference visit")
    assert edited.text == "Reference visit"
    # the pre-bid key item moves to another line: only one key item per stage
    first = team.checklist_template()[Stage.PRE_BID][0]
    team.update_checklist_item(first.id, key_item=True)
    pre = team.checklist_template()[Stage.PRE_BID]
    assert [i.id for i in pre if i.key_item] == [first.id]

    team.retire_checklist_item(added.id)
    assert added.id not in [i.id for i in team.checklist_template()[Stage.BID]]
    assert added.id in [i.id for i in team.checklist_template(include_retired=True)[Stage.BID]]
    again = team.add_checklist_item(Stage.BID, "Our reference visit is booked")
    assert again.key == "our_reference_visit_is_booked_2"  # a retired line keeps its key
    summaries = [e.summary for e in team.events()]
    assert any("added Bid checklist item 'Our reference visit is booked'" in s for s in summaries)
    assert any("removed Bid checklist item 'Reference visit'" in s for s in summaries)


def test_a_template_edit_over_someone_elses_is_a_conflict(team: Store) -> None:
    item = team.checklist_template()[Stage.LEAD][0]
    with other_store(team, "wei") as wei:
        wei.update_checklist_item(item.id, version=item.version, text="Heard the pain point")
    with pytest.raises(ConflictError) as caught:
        team.update_checklist_item(item.id, version=item.version, text="Mine")
    assert (caught.value.by, caught.value.names) == (["wei"], ["Wei Zhang"])
    assert team.checklist_template()[Stage.LEAD][0].text == "Heard the pain point"


def test_bad_template_text_is_refused_and_changes_nothing(team: Store) -> None:
    before = team.checklist_template()
    with pytest.raises(RuleError):
        team.add_checklist_item(Stage.LEAD, "   ")
    with pytest.raises(RuleError):
        team.add_checklist_item(Stage.LEAD, "x" * 201)
    assert team.checklist_template() == before


# --- answers ---------------------------------------------------------------------------------


def test_answers_count_towards_the_stage_and_the_key_item(team: Store) -> None:
    pre = team.checklist_template()[Stage.PRE_BID]
    key = next(i for i in pre if i.key_item)
    team.answer_checklist("ACME-5G", Stage.PRE_BID, key.key, Answer.YES, note="the CIO, twice")
    team.answer_checklist("ACME-5G", Stage.PRE_BID, pre[0].key, Answer.PARTLY)
    m = team.deal_methods("ACME-5G")
    done = m.completion(Stage.PRE_BID)
    assert (done.yes, done.partly, done.total, done.key_item_holds) == (1, 1, len(pre), True)
    answer = m.answer(Stage.PRE_BID, key.key)
    assert answer is not None
    assert answer.note == "the CIO, twice"
    assert answer.answered_by == "ana"
    room = team.deal_room("ACME-5G")
    assert room.completion[Stage.PRE_BID] == done
    assert room.completion[Stage.BID].answered == 0
    assert "answered Pre-bid shaping checklist" in team.events(code="ACME-5G")[-1].summary


def test_an_answer_given_meanwhile_is_a_conflict(team: Store) -> None:
    item = team.checklist_template()[Stage.LEAD][0]
    with other_store(team, "wei") as wei:
        wei.answer_checklist("ACME-5G", Stage.LEAD, item.key, Answer.NO, version=0)
    with pytest.raises(ConflictError) as caught:
        team.answer_checklist("ACME-5G", Stage.LEAD, item.key, Answer.YES, version=0)
    assert caught.value.by == ["wei"] and caught.value.changed == ["answer"]
    given = team.deal_methods("ACME-5G").answer(Stage.LEAD, item.key)
    assert given is not None and given.answer is Answer.NO
    team.answer_checklist("ACME-5G", Stage.LEAD, item.key, Answer.YES, version=given.version)
    assert team.deal_methods("ACME-5G").stage_answers(Stage.LEAD)[item.key] is Answer.YES


def test_an_answer_to_an_unknown_or_retired_item_is_refused(team: Store) -> None:
    with pytest.raises(NotFoundError):
        team.answer_checklist("ACME-5G", Stage.LEAD, "no_such_item", Answer.YES)
    item = team.checklist_template()[Stage.LEAD][0]
    team.retire_checklist_item(item.id)
    with pytest.raises(NotFoundError):
        team.answer_checklist("ACME-5G", Stage.LEAD, item.key, Answer.YES)


# --- the power map -----------------------------------------------------------------------


def test_contacts_and_a_support_change_in_the_log(team: Store) -> None:
    cto = team.add_contact("ACME-5G", CTO, note="met at MWC")
    assert (cto.name, cto.role, cto.support, cto.key_decider) == ("Wang Li", CTO.role, 1, True)
    team.update_contact(cto.id, version=cto.version, support=-1, owner="ana")
    after = team.deal_methods("ACME-5G").contacts[0]
    assert (after.support, after.owner, after.owner_name) == (-1, "ana", "Ana Lima")
    last = team.events(code="ACME-5G")[-1]
    assert "support of Wang Li (CTO) fell from +1 to −1" in last.summary
    assert last.changes["support"] == [1, -1]
    # support alone: the standup-friendly sentence is the whole summary
    team.update_contact(cto.id, support=0)
    assert team.events(code="ACME-5G")[-1].summary == "support of Wang Li (CTO) rose from −1 to 0"
    changes = team.deal_methods("ACME-5G").support_changes
    assert [(c.old, c.new, c.adverse) for c in changes] == [(1, -1, True), (-1, 0, False)]


def test_contact_rules_and_conflicts(team: Store) -> None:
    with pytest.raises(RuleError):
        team.add_contact("ACME-5G", Contact("Li", support=4))
    with pytest.raises(NotFoundError):
        team.add_contact("ACME-5G", Contact("Li", owner="nobody"))
    cto = team.add_contact("ACME-5G", CTO)
    with other_store(team, "wei") as wei:
        wei.update_contact(cto.id, version=cto.version, support=3)
    with pytest.raises(ConflictError) as caught:
        team.update_contact(cto.id, version=cto.version, support=-3)
    assert caught.value.changed == ["support"]
    assert team.deal_methods("ACME-5G").contacts[0].support == 3
    team.delete_contact(cto.id)
    assert team.deal_methods("ACME-5G").contacts == []
    with pytest.raises(NotFoundError):  # a form open on it says it was deleted
        team.delete_contact(cto.id, version=cto.version)


def test_power_map_gaps_come_from_the_stored_map(team: Store) -> None:
    team.add_contact("ACME-5G", CTO)
    gaps = {g.kind.value for g in team.deal_methods("ACME-5G").gaps}
    assert {"no_coach", "no_owner", "never_contacted"} <= gaps
    team.add_contact(
        "ACME-5G",
        Contact("Zhou", "IT manager", DecisionRole.COACH, 2, support=2, owner="wei",
                last_contact=TODAY),
    )  # fmt: skip
    assert "no_coach" not in {g.kind.value for g in team.deal_methods("ACME-5G").gaps}


# --- competitors ---------------------------------------------------------------------------


def test_competitors_are_unique_per_deal_and_versioned(team: Store) -> None:
    huawei = team.add_competitor("ACME-5G", Competitor("Rival Co", strengths="price"))
    with pytest.raises(RuleError):
        team.add_competitor("ACME-5G", Competitor("rival  co"))
    with other_store(team, "wei") as wei:
        wei.update_competitor(huawei.id, version=huawei.version, allies="the integrator")
    with pytest.raises(ConflictError):
        team.update_competitor(huawei.id, version=huawei.version, allies="nobody")
    [now] = team.deal_methods("ACME-5G").competitors
    assert (now.allies, now.strengths) == ("the integrator", "price")
    assert team.events(code="ACME-5G")[-1].actor == "wei"
    team.delete_competitor(now.id, version=now.version)
    assert team.deal_methods("ACME-5G").competitors == []


# --- the assessment ------------------------------------------------------------------------


def test_scores_keep_their_history_and_the_marks_follow(team: Store, clock: Clock) -> None:
    team.score_factor("ACME-5G", "project", 2, seen=0)
    clock.advance(days=1)
    team.score_factor("ACME-5G", "project", -1, note="budget cut")
    m = team.deal_methods("ACME-5G")
    assert [s.score for s in m.scores] == [2, -1]
    assert m.current_scores["project"].note == "budget cut"
    assert team.deal_room("ACME-5G").marks == m.assessment.marks == "−???"
    assert team.events(code="ACME-5G")[-1].summary.endswith("−1 (was +2)")


def test_a_score_given_meanwhile_is_a_conflict(team: Store) -> None:
    first = team.score_factor("ACME-5G", "project", 1, seen=0)
    with other_store(team, "wei") as wei:
        wei.score_factor("ACME-5G", "project", -2, seen=first.id)
    with pytest.raises(ConflictError) as caught:
        team.score_factor("ACME-5G", "project", 2, seen=first.id)
    assert (caught.value.by, caught.value.names) == (["wei"], ["Wei Zhang"])
    assert [s.score for s in team.deal_methods("ACME-5G").scores] == [1, -2]
    with pytest.raises(RuleError):
        team.score_factor("ACME-5G", "project", 3)
    with pytest.raises(RuleError):
        team.score_factor("ACME-5G", "no_such_factor", 1)


# --- reviews and their triggers ---------------------------------------------------------------


def test_review_triggers_from_stored_facts(team: Store, clock: Clock) -> None:
    assert team.deals_needing_review() == {}
    task = team.add_task("ACME-5G", Role.SR, "Reference visit")
    team.set_task_status(task.id, TaskStatus.BLOCKED)
    team.plan_stage("ACME-5G", Stage.OPPORTUNITY, TODAY)  # due today: not slipped
    clock.advance(days=7)
    assert team.deals_needing_review() == {}  # blocked exactly 7 days: not yet
    clock.advance(days=1)
    later = other_store(team, "ana")
    later._today = TODAY + timedelta(days=8)
    reasons = later.deals_needing_review()["ACME-5G"]
    assert any("Obstacle" in r and "blocked for 8 days" in r for r in reasons)
    assert any("Plan slipped" in r and "Opportunity" in r for r in reasons)
    later.record_review("ACME-5G", note="moved the visit")
    assert later.deals_needing_review() == {}
    review = later.deal_methods("ACME-5G").last_review
    assert review is not None and review.note == "moved the visit"
    clock.advance(days=1)  # a review the same day had the news; the next day's move counts
    later._today += timedelta(days=1)
    later.add_competitor("ACME-5G", Competitor("Rival Co"))
    kinds = [t.kind for t in later.deal_methods("ACME-5G").triggers]
    assert kinds == [TriggerKind.COMPETITOR]
    later.close()


def test_a_review_cannot_be_recorded_ahead(team: Store) -> None:
    with pytest.raises(RuleError):
        team.record_review("ACME-5G", held_on=TODAY + timedelta(days=1))
    assert team.deal_methods("ACME-5G").reviews == []


def test_the_agenda_is_drawn_from_the_data(team: Store) -> None:
    team.add_contact("ACME-5G", CTO)
    team.add_competitor("ACME-5G", Competitor("Rival Co", weaknesses="no local team"))
    team.score_factor("ACME-5G", "solution_fit", 2)
    team.add_task("ACME-5G", Role.AR, "Visit the CTO", owner="ana", due=TODAY)
    md = team.review_agenda("ACME-5G").to_markdown(lambda t: t)
    assert "Wang Li (CTO)" in md and "Rival Co" in md and "Visit the CTO" in md
    assert "## Next actions" in md and "2026-11-23" in md


# --- the forecast ----------------------------------------------------------------------------


def test_forecast_weights_open_deals_by_close_month(team: Store) -> None:
    team.update_deal("ACME-5G", close_date=date(2026, 12, 15))
    [cny] = team.forecast().values()
    assert cny.total.next_3_months.weighted == 1_200_000 * 10 // 100
    month = next(b for b in cny.buckets if b.label == "2026-12")
    assert month.horizon is Horizon.MONTH and month.figures.count == 1
    assert set(cny.by_person) == {"ana", "wei", "li"}
    team.set_status("ACME-5G", DealStatus.LOST, "price")
    assert team.forecast() == {}


def test_a_refused_stage_move_is_not_a_review_record(team: Store) -> None:
    with pytest.raises(GateMissingError):
        team.move_stage("ACME-5G", Stage.BID)
    with pytest.raises(StoreError):
        team.deal_methods("NOPE")


# --- demo data ---------------------------------------------------------------------------


def test_demo_data_exercises_every_part(store: Store) -> None:
    from dealroom.domain.powermap import GapKind
    from dealroom.store.demo import seed_demo

    seed_demo(store.engine, deals=24, seed=7, today=TODAY, actor="ana", items=20)
    every = store.deals_methods()
    gaps = [{g.kind for g in m.gaps} for m in every]
    assert any(GapKind.NO_COACH in g for g in gaps), "a deal without a coach"
    assert any(GapKind.NO_COACH not in g for g in gaps), "a deal with a coach"
    assert any(c.adverse for m in every for c in m.support_changes), "a falling key decider"
    kinds = {t.kind for m in every for t in m.triggers}
    assert {TriggerKind.OBSTACLE, TriggerKind.ADVERSE_SUPPORT} <= kinds
    assert any(m.competitors for m in every) and any(m.reviews for m in every)
    assert any(len(m.scores) > len(m.current_scores) for m in every), "a score's history"
    assert any(m.completion(m.deal.stage).answered for m in every)
