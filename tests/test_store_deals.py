"""The store's people, accounts, deals, stages, gates, members and reads.

Every test runs on SQLite and, when ``DEALROOM_TEST_PG_URL`` is set, on PostgreSQL
(through the ``store`` and ``team`` fixtures of conftest).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, Clock, other_store
from pilots import advance_to
from seeding import open_seeder

from dealroom.domain import (
    STAGES,
    DealStatus,
    Gate,
    GateDecision,
    GateMissingError,
    Level,
    RiskStatus,
    Role,
    RuleError,
    Stage,
    TaskStatus,
    Tier,
)
from dealroom.store import NotFoundError, ReadOnlyError, Store, open_store
from dealroom.store.engine import sqlite_path
from dealroom.store.inputs import DealUpdate
from dealroom.store.tables import DealMember
from dealroom.store.tx import ident

CODE = "ACME-5G"


def approve(store: Store, *gates: Gate, code: str = CODE) -> None:
    for gate in gates:
        store.deals.record_gate(code, gate, GateDecision.APPROVED)


def events_since(store: Store, last_id: int) -> list[tuple[str, str, dict[str, list[object]]]]:
    return [(e.entity, e.action, e.changes) for e in store.reads.events(after_id=last_id)]


# --- people and accounts -------------------------------------------------------------------


def test_add_person_is_listed_by_name(store: Store) -> None:
    wei = store.people.add_person("wei", "Wei Zhang", " wei@example.com ")
    store.people.add_person("ana", "Ana Lima")
    assert (wei.handle, wei.name, wei.email, wei.version) == (
        "wei",
        "Wei Zhang",
        "wei@example.com",
        1,
    )
    assert [p.handle for p in store.reads.people()] == ["ana", "wei"]
    assert store.reads.person("wei") == wei
    assert store.reads.person("nobody") is None


def test_add_person_refuses_a_taken_handle(store: Store) -> None:
    store.people.add_person("ana", "Ana Lima")
    with pytest.raises(RuleError, match="already exists"):
        store.people.add_person("ana", "Another Ana")
    assert [p.name for p in store.reads.people()] == ["Ana Lima"]


@pytest.mark.parametrize("handle", ["ana lima", "ana\tlima", "  "])
def test_add_person_refuses_a_handle_that_is_not_one_word(store: Store, handle: str) -> None:
    with pytest.raises(RuleError) as err:
        store.people.add_person(handle, "Ana Lima")
    assert err.value.field == "handle"
    assert store.reads.people() == []


def test_add_account_and_change_its_tier(store: Store) -> None:
    acct = store.people.add_account("Globex", Tier.A)
    assert (acct.name, acct.tier) == ("Globex", Tier.A)
    changed = store.people.set_account_tier("Globex", Tier.S)
    assert changed.tier is Tier.S
    assert changed.version == acct.version + 1
    assert [(a.name, a.tier) for a in store.reads.accounts()] == [("Globex", Tier.S)]


def test_add_account_defaults_to_tier_c_and_refuses_duplicates(store: Store) -> None:
    assert store.people.add_account("Initech").tier is Tier.C
    with pytest.raises(RuleError, match="already exists"):
        store.people.add_account("Initech", Tier.S)
    assert [(a.name, a.tier) for a in store.reads.accounts()] == [("Initech", Tier.C)]


def test_set_tier_of_unknown_account_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no account 'Nope'"):
        store.people.set_account_tier("Nope", Tier.A)


# --- creating deals ----------------------------------------------------------------------------


def test_create_deal_upper_cases_the_code_and_creates_the_account(store: Store) -> None:
    deal = store.deals.create_deal(
        " acme-6g ", "Edge sites", "ACME Mobile", amount=500, tier=Tier.A
    )
    assert deal.code == "ACME-6G"
    assert (deal.account, deal.tier, deal.amount) == ("ACME Mobile", Tier.A, 500)
    assert (deal.stage, deal.status, deal.level, deal.currency) == (
        Stage.LEAD,
        DealStatus.OPEN,
        Level.III,
        "CNY",
    )
    assert store.reads.deal("acme-6g") == deal
    assert [(a.name, a.tier) for a in store.reads.accounts()] == [("ACME Mobile", Tier.A)]


def test_create_deal_on_an_existing_account_keeps_its_tier(team: Store) -> None:
    deal = team.deals.create_deal("ACME-6G", "Edge", "ACME Telecom", tier=Tier.C)
    assert deal.account_id == team.reads.deal(CODE).account_id
    assert deal.tier is Tier.S
    assert len(team.reads.accounts()) == 1


def test_create_deal_sets_its_leads(team: Store) -> None:
    room = team.reads.deal_room(CODE)
    assert {role: m.handle for role, m in room.leads.items()} == {
        Role.AR: "ana",
        Role.SR: "wei",
        Role.FR: "li",
    }
    assert [(m.role, m.handle) for m in room.members if m.role is Role.SPONSOR] == [
        (Role.SPONSOR, "boss")
    ]


def test_create_deal_may_start_as_an_opportunity(store: Store) -> None:
    deal = store.deals.create_deal("OPP-1", "Shaped", "Globex", stage=Stage.OPPORTUNITY)
    assert deal.stage is Stage.OPPORTUNITY
    assert deal.probability == 20
    timeline = store.reads.deal_room("OPP-1").timeline
    assert [(t.stage, t.actual) for t in timeline if t.actual] == [(Stage.OPPORTUNITY, TODAY)]


@pytest.mark.parametrize(
    ("code", "options", "field"),
    [
        ("acme-5g", {}, "code"),
        ("ACME 7", {}, "code"),
        ("NEW-1", {"amount": -1}, "amount"),
        ("NEW-1", {"probability": 101}, "probability"),
        ("NEW-1", {"probability": -1}, "probability"),
        ("NEW-1", {"stage": Stage.BID}, "stage"),
        ("NEW-1", {"stage": Stage.PRE_BID}, "stage"),
        ("NEW-1", {"currency": "yuan"}, "currency"),
    ],
)
def test_create_deal_refuses_bad_values_and_creates_nothing(
    team: Store, code: str, options: dict[str, Any], field: str
) -> None:
    before = (team.reads.deal_codes(), team.reads.accounts(), team.reads.last_event_id())
    with pytest.raises(RuleError) as err:
        team.deals.create_deal(code, "Another", "New Account", **options)
    assert err.value.field == field
    assert (team.reads.deal_codes(), team.reads.accounts(), team.reads.last_event_id()) == before


def test_create_deal_with_an_unknown_lead_creates_neither_deal_nor_account(team: Store) -> None:
    before = (team.reads.deal_codes(), team.reads.accounts(), team.reads.last_event_id())
    with pytest.raises(NotFoundError, match="no person 'ghost'"):
        team.deals.create_deal(
            "NEW-1", "x", "New Account", leads={Role.AR: "ana", Role.SR: "ghost"}
        )
    assert (team.reads.deal_codes(), team.reads.accounts(), team.reads.last_event_id()) == before


# --- editing deals ----------------------------------------------------------------------------


def test_update_deal_changes_its_fields(team: Store, clock: Clock) -> None:
    before = team.reads.deal(CODE)
    clock.advance(hours=1)
    after = team.deals.update_deal(
        CODE,
        DealUpdate(
            name="5G core, phase 2",
            amount=2_000_000,
            currency="usd",
            close_date=date(2027, 3, 31),
            level=Level.I,
        ),
        version=before.version,
    )
    assert (after.name, after.amount, after.currency, after.close_date, after.level) == (
        "5G core, phase 2",
        2_000_000,
        "USD",
        date(2027, 3, 31),
        Level.I,
    )
    assert after.version == before.version + 1
    assert after.updated_at == clock() != before.updated_at
    assert team.reads.deal(CODE) == after


def test_update_deal_to_an_unknown_account_creates_it(team: Store) -> None:
    after = team.deals.update_deal(CODE, DealUpdate(account="ACME Group"))
    assert (after.account, after.tier) == ("ACME Group", Tier.C)
    assert sorted(a.name for a in team.reads.accounts()) == ["ACME Group", "ACME Telecom"]


def test_update_deal_without_a_change_keeps_the_version_and_logs_nothing(team: Store) -> None:
    before = team.reads.deal(CODE)
    last = team.reads.last_event_id()
    assert (
        team.deals.update_deal(CODE, DealUpdate(amount=before.amount, name=before.name)) == before
    )
    assert team.reads.last_event_id() == last


def test_probability_override_and_clearing_it(team: Store) -> None:
    assert team.reads.deal(CODE).probability == 10
    deal = team.deals.update_deal(CODE, DealUpdate(probability=45))
    assert (deal.probability_override, deal.probability, deal.weighted) == (45, 45, 540_000)
    deal = team.deals.update_deal(CODE, DealUpdate(probability=None))
    assert (deal.probability_override, deal.probability, deal.weighted) == (None, 10, 120_000)


def test_stage_change_keeps_the_probability_override(team: Store) -> None:
    team.deals.update_deal(CODE, DealUpdate(probability=45))
    team.deals.move_stage(CODE, Stage.OPPORTUNITY)
    approve(team, Gate.ATI)
    deal = team.deals.move_stage(CODE, Stage.PRE_BID)
    assert deal.stage is Stage.PRE_BID
    assert (deal.probability_override, deal.probability) == (45, 45)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"amount": -5}, "amount must not be negative"),
        ({"probability": 101}, "between 0 and 100"),
        ({"name": "   "}, "name must not be empty"),
        ({"currency": "EURO"}, "ISO 4217"),
    ],
)
def test_update_deal_refuses_bad_changes(team: Store, changes: dict[str, Any], error: str) -> None:
    before = team.reads.deal(CODE)
    with pytest.raises(RuleError, match=error):
        team.deals.update_deal(CODE, DealUpdate(**changes))
    assert team.reads.deal(CODE) == before


@pytest.mark.parametrize("field", ["stage", "status", "code"])
def test_a_deal_update_has_no_field_for_what_only_its_own_writes_change(field: str) -> None:
    """Stage and status change through their rules (move_stage, set_status), never through
    an edit: the update input has no such field, so the call cannot even be made."""
    with pytest.raises(TypeError, match=field):
        DealUpdate(**{field: "x"})  # type: ignore[arg-type]


# --- moving through the stages ----------------------------------------------------------------


def test_move_next_and_prev(team: Store) -> None:
    assert team.deals.move_stage(CODE, "next").stage is Stage.OPPORTUNITY
    assert team.deals.move_stage(CODE, "prev", reason="no budget yet").stage is Stage.LEAD


def test_move_to_an_explicit_stage_by_enum_or_value(team: Store) -> None:
    approve(team, Gate.ATI)
    assert team.deals.move_stage(CODE, "pre_bid").stage is Stage.PRE_BID
    assert team.deals.move_stage(CODE, Stage.LEAD, reason="sponsor left").stage is Stage.LEAD


def test_no_stage_before_lead_or_after_closed(team: Store) -> None:
    with pytest.raises(RuleError, match="Lead is the first stage"):
        team.deals.move_stage(CODE, "prev")
    advance_to(team, Stage.CLOSED)
    with pytest.raises(RuleError, match="Closed is the last stage"):
        team.deals.move_stage(CODE, "next")


def test_move_to_the_current_stage_is_refused(team: Store) -> None:
    with pytest.raises(RuleError, match="already in Lead"):
        team.deals.move_stage(CODE, Stage.LEAD)


@pytest.mark.parametrize("gate", [Gate.ATI, Gate.ATB, Gate.ATC, Gate.ATCC])
def test_entering_a_guarded_stage_needs_its_gate(team: Store, gate: Gate) -> None:
    guarded = gate.guards
    assert guarded is not None and guarded.prev is not None
    advance_to(team, guarded.prev)
    before = team.reads.deal(CODE)
    last = team.reads.last_event_id()
    with pytest.raises(GateMissingError) as err:
        team.deals.move_stage(CODE, "next")
    assert err.value.gates == [gate]
    assert gate.value in str(err.value)
    assert team.reads.deal(CODE) == before
    assert team.reads.last_event_id() == last
    approve(team, gate)
    assert team.deals.move_stage(CODE, "next").stage is guarded


def test_skipping_stages_needs_every_gate_passed(team: Store) -> None:
    with pytest.raises(GateMissingError) as err:
        team.deals.move_stage(CODE, Stage.BID)
    assert err.value.gates == [Gate.ATI, Gate.ATB]
    assert "ATI" in str(err.value) and "ATB" in str(err.value)
    approve(team, Gate.ATI)
    with pytest.raises(GateMissingError, match="ATB") as err:
        team.deals.move_stage(CODE, Stage.BID)
    assert err.value.gates == [Gate.ATB]
    approve(team, Gate.ATB)
    assert team.deals.move_stage(CODE, Stage.BID).stage is Stage.BID


def test_moving_back_needs_no_gate(team: Store) -> None:
    advance_to(team, Stage.BID)
    team.deals.record_gate(CODE, Gate.ATB, GateDecision.REJECTED)
    assert team.deals.move_stage(CODE, Stage.LEAD, reason="ATB rejected").stage is Stage.LEAD


@pytest.mark.parametrize("later", [GateDecision.REJECTED, GateDecision.DEFERRED])
def test_a_later_decision_supersedes_an_approval(
    team: Store, clock: Clock, later: GateDecision
) -> None:
    team.deals.move_stage(CODE, Stage.OPPORTUNITY)
    approve(team, Gate.ATI)
    clock.advance(minutes=5)
    team.deals.record_gate(CODE, Gate.ATI, later)
    with pytest.raises(GateMissingError, match="ATI"):
        team.deals.move_stage(CODE, "next")
    assert team.reads.deal_room(CODE).gate_states[Gate.ATI] is later
    clock.advance(minutes=5)
    approve(team, Gate.ATI)
    assert team.deals.move_stage(CODE, "next").stage is Stage.PRE_BID


def test_entering_stages_dates_them_with_the_movers_today(team: Store, clock: Clock) -> None:
    later = date(2026, 12, 1)
    with other_store(team, clock, actor="ana", today=later) as st:
        approve(st, Gate.ATI)
        st.deals.move_stage(CODE, Stage.PRE_BID)
    timeline = {t.stage: t for t in team.reads.deal_room(CODE).timeline}
    assert timeline[Stage.LEAD].actual == TODAY
    assert timeline[Stage.OPPORTUNITY].actual == later
    assert timeline[Stage.PRE_BID].actual == later
    assert [t.actual for s, t in timeline.items() if s.order > Stage.PRE_BID.order] == [None] * 5


@pytest.mark.parametrize("reason", ["", "   "])
def test_moving_back_needs_a_reason_and_changes_nothing_without_one(
    team: Store, reason: str
) -> None:
    advance_to(team, Stage.PRE_BID)
    before, last = team.reads.deal(CODE), team.reads.last_event_id()
    with pytest.raises(RuleError, match="moving back from Pre-bid shaping to Lead needs a reason"):
        team.deals.move_stage(CODE, Stage.LEAD, reason=reason)
    assert team.reads.deal(CODE) == before
    assert team.reads.last_event_id() == last
    assert team.reads.deal_room(CODE).moves_back == []


def test_a_move_back_keeps_its_reason_in_the_history_and_the_log(team: Store) -> None:
    advance_to(team, Stage.PRE_BID)
    team.deals.move_stage(CODE, "prev", reason=" customer paused the tender ")
    [back] = team.reads.deal_room(CODE).moves_back
    assert (back.from_stage, back.to_stage, back.day, back.actor, back.reason) == (
        Stage.PRE_BID,
        Stage.OPPORTUNITY,
        TODAY,
        team.database.actor,
        "customer paused the tender",
    )
    event = team.reads.events(code=CODE)[-1]
    assert event.summary == (
        f"moved back {CODE} from Pre-bid shaping to Opportunity: customer paused the tender"
    )
    assert event.changes["reason"] == [None, "customer paused the tender"]


def test_back_and_forward_keeps_each_stages_first_day(team: Store, clock: Clock) -> None:
    """Before, `stage X lead` then `stage X contract` dated every stage today: the
    timeline, the export and the slipped-plan trigger then rested on rewritten dates."""
    advance_to(team, Stage.CONTRACT)
    first = {t.stage: t.actual for t in team.reads.deal_room(CODE).timeline}
    assert [s for s, d in first.items() if d == TODAY] == list(STAGES[: Stage.CONTRACT.order + 1])
    later = TODAY + timedelta(days=9)
    with other_store(team, clock, actor="ana", today=later) as st:
        st.deals.move_stage(CODE, Stage.LEAD, reason="budget moved to next year")
        mid = {t.stage: t for t in st.reads.deal_room(CODE).timeline}
        assert [s for s, t in mid.items() if t.reached] == [Stage.LEAD]
        assert mid[Stage.BID].actual == TODAY and mid[Stage.BID].went_back is None
        assert mid[Stage.CONTRACT].went_back == later
        st.deals.move_stage(CODE, Stage.CONTRACT)
    room = team.reads.deal_room(CODE)
    assert {t.stage: t.actual for t in room.timeline} == first
    assert [t.stage for t in room.timeline if t.current] == [Stage.CONTRACT]
    assert [(m.from_stage, m.to_stage, m.day) for m in room.moves_back] == [
        (Stage.CONTRACT, Stage.LEAD, later)
    ]


def test_a_stage_entered_only_after_a_move_back_is_dated_then(team: Store, clock: Clock) -> None:
    advance_to(team, Stage.PRE_BID)
    team.deals.move_stage(CODE, Stage.OPPORTUNITY, reason="scope changed")
    later = TODAY + timedelta(days=3)
    approve(team, Gate.ATB)
    with other_store(team, clock, actor="ana", today=later) as st:
        st.deals.move_stage(CODE, Stage.BID)
    timeline = {t.stage: t.actual for t in team.reads.deal_room(CODE).timeline}
    assert (timeline[Stage.PRE_BID], timeline[Stage.BID]) == (TODAY, later)


def test_a_slipped_plan_after_a_move_back_is_a_review_trigger_again(team: Store) -> None:
    """A stage the deal entered and then left is not 'reached': its plan can slip."""
    advance_to(team, Stage.PRE_BID)
    team.deals.plan_stage(CODE, Stage.PRE_BID, TODAY - timedelta(days=2))
    slipped = "Pre-bid shaping was planned for"
    assert not any(slipped in r for r in team.methods.deals_needing_review().get(CODE, []))
    team.deals.move_stage(CODE, Stage.OPPORTUNITY, reason="scope changed")
    assert any(slipped in r for r in team.methods.deals_needing_review()[CODE])


# --- status ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.LEAD, Stage.OPPORTUNITY, Stage.PRE_BID, Stage.BID])
def test_won_before_contract_is_refused(team: Store, stage: Stage) -> None:
    advance_to(team, stage)
    with pytest.raises(RuleError, match="contract is signed"):
        team.deals.set_status(CODE, DealStatus.WON)
    assert team.reads.deal(CODE).status is DealStatus.OPEN


def test_won_from_contract_on(team: Store) -> None:
    advance_to(team, Stage.CONTRACT)
    deal = team.deals.set_status(CODE, DealStatus.WON)
    assert (deal.status, deal.probability, deal.weighted) == (DealStatus.WON, 100, 1_200_000)
    assert team.deals.move_stage(CODE, "next").stage is Stage.DELIVERY


def test_a_won_deal_cannot_move_before_contract(team: Store) -> None:
    """Before, `stage CODE lead` made a won Lead; now it is refused and nothing changes."""
    advance_to(team, Stage.CONTRACT)
    team.deals.set_status(CODE, DealStatus.WON)
    team.deals.move_stage(CODE, "next")
    events = len(team.reads.events(code=CODE))
    for target in ("lead", "bid"):
        with pytest.raises(RuleError, match="the deal is won: it stays at Contract or later"):
            team.deals.move_stage(CODE, target)
    deal = team.reads.deal(CODE)
    assert (deal.stage, deal.status) == (Stage.DELIVERY, DealStatus.WON)
    assert len(team.reads.events(code=CODE)) == events
    assert team.deals.move_stage(CODE, "prev", reason="acceptance failed").stage is Stage.CONTRACT


@pytest.mark.parametrize("status", [DealStatus.LOST, DealStatus.DROPPED])
def test_lost_or_dropped_needs_a_reason(team: Store, status: DealStatus) -> None:
    with pytest.raises(RuleError, match="reason is required"):
        team.deals.set_status(CODE, status, "  ")
    assert team.reads.deal(CODE).status is DealStatus.OPEN
    deal = team.deals.set_status(CODE, status, " went with a rival ")
    assert (deal.status, deal.status_reason, deal.probability) == (status, "went with a rival", 0)


def test_lost_deal_refuses_stage_moves_and_gate_decisions_until_reopened(team: Store) -> None:
    team.deals.set_status(CODE, DealStatus.LOST, "price")
    with pytest.raises(RuleError, match="reopen it"):
        team.deals.move_stage(CODE, "next")
    with pytest.raises(RuleError, match="no gate decisions"):
        team.deals.record_gate(CODE, Gate.ATI, GateDecision.APPROVED)
    assert team.reads.deal(CODE).stage is Stage.LEAD
    deal = team.deals.set_status(CODE, DealStatus.OPEN)
    assert (deal.status, deal.status_reason, deal.probability) == (DealStatus.OPEN, "", 10)
    assert team.deals.move_stage(CODE, "next").stage is Stage.OPPORTUNITY


def test_setting_the_same_status_is_refused(team: Store) -> None:
    with pytest.raises(RuleError, match="already open"):
        team.deals.set_status(CODE, DealStatus.OPEN)


# --- members --------------------------------------------------------------------------------


def test_set_member_replaces_a_lead(team: Store) -> None:
    team.deals.set_member(CODE, Role.AR, "boss")
    room = team.reads.deal_room(CODE)
    assert room.leads[Role.AR].handle == "boss"
    assert [m.handle for m in room.members if m.role is Role.AR] == ["boss"]


def test_set_member_replaces_the_sponsor(team: Store) -> None:
    """Before, picking a sponsor added a second one beside the first."""
    team.deals.set_member(CODE, Role.SPONSOR, "wei")
    room = team.reads.deal_room(CODE)
    assert [m.handle for m in room.members if m.role is Role.SPONSOR] == ["wei"]
    assert room.sponsor is not None and room.sponsor.handle == "wei"
    assert Role.SPONSOR not in room.leads
    assert team.reads.events(code=CODE)[-1].summary == (
        f"made Wei Zhang sponsor of {CODE} instead of Sam Sponsor"
    )


def test_experts_may_be_many(team: Store) -> None:
    team.deals.set_member(CODE, Role.EXPERT, "wei")
    team.deals.set_member(CODE, Role.EXPERT, "boss")
    experts = [m.handle for m in team.reads.deal_room(CODE).members if m.role is Role.EXPERT]
    assert experts == ["wei", "boss"]


def test_several_sponsors_from_before_become_one_each_removal_logged(team: Store) -> None:
    """A database from before may hold two sponsors; setting one leaves exactly that one,
    and the log says who was taken off."""
    with team.database.write() as tx:  # what the old form did
        deal, wei = ident(tx.deal(CODE)), ident(tx.person("wei"))
        tx.session.add(DealMember(deal_id=deal, person_id=wei, role=Role.SPONSOR))
    team.deals.set_member(CODE, Role.SPONSOR, "wei")
    room = team.reads.deal_room(CODE)
    assert [m.handle for m in room.members if m.role is Role.SPONSOR] == ["wei"]
    assert team.reads.events(code=CODE)[-1].summary == f"removed Sam Sponsor as sponsor of {CODE}"


def test_set_members_as_a_whole_in_one_change(team: Store) -> None:
    team.deals.set_member(CODE, Role.EXPERT, "boss")
    changed = team.deals.set_members(
        CODE, {Role.AR: "ana", Role.FR: None, Role.SPONSOR: "wei"}, ["li", "li"]
    )
    assert changed == 4  # FR off, sponsor replaced, boss off the experts, li on
    room = team.reads.deal_room(CODE)
    assert sorted((m.role.value, m.handle) for m in room.members) == [
        ("AR", "ana"), ("SR", "wei"), ("expert", "li"), ("sponsor", "wei"),
    ]  # fmt: skip
    last = team.reads.last_event_id()
    assert team.deals.set_members(CODE, {Role.AR: "ana"}, ["li"]) == 0
    assert team.reads.last_event_id() == last


def test_set_members_with_an_unknown_person_changes_nothing(team: Store) -> None:
    before = (team.reads.deal_room(CODE).members, team.reads.last_event_id())
    with pytest.raises(NotFoundError, match="no person 'ghost'"):
        team.deals.set_members(CODE, {Role.SPONSOR: "wei"}, ["ghost"])
    assert (team.reads.deal_room(CODE).members, team.reads.last_event_id()) == before


def test_remove_the_holder_of_a_one_person_role_without_naming_them(team: Store) -> None:
    team.deals.remove_member(CODE, Role.SPONSOR)
    assert team.reads.deal_room(CODE).sponsor is None
    with pytest.raises(NotFoundError, match=f"{CODE} has no sponsor"):
        team.deals.remove_member(CODE, Role.SPONSOR)


def test_set_member_who_already_holds_the_role_changes_nothing(team: Store) -> None:
    before = (team.reads.deal_room(CODE).members, team.reads.last_event_id())
    team.deals.set_member(CODE, Role.SR, "wei")
    assert (team.reads.deal_room(CODE).members, team.reads.last_event_id()) == before


def test_remove_member(team: Store) -> None:
    team.deals.remove_member(CODE, Role.SR, "wei")
    room = team.reads.deal_room(CODE)
    assert Role.SR not in room.leads
    assert "wei" not in [m.handle for m in room.members]


def test_remove_member_who_does_not_hold_the_role_is_not_found(team: Store) -> None:
    with pytest.raises(NotFoundError, match="is not AR"):
        team.deals.remove_member(CODE, Role.AR, "wei")


def test_set_member_of_unknown_person_is_not_found(team: Store) -> None:
    with pytest.raises(NotFoundError, match="no person 'ghost'"):
        team.deals.set_member(CODE, Role.EXPERT, "ghost")


# --- gates and the plan -----------------------------------------------------------------------


def test_record_gate_notes_who_decided_when(team: Store, clock: Clock) -> None:
    clock.advance(hours=3)
    gate = team.deals.record_gate(CODE, Gate.ATI, GateDecision.DEFERRED, "  budget unclear ")
    assert (gate.gate, gate.decision, gate.decided_by, gate.decided_at, gate.note) == (
        Gate.ATI,
        GateDecision.DEFERRED,
        "ana",
        clock(),
        "budget unclear",
    )
    assert team.reads.deal_room(CODE).gates == [gate]


def test_atac_is_refused_before_contract_and_allowed_after(team: Store) -> None:
    advance_to(team, Stage.BID)
    with pytest.raises(RuleError, match="not reached Contract"):
        team.deals.record_gate(CODE, Gate.ATAC, GateDecision.APPROVED)
    advance_to(team, Stage.CONTRACT)
    first = team.deals.record_gate(CODE, Gate.ATAC, GateDecision.APPROVED, "scope +10%")
    second = team.deals.record_gate(CODE, Gate.ATAC, GateDecision.APPROVED, "delivery date")
    assert [g.id for g in team.reads.deal_room(CODE).gates if g.gate is Gate.ATAC] == [
        first.id,
        second.id,
    ]


def test_timeline_shows_each_gate_state(team: Store) -> None:
    approve(team, Gate.ATI)
    team.deals.record_gate(CODE, Gate.ATB, GateDecision.REJECTED)
    timeline = team.reads.deal_room(CODE).timeline
    assert [t.stage for t in timeline] == list(STAGES)
    assert {t.stage: (t.gate, t.gate_state) for t in timeline if t.gate} == {
        Stage.PRE_BID: (Gate.ATI, GateDecision.APPROVED),
        Stage.BID: (Gate.ATB, GateDecision.REJECTED),
        Stage.CONTRACT: (Gate.ATC, None),
        Stage.CLOSED: (Gate.ATCC, None),
    }


def test_plan_stage_sets_and_clears_the_planned_date(team: Store) -> None:
    team.deals.plan_stage(CODE, Stage.BID, date(2027, 1, 15))
    planned = {t.stage: t.planned for t in team.reads.deal_room(CODE).timeline if t.planned}
    assert planned == {Stage.BID: date(2027, 1, 15)}
    last = team.reads.last_event_id()
    team.deals.plan_stage(CODE, Stage.BID, date(2027, 1, 15))
    assert team.reads.last_event_id() == last
    team.deals.plan_stage(CODE, Stage.BID, None)
    assert [t.planned for t in team.reads.deal_room(CODE).timeline] == [None] * 8


def test_plan_and_actual_dates_live_side_by_side(team: Store) -> None:
    team.deals.plan_stage(CODE, Stage.OPPORTUNITY, date(2026, 12, 15))
    team.deals.move_stage(CODE, Stage.OPPORTUNITY)
    opp = team.reads.deal_room(CODE).timeline[Stage.OPPORTUNITY.order]
    assert (opp.planned, opp.actual) == (date(2026, 12, 15), TODAY)


# --- not found --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda st: st.reads.deal("ACME-5H"),
        lambda st: st.reads.deal_room("acme-5h"),
        lambda st: st.deals.update_deal("ACME-5H", DealUpdate(amount=1)),
        lambda st: st.deals.move_stage("ACME-5H", "next"),
        lambda st: st.deals.set_status("ACME-5H", DealStatus.LOST, "x"),
        lambda st: st.deals.record_gate("ACME-5H", Gate.ATI, GateDecision.APPROVED),
        lambda st: st.items.add_task("ACME-5H", Role.AR, "t"),
        lambda st: st.reads.events(code="ACME-5H"),
    ],
    ids=["deal", "deal_room", "update", "move", "status", "gate", "task", "events"],
)
def test_unknown_deal_code_suggests_a_close_one(
    team: Store, call: Callable[[Store], object]
) -> None:
    with pytest.raises(NotFoundError) as err:
        call(team)
    assert "ACME-5H" in str(err.value).upper()
    assert "did you mean ACME-5G" in str(err.value)


def test_unknown_deal_code_far_from_any_suggests_nothing(team: Store) -> None:
    with pytest.raises(NotFoundError) as err:
        team.reads.deal("ZZZ-999")
    assert "did you mean" not in str(err.value)


# --- reads: pipeline and deal room ---------------------------------------------------------------


@pytest.fixture
def busy(team: Store) -> Store:
    """ACME-5G in Opportunity with tasks, risks and handoffs in every state; GLX-1 quiet."""
    team.deals.move_stage(CODE, Stage.OPPORTUNITY)
    add = team.items.add_task
    add(CODE, Role.AR, "call back", due=date(2026, 11, 22))  # overdue
    add(CODE, Role.AR, "send deck", due=TODAY)  # due today: not overdue
    add(CODE, Role.SR, "old and done", due=date(2026, 11, 1), status=TaskStatus.DONE)
    add(CODE, Role.FR, "waiting on site", status=TaskStatus.BLOCKED)  # blocked, no due
    add(CODE, Role.FR, "permit", due=date(2026, 11, 20), status=TaskStatus.BLOCKED)  # both
    risk = team.items.add_risk
    risk(CODE, Role.AR, "exposure 15", likelihood=3, impact=5)  # high
    risk(CODE, Role.AR, "exposure 12", likelihood=4, impact=3)  # not high
    risk(CODE, Role.SR, "escalated", likelihood=1, impact=1, escalated=True)  # high
    risk(CODE, Role.SR, "closed 25", likelihood=5, impact=5, status=RiskStatus.CLOSED)
    risk(CODE, Role.FR, "closed, escalated", status=RiskStatus.CLOSED, escalated=True)
    risk(CODE, Role.FR, "mitigating 20", likelihood=5, impact=4, status=RiskStatus.MITIGATING)
    team.items.add_handoff(CODE, Role.AR, Role.SR, "needs")  # sent: waiting
    team.items.add_handoff(CODE, Role.SR, Role.FR, "draft BoQ", send=False)
    team.items.accept_handoff(team.items.add_handoff(CODE, Role.SR, Role.AR, "quote").id)
    team.items.reject_handoff(
        team.items.add_handoff(CODE, Role.FR, Role.AR, "plan").id, "too vague"
    )
    team.deals.create_deal("GLX-1", "Globex WAN", "Globex", amount=300_000, leads={Role.AR: "wei"})
    return team


def test_pipeline_flags_count_what_needs_attention(busy: Store) -> None:
    rows = {r.deal.code: r for r in busy.reads.pipeline()}
    acme = rows[CODE]
    assert (acme.overdue_tasks, acme.blocked_tasks, acme.high_risks, acme.waiting_handoffs) == (
        2,
        2,
        3,
        1,
    )
    assert acme.pending_gate is Gate.ATI
    assert acme.flags == "!2 #2 ▲3 ⇄1 ◆ATI"
    assert acme.leads == {Role.AR: "Ana Lima", Role.SR: "Wei Zhang", Role.FR: "李娜"}
    quiet = rows["GLX-1"]
    assert (quiet.overdue_tasks, quiet.blocked_tasks, quiet.high_risks) == (0, 0, 0)
    assert (quiet.waiting_handoffs, quiet.pending_gate, quiet.flags) == (0, None, "")


def test_pipeline_counts_overdue_against_the_day_asked(busy: Store) -> None:
    rows = {r.deal.code: r for r in busy.reads.pipeline(today=date(2026, 11, 24))}
    assert rows[CODE].overdue_tasks == 3
    rows = {r.deal.code: r for r in busy.reads.pipeline(today=date(2026, 11, 20))}
    assert rows[CODE].overdue_tasks == 0


def test_pipeline_flags_follow_changes(busy: Store) -> None:
    approve(busy, Gate.ATI)
    for task in busy.reads.deal_room(CODE).tasks:
        if task.status is TaskStatus.BLOCKED:
            busy.items.set_task_status(task.id, TaskStatus.DONE)
    row = next(r for r in busy.reads.pipeline() if r.deal.code == CODE)
    assert (row.overdue_tasks, row.blocked_tasks, row.pending_gate) == (1, 0, None)


def test_pipeline_lists_later_stages_first_and_filters_by_stage(busy: Store) -> None:
    assert [r.deal.code for r in busy.reads.pipeline()] == [CODE, "GLX-1"]
    assert [r.deal.code for r in busy.reads.pipeline(stage=Stage.LEAD)] == ["GLX-1"]
    assert [r.deal.code for r in busy.reads.pipeline(stage=Stage.OPPORTUNITY)] == [CODE]
    assert busy.reads.pipeline(stage=Stage.BID) == []


def test_pipeline_mine_uses_the_acting_person(busy: Store, clock: Clock) -> None:
    assert [r.deal.code for r in busy.reads.pipeline(mine=True)] == [CODE]
    with other_store(busy, clock, actor="wei") as wei:
        assert [r.deal.code for r in wei.reads.pipeline(mine=True)] == [CODE, "GLX-1"]
    with other_store(busy, clock, actor="stranger") as nobody:
        assert nobody.reads.pipeline(mine=True) == []


@pytest.mark.parametrize("status", [DealStatus.LOST, DealStatus.DROPPED])
def test_pipeline_hides_lost_and_dropped_deals_unless_asked(
    busy: Store, status: DealStatus
) -> None:
    busy.deals.set_member("GLX-1", Role.SPONSOR, "ana")  # who may mark it
    busy.deals.set_status("GLX-1", status, "no budget")
    assert [r.deal.code for r in busy.reads.pipeline()] == [CODE]
    closed = {r.deal.code: r for r in busy.reads.pipeline(include_closed=True)}
    assert sorted(closed) == [CODE, "GLX-1"]
    assert closed["GLX-1"].pending_gate is None
    assert closed["GLX-1"].deal.weighted == 0


def test_pipeline_keeps_won_deals(team: Store) -> None:
    advance_to(team, Stage.CONTRACT)
    team.deals.set_status(CODE, DealStatus.WON)
    [row] = team.reads.pipeline()
    assert (row.deal.status, row.deal.weighted) == (DealStatus.WON, 1_200_000)


def test_pipeline_weighted_amount_follows_stage_and_override(busy: Store) -> None:
    rows = {r.deal.code: r.deal for r in busy.reads.pipeline()}
    assert rows[CODE].weighted == 240_000  # Opportunity: 20% of 1,200,000
    assert rows["GLX-1"].weighted == 30_000  # Lead: 10% of 300,000
    busy.deals.update_deal("GLX-1", DealUpdate(probability=75))
    rows = {r.deal.code: r.deal for r in busy.reads.pipeline()}
    assert rows["GLX-1"].weighted == 225_000


def test_deal_room_holds_the_whole_deal(busy: Store) -> None:
    room = busy.reads.deal_room(CODE)
    assert room.deal == busy.reads.deal(CODE)
    assert len(room.tasks) == 5 and len(room.risks) == 6 and len(room.handoffs) == 4
    assert [t.title for t in room.tasks_for(Role.AR)] == ["call back", "send deck"]
    assert {h.title for h in room.handoffs_for(Role.FR)} == {"draft BoQ", "plan"}
    assert {m.handle for m in room.members} == {"ana", "wei", "li", "boss"}
    assert len(room.timeline) == 8
    assert busy.reads.deal_room("GLX-1").tasks == []


def test_deal_room_orders_tasks_by_due_date_undated_last(busy: Store) -> None:
    dues = [t.due for t in busy.reads.deal_room(CODE).tasks]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated)
    assert dues[len(dated) :] == [None]


def test_views_are_plain_objects_usable_after_the_store_closes(busy: Store) -> None:
    room = busy.reads.deal_room(CODE)
    rows = busy.reads.pipeline()
    log = busy.reads.events(code=CODE)
    busy.close()
    assert room.deal.weighted == 240_000
    assert room.leads[Role.SR].name == "Wei Zhang"
    assert max(r.exposure for r in room.risks) == 25
    assert room.risks_for(Role.AR)[0].title == "exposure 15"
    assert room.tasks_for(Role.AR)[0].overdue(TODAY)
    assert rows[0].flags.startswith("!2")
    assert log[0].deal_code == CODE
    with pytest.raises(AttributeError):
        room.deal.amount = 1  # type: ignore[misc]


def test_timestamps_read_back_as_aware_utc(team: Store, clock: Clock) -> None:
    clock.advance(hours=5, minutes=7)
    task = team.items.add_task(CODE, Role.AR, "stamped")
    assert task.created_at == datetime(2026, 11, 23, 14, 7, tzinfo=UTC)
    assert task.created_at.utcoffset() is not None
    assert team.reads.events()[-1].at == clock()


# --- a database the user may only read ---------------------------------------------------------


def test_read_only_database_refuses_writes_but_serves_reads(
    sqlite_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_seeder(sqlite_url, actor="ana", now=clock, today=TODAY) as st:
        st.people.add_person("ana", "Ana Lima")
        st.deals.create_deal(CODE, "5G core refresh", "ACME Telecom", leads={Role.AR: "ana"})
    path = sqlite_path(sqlite_url)
    assert path is not None
    path.chmod(0o444)
    if os.geteuid() == 0:
        # Root may write any file, so take write access away where the store asks for it.
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if mode & os.W_OK else real_access(p, mode)
        )
    try:
        with open_store(sqlite_url, actor="ana", now=clock, today=TODAY) as ro:
            assert isinstance(ro, Store)
            assert ro.writable is False
            assert ro.reads.deal(CODE).name == "5G core refresh"
            assert [r.deal.code for r in ro.reads.pipeline(mine=True)] == [CODE]
            with pytest.raises(ReadOnlyError, match="may not write"):
                ro.people.add_person("wei", "Wei Zhang")
            with pytest.raises(ReadOnlyError):
                ro.deals.update_deal(CODE, DealUpdate(amount=5))
            assert ro.reads.deal(CODE).amount == 0
            assert ro.reads.people()[0].handle == "ana"
    finally:
        Path(path).chmod(0o644)
