"""Who may decide what on a deal: the seeds' defaults, as rules the store enforces for the
app, the command line and scripts alike.

- A gate is decided by the deal's sponsor, or by a person the database's policy names for
  that gate (the decision board's chair, say); on a level-III deal (which needs no formal
  board) its AR may decide too.
- A handoff is accepted or rejected by the receiving role's lead, or the sponsor.
- The deal moves between stages, and is marked won, lost or dropped, by its AR or its
  sponsor.
- An item (task, risk, handoff) is edited by the deal's members; deleting another role's
  item takes that role's lead or the sponsor.
- The payment plan, the invoices and the payments are kept by the deal's AR (who owns
  invoicing and collection) or its sponsor.
- The team (people, administrators), the accounts, the stage checklists and the policy
  are kept by the database's administrators.

Each check returns None when the actor may, else the one line that says who may, in the
language spoken. What a caller passes to name the action (``"moved between stages"``,
``"people are added"``, a kind ``"task"``) is an English key: each refusal is a whole
sentence of the catalog, chosen by that key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from dealroom.domain.model import Gate, Level, Role
from dealroom.domain.rules import either
from dealroom.i18n import _


@dataclass(frozen=True, slots=True)
class Seats:
    """Who holds which role on one deal: role → (handle, name) of each holder."""

    code: str
    level: Level
    holders: Mapping[Role, Sequence[tuple[str, str]]]

    def holds(self, handle: str, *roles: Role) -> bool:
        return any(h == handle for role in roles for h, _name in self.holders.get(role, ()))

    def member(self, handle: str) -> bool:
        return any(h == handle for seats in self.holders.values() for h, _name in seats)

    def named(self, role: Role) -> str:
        """``its sponsor, Sam O'Connor`` (or ``its sponsor (none yet)``)."""
        names = ", ".join(name for _handle, name in self.holders.get(role, ()))
        if role is Role.SPONSOR:
            if names:
                return _("its sponsor, {names}").format(names=names)
            return _("its sponsor (none yet)")
        if names:
            return _("its {role} lead, {names}").format(role=role.value, names=names)
        return _("its {role} lead (none yet)").format(role=role.value)


def seats_of(code: str, level: Level, members: Iterable[tuple[Role, str, str]]) -> Seats:
    """The seats of a deal from its members as (role, handle, name)."""
    holders: dict[Role, list[tuple[str, str]]] = {}
    for role, handle, name in members:
        holders.setdefault(role, []).append((handle, name))
    return Seats(code, level, holders)


