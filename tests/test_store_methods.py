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
from dealroom.store.inputs import ChecklistItemUpdate, CompetitorUpdate, ContactUpdate, DealUpdate

CTO = Contact("Wang Li", "CTO", DecisionRole.DECISION_MAKER, 5, key_decider=True, support=1)


def other_store(team: Store, actor: str, today: date = TODAY) -> Store:
    """A second person's store on the same database (as another terminal would be)."""
    return Store(team.url, actor=actor, now=team.now, today=today)


# --- the checklist template ----------------------------------------------------------------


def test_a_new_database_holds_the_default_checklists(team: Store) -> None:
    template = team.methods.checklist_template()
    for stage, defaults in DEFAULT_CHECKLISTS.items():
        assert [(i.key, i.text, i.key_item) for i in template[stage]] == [
            (d.key, d.text, d.key_item) for d in defaults
        ]
    [key] = [i for i in template[Stage.PRE_BID] if i.key_item]
    assert key.text == "At least one key customer speaks up for us"


def test_the_team_edits_the_template_and_the_log_says_so(team: Store) -> None:
    added = team.checklists.add_checklist_item(
        Stage.BID, "Our reference visit is booked", key_item=True
    )
    assert added.key == "our_reference_visit_is_booked" and added.key_item
    bid = team.methods.checklist_template()[Stage.BID]
    assert bid[-1].id == added.id and [i.key_item for i in bid].count(True) == 1

    moved = team.checklists.move_checklist_item(added.id, -2)
    assert [i.id for i in team.methods.checklist_template()[Stage.BID]].index(added.id) == len(
        bid
    ) - 3
    edited = team.checklists.update_checklist_item(
        added.id, ChecklistItemUpdate(text="Reference visit"), version=moved.version
    )
    assert edited.text == "Reference visit"
    # the pre-bid key item moves to another line: only one key item per stage
    first = team.methods.checklist_template()[Stage.PRE_BID][0]
    team.checklists.update_checklist_item(first.id, ChecklistItemUpdate(key_item=True))
    pre = team.methods.checklist_template()[Stage.PRE_BID]
    assert [i.id for i in pre if i.key_item] == [first.id]

    team.checklists.retire_checklist_item(added.id)
    assert added.id not in [i.id for i in team.methods.checklist_template()[Stage.BID]]
    assert added.id in [
        i.id for i in team.methods.checklist_template(include_retired=True)[Stage.BID]
    ]
    again = team.checklists.add_checklist_item(Stage.BID, "Our reference visit is booked")
    assert again.key == "our_reference_visit_is_booked_2"  # a retired line keeps its key
    summaries = [e.summary for e in team.reads.events()]
    assert any("added Bid checklist item 'Our reference visit is booked'" in s for s in summaries)
    assert any("removed Bid checklist item 'Reference visit'" in s for s in summaries)


def test_a_template_edit_over_someone_elses_is_a_conflict(team: Store) -> None:
    item = team.methods.checklist_template()[Stage.LEAD][0]
    team.people.add_administrator("wei")  # the checklists are the administrators' to change
    with other_store(team, "wei") as wei:
        wei.checklists.update_checklist_item(
            item.id, ChecklistItemUpdate(text="Heard the pain point"), version=item.version
        )
    with pytest.raises(ConflictError) as caught:
        team.checklists.update_checklist_item(
            item.id, ChecklistItemUpdate(text="Mine"), version=item.version
        )
    assert (caught.value.by, caught.value.names) == (["wei"], ["Wei Zhang"])
    assert team.methods.checklist_template()[Stage.LEAD][0].text == "Heard the pain point"


def test_bad_template_text_is_refused_and_changes_nothing(team: Store) -> None:
    before = team.methods.checklist_template()
    with pytest.raises(RuleError):
        team.checklists.add_checklist_item(Stage.LEAD, "   ")
    with pytest.raises(RuleError):
        team.checklists.add_checklist_item(Stage.LEAD, "x" * 201)
    assert team.methods.checklist_template() == before


# --- answers ---------------------------------------------------------------------------------


