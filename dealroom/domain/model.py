"""The vocabulary of a deal room: roles, LTC stages, gates and statuses.

Pure data, no I/O. See DOMAIN.md for what each term means to the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dealroom.i18n import N_, _, pgettext


class Role(StrEnum):
    """A member's role on a deal. AR/SR/FR are the iron triangle."""

    AR = "AR"
    SR = "SR"
    FR = "FR"
    SPONSOR = "sponsor"
    EXPERT = "expert"

    @property
    def long_name(self) -> str:
        return _(ROLE_TITLES[self])

    @property
    def is_lead(self) -> bool:
        return self in TRIANGLE

    @property
    def single(self) -> bool:
        """AR, SR, FR and the sponsor are held by one person each; experts may be many."""
        return self is not Role.EXPERT


TRIANGLE: tuple[Role, ...] = (Role.AR, Role.SR, Role.FR)

ROLE_TITLES: dict[Role, str] = {
    Role.AR: N_("Account lead"),
    Role.SR: N_("Solution lead"),
    Role.FR: N_("Fulfillment lead"),
    Role.SPONSOR: N_("Sponsor"),
    Role.EXPERT: N_("Expert"),
}


class Phase(StrEnum):
    LEADS = "leads"
    OPPORTUNITY = "opportunity"
    EXECUTION = "contract execution"


class Stage(StrEnum):
    """Lead-to-Cash stages, in order."""

    LEAD = "lead"
    OPPORTUNITY = "opportunity"
    PRE_BID = "pre_bid"
    BID = "bid"
    CONTRACT = "contract"
    DELIVERY = "delivery"
    INVOICE = "invoice"
    CLOSED = "closed"

    @property
    def order(self) -> int:
        return STAGES.index(self)

    @property
    def label(self) -> str:
        return STAGE_INFO[self].label

    @property
    def default_probability(self) -> int:
        return STAGE_INFO[self].probability

    @property
    def next(self) -> Stage | None:
        i = self.order
        return STAGES[i + 1] if i + 1 < len(STAGES) else None

    @property
    def prev(self) -> Stage | None:
        i = self.order
        return STAGES[i - 1] if i > 0 else None


@dataclass(frozen=True, slots=True)
class StageInfo:
    label: str
    native: str
    phase: Phase
    probability: int
    short: str


STAGE_INFO: dict[Stage, StageInfo] = {
    Stage.LEAD: StageInfo(N_("Lead"), "线索", Phase.LEADS, 10, N_("LEAD")),
    Stage.OPPORTUNITY: StageInfo(N_("Opportunity"), "机会点", Phase.OPPORTUNITY, 20, N_("OPP")),
    Stage.PRE_BID: StageInfo(N_("Pre-bid shaping"), "标前引导", Phase.OPPORTUNITY, 30, N_("PRE")),
    Stage.BID: StageInfo(N_("Bid"), "投标", Phase.OPPORTUNITY, 50, N_("BID")),
    Stage.CONTRACT: StageInfo(N_("Contract"), "合同", Phase.EXECUTION, 90, N_("CON")),
    Stage.DELIVERY: StageInfo(N_("Delivery"), "交付", Phase.EXECUTION, 100, N_("DEL")),
    Stage.INVOICE: StageInfo(N_("Invoice & cash"), "开票回款", Phase.EXECUTION, 100, N_("INV")),
    Stage.CLOSED: StageInfo(N_("Closed"), "关闭", Phase.EXECUTION, 100, N_("CLO")),
}

STAGES: tuple[Stage, ...] = tuple(Stage)


class Gate(StrEnum):
    """Decision gates of the LTC flow."""

    ATI = "ATI"
    ATB = "ATB"
    ATC = "ATC"
    ATAC = "ATAC"
    ATCC = "ATCC"

    @property
    def meaning(self) -> str:
        """What the gate approves, as the catalog marks it (shown through ``_``)."""
        return GATE_MEANING[self]

    @property
    def guards(self) -> Stage | None:
        """The stage a deal may not enter without this gate approved."""
        return GATE_GUARDS.get(self)


GATE_MEANING: dict[Gate, str] = {
    Gate.ATI: N_("Approve To Initiate"),
    Gate.ATB: N_("Approve To Bid"),
    Gate.ATC: N_("Approve To Contract"),
    Gate.ATAC: N_("Approve To Amend Contract"),
    Gate.ATCC: N_("Approve To Close Contract"),
}

GATE_GUARDS: dict[Gate, Stage] = {
    Gate.ATI: Stage.PRE_BID,
    Gate.ATB: Stage.BID,
    Gate.ATC: Stage.CONTRACT,
    Gate.ATCC: Stage.CLOSED,
}

STAGE_GATE: dict[Stage, Gate] = {stage: gate for gate, stage in GATE_GUARDS.items()}


class GateDecision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"

    @property
    def label(self) -> str:
        """The decision in the language spoken (the value is what is stored)."""
        return {
            GateDecision.APPROVED: _("approved"),
            GateDecision.REJECTED: _("rejected"),
            GateDecision.DEFERRED: _("deferred"),
        }[self]


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """The status in the language spoken (the value is what is stored)."""
        return {
            DealStatus.OPEN: _("open"),
            DealStatus.WON: _("won"),
            DealStatus.LOST: _("lost"),
            DealStatus.DROPPED: _("dropped"),
        }[self]


class Level(StrEnum):
    """Project level: I company-level, II major, III everything else."""

    I = "I"  # noqa: E741 - the level's own name
    II = "II"
    III = "III"


class Tier(StrEnum):
    """Customer tier: S strategic, A produces, B being grown, C potential."""

    S = "S"
    A = "A"
    B = "B"
    C = "C"

    @property
    def long_name(self) -> str:
        """What the tier means, in the language spoken."""
        return _(_TIER_NAMES[self])


_TIER_NAMES = {
    Tier.S: N_("strategic"),
    Tier.A: N_("produces"),
    Tier.B: N_("being grown"),
    Tier.C: N_("potential"),
}


class TaskStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    BLOCKED = "blocked"
    DONE = "done"

    @property
    def label(self) -> str:
        """The status in the language spoken (the value is what is stored)."""
        return {
            TaskStatus.TODO: _("todo"),
            TaskStatus.DOING: _("doing"),
            TaskStatus.BLOCKED: _("blocked"),
            TaskStatus.DONE: _("done"),
        }[self]


class RiskStatus(StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """The status in the language spoken (the value is what is stored)."""
        return {
            RiskStatus.OPEN: pgettext("risk status", "open"),
            RiskStatus.MITIGATING: _("mitigating"),
            RiskStatus.CLOSED: _("closed"),
        }[self]


class HandoffState(StrEnum):
    DRAFTED = "drafted"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """The state in the language spoken (the value is what is stored)."""
        return {
            HandoffState.DRAFTED: _("drafted"),
            HandoffState.SENT: _("sent"),
            HandoffState.ACCEPTED: _("accepted"),
            HandoffState.REJECTED: _("rejected"),
        }[self]


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        """The level in the language spoken (the value is what is stored)."""
        return {
            RiskLevel.LOW: pgettext("risk level", "low"),
            RiskLevel.MEDIUM: pgettext("risk level", "medium"),
            RiskLevel.HIGH: pgettext("risk level", "high"),
        }[self]
