"""The rules of the deal room, free of any storage or UI.

Every check raises :class:`RuleError` (or a subclass) with a message written for the
person at the keyboard; the store and the command line show it as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum
from typing import NamedTuple, TypeVar

from dealroom.domain.model import (
    STAGE_GATE,
    STAGE_INFO,
    STAGES,
    TRIANGLE,
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    RiskLevel,
    Role,
    Stage,
)
from dealroom.i18n import N_, _, pgettext


class RuleError(ValueError):
    """A value or an action the rules do not allow. The message is for the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class GateMissingError(RuleError):
    """A stage move refused because a gate guarding it is not approved."""

    def __init__(self, stage: Stage, gates: list[Gate]) -> None:
        names = ", ".join(
            _("{gate} ({meaning})").format(gate=g.value, meaning=_(g.meaning)) for g in gates
        )
        super().__init__(
            _("cannot enter {stage}: gate {gates} is not approved yet").format(
                stage=_(stage.label), gates=names
            ),
            field="stage",
        )
        self.stage = stage
        self.gates = gates


# --- the names of fields, as a message shows them ------------------------------------


def field_label(field: str) -> str:
    """A field's name as a message shows it, in the language spoken (``field=`` stays the
    identifier); a name not listed here as it is."""
    labels = {
        "account": pgettext("field name", "account"),
        "allies": pgettext("field name", "allies"),
        "amount": pgettext("field name", "amount"),
        "answer": pgettext("field name", "answer"),
        "checklist": pgettext("field name", "checklist"),
        "checklist item": pgettext("field name", "checklist item"),
        "checkpoint": pgettext("field name", "checkpoint"),
        "code": pgettext("field name", "code"),
        "competitor": pgettext("field name", "competitor"),
        "currency": pgettext("field name", "currency"),
        "date": pgettext("field name", "date"),
        "differentiator": pgettext("field name", "differentiator"),
        "due": pgettext("field name", "due"),
        "e-mail": pgettext("field name", "e-mail"),
        "email": pgettext("field name", "email"),
        "experts": pgettext("field name", "experts"),
        "factor": pgettext("field name", "factor"),
        "gate": pgettext("field name", "gate"),
        "handle": pgettext("field name", "handle"),
        "impact": pgettext("field name", "impact"),
        "influence": pgettext("field name", "influence"),
        "key": pgettext("field name", "key"),
        "leaning to": pgettext("field name", "leaning to"),
        "level": pgettext("field name", "level"),
        "likelihood": pgettext("field name", "likelihood"),
        "login": pgettext("field name", "login"),
        "milestone": pgettext("field name", "milestone"),
        "mitigation": pgettext("field name", "mitigation"),
        "name": pgettext("field name", "name"),
        "note": pgettext("field name", "note"),
        "number": pgettext("field name", "number"),
        "owner": pgettext("field name", "owner"),
        "on": pgettext("field name", "on"),
        "person": pgettext("field name", "person"),
        "probability": pgettext("field name", "probability"),
        "rate": pgettext("field name", "rate"),
        "reason": pgettext("field name", "reason"),
        "relationship": pgettext("field name", "relationship"),
        "role": pgettext("field name", "role"),
        "scope": pgettext("field name", "scope"),
        "score": pgettext("field name", "score"),
        "share": pgettext("field name", "share"),
        "stage": pgettext("field name", "stage"),
        "status": pgettext("field name", "status"),
        "status reason": pgettext("field name", "status reason"),
        "strengths": pgettext("field name", "strengths"),
        "support": pgettext("field name", "support"),
        "terms": pgettext("field name", "terms"),
        "tier": pgettext("field name", "tier"),
        "title": pgettext("field name", "title"),
        "weaknesses": pgettext("field name", "weaknesses"),
    }
    return labels.get(field, field)


def either(names: Iterable[str]) -> str:
    """``a or b`` (``a or b or c``) in the language spoken: the names already translated."""
    out = ""
    for name in names:
        out = _("{one} or {other}").format(one=out, other=name) if out else name
    return out


# --- parsing names the user types -------------------------------------------------

E = TypeVar("E", bound=StrEnum)

_STAGE_ALIASES: dict[str, Stage] = {
    "prebid": Stage.PRE_BID,
    "pre-bid": Stage.PRE_BID,
    "pre-bid shaping": Stage.PRE_BID,
    "shaping": Stage.PRE_BID,
    "invoice & cash": Stage.INVOICE,
    "cash": Stage.INVOICE,
    "opp": Stage.OPPORTUNITY,
}


