"""What every part of the demo build shares: the rows being built, the random generator,
the day, the people by handle, and the event each change writes to the log."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dealroom.domain import DealStatus, Role, Stage

#: An event's changes as the store writes them (one encoder, made once: the same text as
#: ``json.dumps(changes, ensure_ascii=False, sort_keys=True)``).
_CHANGES = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


@dataclass
class Batch:
    """Rows to insert, with ids assigned here so events can point at them. The rows are
    written and dropped a part at a time (:meth:`take`); the ids go on across parts."""

    next_id: dict[str, int]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pending: int = 0
    """How many rows are waiting to be written."""

    def add(self, table: str, row: dict[str, Any]) -> int:
        new_id = self.next_id[table]
        self.next_id[table] = new_id + 1
        row["id"] = new_id
        self.rows.setdefault(table, []).append(row)
        self.pending += 1
        return new_id

    def take(self) -> dict[str, list[dict[str, Any]]]:
        """The rows built since the last take, handed over and forgotten here."""
        rows, self.rows, self.pending = self.rows, {}, 0
        return rows


@dataclass(frozen=True)
class DealSeed:
    """A deal being built, as the parts that fill it in need it."""

    index: int
    id: int
    code: str
    account: str
    product: str
    stage: Stage
    status: DealStatus
    leads: dict[Role, str]
    sponsor: str


class Builder:
    def __init__(self, batch: Batch, seed: int, today: date, actor: str) -> None:
        self.batch = batch
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.actor = actor
        #: 09:00 UTC today: every moment of the demo falls up to eight hours before this
        #: time of some day.
        self.morning = datetime.combine(today, time(9, 0), tzinfo=UTC)
        self.people: dict[str, int] = {}
        self.names: dict[str, str] = {}

    def at(self, days_ago: float, rng: random.Random | None = None) -> datetime:
        """A moment ``days_ago`` days back, at a minute drawn from ``rng`` (the build's own
        generator unless another is given)."""
        minutes = (rng or self.rng).randint(0, 480)
        return self.morning - timedelta(days=days_ago, minutes=minutes)

    def event(
        self,
        deal_id: int | None,
        entity: str,
        entity_id: int,
        action: str,
        when: datetime,
        summary: str,
        changes: dict[str, list[Any]],
        *,
        who: str,
        version: int | None = 1,
    ) -> None:
        self.batch.add(
            "event",
            {
                "at": when,
                "actor": who,
                "deal_id": deal_id,
                "entity": entity,
                "entity_id": entity_id,
                "entity_version": version,
                "action": action,
                "changes": _CHANGES.encode(changes),
                "summary": summary,
            },
        )

    def record(
        self,
        table: str,
        row: dict[str, Any],
        entity: str,
        action: str,
        when: datetime,
        summary: str,
        changes: dict[str, list[Any]],
        *,
        who: str,
        version: int | None = 1,
    ) -> int:
        """Add ``row`` to ``table`` with the event that made it (in the row's deal, if it
        has one); return the row's id."""
        new_id = self.batch.add(table, row)
        deal_id = row.get("deal_id")
        self.event(
            deal_id, entity, new_id, action, when, summary, changes, who=who, version=version
        )
        return new_id