def test_answers_count_towards_the_stage_and_the_key_item(team: Store) -> None:
    pre = team.methods.checklist_template()[Stage.PRE_BID]
    key = next(i for i in pre if i.key_item)
    team.checklists.answer_checklist(
        "ACME-5G", Stage.PRE_BID, key.key, Answer.YES, note="the CIO, twice"
    )
    team.checklists.answer_checklist("ACME-5G", Stage.PRE_BID, pre[0].key, Answer.PARTLY)
    m = team.methods.deal_methods("ACME-5G")
    done = m.completion(Stage.PRE_BID)
    assert (done.yes, done.partly, done.total, done.key_item_holds) == (1, 1, len(pre), True)
    answer = m.answer(Stage.PRE_BID, key.key)
    assert answer is not None
    assert answer.note == "the CIO, twice"
    assert answer.answered_by == "ana"
    room = team.reads.deal_room("ACME-5G")
    assert room.completion[Stage.PRE_BID] == done
    assert room.completion[Stage.BID].answered == 0
    assert "answered Pre-bid shaping checklist" in team.reads.events(code="ACME-5G")[-1].summary


def test_an_answer_given_meanwhile_is_a_conflict(team: Store) -> None:
    item = team.methods.checklist_template()[Stage.LEAD][0]
    with other_store(team, "wei") as wei:
        wei.checklists.answer_checklist("ACME-5G", Stage.LEAD, item.key, Answer.NO, version=0)
    with pytest.raises(ConflictError) as caught:
        team.checklists.answer_checklist("ACME-5G", Stage.LEAD, item.key, Answer.YES, version=0)
    assert caught.value.by == ["wei"] and caught.value.changed == ["answer"]
    given = team.methods.deal_methods("ACME-5G").answer(Stage.LEAD, item.key)
    assert given is not None and given.answer is Answer.NO
    team.checklists.answer_checklist(
        "ACME-5G", Stage.LEAD, item.key, Answer.YES, version=given.version
    )
    assert team.methods.deal_methods("ACME-5G").stage_answers(Stage.LEAD)[item.key] is Answer.YES


def test_an_answer_to_an_unknown_or_retired_item_is_refused(team: Store) -> None:
    with pytest.raises(NotFoundError):
        team.checklists.answer_checklist("ACME-5G", Stage.LEAD, "no_such_item", Answer.YES)
    item = team.methods.checklist_template()[Stage.LEAD][0]
    team.checklists.retire_checklist_item(item.id)
    with pytest.raises(NotFoundError):
        team.checklists.answer_checklist("ACME-5G", Stage.LEAD, item.key, Answer.YES)


# --- the power map -----------------------------------------------------------------------


def test_contacts_and_a_support_change_in_the_log(team: Store) -> None:
    cto = team.powermap.add_contact("ACME-5G", CTO, note="met at MWC")
    assert (cto.name, cto.role, cto.support, cto.key_decider) == ("Wang Li", CTO.role, 1, True)
    team.powermap.update_contact(
        cto.id, ContactUpdate(support=-1, owner="ana"), version=cto.version
    )
    after = team.methods.deal_methods("ACME-5G").contacts[0]
    assert (after.support, after.owner, after.owner_name) == (-1, "ana", "Ana Lima")
    last = team.reads.events(code="ACME-5G")[-1]
    assert "support of Wang Li (CTO) fell from +1 to −1" in last.summary
    assert last.changes["support"] == [1, -1]
    # support alone: the standup-friendly sentence is the whole summary
    team.powermap.update_contact(cto.id, ContactUpdate(support=0))
    assert (
        team.reads.events(code="ACME-5G")[-1].summary
        == "support of Wang Li (CTO) rose from −1 to 0"
    )
    changes = team.methods.deal_methods("ACME-5G").support_changes
    assert [(c.old, c.new, c.adverse) for c in changes] == [(1, -1, True), (-1, 0, False)]