def parse_choice(kind: type[E], text: str, *, field: str) -> E:
    """Read an enum value case-insensitively; name the choices when it is unknown."""
    key = text.strip().lower()
    for member in kind:
        if key in (member.value.lower(), member.name.lower()):
            return member
    choices = ", ".join(m.value for m in kind)
    raise RuleError(
        _("unknown {field} {text}: choose one of {choices}").format(
            field=field_label(field), text=repr(text), choices=choices
        ),
        field=field,
    )


def parse_stage(text: str) -> Stage:
    """A stage by its name, label, short name, alias or number (0-7)."""
    key = text.strip().lower()
    if key.isdigit() and int(key) < len(STAGES):
        return STAGES[int(key)]
    if key in _STAGE_ALIASES:
        return _STAGE_ALIASES[key]
    for stage in STAGES:
        info_keys = (
            stage.value,
            stage.label.lower(),
            stage.name.lower(),
            STAGE_INFO[stage].short.lower(),
            _(stage.label).lower(),
            STAGE_INFO[stage].native,
        )
        if key in info_keys or key == stage.value.replace("_", "-"):
            return stage
    choices = ", ".join(s.value for s in STAGES)
    raise RuleError(
        _("unknown stage {text}: choose one of {choices}").format(text=repr(text), choices=choices),
        field="stage",
    )


def parse_lead_role(text: str) -> Role:
    """AR, SR or FR: the roles that keep tasks, risks and handoffs (the sponsor and the
    experts do not, so they are not offered)."""
    key = text.strip().upper()
    for role in TRIANGLE:
        if key == role.value:
            return role
    raise RuleError(
        _("unknown role {text}: choose one of AR, SR, FR").format(text=repr(text)), field="role"
    )


# --- field checks -----------------------------------------------------------------

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
TITLE_MAX = 20_000


def check_code(code: str) -> str:
    """A deal code such as ``ACME-5G``: letters, digits, ``-``, ``_``, ``.``; upper-cased."""
    value = code.strip().upper()
    if not CODE_RE.match(value):
        raise RuleError(
            _(
                "deal code {code} must be 1-40 letters, digits, '-', '_' or '.', "
                "starting with a letter or digit"
            ).format(code=repr(code)),
            field="code",
        )
    return value


def check_text(value: str, *, field: str, required: bool = True, limit: int = TITLE_MAX) -> str:
    text = value.strip()
    if required and not text:
        raise RuleError(
            _("{field} must not be empty").format(field=field_label(field)), field=field
        )
    if len(text) > limit:
        raise RuleError(
            _("{field} is longer than {limit} characters").format(
                field=field_label(field), limit=f"{limit:,}"
            ),
            field=field,
        )
    return text


#: A handle (a login name): what the event log and the store's columns hold at most.
HANDLE_MAX = 64
#: Controls, bidirectional overrides, lone surrogates: nothing a handle may hold.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def check_handle(value: str, *, what: str = N_("a handle"), field: str = "handle") -> str:
    """A person's handle, their login name: one word of printable characters, at most
    :data:`HANDLE_MAX`. ``what`` names it in the messages (marked with ``N_``: it is
    translated here)."""
    handle = value.strip()
    named = _(what)
    if not handle:
        raise RuleError(_("{field} must not be empty").format(field=named), field=field)
    if len(handle) > HANDLE_MAX:
        raise RuleError(
            _("{what} is at most {limit} characters").format(what=named, limit=HANDLE_MAX),
            field=field,
        )
    if any(c.isspace() for c in handle):
        raise RuleError(
            _("{what} is one word, such as a login name").format(what=named), field=field
        )
    if _UNPRINTABLE.search(handle):
        raise RuleError(
            _("{what} is printable characters only (no control characters)").format(what=named),
            field=field,
        )
    return handle


def check_actor(value: str) -> str:
    """Who acts (``--as``, ``DEALROOM_USER`` or the login name): a handle."""
    return check_handle(
        value, what=N_("the acting user's handle (--as, DEALROOM_USER)"), field="actor"
    )


