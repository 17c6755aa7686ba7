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

Each check returns None when the actor may, else the one line that says who may.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from dealroom.domain.model import Gate, Level, Role


@dataclass(frozen=True, slots=True)
class Seats:
    """Who holds which role on one deal: role → (handle, name) of each holder."""

    code: str
    level: Level
    holders: Mapping[Role, Sequence[tuple[str, str]]]

    def holds(self, handle: str, *roles: Role) -> bool:
        return any(h == handle for role in roles for h, _ in self.holders.get(role, ()))

    def member(self, handle: str) -> bool:
        return any(h == handle for seats in self.holders.values() for h, _ in seats)

    def named(self, role: Role) -> str:
        """``its sponsor, Sam O'Connor`` (or ``its sponsor (none yet)``)."""
        names = [name for _, name in self.holders.get(role, ())]
        what = "sponsor" if role is Role.SPONSOR else f"{role.value} lead"
        return f"its {what}, {', '.join(names)}" if names else f"its {what} (none yet)"


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
    return " or ".join(seats.named(r) for r in roles)


def gate(
    seats: Seats, actor: str, which: Gate, approvers: Sequence[tuple[str, str]] = ()
) -> str | None:
    """``approvers``: (handle, name) of the people the policy names for this gate."""
    deciders = (Role.SPONSOR, Role.AR) if seats.level is Level.III else (Role.SPONSOR,)
    if seats.holds(actor, *deciders) or any(h == actor for h, _ in approvers):
        return None
    board = "" if seats.level is Level.III else f" (a level-{seats.level.value} deal)"
    who = _either(seats, *deciders)
    if approvers:
        who += f" or the named {which.value} approver, {', '.join(n for _, n in approvers)}"
    return f"{which.value} on {seats.code}{board} is decided by {who}"


def any_gate(seats: Seats, actor: str, approvers: Approvers) -> str | None:
    """None if ``actor`` may decide at least one of the deal's gates."""
    if any(gate(seats, actor, g, approvers.get(g, ())) is None for g in Gate):
        return None
    deciders = (Role.SPONSOR, Role.AR) if seats.level is Level.III else (Role.SPONSOR,)
    board = "" if seats.level is Level.III else f" (a level-{seats.level.value} deal)"
    return f"the gates of {seats.code}{board} are decided by {_either(seats, *deciders)}"


def handoff(seats: Seats, actor: str, to_role: Role, verb: str) -> str | None:
    if seats.holds(actor, to_role, Role.SPONSOR):
        return None
    return (
        f"a handoff to {to_role.value} on {seats.code} is {verb} by "
        f"{_either(seats, to_role, Role.SPONSOR)}"
    )


def move(seats: Seats, actor: str, what: str) -> str | None:
    """``what``: "moved between stages", "marked won", …"""
    if seats.holds(actor, Role.AR, Role.SPONSOR):
        return None
    return f"{seats.code} is {what} by {_either(seats, Role.AR, Role.SPONSOR)}"


def edit_item(seats: Seats, actor: str, kind: str) -> str | None:
    if seats.member(actor):
        return None
    return f"a {kind} on {seats.code} is changed by the deal's members; you are not one of them"


def delete_item(seats: Seats, actor: str, kind: str, role: Role) -> str | None:
    if seats.holds(actor, role, Role.SPONSOR):
        return None
    who = _either(seats, role, Role.SPONSOR)
    return f"the {role.value} {kind} on {seats.code} is deleted by {who}"


def administered(what: str, administrators: Sequence[str]) -> str:
    """``what``: "people are added", …: the line that refuses a non-administrator."""
    return f"{what} by an administrator ({', '.join(administrators) or 'none yet'})"


def cash(seats: Seats, actor: str) -> str | None:
    """The payment plan, the invoices and the payments are the AR's (or the sponsor's)."""
    if seats.holds(actor, Role.AR, Role.SPONSOR):
        return None
    who = _either(seats, Role.AR, Role.SPONSOR)
    return f"the payment plan, invoices and payments of {seats.code} are kept by {who}"