#: Who may decide a gate, by name of a gate, for the policy's approvers.
Approvers = Mapping[Gate, Sequence[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Standing:
    """How the rules see whoever is at the keyboard: what the app greys out, and why."""

    actor: str
    #: Whether the deal rules bind them (not an administrator acting in their own right).
    bound: bool = True
    #: Whether they have an administrator's powers.
    administers: bool = False
    administrators: Sequence[str] = ()
    approvers: Approvers = field(default_factory=dict)
    #: Why they may not write at all (empty: they may).
    read_only: str = ""

    def check(self, refusal: str | None) -> str | None:
        """The rule's refusal as it applies to them (None: they may)."""
        if self.read_only:
            return self.read_only
        return refusal if self.bound else None

    def administer(self, what: str) -> str | None:
        """None if they may keep the team, the accounts, the checklists or the policy."""
        if self.read_only:
            return self.read_only
        return None if self.administers else administered(what, self.administrators)


def _either(seats: Seats, *roles: Role) -> str:
    return either(seats.named(r) for r in roles)


def gate(
    seats: Seats, actor: str, which: Gate, approvers: Sequence[tuple[str, str]] = ()
) -> str | None:
    """``approvers``: (handle, name) of the people the policy names for this gate."""
    deciders = (Role.SPONSOR, Role.AR) if seats.level is Level.III else (Role.SPONSOR,)
    if seats.holds(actor, *deciders) or any(h == actor for h, _name in approvers):
        return None
    who = _either(seats, *deciders)
    if approvers:
        who = _("{who} or the named {gate} approver, {names}").format(
            who=who, gate=which.value, names=", ".join(n for _handle, n in approvers)
        )
    if seats.level is Level.III:
        said = _("{gate} on {code} is decided by {who}")
    else:
        said = _("{gate} on {code} (a level-{level} deal) is decided by {who}")
    return said.format(gate=which.value, code=seats.code, level=seats.level.value, who=who)


def any_gate(seats: Seats, actor: str, approvers: Approvers) -> str | None:
    """None if ``actor`` may decide at least one of the deal's gates."""
    if any(gate(seats, actor, g, approvers.get(g, ())) is None for g in Gate):
        return None
    deciders = (Role.SPONSOR, Role.AR) if seats.level is Level.III else (Role.SPONSOR,)
    if seats.level is Level.III:
        said = _("the gates of {code} are decided by {who}")
    else:
        said = _("the gates of {code} (a level-{level} deal) are decided by {who}")
    return said.format(code=seats.code, level=seats.level.value, who=_either(seats, *deciders))


def handoff(seats: Seats, actor: str, to_role: Role, verb: str) -> str | None:
    """``verb``: "accepted" or "rejected"."""
    if seats.holds(actor, to_role, Role.SPONSOR):
        return None
    said = {
        "accepted": _("a handoff to {role} on {code} is accepted by {who}"),
        "rejected": _("a handoff to {role} on {code} is rejected by {who}"),
    }.get(verb) or _("a handoff to {role} on {code} is {verb} by {who}")
    return said.format(
        role=to_role.value, code=seats.code, verb=_(verb), who=_either(seats, to_role, Role.SPONSOR)
    )


def move(seats: Seats, actor: str, what: str) -> str | None:
    """``what``: "moved between stages", "marked won", …"""
    if seats.holds(actor, Role.AR, Role.SPONSOR):
        return None
    said = {
        "moved between stages": _("{code} is moved between stages by {who}"),
        "marked won, lost or dropped": _("{code} is marked won, lost or dropped by {who}"),
        "marked won": _("{code} is marked won by {who}"),
        "marked lost": _("{code} is marked lost by {who}"),
        "marked dropped": _("{code} is marked dropped by {who}"),
        "reopened": _("{code} is reopened by {who}"),
    }.get(what) or _("{code} is {what} by {who}")
    return said.format(code=seats.code, what=_(what), who=_either(seats, Role.AR, Role.SPONSOR))


def edit_item(seats: Seats, actor: str, kind: str) -> str | None:
    """``kind``: "task", "risk" or "handoff"."""
    if seats.member(actor):
        return None
    said = {
        "task": _("a task on {code} is changed by the deal's members; you are not one of them"),
        "risk": _("a risk on {code} is changed by the deal's members; you are not one of them"),
        "handoff": _(
            "a handoff on {code} is changed by the deal's members; you are not one of them"
        ),
    }.get(kind) or _("a {kind} on {code} is changed by the deal's members; you are not one of them")
    return said.format(kind=_(kind), code=seats.code)


def delete_item(seats: Seats, actor: str, kind: str, role: Role) -> str | None:
    """``kind``: "task", "risk" or "handoff"; ``role``: the side it is on."""
    if seats.holds(actor, role, Role.SPONSOR):
        return None
    said = {
        "task": _("the {role} task on {code} is deleted by {who}"),
        "risk": _("the {role} risk on {code} is deleted by {who}"),
        "handoff": _("the {role} handoff on {code} is deleted by {who}"),
    }.get(kind) or _("the {role} {kind} on {code} is deleted by {who}")
    return said.format(
        role=role.value, kind=_(kind), code=seats.code, who=_either(seats, role, Role.SPONSOR)
    )


def administered(what: str, administrators: Sequence[str], **values: str) -> str:
    """``what``: "people are added", …: the line that refuses a non-administrator;
    ``values`` fill its placeholders (``name`` of "a new account ({name}) is added")."""
    said = {
        "people are added": _("people are added by an administrator ({admins})"),
        "administrators are named": _("administrators are named by an administrator ({admins})"),
        "accounts are changed": _("accounts are changed by an administrator ({admins})"),
        "a new account is added": _("a new account is added by an administrator ({admins})"),
        "a new account ({name}) is added": _(
            "a new account ({name}) is added by an administrator ({admins})"
        ),
        "the stage checklists are changed": _(
            "the stage checklists are changed by an administrator ({admins})"
        ),
        "the base currency and the exchange rates are set": _(
            "the base currency and the exchange rates are set by an administrator ({admins})"
        ),
        "the gate approvers are named": _(
            "the gate approvers are named by an administrator ({admins})"
        ),
        "deals are imported": _("deals are imported by an administrator ({admins})"),
        "people and accounts are imported": _(
            "people and accounts are imported by an administrator ({admins})"
        ),
    }.get(what) or _("{what} by an administrator ({admins})")
    admins = ", ".join(administrators) or _("none yet")
    return said.format(what=_(what).format(**values), admins=admins, **values)


def cash(seats: Seats, actor: str) -> str | None:
    """The payment plan, the invoices and the payments are the AR's (or the sponsor's)."""
    if seats.holds(actor, Role.AR, Role.SPONSOR):
        return None
    return _("the payment plan, invoices and payments of {code} are kept by {who}").format(
        code=seats.code, who=_either(seats, Role.AR, Role.SPONSOR)
    )