def check_stored_text(value: str, *, field: str, limit: int | None) -> None:
    """What every text column takes, the same on SQLite and PostgreSQL: at most ``limit``
    characters, no NUL character (PostgreSQL refuses it), nothing that is not text (a lone
    surrogate, which an undecodable byte becomes)."""
    if limit is not None and len(value) > limit:
        raise RuleError(
            _("{what} is at most {limit} characters").format(
                what=field_label(field), limit=f"{limit:,}"
            ),
            field=field,
        )
    if "\x00" in value:
        raise RuleError(
            _("{field} must not contain a NUL character").format(field=field_label(field)),
            field=field,
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RuleError(
            _("{field} holds bytes that are not text (UTF-8)").format(field=field_label(field)),
            field=field,
        ) from None


#: The most a deal's amount may be, in whole units of its currency.
AMOUNT_MAX = 10**15
#: What a suffix multiplies an amount by: ``300k``, ``1.2m``, ``2b``, ``120万``, ``1.5亿``.
AMOUNT_SCALES: Mapping[str, int] = {"k": 10**3, "m": 10**6, "b": 10**9, "万": 10**4, "亿": 10**8}


def check_amount(amount: int) -> int:
    if amount < 0:
        raise RuleError(
            _("amount must not be negative (got {amount})").format(amount=f"{amount:,}"),
            field="amount",
        )
    if amount > AMOUNT_MAX:
        raise RuleError(_("amount is implausibly large"), field="amount")
    return amount


def scaled_number(raw: str, scales: Mapping[str, int] = AMOUNT_SCALES) -> Decimal | None:
    """A plain number with an optional multiplier suffix (``1.2m`` → 1200000, with the
    suffixes of ``scales``, longest first); None when it is not a finite number."""
    scale = 1
    for suffix in sorted(scales, key=len, reverse=True):
        if raw.endswith(suffix):
            scale, raw = scales[suffix], raw[: -len(suffix)]
            break
    try:
        value = Decimal(raw) * scale
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def whole_amount(value: Decimal) -> int:
    """An amount in whole currency units, rounded half to even, and checked."""
    if value >= AMOUNT_MAX + 1:  # refused before rounding a number of any size to an int
        raise RuleError(_("amount is implausibly large"), field="amount")
    return check_amount(int(value.to_integral_value(ROUND_HALF_EVEN)))


def parse_amount(text: str) -> int:
    """Whole currency units; accepts ``1,200,000``, ``1.2m``, ``300k``."""
    raw = text.strip().lower().replace(",", "").replace("_", "").replace(" ", "")
    value = scaled_number(raw.removesuffix("元"))  # 120万元
    if value is None:
        raise RuleError(_("amount {text} is not a number").format(text=repr(text)), field="amount")
    return whole_amount(value)


def check_currency(code: str) -> str:
    """An ISO 4217 code (see :func:`dealroom.domain.money.check_currency`)."""
    from dealroom.domain.money import check_currency as iso_4217

    return iso_4217(code)


def check_probability(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise RuleError(
            _("probability must be between 0 and 100 (got {value})").format(value=value),
            field="probability",
        )
    return value


def parse_probability(text: str) -> int | None:
    """``''``/``auto``/``-`` clear the override; ``40`` or ``40%`` set it."""
    raw = text.strip().rstrip("%").strip().lower()
    if raw in ("", "auto", "-", "none", "default"):
        return None
    if not re.fullmatch(r"-?\d+", raw):
        raise RuleError(
            _("probability {text} is not a whole number").format(text=repr(text)),
            field="probability",
        )
    return check_probability(int(raw))


def check_scale(value: int, *, field: str) -> int:
    """Likelihood and impact are rated 1 (low) to 5 (high)."""
    if not 1 <= value <= 5:
        raise RuleError(
            _("{field} must be between 1 and 5 (got {value})").format(
                field=field_label(field), value=value
            ),
            field=field,
        )
    return value


# --- deals, stages and gates ---------------------------------------------------------


def probability(stage: Stage, override: int | None, status: DealStatus) -> int:
    """Win probability in percent: the manual override if set, else the stage's default."""
    if status is DealStatus.WON:
        return 100
    if status in (DealStatus.LOST, DealStatus.DROPPED):
        return 0
    return stage.default_probability if override is None else override


def weighted(amount: int, prob: int) -> int:
    return amount * prob // 100


def gates_needed(current: Stage, target: Stage) -> list[Gate]:
    """The gates a move from ``current`` forward to ``target`` passes, in order."""
    if target.order <= current.order:
        return []
    passed = STAGES[current.order + 1 : target.order + 1]
    return [STAGE_GATE[s] for s in passed if s in STAGE_GATE]


def check_stage_move(
    status: DealStatus, current: Stage, target: Stage, approved: Iterable[Gate]
) -> None:
    """Refuse a move the rules do not allow; a forward move needs every gate it passes."""
    if status in (DealStatus.LOST, DealStatus.DROPPED):
        raise RuleError(
            _("the deal is {status}: reopen it before moving its stage").format(status=status.label)
        )
    if target == current:
        raise RuleError(
            _("the deal is already in {stage}").format(stage=_(current.label)), field="stage"
        )
    if status is DealStatus.WON and target.order < Stage.CONTRACT.order:
        raise RuleError(
            _(
                "the deal is won: it stays at {contract} or later (to move it to "
                "{stage}, mark it open again first)"
            ).format(contract=_(Stage.CONTRACT.label), stage=_(target.label)),
            field="stage",
        )
    ok = set(approved)
    missing = [g for g in gates_needed(current, target) if g not in ok]
    if missing:
        raise GateMissingError(target, missing)


def check_move_reason(current: Stage, target: Stage, reason: str) -> str:
    """A move back needs a reason (the stage history and the log keep it); a forward
    move takes none."""
    if target.order > current.order:
        return ""
    why = check_text(reason, field="reason", required=False)
    if not why:
        raise RuleError(
            _(
                "moving back from {current} to {target} needs a reason "
                "(what happened, for the deal's history)"
            ).format(current=_(current.label), target=_(target.label)),
            field="reason",
        )
    return why


def latest_gate_states(decisions: Iterable[tuple[Gate, GateDecision]]) -> dict[Gate, GateDecision]:
    """The state of each gate: its most recent decision (give them oldest first)."""
    states: dict[Gate, GateDecision] = {}
    for gate, decision in decisions:
        states[gate] = decision
    return states


def approved_gates(states: Mapping[Gate, GateDecision]) -> set[Gate]:
    return {g for g, d in states.items() if d is GateDecision.APPROVED}


def pending_gate(stage: Stage, states: Mapping[Gate, GateDecision]) -> Gate | None:
    """The gate that guards the next stage and is not approved yet, if any."""
    nxt = stage.next
    gate = STAGE_GATE.get(nxt) if nxt else None
    if gate is not None and states.get(gate) is not GateDecision.APPROVED:
        return gate
    return None


def in_play(status: DealStatus, stage: Stage) -> bool:
    """Whether the team still works the deal: open, or won and not yet Closed (Lead-to-Cash
    ends when the customer has accepted and paid, not when the contract is signed)."""
    return status is DealStatus.OPEN or (status is DealStatus.WON and stage is not Stage.CLOSED)


def urgency(
    *, overdue: int, blocked: int, risky: int, waiting: int, close: date | None, today: date
) -> int:
    """How urgent a deal is in the standup, most urgent first: overdue and blocked work,
    escalated and high risks, waiting handoffs, and a close date within two weeks."""
    soon = close is not None and (close - today).days <= 14
    return 3 * overdue + 2 * blocked + 2 * risky + waiting + (5 if soon else 0)


def check_gate_decision(gate: Gate, stage: Stage, status: DealStatus) -> None:
    if status in (DealStatus.LOST, DealStatus.DROPPED):
        raise RuleError(
            _("the deal is {status}: no gate decisions on it").format(status=status.label)
        )
    if gate is Gate.ATAC and stage.order < Stage.CONTRACT.order:
        raise RuleError(_("ATAC amends a signed contract: the deal has not reached Contract yet"))


def check_status_change(current: DealStatus, target: DealStatus, stage: Stage, reason: str) -> str:
    if current == target:
        raise RuleError(
            _("the deal is already {status}").format(status=target.label), field="status"
        )
    if target in (DealStatus.LOST, DealStatus.DROPPED) and not reason.strip():
        raise RuleError(
            _("say why the deal is {status}: a reason is required").format(status=target.label),
            field="reason",
        )
    if target is DealStatus.WON and stage.order < Stage.CONTRACT.order:
        raise RuleError(
            _("a deal is won when the contract is signed: it is still in {stage}").format(
                stage=_(stage.label)
            ),
            field="status",
        )
    return reason.strip()


# --- handoffs ------------------------------------------------------------------------

HANDOFF_MOVES: dict[str, tuple[tuple[HandoffState, ...], HandoffState]] = {
    "send": ((HandoffState.DRAFTED, HandoffState.REJECTED), HandoffState.SENT),
    "accept": ((HandoffState.SENT,), HandoffState.ACCEPTED),
    "reject": ((HandoffState.SENT,), HandoffState.REJECTED),
    "withdraw": ((HandoffState.SENT,), HandoffState.DRAFTED),
}


def handoff_transition(state: HandoffState, action: str, reason: str = "") -> HandoffState:
    """drafted → sent → accepted, or rejected (with a reason) and then re-sent."""
    sources, target = HANDOFF_MOVES[action]
    if state not in sources:
        allowed = either([s.label for s in sources])
        refusals = {
            "send": _("cannot send a handoff that is {state} (it must be {allowed})"),
            "accept": _("cannot accept a handoff that is {state} (it must be {allowed})"),
            "reject": _("cannot reject a handoff that is {state} (it must be {allowed})"),
            "withdraw": _("cannot withdraw a handoff that is {state} (it must be {allowed})"),
        }
        raise RuleError(refusals[action].format(state=state.label, allowed=allowed))
    if action == "reject" and not reason.strip():
        raise RuleError(_("say why the handoff is rejected: a reason is required"), field="reason")
    return target


def check_handoff_roles(sender: Role, receiver: Role) -> None:
    for role in (sender, receiver):
        if role not in TRIANGLE:
            raise RuleError(
                _("handoffs pass between AR, SR and FR, not {role}").format(role=role.value)
            )
    if sender == receiver:
        raise RuleError(_("a handoff goes to another role"), field="to_role")


# --- risks ---------------------------------------------------------------------------

HIGH_EXPOSURE = 15
MEDIUM_EXPOSURE = 8


def exposure(likelihood: int, impact: int) -> int:
    return likelihood * impact


def risk_level(value: int) -> RiskLevel:
    if value >= HIGH_EXPOSURE:
        return RiskLevel.HIGH
    if value >= MEDIUM_EXPOSURE:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def is_overdue(due: date | None, done: bool, today: date) -> bool:
    return due is not None and not done and due < today


# --- funnel --------------------------------------------------------------------------


class StageFigures(NamedTuple):
    """One stage of the funnel: its deals, their weighted amount in the base currency,
    and how many of them have no rate (counted, but not in the amount)."""

    deals: int = 0
    weighted: int = 0
    unrated: int = 0


def funnel(deals: Iterable[tuple[Stage, int | None]]) -> dict[Stage, StageFigures]:
    """Per stage, in LTC order: how many deals and their weighted amount in the base
    currency. Give ``(stage, weighted amount in the base)`` for each deal, None for a deal
    whose currency has no rate: it is counted apart, never summed."""
    out = {stage: StageFigures() for stage in STAGES}
    for stage, amount in deals:
        count, total, unrated = out[stage]
        if amount is None:
            out[stage] = StageFigures(count + 1, total, unrated + 1)
        else:
            out[stage] = StageFigures(count + 1, total + amount, unrated)
    return out


# --- the standup's scope ------------------------------------------------------------------

#: The ways a standup's walk is cut: the team's deals, mine, one role's side, one person's.
SCOPE_KINDS = ("team", "mine", "role", "person")


def check_scope(scope: str) -> str:
    """``team``, ``mine:HANDLE``, ``role:AR|SR|FR`` or ``person:HANDLE``."""
    kind, _sep, value = scope.strip().partition(":")
    if kind == "team" and not value:
        return "team"
    if kind == "role" and value.upper() in {r.value for r in TRIANGLE}:
        return f"role:{value.upper()}"
    if kind in ("mine", "person") and value:
        return f"{kind}:{check_handle(value, field='scope')}"
    raise RuleError(
        _(
            "unknown standup scope {scope}: team, mine:HANDLE, role:AR|SR|FR or person:HANDLE"
        ).format(scope=repr(scope)),
        field="scope",
    )


def scope_label(scope: str, names: Mapping[str, str] | None = None) -> str:
    """How a scope reads: ``the team's deals``, ``FR's side``, ``Ana Lima's deals``."""
    kind, _sep, value = scope.partition(":")
    if kind == "role":
        return f"the {value} side of the team's deals"
    name = (names or {}).get(value, value)
    if kind == "mine":
        return f"the deals {name} is on"
    if kind == "person":
        return f"the deals {name} leads"
    return "the team's deals"
