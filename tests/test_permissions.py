"""Who may decide what on a deal, enforced by the store for the app, the command line and
scripts alike: each rule allowed, refused with its one line, and refused from the command
line with exit 1 and nothing written (SQLite, and PostgreSQL where configured).

The ``team`` fixture: ACME-5G (level III) with AR ana, SR wei, FR li and sponsor boss; a
fifth person, ``eve``, is on no deal."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from conftest import Clock, other_store

from dealroom.cli import EXIT_REFUSED, main
from dealroom.domain import DealStatus, Gate, GateDecision, Level, Role, Stage, Tier
from dealroom.store import Store
from dealroom.store.inputs import DealUpdate, TaskUpdate
from dealroom.store.permit import NotAllowed


@pytest.fixture
def as_(team: Store, clock: Clock) -> Iterator[Callable[[str], Store]]:
    """``as_("wei")``: a store acting as that person on the team's database."""
    team.people.add_person("eve", "Eve Outsider")
    opened: list[Store] = []

    def open_as(handle: str) -> Store:
        store = other_store(team, clock, actor=handle)
        opened.append(store)
        return store

    yield open_as
    for store in opened:
        store.close()


def refused(action: Callable[[], object], team: Store, said: str) -> None:
    """The action is refused with ``said`` and writes nothing."""
    before = len(team.reads.events())
    with pytest.raises(NotAllowed) as caught:
        action()
    assert str(caught.value) == said
    assert len(team.reads.events()) == before


# --- gates ---------------------------------------------------------------------------------


def test_a_gate_is_decided_by_the_sponsor_and_on_level_iii_by_the_ar(
    team: Store, as_: Callable[[str], Store]
) -> None:
    as_("boss").deals.record_gate("ACME-5G", Gate.ATI, GateDecision.DEFERRED)
    team.deals.record_gate("ACME-5G", Gate.ATI, GateDecision.APPROVED)  # ana, the AR
    refused(
        lambda: as_("wei").deals.record_gate("ACME-5G", Gate.ATI, GateDecision.REJECTED),
        team,
        "ATI on ACME-5G is decided by its sponsor, Sam Sponsor or its AR lead, Ana Lima",
    )
    team.deals.update_deal("ACME-5G", DealUpdate(level=Level.I))
    refused(
        lambda: team.deals.record_gate("ACME-5G", Gate.ATI, GateDecision.REJECTED),
        team,
        "ATI on ACME-5G (a level-I deal) is decided by its sponsor, Sam Sponsor",
    )
    refused(
        lambda: as_("eve").deals.record_gate("ACME-5G", Gate.ATI, GateDecision.APPROVED),
        team,
        "ATI on ACME-5G (a level-I deal) is decided by its sponsor, Sam Sponsor",
    )


