"""The customer's decision chain as a power map (权力地图), and the gaps in it.

For each person on the customer's side: their decision role, influence, whether they are a
key decider, their support for us (−3 … +3), who on our side owns the relationship, which
competitor they lean to and when we last met them. :func:`power_map_gaps` names what the
team should worry about; :func:`describe_support_change` is how a change reads in the log.

Scales:

- **Influence** is 1–5, like a risk's likelihood and impact: 1 marginal, 2 some, 3 real,
  4 strong, 5 decisive.
- **Support** is −3 … +3 as in the seeds (see :data:`SUPPORT_LABELS`). Zero is neutral,
  and neutral is not support: a key decider at 0 is a gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from dealroom.domain.rules import RuleError, check_text
from dealroom.i18n import N_, _, ngettext

MINUS = "\u2212"
"""The minus sign support is shown with (``−1``); :func:`parse_support` also takes ``-``."""


class DecisionRole(StrEnum):
    """A person's part in the customer's decision, in the order the map groups them."""

    APPROVER = "approver"
    DECISION_MAKER = "decision_maker"
    EVALUATOR = "evaluator"
    ADVISOR = "advisor"
    GATEKEEPER = "gatekeeper"
    USER = "user"
    COACH = "coach"

    @property
    def label(self) -> str:
        """The role's name as the catalog marks it (shown through ``_``)."""
        return _ROLE_INFO[self][0]

    @property
    def meaning(self) -> str:
        """What the role does in the decision, in the seeds' words (shown through ``_``)."""
        return _ROLE_INFO[self][1]

    @property
    def order(self) -> int:
        return DECISION_ROLES.index(self)


DECISION_ROLES: tuple[DecisionRole, ...] = tuple(DecisionRole)

_ROLE_INFO: dict[DecisionRole, tuple[str, str]] = {
    DecisionRole.APPROVER: (
        N_("Approver"),
        N_("the top person; signs off what is put before them"),
    ),
    DecisionRole.DECISION_MAKER: (
        N_("Decision maker"),
        N_("weighs the recommendations and evaluations; can say yes or no"),
    ),
    DecisionRole.EVALUATOR: (
        N_("Evaluator"),
        N_("assesses our product, service and solution; can say no but not yes"),
    ),
    DecisionRole.ADVISOR: (
        N_("Advisor"),
        N_("consultant, expert, purchasing centre or higher office, maybe outside the customer"),
    ),
    DecisionRole.GATEKEEPER: (
        N_("Gatekeeper"),
        N_("stands between us and the top: secretary, chief engineer"),
    ),
    DecisionRole.USER: (N_("User"), N_("works with what is bought")),
    DecisionRole.COACH: (
        N_("Coach"),
        N_("an insider who guides us: the decision process, rivals, how we look"),
    ),
}


def parse_decision_role(text: str) -> DecisionRole:
    """A role by its value or label, any case; ``dm``, ``decision maker`` and ``advisor``'s
    ``consultant`` are understood too."""
    key = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    aliases = {"dm": DecisionRole.DECISION_MAKER, "consultant": DecisionRole.ADVISOR}
    if key in aliases:
        return aliases[key]
    for role in DecisionRole:
        if key in (role.value.replace("_", " "), role.label.lower(), _(role.label).lower()):
            return role
    choices = ", ".join(_(r.label).lower() for r in DecisionRole)
    raise RuleError(
        _("unknown decision role {text}: choose one of {choices}").format(
            text=repr(text), choices=choices
        ),
        field="role",
    )


# --- influence and support -------------------------------------------------------------

INFLUENCE_MIN = 1
INFLUENCE_MAX = 5
INFLUENCE_LABELS: dict[int, str] = {
    1: N_("marginal"),
    2: N_("some"),
    3: N_("real"),
    4: N_("strong"),
    5: N_("decisive"),
}


def check_influence(value: int) -> int:
    if not INFLUENCE_MIN <= value <= INFLUENCE_MAX:
        raise RuleError(
            _("influence must be between {low} and {high} (got {value})").format(
                low=INFLUENCE_MIN, high=INFLUENCE_MAX, value=value
            ),
            field="influence",
        )
    return value


SUPPORT_MIN = -3
SUPPORT_MAX = 3
SUPPORT_LABELS: dict[int, str] = {
    3: N_("strong exclusive support"),
    2: N_("good working relationship"),
    1: N_("weak support"),
    0: N_("neutral"),
    -1: N_("weak opposition"),
    -2: N_("not supportive"),
    -3: N_("strong opposition"),
}


