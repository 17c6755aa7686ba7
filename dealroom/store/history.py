"""A deal's history as people read it: each change with who made it (by name) and the
roles whose side of the deal it touched, narrowed by role, kind, day or item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from dealroom.domain import Role
from dealroom.store.rows import EVENTS
from dealroom.store.tables import Event, Handoff, Person, Risk, Task
from dealroom.store.tx import deal_by_code
from dealroom.store.views import HistoryEntry

_ROLE_VALUES = frozenset(r.value for r in Role)


def history(
    s: Session,
    code: str,
    *,
    role: Role | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    item: tuple[str, int] | None = None,
) -> list[HistoryEntry]:
    """A deal's changes, newest first, each with who made it and the roles it touched;
    narrowed to one role's side, one kind of change (see ``domain.history.KINDS``),
    changes from ``since`` on, or one item (``("task", 12)``). Six queries."""
    deal_id = deal_by_code(s, code).id
    where: list[ColumnElement[bool]] = [col(Event.deal_id) == deal_id]
    if since is not None:
        where.append(col(Event.at) >= since)
    if item is not None:
        where += [col(Event.entity) == item[0], col(Event.entity_id) == item[1]]
    events = EVENTS.read(s, EVENTS.select(*where))
    names: dict[str, str] = dict(
        s.execute(
            select(col(Person.handle), col(Person.name)).where(
                col(Person.handle).in_({e.actor for e in events})
            )
        ).all()
    )
    sides: dict[tuple[str, int], tuple[Role, ...]] = {}
    for entity, ids, sided, deals in (
        ("task", col(Task.id), col(Task.role), col(Task.deal_id)),
        ("risk", col(Risk.id), col(Risk.role), col(Risk.deal_id)),
    ):
        for row_id, row_role in s.execute(select(ids, sided).where(deals == deal_id)):
            sides[(entity, row_id or 0)] = (row_role,)
    for row_id, from_role, to_role in s.execute(
        select(col(Handoff.id), col(Handoff.from_role), col(Handoff.to_role)).where(
            col(Handoff.deal_id) == deal_id
        )
    ):
        sides[("handoff", row_id or 0)] = (from_role, to_role)
    for e in events:  # a deleted item's role is in its log
        key = (e.entity, e.entity_id or 0)
        said = e.changes.get("role")
        if key not in sides and said and said[0] in _ROLE_VALUES:
            sides[key] = (Role(str(said[0])),)
    out = []
    for e in reversed(events):
        if e.entity == "member":
            touched = tuple(Role(k) for k in e.changes if k in _ROLE_VALUES)
        else:
            touched = sides.get((e.entity, e.entity_id or 0), ())
        entry = HistoryEntry(e, names.get(e.actor, e.actor), touched)
        if role is not None and role not in touched:
            continue
        if kind is not None and entry.kind != kind:
            continue
        out.append(entry)
    return out