def test_contact_rules_and_conflicts(team: Store) -> None:
    with pytest.raises(RuleError):
        team.powermap.add_contact("ACME-5G", Contact("Li", support=4))
    with pytest.raises(NotFoundError):
        team.powermap.add_contact("ACME-5G", Contact("Li", owner="nobody"))
    cto = team.powermap.add_contact("ACME-5G", CTO)
    with other_store(team, "wei") as wei:
        wei.powermap.update_contact(cto.id, ContactUpdate(support=3), version=cto.version)
    with pytest.raises(ConflictError) as caught:
        team.powermap.update_contact(cto.id, ContactUpdate(support=-3), version=cto.version)
    assert caught.value.changed == ["support"]
    assert team.methods.deal_methods("ACME-5G").contacts[0].support == 3
    team.powermap.delete_contact(cto.id)
    assert team.methods.deal_methods("ACME-5G").contacts == []
    with pytest.raises(NotFoundError):  # a form open on it says it was deleted
        team.powermap.delete_contact(cto.id, version=cto.version)


def test_power_map_gaps_come_from_the_stored_map(team: Store) -> None:
    team.powermap.add_contact("ACME-5G", CTO)
    gaps = {g.kind.value for g in team.methods.deal_methods("ACME-5G").gaps}
    assert {"no_coach", "no_owner", "never_contacted"} <= gaps
    team.powermap.add_contact(
        "ACME-5G",
        Contact("Zhou", "IT manager", DecisionRole.COACH, 2, support=2, owner="wei",
                last_contact=TODAY),
    )  # fmt: skip
    assert "no_coach" not in {g.kind.value for g in team.methods.deal_methods("ACME-5G").gaps}


# --- competitors ---------------------------------------------------------------------------


def test_competitors_are_unique_per_deal_and_versioned(team: Store) -> None:
    huawei = team.powermap.add_competitor("ACME-5G", Competitor("Rival Co", strengths="price"))
    with pytest.raises(RuleError):
        team.powermap.add_competitor("ACME-5G", Competitor("rival  co"))
    with other_store(team, "wei") as wei:
        wei.powermap.update_competitor(
            huawei.id, CompetitorUpdate(allies="the integrator"), version=huawei.version
        )
    with pytest.raises(ConflictError):
        team.powermap.update_competitor(
            huawei.id, CompetitorUpdate(allies="nobody"), version=huawei.version
        )
    [now] = team.methods.deal_methods("ACME-5G").competitors
    assert (now.allies, now.strengths) == ("the integrator", "price")
    assert team.reads.events(code="ACME-5G")[-1].actor == "wei"
    team.powermap.delete_competitor(now.id, version=now.version)
    assert team.methods.deal_methods("ACME-5G").competitors == []


# --- the assessment ------------------------------------------------------------------------


def test_scores_keep_their_history_and_the_marks_follow(team: Store, clock: Clock) -> None:
    team.methods.score_factor("ACME-5G", "project", 2, seen=0)
    clock.advance(days=1)
    team.methods.score_factor("ACME-5G", "project", -1, note="budget cut")
    m = team.methods.deal_methods("ACME-5G")
    assert [s.score for s in m.scores] == [2, -1]
    assert m.current_scores["project"].note == "budget cut"
    assert team.reads.deal_room("ACME-5G").marks == m.assessment.marks == "−???"
    assert team.reads.events(code="ACME-5G")[-1].summary.endswith("−1 (was +2)")


def test_a_score_given_meanwhile_is_a_conflict(team: Store) -> None:
    first = team.methods.score_factor("ACME-5G", "project", 1, seen=0)
    with other_store(team, "wei") as wei:
        wei.methods.score_factor("ACME-5G", "project", -2, seen=first.id)
    with pytest.raises(ConflictError) as caught:
        team.methods.score_factor("ACME-5G", "project", 2, seen=first.id)
    assert (caught.value.by, caught.value.names) == (["wei"], ["Wei Zhang"])
    assert [s.score for s in team.methods.deal_methods("ACME-5G").scores] == [1, -2]
    with pytest.raises(RuleError):
        team.methods.score_factor("ACME-5G", "project", 3)
    with pytest.raises(RuleError):
        team.methods.score_factor("ACME-5G", "no_such_factor", 1)


# --- reviews and their triggers ---------------------------------------------------------------