def check_support(value: int) -> int:
    if not SUPPORT_MIN <= value <= SUPPORT_MAX:
        raise RuleError(
            _("support must be between {low} and {high} (got {value})").format(
                low=format_support(SUPPORT_MIN), high=format_support(SUPPORT_MAX), value=value
            ),
            field="support",
        )
    return value


_SUPPORT_RE = re.compile(r"^([+-]?)\s*(\d+)$")


def parse_support(text: str) -> int:
    """``+2``, ``2``, ``-1``, ``−1`` (true minus) or ``0``; within −3 … +3."""
    raw = text.strip().replace(MINUS, "-")
    m = _SUPPORT_RE.match(raw)
    if not m:
        raise RuleError(
            _("support {text} is not a number from -3 to +3").format(text=repr(text)),
            field="support",
        )
    value = int(m.group(2))
    return check_support(-value if m.group(1) == "-" else value)


def format_support(value: int) -> str:
    """``+2``, ``0``, ``−1``: always signed, with a true minus sign."""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"{MINUS}{-value}"
    return "0"


def support_label(value: int) -> str:
    """``+1 weak support``, in the language spoken."""
    return f"{format_support(value)} {_(SUPPORT_LABELS[check_support(value)])}"


def support_bar(value: int) -> str:
    """Seven cells centred on ``│``: ``" ██│   "`` for −2, ``"   │███"`` for +3.

    The sign reads without colour; a view may colour the filled side as well.
    """
    v = check_support(value)
    left = " " * (3 + min(v, 0)) + "█" * -min(v, 0)
    right = "█" * max(v, 0) + " " * (3 - max(v, 0))
    return f"{left}│{right}"


# --- contacts ----------------------------------------------------------------------------

NAME_MAX = 120


@dataclass(frozen=True, slots=True)
class Contact:
    """One person on the customer's side of a deal."""

    name: str
    title: str = ""
    role: DecisionRole = DecisionRole.USER
    influence: int = 3
    key_decider: bool = False
    support: int = 0
    owner: str | None = None
    """The handle of the person on our side who owns the relationship."""
    leaning_to: str | None = None
    """The competitor this person leans to, by name."""
    last_contact: date | None = None

    @property
    def who(self) -> str:
        """``Wang Li (CTO)``, or the name alone when there is no title."""
        return f"{self.name} ({self.title})" if self.title else self.name


def check_contact(contact: Contact) -> Contact:
    """The contact with its text tidied, or a :class:`RuleError` naming the bad field."""
    name = check_text(contact.name, field="name", limit=NAME_MAX)
    title = check_text(contact.title, field="title", required=False, limit=NAME_MAX)
    owner = (contact.owner or "").strip() or None
    leaning = (contact.leaning_to or "").strip() or None
    if leaning is not None:
        check_text(leaning, field="leaning to", limit=NAME_MAX)
    check_influence(contact.influence)
    check_support(contact.support)
    return replace(contact, name=name, title=title, owner=owner, leaning_to=leaning)


def is_real_coach(contact: Contact) -> bool:
    """A coach who supports us (> 0). One at 0 or below gives no guidance worth the name."""
    return contact.role is DecisionRole.COACH and contact.support > 0


def group_by_role(contacts: Iterable[Contact]) -> list[tuple[DecisionRole, list[Contact]]]:
    """The roles that have people, in map order; within a role key deciders first, then by
    influence (highest first) and name."""
    groups: dict[DecisionRole, list[Contact]] = {}
    for c in contacts:
        groups.setdefault(c.role, []).append(c)
    return [
        (role, sorted(groups[role], key=lambda c: (not c.key_decider, -c.influence, c.name)))
        for role in DECISION_ROLES
        if role in groups
    ]


# --- gaps ----------------------------------------------------------------------------------


class GapKind(StrEnum):
    """What is missing in a power map, most serious first."""

    KEY_DECIDER_NOT_FOR_US = "key_decider_not_for_us"
    NO_KEY_DECIDER = "no_key_decider"
    NO_COACH = "no_coach"
    NO_OWNER = "no_owner"
    NEVER_CONTACTED = "never_contacted"
    STALE_CONTACT = "stale_contact"


