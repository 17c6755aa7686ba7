"""The rules of who may decide what (:mod:`dealroom.domain.permissions`), applied inside
the write transaction: a refused change writes nothing and says who may."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import permissions
from dealroom.domain.permissions import Seats
from dealroom.domain.rules import RuleError
from dealroom.store.tables import Administrator, Deal, DealMember, Person
from dealroom.store.tx import Tx


class NotAllowed(RuleError):
    """The actor may not do this (exit status 1: refused); the message names who may."""


def seats(session: Session, deal: Deal) -> Seats:
    """The deal's members by role, as the rules read them."""
    rows = session.execute(
        select(col(DealMember.role), col(Person.handle), col(Person.name))
        .join(Person, col(DealMember.person_id) == col(Person.id))
        .where(col(DealMember.deal_id) == deal.id)
        .order_by(col(DealMember.id))
    )
    return permissions.seats_of(deal.code, deal.level, ((r, h, n) for r, h, n in rows))


def require(tx: Tx, refusal: str | None) -> None:
    """Go on, or stop the transaction with the rule's one line (unless the rules do not
    bind this actor: an administrator acting in their own right)."""
    if refusal is not None and tx.bound():
        raise NotAllowed(refusal)


def administrators(session: Session) -> list[str]:
    """The logins that keep the team, the accounts, the checklists and the policy."""
    found = session.execute(select(col(Administrator.login)).order_by(col(Administrator.login)))
    return [str(login) for login in found.scalars()]


def require_admin(tx: Tx, what: str, **values: str) -> None:
    """Go on only with an administrator's powers; ``what``: "people are added", … (an
    English key, see :func:`dealroom.domain.permissions.administered`; ``values`` fill its
    placeholders)."""
    if not tx.administers():
        raise NotAllowed(permissions.administered(what, administrators(tx.session), **values))
