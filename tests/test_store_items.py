"""The store's tasks, risks and handoffs, optimistic locking, and the event log.

Every test runs on SQLite and, when ``DEALROOM_TEST_PG_URL`` is set, on PostgreSQL
(through the ``store`` and ``team`` fixtures of conftest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import TODAY, Clock, other_store

from dealroom.domain import (
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    RiskStatus,
    Role,
    RuleError,
    Stage,
    TaskStatus,
    Tier,
)
from dealroom.store import ConflictError, NotFoundError, Store, StoreError, open_store
from dealroom.store.inputs import DealUpdate, HandoffUpdate, RiskUpdate, TaskUpdate
from dealroom.store.views import HandoffView

CODE = "ACME-5G"


@pytest.fixture
def wei(team: Store, clock: Clock) -> Iterator[Store]:
    """Wei, working on the same database in a store of his own."""
    other = open_store(team.url, actor="wei", now=clock, today=TODAY)
    try:
        yield other
    finally:
        other.close()


def snapshot(store: Store) -> tuple[object, ...]:
    """Everything a refused write must leave as it was."""
    return (
        store.reads.last_event_id(),
        store.reads.people(),
        store.reads.accounts(),
        [store.reads.deal_room(code) for code, _ in store.reads.deal_codes()],
    )


# --- tasks ---------------------------------------------------------------------------------------


def test_add_task_with_owner_due_and_stage(team: Store, clock: Clock) -> None:
    task = team.items.add_task(
        CODE, Role.SR, " draft BoQ ", owner="wei", due=date(2026, 12, 1), note=" v1 "
    )
    assert (task.title, task.role, task.owner, task.owner_name) == (
        "draft BoQ",
        Role.SR,
        "wei",
        "Wei Zhang",
    )
    assert (task.due, task.status, task.stage, task.note) == (
        date(2026, 12, 1),
        TaskStatus.TODO,
        Stage.LEAD,
        "v1",
    )
    assert task.created_at == task.status_changed_at == clock()
    assert team.reads.task(task.id) == task
    assert team.reads.deal_room(CODE).tasks == [task]


def test_add_task_stage_defaults_to_the_deals_current_stage(team: Store) -> None:
    team.deals.move_stage(CODE, "next")
    assert team.items.add_task(CODE, Role.AR, "qualify").stage is Stage.OPPORTUNITY
    assert team.items.add_task(CODE, Role.AR, "plan bid", stage=Stage.BID).stage is Stage.BID


@pytest.mark.parametrize(
    ("role", "title", "error"),
    [
        (Role.SPONSOR, "approve", "AR, SR or FR"),
        (Role.EXPERT, "review", "AR, SR or FR"),
        (Role.AR, "   ", "title must not be empty"),
    ],
)
def test_add_task_refuses_bad_role_or_title(
    team: Store, role: Role, title: str, error: str
) -> None:
    with pytest.raises(RuleError, match=error):
        team.items.add_task(CODE, role, title)
    assert team.reads.deal_room(CODE).tasks == []


def test_add_task_with_unknown_owner_is_not_found_and_adds_nothing(team: Store) -> None:
    with pytest.raises(NotFoundError, match="no person 'ghost'"):
        team.items.add_task(CODE, Role.AR, "call", owner="ghost")
    assert team.reads.deal_room(CODE).tasks == []


def test_update_task_changes_fields(team: Store, clock: Clock) -> None:
    task = team.items.add_task(CODE, Role.AR, "call CTO")
    clock.advance(hours=2)
    after = team.items.update_task(
        task.id,
        TaskUpdate(
            title="call CFO",
            owner="li",
            due=date(2026, 11, 30),
            stage=Stage.PRE_BID,
            note=" about budget ",
            role=Role.FR,
        ),
        version=task.version,
    )
    assert (after.title, after.owner, after.due, after.stage, after.note, after.role) == (
        "call CFO",
        "li",
        date(2026, 11, 30),
        Stage.PRE_BID,
        "about budget",
        Role.FR,
    )
    assert after.version == task.version + 1
    assert after.updated_at == clock()
    assert after.status_changed_at == task.status_changed_at  # the status did not change
    assert team.items.update_task(task.id, TaskUpdate(owner=None)).owner is None


def test_set_task_status_stamps_when_the_status_changed(team: Store, clock: Clock) -> None:
    task = team.items.add_task(CODE, Role.AR, "call")
    clock.advance(days=1)
    after = team.items.set_task_status(task.id, TaskStatus.BLOCKED)
    assert (after.status, after.status_changed_at) == (TaskStatus.BLOCKED, clock())
    assert after.status_changed_at != task.status_changed_at


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"owner": "ghost"}, NotFoundError),
        ({"title": ""}, RuleError),
        ({"role": "sponsor"}, RuleError),
        ({"status": "stuck"}, ValueError),
    ],
)
def test_update_task_refuses_bad_changes(
    team: Store, changes: dict[str, Any], error: type[Exception]
) -> None:
    task = team.items.add_task(CODE, Role.AR, "call")
    with pytest.raises(error):
        team.items.update_task(task.id, TaskUpdate(**changes))
    assert team.reads.task(task.id) == task


def test_a_task_update_has_no_field_for_the_deal_it_is_on() -> None:
    """A task stays on its deal: the update input has no such field."""
    with pytest.raises(TypeError, match="deal_id"):
        TaskUpdate(**{"deal_id": 2})  # type: ignore[arg-type]


def test_delete_task(team: Store) -> None:
    task = team.items.add_task(CODE, Role.AR, "call")
    keep = team.items.add_task(CODE, Role.AR, "write")
    team.items.delete_task(task.id, version=task.version)
    assert team.reads.deal_room(CODE).tasks == [keep]
    with pytest.raises(NotFoundError, match=f"no task #{task.id}"):
        team.reads.task(task.id)


@pytest.mark.parametrize(
    "call",
    [
        lambda st: st.reads.task(999),
        lambda st: st.items.update_task(999, TaskUpdate(title="x")),
        lambda st: st.items.set_task_status(999, TaskStatus.DONE),
        lambda st: st.items.delete_task(999),
    ],
    ids=["read", "update", "status", "delete"],
)
def test_unknown_task_id_is_not_found(team: Store, call: Callable[[Store], object]) -> None:
    with pytest.raises(NotFoundError, match="no task #999"):
        call(team)


# --- risks ---------------------------------------------------------------------------------------


def test_add_risk(team: Store) -> None:
    risk = team.items.add_risk(
        CODE,
        Role.FR,
        "late permits",
        likelihood=4,
        impact=4,
        mitigation=" apply early ",
        owner="li",
    )
    assert (risk.likelihood, risk.impact, risk.exposure, risk.level.value) == (4, 4, 16, "high")
    assert (risk.mitigation, risk.owner, risk.status, risk.escalated) == (
        "apply early",
        "li",
        RiskStatus.OPEN,
        False,
    )
    assert risk.escalated_at is None
    assert team.reads.risk(risk.id) == risk


@pytest.mark.parametrize(("field", "value"), [("likelihood", 0), ("likelihood", 6), ("impact", 0)])
def test_add_risk_refuses_ratings_outside_one_to_five(team: Store, field: str, value: int) -> None:
    rating: dict[str, Any] = {field: value}
    with pytest.raises(RuleError, match=f"{field} must be between 1 and 5"):
        team.items.add_risk(CODE, Role.AR, "rival", **rating)
    assert team.reads.deal_room(CODE).risks == []


def test_update_risk(team: Store) -> None:
    risk = team.items.add_risk(CODE, Role.AR, "rival discount")
    after = team.items.update_risk(
        risk.id,
        RiskUpdate(
            likelihood=5,
            impact=2,
            mitigation="value story",
            owner="ana",
            status=RiskStatus.MITIGATING,
        ),
        version=risk.version,
    )
    assert (after.exposure, after.mitigation, after.owner, after.status) == (
        10,
        "value story",
        "ana",
        RiskStatus.MITIGATING,
    )
    assert after.version == risk.version + 1
    with pytest.raises(RuleError, match="impact must be between 1 and 5"):
        team.items.update_risk(risk.id, RiskUpdate(impact=9))
    assert team.reads.risk(risk.id) == after


def test_escalate_and_de_escalate_a_risk(team: Store, clock: Clock) -> None:
    risk = team.items.add_risk(CODE, Role.FR, "site access")
    clock.advance(hours=1)
    up = team.items.escalate_risk(risk.id, version=risk.version)
    assert (up.escalated, up.escalated_at, up.escalated_to_name) == (True, clock(), "Sam Sponsor")
    assert team.reads.events(code=CODE)[-1].summary == (
        "escalated risk 'site access' to Sam Sponsor (sponsor)"
    )
    with pytest.raises(RuleError, match="already escalated"):
        team.items.escalate_risk(risk.id)
    down = team.items.escalate_risk(risk.id, False, version=up.version)
    assert (down.escalated, down.escalated_at, down.escalated_to_name) == (False, None, None)
    with pytest.raises(RuleError, match="not escalated"):
        team.items.escalate_risk(risk.id, False)


def test_a_deal_without_a_sponsor_cannot_escalate(team: Store) -> None:
    """An escalation goes to someone: with no sponsor it is refused and says how to fix it."""
    team.deals.create_deal("BETA-1", "Other deal", "Beta Corp", leads={Role.AR: "ana"})
    risk = team.items.add_risk("BETA-1", Role.FR, "site access")
    with pytest.raises(RuleError, match="BETA-1 has no sponsor to escalate to"):
        team.items.escalate_risk(risk.id)
    with pytest.raises(RuleError, match="member set BETA-1 sponsor HANDLE"):
        team.items.add_risk("BETA-1", Role.FR, "budget", escalated=True)
    assert [r.escalated for r in team.reads.deal_room("BETA-1").risks] == [False]
    team.deals.set_member("BETA-1", Role.SPONSOR, "boss")
    assert team.items.escalate_risk(risk.id).escalated_to_name == "Sam Sponsor"


def test_closed_risk_cannot_be_escalated_until_reopened(team: Store) -> None:
    risk = team.items.add_risk(CODE, Role.FR, "site access", status=RiskStatus.CLOSED)
    with pytest.raises(RuleError, match="closed risk cannot be escalated"):
        team.items.escalate_risk(risk.id)
    assert team.reads.risk(risk.id).escalated is False
    team.items.update_risk(risk.id, RiskUpdate(status=RiskStatus.OPEN))
    assert team.items.escalate_risk(risk.id).escalated is True


def test_risks_for_a_role_put_open_escalated_then_exposure_first(team: Store) -> None:
    add = team.items.add_risk
    low = add(CODE, Role.AR, "low", likelihood=2, impact=2)
    closed = add(CODE, Role.AR, "closed", likelihood=5, impact=5, status=RiskStatus.CLOSED)
    high = add(CODE, Role.AR, "high", likelihood=4, impact=4)
    escalated = add(CODE, Role.AR, "escalated", likelihood=1, impact=1, escalated=True)
    tie = add(CODE, Role.AR, "tie", likelihood=2, impact=2)
    add(CODE, Role.SR, "someone else's", likelihood=5, impact=5)
    ordered = team.reads.deal_room(CODE).risks_for(Role.AR)
    assert [r.id for r in ordered] == [escalated.id, high.id, low.id, tie.id, closed.id]


def test_delete_risk(team: Store) -> None:
    risk = team.items.add_risk(CODE, Role.AR, "rival")
    team.items.delete_risk(risk.id)
    assert team.reads.deal_room(CODE).risks == []
    with pytest.raises(NotFoundError, match=f"no risk #{risk.id}"):
        team.items.escalate_risk(risk.id)


# --- handoffs ------------------------------------------------------------------------------------


def test_add_handoff_is_sent_at_once(team: Store, clock: Clock) -> None:
    handoff = team.items.add_handoff(
        CODE, Role.AR, Role.SR, "customer needs", due=date(2026, 12, 2)
    )
    assert (handoff.state, handoff.sent_at, handoff.decided_at) == (
        HandoffState.SENT,
        clock(),
        None,
    )
    assert (handoff.from_role, handoff.to_role, handoff.due) == (
        Role.AR,
        Role.SR,
        date(2026, 12, 2),
    )
    assert team.reads.handoff(handoff.id) == handoff


def test_drafted_handoff_is_sent_later(team: Store, clock: Clock) -> None:
    draft = team.items.add_handoff(CODE, Role.SR, Role.FR, "BoQ", send=False)
    assert (draft.state, draft.sent_at) == (HandoffState.DRAFTED, None)
    clock.advance(days=2)
    sent = team.items.send_handoff(draft.id, version=draft.version)
    assert (sent.state, sent.sent_at) == (HandoffState.SENT, clock())
    clock.advance(days=3)
    assert sent.age_days(clock()) == 3


def test_accept_handoff(team: Store, clock: Clock) -> None:
    handoff = team.items.add_handoff(CODE, Role.SR, Role.AR, "quote")
    clock.advance(hours=4)
    accepted = team.items.accept_handoff(handoff.id)
    assert (accepted.state, accepted.decided_at) == (HandoffState.ACCEPTED, clock())


def test_rejected_handoff_keeps_the_reason_until_resent(team: Store) -> None:
    handoff = team.items.add_handoff(CODE, Role.FR, Role.AR, "acceptance certificate")
    with pytest.raises(RuleError, match="reason is required"):
        team.items.reject_handoff(handoff.id, " ")
    rejected = team.items.reject_handoff(handoff.id, " unsigned ")
    assert (rejected.state, rejected.reason) == (HandoffState.REJECTED, "unsigned")
    assert rejected.decided_at is not None
    resent = team.items.send_handoff(handoff.id)
    assert (resent.state, resent.reason, resent.decided_at) == (HandoffState.SENT, "", None)


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_only_the_receiving_lead_or_the_sponsor_accepts_or_rejects(
    team: Store, clock: Clock, action: str
) -> None:
    """Before, `a`/`x` on the sender's own outgoing row accepted or rejected it, and
    nobody checked who was acting."""
    handoff = team.items.add_handoff(CODE, Role.AR, Role.SR, "customer needs")  # from ana

    def decide(st: Store) -> HandoffView:
        if action == "accept":
            return st.items.accept_handoff(handoff.id)
        return st.items.reject_handoff(handoff.id, "too thin")

    last = team.reads.last_event_id()
    with pytest.raises(RuleError) as refused:
        decide(team)  # ana sent it: she may not decide it
    assert str(refused.value) == (
        f"a handoff to SR on ACME-5G is {action}ed by its SR lead, Wei Zhang or its sponsor, "
        "Sam Sponsor"
    )
    with other_store(team, clock, actor="li") as st, pytest.raises(RuleError):
        decide(st)  # the FR lead is not the receiver either
    assert team.reads.handoff(handoff.id) == handoff
    assert team.reads.last_event_id() == last
    with other_store(team, clock, actor="wei") as st:
        assert decide(st).state is not HandoffState.SENT
    again = team.items.add_handoff(CODE, Role.AR, Role.SR, "budget")
    with other_store(team, clock, actor="boss") as st:  # the sponsor may decide too
        assert st.items.accept_handoff(again.id).state is HandoffState.ACCEPTED


def test_withdraw_a_sent_handoff(team: Store) -> None:
    handoff = team.items.add_handoff(CODE, Role.AR, Role.FR, "PO")
    assert team.items.withdraw_handoff(handoff.id).state is HandoffState.DRAFTED


@pytest.mark.parametrize(
    "move",
    [
        lambda st, h: st.items.accept_handoff(h),
        lambda st, h: st.items.reject_handoff(h, "no"),
        lambda st, h: st.items.withdraw_handoff(h),
    ],
    ids=["accept", "reject", "withdraw"],
)
def test_a_drafted_handoff_must_be_sent_first(
    team: Store, move: Callable[[Store, int], object]
) -> None:
    draft = team.items.add_handoff(CODE, Role.SR, Role.FR, "BoQ", send=False)
    with pytest.raises(RuleError, match="handoff that is drafted"):
        move(team, draft.id)
    assert team.reads.handoff(draft.id) == draft


def test_update_handoff(team: Store) -> None:
    handoff = team.items.add_handoff(CODE, Role.AR, Role.SR, "needs")
    after = team.items.update_handoff(
        handoff.id,
        HandoffUpdate(title="needs v2", note="see wiki", to_role=Role.FR),
        version=handoff.version,
    )
    assert (after.title, after.note, after.to_role) == ("needs v2", "see wiki", Role.FR)
    assert after.state is HandoffState.SENT


def test_an_accepted_handoff_is_final(team: Store) -> None:
    handoff = team.items.accept_handoff(team.items.add_handoff(CODE, Role.SR, Role.AR, "needs").id)
    with pytest.raises(RuleError, match="accepted handoff is final"):
        team.items.update_handoff(handoff.id, HandoffUpdate(title="changed"))
    with pytest.raises(RuleError, match="cannot send a handoff that is accepted"):
        team.items.send_handoff(handoff.id)
    assert team.reads.handoff(handoff.id) == handoff


@pytest.mark.parametrize(
    ("sender", "receiver"), [(Role.AR, Role.AR), (Role.SPONSOR, Role.AR), (Role.SR, Role.EXPERT)]
)
def test_add_handoff_refuses_same_or_non_lead_roles(
    team: Store, sender: Role, receiver: Role
) -> None:
    with pytest.raises(RuleError):
        team.items.add_handoff(CODE, sender, receiver, "x")
    assert team.reads.deal_room(CODE).handoffs == []


def test_update_handoff_refuses_sending_to_the_same_role(team: Store) -> None:
    handoff = team.items.add_handoff(CODE, Role.AR, Role.SR, "needs")
    with pytest.raises(RuleError, match="another role"):
        team.items.update_handoff(handoff.id, HandoffUpdate(to_role=Role.AR))
    assert team.reads.handoff(handoff.id) == handoff


def test_delete_handoff(team: Store) -> None:
    handoff = team.items.add_handoff(CODE, Role.AR, Role.SR, "needs")
    team.items.delete_handoff(handoff.id)
    with pytest.raises(NotFoundError, match=f"no handoff #{handoff.id}"):
        team.reads.handoff(handoff.id)


# --- optimistic locking --------------------------------------------------------------------------


@dataclass(frozen=True)
class Race:
    """Ana reads a row, Wei changes it, then Ana writes with the version she read."""

    entity: str
    make: Callable[[Store], int]  # returns the row's id (the deal's id for deals)
    read: Callable[[Store, int], Any]
    other: Callable[[Store, int], object]  # Wei's change
    stale: Callable[[Store, int, int], object]  # Ana's write with the old version
    changed: list[str]
    deletes: bool = False


def _deal_id(st: Store) -> int:
    return st.reads.deal(CODE).id


def _task(st: Store) -> int:
    return st.items.add_task(CODE, Role.AR, "call").id


def _risk(st: Store) -> int:
    return st.items.add_risk(CODE, Role.AR, "rival").id


def _handoff(st: Store) -> int:
    return st.items.add_handoff(CODE, Role.SR, Role.AR, "needs").id


RACES = {
    "deal-update": Race(
        "deal",
        _deal_id,
        lambda st, _: st.reads.deal(CODE),
        lambda st, _: st.deals.update_deal(CODE, DealUpdate(amount=2_000_000)),
        lambda st, _, v: st.deals.update_deal(CODE, DealUpdate(name="renamed"), version=v),
        ["amount"],
    ),
    "deal-move": Race(
        "deal",
        _deal_id,
        lambda st, _: st.reads.deal(CODE),
        lambda st, _: st.deals.update_deal(
            CODE, DealUpdate(name="renamed", close_date=date(2027, 1, 1))
        ),
        lambda st, _, v: st.deals.move_stage(CODE, "next", version=v),
        ["close_date", "name"],
    ),
    "deal-status": Race(
        "deal",
        _deal_id,
        lambda st, _: st.reads.deal(CODE),
        lambda st, _: st.deals.update_deal(CODE, DealUpdate(name="5G core, phase 2")),
        lambda st, _, v: st.deals.set_status(CODE, DealStatus.DROPPED, "no budget", version=v),
        ["name"],
    ),
    "task-update": Race(
        "task",
        _task,
        lambda st, i: st.reads.task(i),
        lambda st, i: st.items.update_task(i, TaskUpdate(title="call CFO")),
        lambda st, i, v: st.items.update_task(i, TaskUpdate(due=date(2026, 12, 1)), version=v),
        ["title"],
    ),
    "task-status": Race(
        "task",
        _task,
        lambda st, i: st.reads.task(i),
        lambda st, i: st.items.update_task(i, TaskUpdate(owner="wei", status=TaskStatus.DOING)),
        lambda st, i, v: st.items.set_task_status(i, TaskStatus.DONE, version=v),
        ["owner", "status"],
    ),
    "task-delete": Race(
        "task",
        _task,
        lambda st, i: st.reads.task(i),
        lambda st, i: st.items.update_task(i, TaskUpdate(title="call CFO")),
        lambda st, i, v: st.items.delete_task(i, version=v),
        ["title"],
        deletes=True,
    ),
    "risk-update": Race(
        "risk",
        _risk,
        lambda st, i: st.reads.risk(i),
        lambda st, i: st.items.update_risk(i, RiskUpdate(likelihood=5)),
        lambda st, i, v: st.items.update_risk(i, RiskUpdate(mitigation="discount"), version=v),
        ["likelihood"],
    ),
    "risk-escalate": Race(
        "risk",
        _risk,
        lambda st, i: st.reads.risk(i),
        lambda st, i: st.items.update_risk(i, RiskUpdate(status=RiskStatus.CLOSED)),
        lambda st, i, v: st.items.escalate_risk(i, version=v),
        ["status"],
    ),
    "risk-delete": Race(
        "risk",
        _risk,
        lambda st, i: st.reads.risk(i),
        lambda st, i: st.items.escalate_risk(i),
        lambda st, i, v: st.items.delete_risk(i, version=v),
        ["escalated", "escalated_to"],
        deletes=True,
    ),
    "handoff-update": Race(
        "handoff",
        _handoff,
        lambda st, i: st.reads.handoff(i),
        lambda st, i: st.items.update_handoff(i, HandoffUpdate(title="needs v2")),
        lambda st, i, v: st.items.update_handoff(i, HandoffUpdate(note="see wiki"), version=v),
        ["title"],
    ),
    "handoff-accept": Race(
        "handoff",
        _handoff,
        lambda st, i: st.reads.handoff(i),
        lambda st, i: st.items.update_handoff(i, HandoffUpdate(note="which site?")),
        lambda st, i, v: st.items.accept_handoff(i, version=v),
        ["note"],
    ),
    "handoff-delete": Race(
        "handoff",
        _handoff,
        lambda st, i: st.reads.handoff(i),
        lambda st, i: st.items.withdraw_handoff(i),
        lambda st, i, v: st.items.delete_handoff(i, version=v),
        ["state"],
        deletes=True,
    ),
}


def _run_race(team: Store, wei: Store, race: Race) -> tuple[int, Any, ConflictError]:
    row_id = race.make(team)
    seen = race.read(team, row_id)
    race.other(wei, row_id)
    now = race.read(team, row_id)
    assert now.version > seen.version
    with pytest.raises(ConflictError) as err:
        race.stale(team, row_id, seen.version)
    return row_id, now, err.value


@pytest.mark.parametrize("name", list(RACES))
def test_stale_write_raises_conflict_naming_what_changed_and_who(
    team: Store, wei: Store, name: str
) -> None:
    race = RACES[name]
    row_id = race.make(team)
    seen = race.read(team, row_id)
    race.other(wei, row_id)
    now = race.read(team, row_id)
    before = snapshot(team)
    with pytest.raises(ConflictError) as err:
        race.stale(team, row_id, seen.version)
    conflict = err.value
    assert (conflict.entity, conflict.entity_id) == (race.entity, row_id)
    assert (conflict.expected, conflict.actual) == (seen.version, now.version)
    assert sorted(conflict.changed) == race.changed
    assert conflict.by == ["wei"]
    assert "by wei" in str(conflict)
    assert snapshot(team) == before
    assert race.read(team, row_id) == now


@pytest.mark.parametrize(
    "name",
    list(RACES),
)
def test_conflict_carries_the_current_row(team: Store, wei: Store, name: str) -> None:
    _, now, conflict = _run_race(team, wei, RACES[name])
    assert conflict.current == now


def test_conflict_names_every_actor_and_field_since_the_read(
    team: Store, wei: Store, clock: Clock
) -> None:
    task = team.items.add_task(CODE, Role.AR, "call")
    wei.items.update_task(task.id, TaskUpdate(title="call CFO"))
    with open_store(team.url, actor="li", now=clock, today=TODAY) as li:
        li.items.update_task(task.id, TaskUpdate(due=date(2026, 12, 4)))
    wei.items.set_task_status(task.id, TaskStatus.DOING)
    with pytest.raises(ConflictError) as err:
        team.items.update_task(task.id, TaskUpdate(note="x"), version=task.version)
    assert err.value.changed == ["title", "due", "status"]
    assert err.value.by == ["wei", "li"]


def test_a_write_with_the_current_version_succeeds(team: Store, wei: Store) -> None:
    task = team.items.add_task(CODE, Role.AR, "call")
    fresh = wei.items.update_task(task.id, TaskUpdate(title="call CFO"))
    assert team.items.update_task(task.id, TaskUpdate(note="x"), version=fresh.version).note == "x"


def test_update_after_someone_deleted_the_row_is_not_found(team: Store, wei: Store) -> None:
    task = team.items.add_task(CODE, Role.SR, "call")  # the SR side's, which wei may delete
    wei.items.delete_task(task.id)
    with pytest.raises(NotFoundError):
        team.items.update_task(task.id, TaskUpdate(title="x"), version=task.version)


# --- the event log -------------------------------------------------------------------------------


def _ids(st: Store) -> dict[str, int]:
    """A task, a risk and two handoffs (sent, drafted) on ACME-5G."""
    return {
        "task": st.items.add_task(CODE, Role.AR, "call CTO").id,
        "risk": st.items.add_risk(CODE, Role.AR, "rival", likelihood=3, impact=4).id,
        "sent": st.items.add_handoff(CODE, Role.SR, Role.AR, "needs").id,
        "draft": st.items.add_handoff(CODE, Role.AR, Role.FR, "BoQ", send=False).id,
    }


# command -> (what it does, the events it appends: (entity, action, changes, id key)).
# The id key names the row in ``ids`` the event must point at; None: a new row, so only
# checked to be set.
LOGGED: dict[str, tuple[Callable[[Store, dict[str, int]], object], list[tuple[Any, ...]]]] = {
    "add_person": (
        lambda st, _: st.people.add_person("zoe", "Zoe Wu"),
        [("person", "create", {"name": [None, "Zoe Wu"]}, None)],
    ),
    "add_account": (
        lambda st, _: st.people.add_account("Globex", Tier.A),
        [("account", "create", {"tier": [None, "A"]}, None)],
    ),
    "set_account_tier": (
        lambda st, _: st.people.set_account_tier("ACME Telecom", Tier.B),
        [("account", "update", {"tier": ["S", "B"]}, None)],
    ),
    "create_deal": (
        lambda st, _: st.deals.create_deal(
            "GLX-1", "WAN", "Globex", amount=7, leads={Role.AR: "wei"}
        ),
        [
            ("account", "create", {"tier": [None, "C"]}, None),
            ("deal", "create", {"stage": [None, "lead"], "amount": [None, 7]}, None),
            ("member", "set", {"AR": [None, "wei"]}, None),
        ],
    ),
    "update_deal": (
        lambda st, _: st.deals.update_deal(CODE, DealUpdate(amount=2_000_000, probability=40)),
        [
            (
                "deal",
                "update",
                {"amount": [1_200_000, 2_000_000], "probability": [None, 40]},
                "deal",
            )
        ],
    ),
    "move_stage": (
        lambda st, _: st.deals.move_stage(CODE, "next"),
        [("deal", "stage", {"stage": ["lead", "opportunity"]}, "deal")],
    ),
    "set_status": (
        lambda st, _: st.deals.set_status(CODE, DealStatus.DROPPED, "no budget"),
        [
            (
                "deal",
                "status",
                {"status": ["open", "dropped"], "status_reason": ["", "no budget"]},
                "deal",
            )
        ],
    ),
    "set_member": (
        lambda st, _: st.deals.set_member(CODE, Role.AR, "boss"),
        [("member", "set", {"AR": ["ana", "boss"]}, None)],
    ),
    "remove_member": (
        lambda st, _: st.deals.remove_member(CODE, Role.SPONSOR, "boss"),
        [("member", "remove", {"sponsor": ["boss", None]}, None)],
    ),
    "record_gate": (
        lambda st, _: st.deals.record_gate(CODE, Gate.ATI, GateDecision.APPROVED),
        [("gate", "decide", {"ATI": [None, "approved"]}, None)],
    ),
    "plan_stage": (
        lambda st, _: st.deals.plan_stage(CODE, Stage.BID, date(2027, 1, 15)),
        [("plan", "update", {"planned": [None, "2027-01-15"]}, None)],
    ),
    "add_task": (
        lambda st, _: st.items.add_task(CODE, Role.SR, "demo"),
        [("task", "create", {"title": [None, "demo"], "status": [None, "todo"]}, None)],
    ),
    "update_task": (
        lambda st, ids: st.items.update_task(
            ids["task"], TaskUpdate(title="call CFO", owner="wei")
        ),
        [("task", "update", {"title": ["call CTO", "call CFO"], "owner": [None, "wei"]}, "task")],
    ),
    "set_task_status": (
        lambda st, ids: st.items.set_task_status(ids["task"], TaskStatus.DONE),
        [("task", "status", {"status": ["todo", "done"]}, "task")],
    ),
    "delete_task": (
        lambda st, ids: st.items.delete_task(ids["task"]),
        [("task", "delete", {"title": ["call CTO", None], "role": ["AR", None]}, "task")],
    ),
    "add_risk": (
        lambda st, _: st.items.add_risk(CODE, Role.FR, "permits", likelihood=2, impact=5),
        [("risk", "create", {"title": [None, "permits"], "exposure": [None, 10]}, None)],
    ),
    "update_risk": (
        lambda st, ids: st.items.update_risk(
            ids["risk"], RiskUpdate(impact=5, mitigation="discount")
        ),
        [("risk", "update", {"impact": [4, 5], "mitigation": ["", "discount"]}, "risk")],
    ),
    "update_risk_status": (
        lambda st, ids: st.items.update_risk(ids["risk"], RiskUpdate(status=RiskStatus.CLOSED)),
        [("risk", "status", {"status": ["open", "closed"]}, "risk")],
    ),
    "escalate_risk": (
        lambda st, ids: st.items.escalate_risk(ids["risk"]),
        [
            (
                "risk",
                "escalated",
                {"escalated": [False, True], "escalated_to": [None, "boss"]},
                "risk",
            )
        ],
    ),
    "delete_risk": (
        lambda st, ids: st.items.delete_risk(ids["risk"]),
        [("risk", "delete", {"title": ["rival", None], "role": ["AR", None]}, "risk")],
    ),
    "add_handoff_sent": (
        lambda st, _: st.items.add_handoff(CODE, Role.FR, Role.AR, "certificate"),
        [("handoff", "send", {"state": [None, "sent"], "title": [None, "certificate"]}, None)],
    ),
    "add_handoff_drafted": (
        lambda st, _: st.items.add_handoff(CODE, Role.FR, Role.AR, "certificate", send=False),
        [("handoff", "create", {"state": [None, "drafted"], "title": [None, "certificate"]}, None)],
    ),
    "update_handoff": (
        lambda st, ids: st.items.update_handoff(ids["sent"], HandoffUpdate(title="needs v2")),
        [("handoff", "update", {"title": ["needs", "needs v2"]}, "sent")],
    ),
    "send_handoff": (
        lambda st, ids: st.items.send_handoff(ids["draft"]),
        [("handoff", "send", {"state": ["drafted", "sent"]}, "draft")],
    ),
    "accept_handoff": (
        lambda st, ids: st.items.accept_handoff(ids["sent"]),
        [("handoff", "accept", {"state": ["sent", "accepted"]}, "sent")],
    ),
    "reject_handoff": (
        lambda st, ids: st.items.reject_handoff(ids["sent"], "thin"),
        [("handoff", "reject", {"state": ["sent", "rejected"]}, "sent")],
    ),
    "withdraw_handoff": (
        lambda st, ids: st.items.withdraw_handoff(ids["sent"]),
        [("handoff", "withdraw", {"state": ["sent", "drafted"]}, "sent")],
    ),
    "delete_handoff": (
        lambda st, ids: st.items.delete_handoff(ids["draft"]),
        [("handoff", "delete", {"title": ["BoQ", None], "role": ["AR", None]}, "draft")],
    ),
}

NO_DEAL = {"person", "account"}


@pytest.mark.parametrize("name", list(LOGGED))
def test_each_command_appends_exactly_its_events(team: Store, clock: Clock, name: str) -> None:
    ids = _ids(team)
    ids["deal"] = team.reads.deal(CODE).id
    act, expected = LOGGED[name]
    last = team.reads.last_event_id()
    clock.advance(minutes=30)
    act(team, ids)
    new = team.reads.events(after_id=last)
    assert [(e.entity, e.action, e.changes) for e in new] == [exp[:3] for exp in expected]
    for event, (entity, _, _, key) in zip(new, expected, strict=True):
        assert event.actor == "ana"
        assert event.at == clock()
        if entity in NO_DEAL:
            assert (event.deal_id, event.deal_code) == (None, None)
        else:
            assert event.deal_code == ("GLX-1" if name == "create_deal" else CODE)
            assert event.deal_id == team.reads.deal(event.deal_code).id
        if key is not None:
            assert event.entity_id == ids[key]
        else:
            assert event.entity_id is not None
        assert event.summary
    assert team.reads.last_event_id() == new[-1].id


def test_events_record_the_version_they_made(team: Store) -> None:
    task = team.items.add_task(CODE, Role.AR, "call")
    after = team.items.update_task(task.id, TaskUpdate(title="call CFO"))
    versions = [e.entity_version for e in team.reads.events() if e.entity == "task"]
    assert versions == [task.version, after.version]


def test_deal_events_name_the_deal(team: Store) -> None:
    team.items.add_task(CODE, Role.AR, "call")
    event = team.reads.events()[-1]
    assert (event.deal_id, event.deal_code) == (team.reads.deal(CODE).id, CODE)


def test_events_filter_by_deal_time_and_id(team: Store, clock: Clock) -> None:
    team.deals.create_deal("GLX-1", "WAN", "Globex", leads={Role.AR: "ana"})
    clock.advance(hours=2)
    cutoff = clock()
    task = team.items.add_task(CODE, Role.AR, "call")
    team.items.add_task("GLX-1", Role.AR, "visit")
    clock.advance(minutes=1)
    team.items.set_task_status(task.id, TaskStatus.DONE)

    everything = team.reads.events()
    assert [e.id for e in everything] == sorted(e.id for e in everything)
    assert len({e.id for e in everything}) == len(everything)

    acme = team.reads.events(code="acme-5g")
    assert acme and all(e.deal_code == CODE for e in acme)
    assert {e.id for e in acme} == {e.id for e in everything if e.deal_code == CODE}

    recent = team.reads.events(since=cutoff)
    assert [(e.deal_code, e.action) for e in recent] == [
        (CODE, "create"),
        ("GLX-1", "create"),
        (CODE, "status"),
    ]
    assert [e.action for e in team.reads.events(code=CODE, since=cutoff)] == ["create", "status"]

    middle = everything[len(everything) // 2].id
    assert [e.id for e in team.reads.events(after_id=middle)] == [
        e.id for e in everything if e.id > middle
    ]
    assert team.reads.events(after_id=team.reads.last_event_id()) == []
    assert [e.id for e in team.reads.events(limit=2)] == [e.id for e in everything[:2]]
    assert team.reads.last_event_id() == everything[-1].id


def test_last_event_id_is_zero_on_an_empty_database(db_url: str, at_head: None) -> None:
    with open_store(db_url, actor="ana") as store:
        assert store.reads.last_event_id() == 0
        assert store.reads.events() == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE event SET actor = 'x'",
        "UPDATE event SET summary = 'rewritten' WHERE id = 1",
        "DELETE FROM event",
        "DELETE FROM event WHERE id = 1",
    ],
)
def test_the_event_log_is_append_only(team: Store, statement: str) -> None:
    before = team.reads.events()
    assert before
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with team.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert team.reads.events() == before


# --- refused writes change nothing ---------------------------------------------------------------


REFUSED: dict[str, tuple[Callable[[Store, dict[str, int]], object], type[Exception]]] = {
    "duplicate person": (lambda st, _: st.people.add_person("ana", "Ana Again"), RuleError),
    "duplicate deal": (lambda st, _: st.deals.create_deal("acme-5g", "Again", "X"), RuleError),
    "deal with unknown lead": (
        lambda st, _: st.deals.create_deal("NEW-1", "x", "New Co", leads={Role.AR: "ghost"}),
        NotFoundError,
    ),
    "negative amount": (lambda st, _: st.deals.update_deal(CODE, DealUpdate(amount=-1)), RuleError),
    "gate missing": (lambda st, _: st.deals.move_stage(CODE, Stage.BID), RuleError),
    "won too early": (lambda st, _: st.deals.set_status(CODE, DealStatus.WON), RuleError),
    "lost without reason": (lambda st, _: st.deals.set_status(CODE, DealStatus.LOST), RuleError),
    "atac too early": (
        lambda st, _: st.deals.record_gate(CODE, Gate.ATAC, GateDecision.APPROVED),
        RuleError,
    ),
    "unknown member": (
        lambda st, _: st.deals.set_member(CODE, Role.EXPERT, "ghost"),
        NotFoundError,
    ),
    "not a member": (lambda st, _: st.deals.remove_member(CODE, Role.AR, "li"), NotFoundError),
    "task owner unknown": (
        lambda st, ids: st.items.update_task(ids["task"], TaskUpdate(title="new", owner="ghost")),
        NotFoundError,
    ),
    "risk rating": (lambda st, _: st.items.add_risk(CODE, Role.AR, "r", likelihood=6), RuleError),
    "escalate closed risk": (lambda st, ids: st.items.escalate_risk(ids["closed_risk"]), RuleError),
    "accept a draft": (lambda st, ids: st.items.accept_handoff(ids["draft"]), RuleError),
    "handoff to self": (lambda st, _: st.items.add_handoff(CODE, Role.SR, Role.SR, "x"), RuleError),
    "stale version": (
        lambda st, ids: st.items.update_task(ids["task"], TaskUpdate(title="new"), version=1),
        ConflictError,
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_refused_write_leaves_the_database_as_it_was(team: Store, name: str) -> None:
    ids = _ids(team)
    team.items.update_task(ids["task"], TaskUpdate(note="now at version 2"))
    ids["closed_risk"] = team.items.add_risk(CODE, Role.FR, "gone", status=RiskStatus.CLOSED).id
    act, error = REFUSED[name]
    before = snapshot(team)
    with pytest.raises(error):
        act(team, ids)
    assert snapshot(team) == before


def test_store_errors_are_one_family(team: Store) -> None:
    assert issubclass(ConflictError, StoreError)
    assert issubclass(NotFoundError, StoreError)


# --- observations --------------------------------------------------------------------------------


def test_account_change_is_logged_by_name(team: Store) -> None:
    last = team.reads.last_event_id()
    team.deals.update_deal(CODE, DealUpdate(account="ACME Group"))
    deal_event = [e for e in team.reads.events(after_id=last) if e.entity == "deal"][-1]
    assert deal_event.changes == {"account": ["ACME Telecom", "ACME Group"]}