@dataclass(frozen=True, slots=True)
class PowerMapGap:
    kind: GapKind
    message: str
    contact: Contact | None = None
    """The person the gap is about; None for a gap of the whole map (no coach)."""


STALE_DAYS = 30


def power_map_gaps(
    contacts: Sequence[Contact], today: date, stale_days: int = STALE_DAYS
) -> list[PowerMapGap]:
    """The gaps in a deal's power map, most serious kind first, then in map order.

    - a key decider whose support is 0 or less (neutral is not support);
    - nobody marked as key decider (only when someone is mapped at all);
    - no coach, counting only coaches with support above 0;
    - a person nobody on our side owns;
    - a person never contacted, or not for more than ``stale_days`` days (exactly
      ``stale_days`` days ago is still fresh).
    """
    ordered = [c for _role, group in group_by_role(contacts) for c in group]
    gaps: list[PowerMapGap] = []
    for c in ordered:
        if c.key_decider and c.support <= 0:
            gaps.append(
                PowerMapGap(
                    GapKind.KEY_DECIDER_NOT_FOR_US,
                    _("key decider {who} is at {support}").format(
                        who=c.who, support=support_label(c.support)
                    ),
                    c,
                )
            )
    if ordered and not any(c.key_decider for c in ordered):
        gaps.append(
            PowerMapGap(GapKind.NO_KEY_DECIDER, _("no key decider marked: who really decides?"))
        )
    if not any(is_real_coach(c) for c in ordered):
        lukewarm = [c for c in ordered if c.role is DecisionRole.COACH]
        if lukewarm:
            names = ", ".join(
                _("{who} at {support}").format(who=c.who, support=format_support(c.support))
                for c in lukewarm
            )
            message = _(
                "no coach in practice: a coach who does not support us guides nobody ({names})"
            ).format(names=names)
        else:
            message = _("no coach: nobody inside the customer guides us")
        gaps.append(PowerMapGap(GapKind.NO_COACH, message))
    for c in ordered:
        if c.owner is None:
            gaps.append(
                PowerMapGap(
                    GapKind.NO_OWNER, _("nobody on our side owns {who}").format(who=c.who), c
                )
            )
    for c in ordered:
        if c.last_contact is None:
            gaps.append(
                PowerMapGap(
                    GapKind.NEVER_CONTACTED,
                    _("{who} has never been contacted").format(who=c.who),
                    c,
                )
            )
        elif (days := (today - c.last_contact).days) > stale_days:
            gaps.append(
                PowerMapGap(
                    GapKind.STALE_CONTACT,
                    ngettext(
                        "no contact with {who} for {n} day",
                        "no contact with {who} for {n} days",
                        days,
                    ).format(who=c.who, n=days),
                    c,
                )
            )
    return gaps


# --- support changes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SupportChange:
    """A change of one person's support, as the event log keeps it."""

    who: str
    old: int
    new: int
    on: date
    key_decider: bool = False

    @property
    def adverse(self) -> bool:
        return is_adverse_change(self.key_decider, self.old, self.new)

    @property
    def description(self) -> str:
        """The change in the language spoken."""
        return support_change_text(self.who, self.old, self.new)


def support_change_text(who: str, old: int, new: int) -> str:
    """:func:`describe_support_change` in the language spoken (what a screen or a report
    shows; the log keeps the English)."""
    if new == old:
        return _("support of {who} stays at {score}").format(who=who, score=format_support(new))
    said = (
        _("support of {who} rose from {old} to {new}")
        if new > old
        else _("support of {who} fell from {old} to {new}")
    )
    return said.format(who=who, old=format_support(old), new=format_support(new))


def describe_support_change(who: str, old: int, new: int) -> str:
    """``support of the CTO fell from +1 to −1``; ``rose``; ``stays at`` when equal: in
    English, as the event log keeps it (:func:`support_change_text` says it in the
    language spoken).

    ``who`` is used as given: pass ``"the CTO"`` or ``contact.who``.
    """
    if new == old:
        return f"support of {who} stays at {format_support(new)}"
    verb = "rose" if new > old else "fell"
    return f"support of {who} {verb} from {format_support(old)} to {format_support(new)}"


def is_adverse_change(key_decider: bool, old: int, new: int) -> bool:
    """An adverse move worth a deal review: a key decider's support fell (by any step)."""
    return key_decider and new < old
