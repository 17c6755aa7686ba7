"""Reading rows as views: each view is read by one select whose columns are the view's
fields, in the view's order, so a row becomes its view without a mapper per entity.

Columns named like a field are taken from the table; the others are given by name (a
joined person's handle, a label). Enums come back as members (see ``store.columns``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Mapped, Session
from sqlmodel import col

from dealroom.i18n import _
from dealroom.store.columns import table_of
from dealroom.store.errors import NotFoundError, thing
from dealroom.store.tables import (
    Account,
    Deal,
    DealMember,
    Event,
    GateRecord,
    Handoff,
    Person,
    Risk,
    Task,
)
from dealroom.store.views import (
    AccountView,
    DealView,
    EventView,
    GateView,
    HandoffView,
    MemberView,
    PersonView,
    RiskView,
    TaskView,
)

V = TypeVar("V")
#: A column to read: a table's column, a label, or a model's attribute (``col(Deal.id)``).
Column = ColumnElement[Any] | Mapped[Any]


class HasDeal(Protocol):
    @property
    def deal_id(self) -> int: ...


D = TypeVar("D", bound=HasDeal)


class Shape(Generic[V]):
    """How one view is read: its columns in field order, and the tables they come from."""

    def __init__(
        self,
        view: type[V],
        model: type[object],
        extra: Mapping[str, Column] | None = None,
        *,
        join: Callable[[Select[Any]], Select[Any]] | None = None,
        order: Sequence[Column] = (),
        convert: Callable[[Sequence[Any]], V] | None = None,
    ) -> None:
        table = table_of(model).c
        given = dict(extra or {})
        self.view = view
        self.columns = [
            given[f.name] if f.name in given else table[f.name]
            for f in fields(view)  # type: ignore[arg-type]
        ]
        self.join = join
        self.order = list(order)
        self.convert = convert

    def select(self, *where: ColumnElement[bool]) -> Select[Any]:
        stmt = select(*self.columns)
        if self.join is not None:
            stmt = self.join(stmt)
        return stmt.where(*where).order_by(*self.order)

    def rows(self, s: Session, *where: ColumnElement[bool]) -> list[V]:
        return self.read(s, self.select(*where))

    def read(self, s: Session, stmt: Select[Any]) -> list[V]:
        result = s.connection().execute(stmt)
        if self.convert is not None:
            return [self.convert(r) for r in result]
        view = self.view
        return [view(*r) for r in result]

    def one(self, s: Session, where: ColumnElement[bool], what: str) -> V:
        found = self.rows(s, where)
        if not found:
            raise NotFoundError(_("no {what}").format(what=what))
        return found[0]


def by_id(shape: Shape[V], model_id: Any, entity: str) -> Callable[[Session, int], V]:
    """A view reader for one row by id (what a write returns and a conflict shows)."""

    def read(s: Session, row_id: int) -> V:
        found = shape.rows(s, model_id == row_id)
        if not found:
            raise NotFoundError(_("no {thing} #{id}").format(thing=thing(entity), id=row_id))
        return found[0]

    return read


def grouped(rows: Sequence[D]) -> dict[int, list[D]]:
    """Rows by deal, in their order."""
    out: dict[int, list[D]] = defaultdict(list)
    for row in rows:
        out[row.deal_id].append(row)
    return out


_owner = table_of(Person).alias("owner")

PEOPLE = Shape(PersonView, Person, order=[col(Person.name)])
ACCOUNTS = Shape(AccountView, Account, order=[col(Account.name)])
DEALS = Shape(
    DealView,
    Deal,
    {"account": col(Account.name).label("account"), "tier": col(Account.tier)},
    join=lambda stmt: stmt.join_from(Deal, Account, col(Deal.account_id) == col(Account.id)),
)
TASKS = Shape(
    TaskView,
    Task,
    {"owner": _owner.c.handle.label("owner"), "owner_name": _owner.c.name.label("owner_name")},
    join=lambda stmt: stmt.join_from(Task, _owner, col(Task.owner_id) == _owner.c.id, isouter=True),
    order=[col(Task.due).is_(None), col(Task.due), col(Task.id)],
)
_sponsor = table_of(Person).alias("escalated_to")
RISKS = Shape(
    RiskView,
    Risk,
    {
        "owner": _owner.c.handle.label("owner"),
        "owner_name": _owner.c.name.label("owner_name"),
        "escalated_to_name": _sponsor.c.name.label("escalated_to_name"),
    },
    join=lambda stmt: stmt.join_from(
        Risk, _owner, col(Risk.owner_id) == _owner.c.id, isouter=True
    ).join(_sponsor, col(Risk.escalated_to_id) == _sponsor.c.id, isouter=True),
    order=[col(Risk.id)],
)
HANDOFFS = Shape(HandoffView, Handoff, order=[col(Handoff.id)])
GATES = Shape(GateView, GateRecord, order=[col(GateRecord.decided_at), col(GateRecord.id)])
MEMBERS = Shape(
    MemberView,
    DealMember,
    {"handle": col(Person.handle), "name": col(Person.name)},
    join=lambda stmt: stmt.join_from(
        DealMember, Person, col(DealMember.person_id) == col(Person.id)
    ),
    order=[col(DealMember.id)],
)


def _event(r: Sequence[Any]) -> EventView:
    values = list(r)
    values[9] = json.loads(values[9])
    return EventView(*values)


EVENTS = Shape(
    EventView,
    Event,
    {"deal_code": col(Deal.code).label("deal_code")},
    join=lambda stmt: stmt.join_from(Event, Deal, col(Event.deal_id) == col(Deal.id), isouter=True),
    order=[col(Event.id)],
    convert=_event,
)
assert [f.name for f in fields(EventView)][9] == "changes"
