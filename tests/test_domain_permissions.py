"""The rules of who may decide what on a deal (``dealroom.domain.permissions``), as pure
functions: each returns None when the actor may, else the one line naming who may."""

from __future__ import annotations

import pytest

from dealroom.domain import Gate, Level, Role
from dealroom.domain import permissions as may
from dealroom.domain.permissions import Seats


def seats(level: Level = Level.III, *, sponsor: bool = True) -> Seats:
    holders = {
        Role.AR: [("ana", "Ana Lima")],
        Role.SR: [("wei", "Wei Zhang")],
        Role.FR: [("li", "李娜")],
        Role.EXPERT: [("kim", "Kim Expert")],
    }
    if sponsor:
        holders[Role.SPONSOR] = [("boss", "Sam Sponsor")]
    return Seats("ACME-5G", level, holders)


def test_gates_are_the_sponsors_and_on_level_iii_the_ars() -> None:
    assert may.gate(seats(), "boss", Gate.ATC) is None
    assert may.gate(seats(), "ana", Gate.ATC) is None
    assert may.gate(seats(), "wei", Gate.ATC) == (
        "ATC on ACME-5G is decided by its sponsor, Sam Sponsor or its AR lead, Ana Lima"
    )
    assert may.gate(seats(Level.I), "ana", Gate.ATC) == (
        "ATC on ACME-5G (a level-I deal) is decided by its sponsor, Sam Sponsor"
    )
    assert may.gate(seats(Level.II, sponsor=False), "boss", Gate.ATB) == (
        "ATB on ACME-5G (a level-II deal) is decided by its sponsor (none yet)"
    )


def test_handoffs_are_the_receiving_leads_or_the_sponsors() -> None:
    assert may.handoff(seats(), "wei", Role.SR, "accepted") is None
    assert may.handoff(seats(), "boss", Role.SR, "rejected") is None
    assert may.handoff(seats(), "ana", Role.SR, "accepted") == (
        "a handoff to SR on ACME-5G is accepted by its SR lead, Wei Zhang or its sponsor, "
        "Sam Sponsor"
    )


@pytest.mark.parametrize(("who", "allowed"), [("ana", True), ("boss", True), ("wei", False)])
def test_the_stage_and_the_status_are_the_ars_or_the_sponsors(who: str, allowed: bool) -> None:
    said = may.move(seats(), who, "marked lost")
    assert (said is None) is allowed
    if not allowed:
        assert said == "ACME-5G is marked lost by its AR lead, Ana Lima or its sponsor, Sam Sponsor"


def test_items_are_the_members_to_change_and_a_sides_own_to_delete() -> None:
    assert may.edit_item(seats(), "kim", "task") is None  # an expert is a member
    assert may.edit_item(seats(), "eve", "task") == (
        "a task on ACME-5G is changed by the deal's members; you are not one of them"
    )
    assert may.delete_item(seats(), "wei", "risk", Role.SR) is None
    assert may.delete_item(seats(), "boss", "task", Role.AR) is None
    assert may.delete_item(seats(), "wei", "task", Role.AR) == (
        "the AR task on ACME-5G is deleted by its AR lead, Ana Lima or its sponsor, Sam Sponsor"
    )