def test_the_policy_names_who_else_decides_a_gate_on_every_deal(
    team: Store, as_: Callable[[str], Store], capsys: pytest.CaptureFixture[str]
) -> None:
    team.deals.update_deal("ACME-5G", DealUpdate(level=Level.I))
    admins = ", ".join(team.people.administrators())
    refused(
        lambda: as_("eve").policy.name_approver(Gate.ATI, "eve"),
        team,
        f"the gate approvers are named by an administrator ({admins})",
    )
    team.policy.name_approver(Gate.ATI, "eve")  # ana administers the database
    assert team.policy.approvers() == {Gate.ATI: [("eve", "Eve Outsider")]}
    as_("eve").deals.record_gate("ACME-5G", Gate.ATI, GateDecision.APPROVED)
    refused(  # named for ATI, not for ATB
        lambda: as_("eve").deals.record_gate("ACME-5G", Gate.ATB, GateDecision.APPROVED),
        team,
        "ATB on ACME-5G (a level-I deal) is decided by its sponsor, Sam Sponsor",
    )
    team.policy.name_approver(Gate.ATB, "li")
    refused(
        lambda: as_("eve").deals.record_gate("ACME-5G", Gate.ATB, GateDecision.APPROVED),
        team,
        "ATB on ACME-5G (a level-I deal) is decided by its sponsor, Sam Sponsor or the named "
        "ATB approver, 李娜",
    )
    team.policy.unname_approver(Gate.ATI, "eve")
    refused(
        lambda: as_("eve").deals.record_gate("ACME-5G", Gate.ATI, GateDecision.DEFERRED),
        team,
        "ATI on ACME-5G (a level-I deal) is decided by its sponsor, Sam Sponsor",
    )
    policy = [e.summary for e in team.reads.events() if e.entity == "policy"]
    assert policy == [
        "named Eve Outsider to decide ATI on every deal",
        "named 李娜 to decide ATB on every deal",
        "Eve Outsider no longer decides ATI on every deal",
    ]
    assert main(["--db", team.url, "approver", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ATB"] == ["li"]


# --- the deal's stage and status -------------------------------------------------------------


def test_the_stage_and_the_status_are_the_ar_s_or_the_sponsor_s(
    team: Store, as_: Callable[[str], Store]
) -> None:
    team.deals.move_stage("ACME-5G", "next")  # ana, the AR
    as_("boss").deals.move_stage("ACME-5G", "prev", reason="not qualified yet")
    refused(
        lambda: as_("wei").deals.move_stage("ACME-5G", "next"),
        team,
        "ACME-5G is moved between stages by its AR lead, Ana Lima or its sponsor, Sam Sponsor",
    )
    refused(
        lambda: as_("li").deals.set_status("ACME-5G", DealStatus.LOST, "budget moved"),
        team,
        "ACME-5G is marked lost by its AR lead, Ana Lima or its sponsor, Sam Sponsor",
    )
    as_("boss").deals.set_status("ACME-5G", DealStatus.DROPPED, "no budget")
    refused(
        lambda: as_("wei").deals.set_status("ACME-5G", DealStatus.OPEN),
        team,
        "ACME-5G is reopened by its AR lead, Ana Lima or its sponsor, Sam Sponsor",
    )


# --- handoffs --------------------------------------------------------------------------------


def test_a_handoff_is_decided_by_the_receiving_lead_or_the_sponsor(
    team: Store, as_: Callable[[str], Store]
) -> None:
    first = team.items.add_handoff("ACME-5G", Role.AR, Role.SR, "Scope")
    second = team.items.add_handoff("ACME-5G", Role.AR, Role.SR, "Terms")
    refused(
        lambda: team.items.accept_handoff(first.id),
        team,
        "a handoff to SR on ACME-5G is accepted by its SR lead, Wei Zhang or its sponsor, "
        "Sam Sponsor",
    )
    as_("wei").items.accept_handoff(first.id)
    as_("boss").items.reject_handoff(second.id, "not yet")


# --- items -----------------------------------------------------------------------------------


def test_items_are_the_members_to_change_and_a_sides_own_to_delete(
    team: Store, as_: Callable[[str], Store]
) -> None:
    task = team.items.add_task("ACME-5G", Role.AR, "Call the CFO")
    as_("wei").items.update_task(task.id, TaskUpdate(note="CFO is away"))  # a member edits
    refused(
        lambda: as_("eve").items.add_task("ACME-5G", Role.AR, "Sneak"),
        team,
        "a task on ACME-5G is changed by the deal's members; you are not one of them",
    )
    refused(
        lambda: as_("eve").items.update_task(task.id, TaskUpdate(title="x")),
        team,
        "a task on ACME-5G is changed by the deal's members; you are not one of them",
    )
    refused(
        lambda: as_("wei").items.delete_task(task.id),
        team,
        "the AR task on ACME-5G is deleted by its AR lead, Ana Lima or its sponsor, Sam Sponsor",
    )
    own = as_("wei").items.add_risk("ACME-5G", Role.SR, "Interop")
    as_("wei").items.delete_risk(own.id)  # a side's own item
    as_("boss").items.delete_task(task.id)  # the sponsor may delete any


# --- what the administrators keep ------------------------------------------------------------


def test_the_team_the_accounts_and_the_checklists_are_the_administrators(
    team: Store, as_: Callable[[str], Store]
) -> None:
    wei = as_("wei")
    admins = team.people.administrators()
    assert "ana" in admins and len(admins) == 2  # she, and the login that made it
    item = team.methods.checklist_template()[Stage.LEAD][0]
    for action, said in (
        (lambda: wei.people.add_person("zoe", "Zoe"), "people are added"),
        (lambda: wei.people.add_account("Nordlicht"), "a new account (Nordlicht) is added"),
        (lambda: wei.people.edit_account("ACME Telecom", tier=Tier.C), "accounts are changed"),
        (
            lambda: wei.deals.create_deal("NORD-1", "Data centre", "Nordlicht"),
            "a new account (Nordlicht) is added",
        ),
        (
            lambda: wei.checklists.add_checklist_item(Stage.LEAD, "Met the CFO"),
            "the stage checklists are changed",
        ),
        (
            lambda: wei.checklists.retire_checklist_item(item.id),
            "the stage checklists are changed",
        ),
        (lambda: wei.people.add_administrator("wei"), "administrators are named"),
    ):
        refused(action, team, f"{said} by an administrator ({', '.join(admins)})")
    wei.deals.create_deal("ACME-6", "Edge sites", "ACME Telecom")  # a member, a known account
    team.people.add_administrator("wei")  # by an administrator
    as_("wei").people.add_account("Nordlicht")
    as_("wei").checklists.retire_checklist_item(item.id)


# --- the command line: exit 1, nothing written ---------------------------------------------


def test_a_refusal_on_the_command_line_exits_1_and_writes_nothing(
    team: Store, db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    to_ar = team.items.add_handoff("ACME-5G", Role.SR, Role.AR, "Scope")
    team.people.add_person("eve", "Eve Outsider")
    before = len(team.reads.events())
    monkeypatch.setenv("DEALROOM_USER", "eve")  # on no deal
    argv = ["task", "add", "ACME-5G", "--role", "AR", "--title", "Sneak"]
    assert main(["--db", db_url, *argv]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err == (
        "dealroom: error: a task on ACME-5G is changed by the deal's members; you are not "
        "one of them\n"
    )
    monkeypatch.setenv("DEALROOM_USER", "wei")
    for argv in (
        ["handoff", "accept", "ACME-5G", str(to_ar.id)],
        ["approver", "add", "ATI", "wei"],
        ["gate", "ACME-5G", "ATI", "approve"],
        ["stage", "ACME-5G", "next"],
        ["deal", "status", "ACME-5G", "lost", "--reason", "x"],
        ["person", "add", "zoe", "Zoe"],
        ["account", "add", "Nordlicht"],
        ["admin", "add", "wei"],
    ):
        assert main(["--db", db_url, *argv]) == EXIT_REFUSED, argv
        err = capsys.readouterr().err
        assert err.startswith("dealroom: error: ")
        assert "Ana Lima" in err or "by an administrator (ana, " in err
        assert len(err.strip().splitlines()) == 1  # one line
    assert len(team.reads.events()) == before
