"""The deal room's rules: no database, no terminal, no I/O."""

from dealroom.domain.dates import describe, parse_date
from dealroom.domain.model import (
    GATE_GUARDS,
    STAGE_GATE,
    STAGE_INFO,
    STAGES,
    TRIANGLE,
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    Level,
    Phase,
    RiskLevel,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
    Tier,
)
from dealroom.domain.rules import GateMissingError, RuleError

__all__ = [
    "GATE_GUARDS",
    "STAGES",
    "STAGE_GATE",
    "STAGE_INFO",
    "TRIANGLE",
    "DealStatus",
    "Gate",
    "GateDecision",
    "GateMissingError",
    "HandoffState",
    "Level",
    "Phase",
    "RiskLevel",
    "RiskStatus",
    "Role",
    "RuleError",
    "Stage",
    "TaskStatus",
    "Tier",
    "describe",
    "parse_date",
]
