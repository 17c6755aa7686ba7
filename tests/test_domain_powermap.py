"""The power map: roles, scales, gaps and how support changes read; competitors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from dealroom.domain import RuleError
from dealroom.domain.competitors import Competitor, check_competitor, check_new_competitor_name
from dealroom.domain.powermap import (
    DECISION_ROLES,
    MINUS,
    Contact,
    DecisionRole,
    GapKind,
    PowerMapGap,
    SupportChange,
    check_contact,
    check_influence,
    describe_support_change,
    format_support,
    group_by_role,
    is_adverse_change,
    is_real_coach,
    parse_decision_role,
    parse_support,
    power_map_gaps,
    support_bar,
    support_label,
)

TODAY = date(2026, 11, 23)


def person(name: str = "Wang Li", **kw: object) -> Contact:
    """A well-kept contact: owned, supportive, met today; override what the test is about."""
    base: dict[str, Any] = {
        "title": "",
        "role": DecisionRole.EVALUATOR,
        "support": 1,
        "owner": "ana",
        "last_contact": TODAY,
    }
    base.update(kw)
    return Contact(name, **base)


COACH = person("Zhao", role=DecisionRole.COACH, support=2)
DECIDER = person("Liu", title="CTO", role=DecisionRole.DECISION_MAKER, key_decider=True, support=2)


def kinds(gaps: list[PowerMapGap]) -> list[GapKind]:
    return [g.kind for g in gaps]


# --- roles and scales ----------------------------------------------------------------------


def test_decision_roles_group_in_the_seeds_order() -> None:
    assert [r.value for r in DECISION_ROLES] == [
        "approver",
        "decision_maker",
        "evaluator",
        "advisor",
        "gatekeeper",
        "user",
        "coach",
    ]
    assert DecisionRole.DECISION_MAKER.label == "Decision maker"
    assert "not yes" in DecisionRole.EVALUATOR.meaning


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("Decision maker", DecisionRole.DECISION_MAKER),
        ("decision_maker", DecisionRole.DECISION_MAKER),
        ("dm", DecisionRole.DECISION_MAKER),
        ("COACH", DecisionRole.COACH),
        ("consultant", DecisionRole.ADVISOR),
    ],
)
def test_parse_decision_role(typed: str, role: DecisionRole) -> None:
    assert parse_decision_role(typed) is role


def test_unknown_decision_role_names_the_choices() -> None:
    with pytest.raises(RuleError, match="gatekeeper"):
        parse_decision_role("boss")


@pytest.mark.parametrize(
    ("typed", "value"), [("+3", 3), ("2", 2), ("0", 0), ("-1", -1), ("−3", -3)]
)
def test_parse_support_takes_signs_and_the_true_minus(typed: str, value: int) -> None:
    assert parse_support(typed) == value


@pytest.mark.parametrize("typed", ["4", "-4", "+", "", "1.5", "two"])
def test_parse_support_refuses_out_of_scale_and_non_numbers(typed: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_support(typed)
    assert err.value.field == "support"


def test_support_reads_signed_with_the_seeds_meanings() -> None:
    assert [format_support(v) for v in (3, 0, -2)] == ["+3", "0", f"{MINUS}2"]
    assert support_label(3) == "+3 strong exclusive support"
    assert support_label(0) == "0 neutral"
    assert support_label(-3) == f"{MINUS}3 strong opposition"


def test_support_bar_grows_left_for_opposition_and_right_for_support() -> None:
    assert support_bar(0) == "   │   "
    assert support_bar(-2) == " ██│   "
    assert support_bar(3) == "   │███"
    assert {len(support_bar(v)) for v in range(-3, 4)} == {7}


@pytest.mark.parametrize("bad", [0, 6])
def test_influence_is_one_to_five(bad: int) -> None:
    assert check_influence(1) == 1 and check_influence(5) == 5
    with pytest.raises(RuleError):
        check_influence(bad)


def test_check_contact_tidies_and_refuses() -> None:
    c = check_contact(Contact("  Wang Li ", title=" CTO ", owner="  ", leaning_to=" "))
    assert (c.name, c.title, c.owner, c.leaning_to) == ("Wang Li", "CTO", None, None)
    assert c.who == "Wang Li (CTO)"
    with pytest.raises(RuleError, match="name"):
        check_contact(Contact("   "))
    with pytest.raises(RuleError, match="support"):
        check_contact(Contact("X", support=4))
    with pytest.raises(RuleError, match="title"):
        check_contact(Contact("X", title="t" * 121))


def test_group_by_role_keeps_map_order_and_puts_key_deciders_first() -> None:
    a = person("A", role=DecisionRole.COACH)
    b = person("B", role=DecisionRole.APPROVER, influence=2)
    c = person("C", role=DecisionRole.APPROVER, influence=5)
    d = person("D", role=DecisionRole.APPROVER, influence=1, key_decider=True)
    groups = group_by_role([a, b, c, d])
    assert [r for r, _ in groups] == [DecisionRole.APPROVER, DecisionRole.COACH]
    assert [p.name for p in groups[0][1]] == ["D", "C", "B"]


# --- gaps ------------------------------------------------------------------------------------


def test_a_healthy_map_has_no_gaps() -> None:
    assert power_map_gaps([DECIDER, COACH], TODAY) == []


def test_an_empty_map_lacks_a_coach_but_is_not_nagged_about_key_deciders() -> None:
    gaps = power_map_gaps([], TODAY)
    assert kinds(gaps) == [GapKind.NO_COACH]
    assert gaps[0].message == "no coach: nobody inside the customer guides us"
    assert gaps[0].contact is None


@pytest.mark.parametrize(("support", "gap"), [(1, False), (0, True), (-1, True), (-3, True)])
def test_a_key_decider_at_zero_or_below_is_a_gap(support: int, gap: bool) -> None:
    decider = person("Liu", title="CTO", key_decider=True, support=support)
    gaps = [g for g in power_map_gaps([decider, COACH], TODAY) if g.contact is decider]
    assert (GapKind.KEY_DECIDER_NOT_FOR_US in kinds(gaps)) is gap
    if gap:
        assert gaps[0].message.startswith("key decider Liu (CTO) is at ")


def test_someone_who_is_not_a_key_decider_may_be_neutral() -> None:
    assert power_map_gaps([DECIDER, COACH, person("Sun", support=0)], TODAY) == []


def test_no_key_decider_marked_is_a_gap() -> None:
    assert kinds(power_map_gaps([COACH], TODAY)) == [GapKind.NO_KEY_DECIDER]


@pytest.mark.parametrize("support", [0, -1])
def test_a_coach_who_does_not_support_us_is_no_coach(support: int) -> None:
    coach = person("Zhao", role=DecisionRole.COACH, support=support)
    assert not is_real_coach(coach)
    gaps = power_map_gaps([DECIDER, coach], TODAY)
    assert kinds(gaps) == [GapKind.NO_COACH]
    assert "no coach in practice" in gaps[0].message and "Zhao" in gaps[0].message


def test_a_supportive_person_in_another_role_is_not_a_coach() -> None:
    assert kinds(power_map_gaps([DECIDER], TODAY)) == [GapKind.NO_COACH]


def test_contacts_nobody_owns_are_gaps() -> None:
    loose = person("Sun", owner=None)
    gaps = power_map_gaps([DECIDER, COACH, loose], TODAY)
    assert kinds(gaps) == [GapKind.NO_OWNER]
    assert gaps[0].contact is loose and gaps[0].message == "nobody on our side owns Sun"


@pytest.mark.parametrize(
    ("days_ago", "stale"), [(0, False), (29, False), (30, False), (31, True), (400, True)]
)
def test_stale_contact_means_more_than_n_days(days_ago: int, stale: bool) -> None:
    p = person("Sun", last_contact=TODAY - timedelta(days=days_ago))
    gaps = power_map_gaps([DECIDER, COACH, p], TODAY)
    assert (kinds(gaps) == [GapKind.STALE_CONTACT]) is stale
    if stale:
        assert gaps[0].message == f"no contact with Sun for {days_ago} days"


def test_stale_days_can_be_set() -> None:
    p = person("Sun", last_contact=TODAY - timedelta(days=8))
    assert kinds(power_map_gaps([DECIDER, COACH, p], TODAY, stale_days=7)) == [
        GapKind.STALE_CONTACT
    ]


def test_never_contacted_is_its_own_gap() -> None:
    p = person("Sun", last_contact=None)
    gaps = power_map_gaps([DECIDER, COACH, p], TODAY)
    assert kinds(gaps) == [GapKind.NEVER_CONTACTED]
    assert gaps[0].message == "Sun has never been contacted"


def test_gaps_come_most_serious_first() -> None:
    mess = person(
        "Liu", key_decider=True, support=-1, owner=None, last_contact=None, role=DecisionRole.USER
    )
    assert kinds(power_map_gaps([mess], TODAY)) == [
        GapKind.KEY_DECIDER_NOT_FOR_US,
        GapKind.NO_COACH,
        GapKind.NO_OWNER,
        GapKind.NEVER_CONTACTED,
    ]


# --- support changes ----------------------------------------------------------------------


def test_support_changes_read_as_the_standup_says_them() -> None:
    assert (
        describe_support_change("the CTO", 1, -1) == f"support of the CTO fell from +1 to {MINUS}1"
    )
    assert (
        describe_support_change("the CTO", -2, 0) == f"support of the CTO rose from {MINUS}2 to 0"
    )
    assert describe_support_change("Liu", 2, 2) == "support of Liu stays at +2"


@pytest.mark.parametrize(
    ("key", "old", "new", "adverse"),
    [
        (True, 1, -1, True),
        (True, 3, 2, True),
        (True, 0, -1, True),
        (True, -1, 0, False),
        (True, 2, 2, False),
        (False, 3, -3, False),
    ],
)
def test_only_a_key_deciders_fall_is_adverse(key: bool, old: int, new: int, adverse: bool) -> None:
    assert is_adverse_change(key, old, new) is adverse
    assert SupportChange("x", old, new, TODAY, key_decider=key).adverse is adverse


# --- competitors -----------------------------------------------------------------------------


def test_competitor_needs_a_name_and_keeps_notes_bounded() -> None:
    c = check_competitor(Competitor("  Acme   Networks ", strengths=" cheap "))
    assert c.name == "Acme Networks" and c.strengths == "cheap"
    with pytest.raises(RuleError, match="competitor"):
        check_competitor(Competitor(" "))
    with pytest.raises(RuleError):
        check_competitor(Competitor("x" * 81))
    with pytest.raises(RuleError, match="allies"):
        check_competitor(Competitor("Acme", allies="a" * 2_001))


def test_a_competitor_is_named_once_per_deal() -> None:
    assert check_new_competitor_name(" Beta ", ["Acme"]) == "Beta"
    with pytest.raises(RuleError, match="already"):
        check_new_competitor_name("acme  ", ["Acme"])