def test_review_triggers_from_stored_facts(team: Store, clock: Clock) -> None:
    assert team.methods.deals_needing_review() == {}
    task = team.items.add_task("ACME-5G", Role.SR, "Reference visit")
    team.items.set_task_status(task.id, TaskStatus.BLOCKED)
    team.deals.plan_stage("ACME-5G", Stage.OPPORTUNITY, TODAY)  # due today: not slipped
    clock.advance(days=7)
    assert team.methods.deals_needing_review() == {}  # blocked exactly 7 days: not yet
    clock.advance(days=1)
    later = other_store(team, "ana", TODAY + timedelta(days=8))
    reasons = later.methods.deals_needing_review()["ACME-5G"]
    assert any("Obstacle" in r and "blocked for 8 days" in r for r in reasons)
    assert any("Plan slipped" in r and "Opportunity" in r for r in reasons)
    later.methods.record_review("ACME-5G", note="moved the visit")
    assert later.methods.deals_needing_review() == {}
    review = later.methods.deal_methods("ACME-5G").last_review
    assert review is not None and review.note == "moved the visit"
    clock.advance(days=1)  # a review the same day had the news; the next day's move counts
    later = other_store(team, "ana", later.today() + timedelta(days=1))
    later.powermap.add_competitor("ACME-5G", Competitor("Rival Co"))
    kinds = [t.kind for t in later.methods.deal_methods("ACME-5G").triggers]
    assert kinds == [TriggerKind.COMPETITOR]
    later.close()


def test_a_review_cannot_be_recorded_ahead(team: Store) -> None:
    with pytest.raises(RuleError):
        team.methods.record_review("ACME-5G", held_on=TODAY + timedelta(days=1))
    assert team.methods.deal_methods("ACME-5G").reviews == []


def test_the_agenda_is_drawn_from_the_data(team: Store) -> None:
    team.powermap.add_contact("ACME-5G", CTO)
    team.powermap.add_competitor("ACME-5G", Competitor("Rival Co", weaknesses="no local team"))
    team.methods.score_factor("ACME-5G", "solution_fit", 2)
    team.items.add_task("ACME-5G", Role.AR, "Visit the CTO", owner="ana", due=TODAY)
    md = team.methods.review_agenda("ACME-5G").to_markdown(lambda t: t)
    assert "Wang Li (CTO)" in md and "Rival Co" in md and "Visit the CTO" in md
    assert "## Next actions" in md and "2026-11-23" in md


# --- the forecast ----------------------------------------------------------------------------


def test_forecast_weights_open_deals_by_close_month(team: Store) -> None:
    team.deals.update_deal("ACME-5G", DealUpdate(close_date=date(2026, 12, 15)))
    cny = team.methods.forecast()
    assert cny.currency == "CNY" and cny.total.next_3_months.weighted == 1_200_000 * 10 // 100
    month = next(b for b in cny.buckets if b.label == "2026-12")
    assert month.horizon is Horizon.MONTH and month.figures.count == 1
    assert set(cny.by_person) == {"ana", "wei", "li"}
    team.deals.set_status("ACME-5G", DealStatus.LOST, "price")
    assert team.methods.forecast().total.pipeline.count == 0


def test_a_refused_stage_move_is_not_a_review_record(team: Store) -> None:
    with pytest.raises(GateMissingError):
        team.deals.move_stage("ACME-5G", Stage.BID)
    with pytest.raises(StoreError):
        team.methods.deal_methods("NOPE")


# --- demo data ---------------------------------------------------------------------------


def test_demo_data_exercises_every_part(store: Store) -> None:
    from dealroom.demo import seed_demo
    from dealroom.domain.powermap import GapKind

    seed_demo(store.engine, deals=24, seed=7, today=TODAY, actor="ana", items=20)
    every = store.methods.deals_methods()
    gaps = [{g.kind for g in m.gaps} for m in every]
    assert any(GapKind.NO_COACH in g for g in gaps), "a deal without a coach"
    assert any(GapKind.NO_COACH not in g for g in gaps), "a deal with a coach"
    assert any(c.adverse for m in every for c in m.support_changes), "a falling key decider"
    kinds = {t.kind for m in every for t in m.triggers}
    assert {TriggerKind.OBSTACLE, TriggerKind.ADVERSE_SUPPORT} <= kinds
    assert any(m.competitors for m in every) and any(m.reviews for m in every)
    assert any(len(m.scores) > len(m.current_scores) for m in every), "a score's history"
    assert any(m.completion(m.deal.stage).answered for m in every)
