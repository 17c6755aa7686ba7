"""The deal room's rules: no database, no terminal, no I/O.

The methods for winning a deal live in their own modules: :mod:`.checklist` (stage
checklists), :mod:`.powermap` (decision chain and its gaps), :mod:`.competitors`,
:mod:`.assessment` (four questions, twenty factors), :mod:`.review` (review triggers and
agenda) and :mod:`.forecast` (weighted pipeline by close month).
"""

from dealroom.domain import assessment, checklist, competitors, forecast, powermap, review
from dealroom.domain.assessment import FACTORS, QUESTIONS, Mark, Question
from dealroom.domain.checklist import DEFAULT_CHECKLISTS, Answer, ChecklistItem
from dealroom.domain.competitors import Competitor
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
from dealroom.domain.powermap import DECISION_ROLES, Contact, DecisionRole, GapKind
from dealroom.domain.review import ReviewFacts, ReviewTrigger, TriggerKind
from dealroom.domain.rules import GateMissingError, RuleError

__all__ = [
    "DECISION_ROLES",
    "DEFAULT_CHECKLISTS",
    "FACTORS",
    "GATE_GUARDS",
    "QUESTIONS",
    "STAGES",
    "STAGE_GATE",
    "STAGE_INFO",
    "TRIANGLE",
    "Answer",
    "ChecklistItem",
    "Competitor",
    "Contact",
    "DealStatus",
    "DecisionRole",
    "GapKind",
    "Gate",
    "GateDecision",
    "GateMissingError",
    "HandoffState",
    "Level",
    "Mark",
    "Phase",
    "Question",
    "ReviewFacts",
    "ReviewTrigger",
    "RiskLevel",
    "RiskStatus",
    "Role",
    "RuleError",
    "Stage",
    "TaskStatus",
    "Tier",
    "TriggerKind",
    "assessment",
    "checklist",
    "competitors",
    "describe",
    "forecast",
    "parse_date",
    "powermap",
    "review",
]
