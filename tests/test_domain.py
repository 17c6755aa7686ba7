"""The domain rules: stages, probabilities, gates, handoffs, risks and parsing what people type."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from dealroom.domain import (
    STAGES,
    DealStatus,
    Gate,
    GateDecision,
    GateMissingError,
    HandoffState,
    RiskLevel,
    Role,
    RuleError,
    Stage,
    TaskStatus,
    rules,
)

ROOT = Path(__file__).resolve().parents[1]

# --- stages ---------------------------------------------------------------------------


def test_stages_follow_the_lead_to_cash_order() -> None:
    assert [s.value for s in STAGES] == [
        "lead",
        "opportunity",
        "pre_bid",
        "bid",
        "contract",
        "delivery",
        "invoice",
        "closed",
    ]
    assert [s.order for s in STAGES] == list(range(8))


def test_next_and_prev_walk_the_order_and_stop_at_the_ends() -> None:
    for before, after in itertools.pairwise(STAGES):
        assert before.next is after
        assert after.prev is before
    assert Stage.LEAD.prev is None
    assert Stage.CLOSED.next is None


def test_default_probabilities_per_stage() -> None:
    assert [s.default_probability for s in STAGES] == [10, 20, 30, 50, 90, 100, 100, 100]


# --- probability and weighting ----------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_open_deal_without_override_takes_the_stage_default(stage: Stage) -> None:
    assert rules.probability(stage, None, DealStatus.OPEN) == stage.default_probability


@pytest.mark.parametrize("override", [0, 45, 100])
def test_override_replaces_the_stage_default(override: int) -> None:
    assert rules.probability(Stage.BID, override, DealStatus.OPEN) == override


@pytest.mark.parametrize(
    ("status", "expected"),
    [(DealStatus.WON, 100), (DealStatus.LOST, 0), (DealStatus.DROPPED, 0)],
)
def test_closed_statuses_fix_the_probability_whatever_the_override(
    status: DealStatus, expected: int
) -> None:
    assert rules.probability(Stage.LEAD, 45, status) == expected
    assert rules.probability(Stage.CONTRACT, None, status) == expected


@pytest.mark.parametrize(
    ("amount", "prob", "expected"),
    [(1_200_000, 30, 360_000), (1_000, 0, 0), (1_000, 100, 1_000), (5, 50, 2), (999, 10, 99)],
)
def test_weighted_amount_is_amount_times_probability_rounded_down(
    amount: int, prob: int, expected: int
) -> None:
    assert rules.weighted(amount, prob) == expected


# --- gates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "gates"),
    [
        (Stage.LEAD, Stage.OPPORTUNITY, []),
        (Stage.OPPORTUNITY, Stage.PRE_BID, [Gate.ATI]),
        (Stage.PRE_BID, Stage.BID, [Gate.ATB]),
        (Stage.BID, Stage.CONTRACT, [Gate.ATC]),
        (Stage.CONTRACT, Stage.DELIVERY, []),
        (Stage.DELIVERY, Stage.INVOICE, []),
        (Stage.INVOICE, Stage.CLOSED, [Gate.ATCC]),
        (Stage.LEAD, Stage.BID, [Gate.ATI, Gate.ATB]),
        (Stage.LEAD, Stage.CLOSED, [Gate.ATI, Gate.ATB, Gate.ATC, Gate.ATCC]),
        (Stage.PRE_BID, Stage.PRE_BID, []),
        (Stage.BID, Stage.LEAD, []),
        (Stage.CLOSED, Stage.OPPORTUNITY, []),
    ],
)
def test_gates_needed_are_the_gates_a_forward_move_passes(
    current: Stage, target: Stage, gates: list[Gate]
) -> None:
    assert rules.gates_needed(current, target) == gates


def test_atac_guards_no_stage() -> None:
    assert Gate.ATAC.guards is None
    assert [g.guards for g in (Gate.ATI, Gate.ATB, Gate.ATC, Gate.ATCC)] == [
        Stage.PRE_BID,
        Stage.BID,
        Stage.CONTRACT,
        Stage.CLOSED,
    ]


def test_stage_move_without_its_gate_names_the_gate() -> None:
    with pytest.raises(GateMissingError) as err:
        rules.check_stage_move(DealStatus.OPEN, Stage.OPPORTUNITY, Stage.PRE_BID, [])
    assert err.value.gates == [Gate.ATI]
    assert err.value.stage is Stage.PRE_BID
    assert "ATI" in str(err.value)
    assert "Pre-bid shaping" in str(err.value)


def test_skipping_move_names_only_the_gates_still_missing() -> None:
    with pytest.raises(GateMissingError) as err:
        rules.check_stage_move(DealStatus.OPEN, Stage.LEAD, Stage.BID, [Gate.ATI])
    assert err.value.gates == [Gate.ATB]
    assert "ATB" in str(err.value)
    assert "ATI" not in str(err.value)


def test_gate_missing_error_is_a_rule_error() -> None:
    with pytest.raises(RuleError):
        rules.check_stage_move(DealStatus.OPEN, Stage.LEAD, Stage.CLOSED, [])


def test_stage_move_with_its_gates_approved_is_allowed() -> None:
    rules.check_stage_move(DealStatus.OPEN, Stage.LEAD, Stage.BID, [Gate.ATI, Gate.ATB])
    rules.check_stage_move(DealStatus.OPEN, Stage.BID, Stage.LEAD, [])
    # a won deal moves on and back between Contract and Closed (not before Contract: below)
    rules.check_stage_move(DealStatus.WON, Stage.CONTRACT, Stage.CLOSED, [Gate.ATCC])
    rules.check_stage_move(DealStatus.WON, Stage.CLOSED, Stage.CONTRACT, [])


@pytest.mark.parametrize("status", [DealStatus.LOST, DealStatus.DROPPED])
@pytest.mark.parametrize(
    ("current", "target"), [(Stage.LEAD, Stage.OPPORTUNITY), (Stage.BID, Stage.PRE_BID)]
)
def test_lost_or_dropped_deal_may_not_move(
    status: DealStatus, current: Stage, target: Stage
) -> None:
    with pytest.raises(RuleError, match=status.value):
        rules.check_stage_move(status, current, target, list(Gate))


def test_move_to_the_current_stage_is_refused() -> None:
    with pytest.raises(RuleError, match="already in Bid"):
        rules.check_stage_move(DealStatus.OPEN, Stage.BID, Stage.BID, list(Gate))


@pytest.mark.parametrize(
    ("stage", "states", "expected"),
    [
        (Stage.LEAD, {}, None),
        (Stage.OPPORTUNITY, {}, Gate.ATI),
        (Stage.OPPORTUNITY, {Gate.ATI: GateDecision.APPROVED}, None),
        (Stage.OPPORTUNITY, {Gate.ATI: GateDecision.REJECTED}, Gate.ATI),
        (Stage.OPPORTUNITY, {Gate.ATI: GateDecision.DEFERRED}, Gate.ATI),
        (Stage.PRE_BID, {Gate.ATI: GateDecision.APPROVED}, Gate.ATB),
        (Stage.BID, {Gate.ATB: GateDecision.APPROVED}, Gate.ATC),
        (Stage.CONTRACT, {}, None),
        (Stage.INVOICE, {}, Gate.ATCC),
        (Stage.CLOSED, {}, None),
    ],
)
def test_pending_gate_is_the_unapproved_gate_guarding_the_next_stage(
    stage: Stage, states: dict[Gate, GateDecision], expected: Gate | None
) -> None:
    assert rules.pending_gate(stage, states) == expected


def test_latest_gate_state_is_the_most_recent_decision() -> None:
    states = rules.latest_gate_states(
        [
            (Gate.ATI, GateDecision.APPROVED),
            (Gate.ATB, GateDecision.DEFERRED),
            (Gate.ATI, GateDecision.REJECTED),
            (Gate.ATB, GateDecision.APPROVED),
        ]
    )
    assert states == {Gate.ATI: GateDecision.REJECTED, Gate.ATB: GateDecision.APPROVED}
    assert rules.approved_gates(states) == {Gate.ATB}


def test_gate_decisions_refused_on_lost_deal_and_atac_before_contract() -> None:
    with pytest.raises(RuleError, match="lost"):
        rules.check_gate_decision(Gate.ATI, Stage.OPPORTUNITY, DealStatus.LOST)
    with pytest.raises(RuleError, match="ATAC"):
        rules.check_gate_decision(Gate.ATAC, Stage.BID, DealStatus.OPEN)
    rules.check_gate_decision(Gate.ATAC, Stage.CONTRACT, DealStatus.OPEN)
    rules.check_gate_decision(Gate.ATAC, Stage.DELIVERY, DealStatus.WON)


# --- deal status --------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.LEAD, Stage.OPPORTUNITY, Stage.PRE_BID, Stage.BID])
def test_won_before_contract_is_refused(stage: Stage) -> None:
    with pytest.raises(RuleError, match="contract is signed"):
        rules.check_status_change(DealStatus.OPEN, DealStatus.WON, stage, "")


@pytest.mark.parametrize("stage", [Stage.CONTRACT, Stage.DELIVERY, Stage.CLOSED])
def test_won_from_contract_on_is_allowed(stage: Stage) -> None:
    assert rules.check_status_change(DealStatus.OPEN, DealStatus.WON, stage, "") == ""


@pytest.mark.parametrize("target", [DealStatus.LOST, DealStatus.DROPPED])
def test_lost_and_dropped_need_a_reason(target: DealStatus) -> None:
    with pytest.raises(RuleError, match="reason is required") as err:
        rules.check_status_change(DealStatus.OPEN, target, Stage.BID, "   ")
    assert err.value.field == "reason"
    assert rules.check_status_change(DealStatus.OPEN, target, Stage.BID, "  price ") == "price"


def test_status_change_to_the_same_status_is_refused() -> None:
    with pytest.raises(RuleError, match="already lost"):
        rules.check_status_change(DealStatus.LOST, DealStatus.LOST, Stage.BID, "again")


def test_reopening_needs_no_reason() -> None:
    assert rules.check_status_change(DealStatus.LOST, DealStatus.OPEN, Stage.BID, "") == ""


# --- handoffs ------------------------------------------------------------------------------

ALLOWED_HANDOFF_MOVES = {
    (HandoffState.DRAFTED, "send"): HandoffState.SENT,
    (HandoffState.REJECTED, "send"): HandoffState.SENT,
    (HandoffState.SENT, "accept"): HandoffState.ACCEPTED,
    (HandoffState.SENT, "reject"): HandoffState.REJECTED,
    (HandoffState.SENT, "withdraw"): HandoffState.DRAFTED,
}
HANDOFF_ACTIONS = ("send", "accept", "reject", "withdraw")


@pytest.mark.parametrize("action", HANDOFF_ACTIONS)
@pytest.mark.parametrize("state", list(HandoffState))
def test_handoff_transition_allows_only_the_documented_moves(
    state: HandoffState, action: str
) -> None:
    expected = ALLOWED_HANDOFF_MOVES.get((state, action))
    if expected is None:
        with pytest.raises(RuleError, match=f"cannot {action} a handoff that is {state.value}"):
            rules.handoff_transition(state, action, "a reason")
    else:
        assert rules.handoff_transition(state, action, "a reason") is expected


def test_every_allowed_handoff_move_is_a_real_state_and_action() -> None:
    # Guards the table above against typos that would make the parametrised test vacuous.
    assert {a for _, a in ALLOWED_HANDOFF_MOVES} == set(HANDOFF_ACTIONS)
    assert len(ALLOWED_HANDOFF_MOVES) == 5


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_a_handoff_needs_a_reason(reason: str) -> None:
    with pytest.raises(RuleError, match="reason is required"):
        rules.handoff_transition(HandoffState.SENT, "reject", reason)


@pytest.mark.parametrize("sender", [Role.AR, Role.SR, Role.FR])
@pytest.mark.parametrize("receiver", [Role.AR, Role.SR, Role.FR])
def test_handoffs_pass_between_two_different_leads(sender: Role, receiver: Role) -> None:
    if sender == receiver:
        with pytest.raises(RuleError, match="another role"):
            rules.check_handoff_roles(sender, receiver)
    else:
        rules.check_handoff_roles(sender, receiver)


@pytest.mark.parametrize(
    ("sender", "receiver"),
    [(Role.SPONSOR, Role.AR), (Role.AR, Role.EXPERT), (Role.EXPERT, Role.SPONSOR)],
)
def test_handoffs_refuse_roles_outside_the_triangle(sender: Role, receiver: Role) -> None:
    with pytest.raises(RuleError, match="between AR, SR and FR"):
        rules.check_handoff_roles(sender, receiver)


# --- risks -----------------------------------------------------------------------------------


def test_exposure_is_likelihood_times_impact() -> None:
    assert rules.exposure(3, 5) == 15
    assert rules.exposure(1, 1) == 1
    assert rules.exposure(5, 5) == 25


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (1, RiskLevel.LOW),
        (7, RiskLevel.LOW),
        (8, RiskLevel.MEDIUM),
        (12, RiskLevel.MEDIUM),
        (14, RiskLevel.MEDIUM),
        (15, RiskLevel.HIGH),
        (25, RiskLevel.HIGH),
    ],
)
def test_risk_level_boundaries(value: int, level: RiskLevel) -> None:
    assert rules.risk_level(value) is level


@pytest.mark.parametrize("value", [0, 6, -1])
def test_likelihood_and_impact_are_rated_one_to_five(value: int) -> None:
    with pytest.raises(RuleError, match="between 1 and 5"):
        rules.check_scale(value, field="impact")


def test_overdue_means_due_before_today_and_not_done() -> None:
    from datetime import date

    today = date(2026, 11, 23)
    assert rules.is_overdue(date(2026, 11, 22), False, today)
    assert not rules.is_overdue(today, False, today)
    assert not rules.is_overdue(date(2026, 11, 22), True, today)
    assert not rules.is_overdue(None, False, today)


# --- field checks and parsing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [("acme-5g", "ACME-5G"), ("  x1 ", "X1"), ("a.b_c-9", "A.B_C-9"), ("A" * 40, "A" * 40)],
)
def test_check_code_upper_cases_valid_codes(typed: str, code: str) -> None:
    assert rules.check_code(typed) == code


@pytest.mark.parametrize("typed", ["", "   ", "-ACME", "ACME 5G", "ACME/5G", "A" * 41, "ä1"])
def test_check_code_refuses_malformed_codes(typed: str) -> None:
    with pytest.raises(RuleError, match="deal code") as err:
        rules.check_code(typed)
    assert err.value.field == "code"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1,200,000", 1_200_000),
        ("1.2m", 1_200_000),
        ("300k", 300_000),
        ("2b", 2_000_000_000),
        ("  42 ", 42),
        ("0", 0),
        ("1_000", 1_000),
    ],
)
def test_parse_amount_reads_what_people_type(typed: str, amount: int) -> None:
    assert rules.parse_amount(typed) == amount


@pytest.mark.parametrize("typed", ["-5", "-1k", "abc", "", "1.2.3", "k"])
def test_parse_amount_refuses_negatives_and_non_numbers(typed: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.parse_amount(typed)
    assert err.value.field == "amount"


@pytest.mark.parametrize("typed", ["infk", "nanm"])
def test_parse_amount_refuses_infinity_and_nan_as_a_rule_error(typed: str) -> None:
    try:
        rules.parse_amount(typed)
    except RuleError:
        return
    except Exception as exc:  # anything else would reach the user as a traceback
        pytest.fail(f"parse_amount({typed!r}) raised {type(exc).__name__}, not RuleError")
    pytest.fail(f"parse_amount({typed!r}) accepted the value")


def test_amounts_above_the_plausible_limit_are_refused() -> None:
    with pytest.raises(RuleError, match="implausibly large"):
        rules.check_amount(10**15 + 1)
    assert rules.check_amount(10**15) == 10**15


@pytest.mark.parametrize(
    ("typed", "value"),
    [("", None), ("auto", None), ("-", None), ("40", 40), ("40%", 40), (" 40 % ", 40), ("0", 0)],
)
def test_parse_probability(typed: str, value: int | None) -> None:
    assert rules.parse_probability(typed) == value


@pytest.mark.parametrize("typed", ["101", "-1", "x", "4.5", "40 percent"])
def test_parse_probability_refuses_out_of_range_and_non_integers(typed: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.parse_probability(typed)
    assert err.value.field == "probability"


@pytest.mark.parametrize(
    ("typed", "stage"),
    [
        ("lead", Stage.LEAD),
        ("Opportunity", Stage.OPPORTUNITY),
        ("pre_bid", Stage.PRE_BID),
        ("PRE_BID", Stage.PRE_BID),
        ("Pre-bid shaping", Stage.PRE_BID),
        ("pre-bid", Stage.PRE_BID),
        ("prebid", Stage.PRE_BID),
        ("shaping", Stage.PRE_BID),
        ("opp", Stage.OPPORTUNITY),
        ("cash", Stage.INVOICE),
        ("Invoice & cash", Stage.INVOICE),
        ("0", Stage.LEAD),
        ("3", Stage.BID),
        (" 7 ", Stage.CLOSED),
    ],
)
def test_parse_stage_by_name_label_number_or_alias(typed: str, stage: Stage) -> None:
    assert rules.parse_stage(typed) is stage


@pytest.mark.parametrize(
    ("typed", "stage"),
    [("PRE", Stage.PRE_BID), ("CON", Stage.CONTRACT), ("DEL", Stage.DELIVERY)],
)
def test_parse_stage_by_short_name(typed: str, stage: Stage) -> None:
    assert rules.parse_stage(typed) is stage


@pytest.mark.parametrize("typed", ["8", "-1", "tender", "", "contracts"])
def test_parse_stage_refuses_unknown_stages_and_lists_them(typed: str) -> None:
    with pytest.raises(RuleError, match="unknown stage") as err:
        rules.parse_stage(typed)
    for stage in STAGES:
        assert stage.value in str(err.value)


def test_parse_choice_accepts_value_or_name_case_insensitively() -> None:
    assert rules.parse_choice(TaskStatus, " DOING ", field="status") is TaskStatus.DOING
    assert rules.parse_choice(Role, "Sponsor", field="role") is Role.SPONSOR
    assert rules.parse_choice(Role, "fr", field="role") is Role.FR


def test_parse_choice_error_lists_the_choices() -> None:
    with pytest.raises(RuleError) as err:
        rules.parse_choice(TaskStatus, "stuck", field="status")
    assert str(err.value) == "unknown status 'stuck': choose one of todo, doing, blocked, done"
    assert err.value.field == "status"


def test_parse_lead_role_refuses_non_leads() -> None:
    assert rules.parse_lead_role("sr") is Role.SR
    with pytest.raises(RuleError, match=r"choose one of AR, SR, FR$"):
        rules.parse_lead_role("sponsor")


# --- layering ----------------------------------------------------------------------------------


def _loads_in_fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_domain_and_store_do_not_load_textual() -> None:
    done = _loads_in_fresh_python(
        "import dealroom.domain, dealroom.store.store, sys; "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "assert 'sqlalchemy' in sys.modules, 'the store should have loaded'; "
        "assert not bad, bad"
    )
    assert done.returncode == 0, done.stderr


def test_domain_loads_no_database_library() -> None:
    done = _loads_in_fresh_python(
        "import dealroom.domain, dealroom.domain.rules, dealroom.domain.dates, sys; "
        "bad = sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'alembic', 'textual')); "
        "assert 'dealroom.domain.rules' in sys.modules; "
        "assert not bad, bad"
    )
    assert done.returncode == 0, done.stderr


def test_a_won_deal_stays_at_contract_or_later() -> None:
    """A signed deal moved back to Lead would be a won Lead: refused, with the way out."""
    from dealroom.domain import DealStatus, Stage, rules

    for target in (Stage.LEAD, Stage.OPPORTUNITY, Stage.PRE_BID, Stage.BID):
        with pytest.raises(rules.RuleError, match="the deal is won: it stays at Contract"):
            rules.check_stage_move(DealStatus.WON, Stage.DELIVERY, target, [])
    rules.check_stage_move(DealStatus.WON, Stage.DELIVERY, Stage.CONTRACT, [])
    rules.check_stage_move(DealStatus.OPEN, Stage.DELIVERY, Stage.LEAD, [])
