"""The log's chain, read back: its head, and a walk that finds where it breaks (see
:mod:`dealroom.domain.chain`). Reads only; memory stays flat however long the log."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlmodel import col

from dealroom.domain.chain import Link, Walk, walk
from dealroom.i18n import _
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError
from dealroom.store.tables import Event

_COLUMNS = (
    col(Event.id),
    col(Event.at),
    col(Event.actor),
    col(Event.deal_id),
    col(Event.entity),
    col(Event.entity_id),
    col(Event.entity_version),
    col(Event.action),
    col(Event.changes),
    col(Event.summary),
    col(Event.prev_hash),
    col(Event.hash),
    col(Event.by),
)
_BATCH = 5000


class Chain:
    def __init__(self, database: Database) -> None:
        self.database = database

    def head(self) -> tuple[int, str] | None:
        """The last event's id and hash (None: the log is empty)."""
        with self.database.read() as s:
            last = s.execute(
                select(col(Event.id), col(Event.hash)).order_by(col(Event.id).desc()).limit(1)
            ).first()
        return (int(last[0] or 0), str(last[1])) if last else None

    def verify(self, upto: int | None = None) -> Walk:
        """Walk the chain from the first event (to event ``upto``, if given)."""
        with self.database.read() as s:
            if upto is not None and s.get(Event, upto) is None:
                raise NotFoundError(_("the log has no event #{id}").format(id=upto))

            def links() -> Iterator[Link]:
                last = 0
                while True:
                    stmt = select(*_COLUMNS).where(col(Event.id) > last)
                    if upto is not None:
                        stmt = stmt.where(col(Event.id) <= upto)
                    rows = s.execute(stmt.order_by(col(Event.id)).limit(_BATCH)).all()
                    if not rows:
                        return
                    for r in rows:
                        yield Link(
                            int(r[0] or 0), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                            r[9], r[10], r[11], r[12],
                        )  # fmt: skip
                    last = int(rows[-1][0] or 0)

            return walk(links())
