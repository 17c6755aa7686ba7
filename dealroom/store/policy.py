"""The database's policy: who is named to decide a gate on every deal besides its sponsor.
Administrators change it; each change is an event like any other."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain.model import Gate
from dealroom.domain.rules import RuleError
from dealroom.i18n import _
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError
from dealroom.store.permit import require_admin
from dealroom.store.tables import GateApprover, Person
from dealroom.store.tx import Diff, Logged, ident

#: What a member who may not change the policy is told: who may (an English key of
#: :func:`dealroom.domain.permissions.administered`).
CHANGED = "the gate approvers are named"


def approvers(session: Session, gate: Gate | None = None) -> dict[Gate, list[tuple[str, str]]]:
    """Gate → (handle, name) of each person named for it, in the order they were named."""
    stmt = (
        select(col(GateApprover.gate), col(Person.handle), col(Person.name))
        .join(Person, col(GateApprover.person_id) == col(Person.id))
        .order_by(col(GateApprover.added_at), col(Person.handle))
    )
    if gate is not None:
        stmt = stmt.where(col(GateApprover.gate) == gate)
    named: dict[Gate, list[tuple[str, str]]] = defaultdict(list)
    for which, handle, name in session.execute(stmt):
        named[which].append((handle, name))
    return {which: named[which] for which in Gate if which in named}


class Policy:
    """Writes of the policy."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def approvers(self) -> dict[Gate, list[tuple[str, str]]]:
        with self.database.read() as s:
            return approvers(s)

    def name_approver(self, gate: Gate, handle: str) -> None:
        """Name ``handle`` to decide ``gate`` on every deal."""
        with self.database.write() as tx:
            require_admin(tx, CHANGED)
            person = tx.person(handle)
            if tx.session.get(GateApprover, (gate, person.id)) is not None:
                raise RuleError(
                    _("{name} already decides {gate}").format(name=person.name, gate=gate.value),
                    field="person",
                )
            tx.session.add(
                GateApprover(
                    gate=gate,
                    person_id=ident(person),
                    added_at=tx.now,
                    added_by=self.database.login,
                )
            )
            changes: Diff = {f"{gate.value} approver": (None, person.handle)}
            summary = f"named {person.name} to decide {gate.value} on every deal"
            tx.event("policy", None, Logged("create", summary, changes))

    def unname_approver(self, gate: Gate, handle: str) -> None:
        with self.database.write() as tx:
            require_admin(tx, CHANGED)
            person = tx.person(handle)
            row = tx.session.get(GateApprover, (gate, person.id))
            if row is None:
                raise NotFoundError(
                    _("{name} is not named to decide {gate}").format(
                        name=person.name, gate=gate.value
                    )
                )
            tx.session.delete(row)
            changes: Diff = {f"{gate.value} approver": (person.handle, None)}
            summary = f"{person.name} no longer decides {gate.value} on every deal"
            tx.event("policy", None, Logged("delete", summary, changes))
