"""Realistic, varied demo data: same seed and same day, same data.

Rows are built in Python and written with bulk inserts in one transaction, so
1,000 deals with about 50 items each take seconds, not minutes. Everything the
rules require holds: gates are approved for every stage a deal has passed, won deals
have reached Contract, lost and dropped deals carry a reason.

The demo is not part of the store: it writes the store's tables directly, as the store's
schema defines them, and the store knows nothing of it. ``deals`` builds the people,
accounts and deals, ``items`` each deal's tasks, risks and handoffs, ``methods`` its
checklists, power map, competitors, scores and reviews; ``data`` holds the words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, func, insert, select, text
from sqlmodel import col

from dealroom.demo import deals as _deals
from dealroom.demo.builder import Batch, Builder
from dealroom.domain.chain import GENESIS, Link
from dealroom.store.engine import writer
from dealroom.store.errors import StoreError
from dealroom.store.tables import (
    Account,
    AssessmentScore,
    ChecklistAnswer,
    CompetitorRecord,
    ContactRecord,
    Deal,
    DealMember,
    DealReview,
    Event,
    ExchangeRate,
    GateRecord,
    Handoff,
    Invoice,
    InvoiceSettlement,
    Milestone,
    Person,
    Risk,
    StageMove,
    StagePlan,
    Task,
)

__all__ = ["seed_demo"]

#: The tables the demo fills, in the order they are written (each before those that point at it).
TABLES = {
    "person": Person,
    "exchange_rate": ExchangeRate,
    "account": Account,
    "deal": Deal,
    "deal_member": DealMember,
    "stage_plan": StagePlan,
    "stage_move": StageMove,
    "task": Task,
    "risk": Risk,
    "handoff": Handoff,
    "gate_decision": GateRecord,
    "checklist_answer": ChecklistAnswer,
    "contact": ContactRecord,
    "competitor": CompetitorRecord,
    "assessment_score": AssessmentScore,
    "deal_review": DealReview,
    "milestone": Milestone,
    "invoice": Invoice,
    "settlement": InvoiceSettlement,
    "event": Event,
}


def seed_demo(
    engine: Engine,
    *,
    deals: int = 40,
    seed: int = 7,
    today: date,
    actor: str,
    items: int = 50,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Fill an empty database with ``deals`` demo deals; return the row counts."""
    if deals < 1:
        raise StoreError("--deals must be at least 1")
    with writer(engine).begin() as conn:
        existing = conn.execute(select(func.count()).select_from(Deal)).scalar() or 0
        if existing:
            raise StoreError(
                f"the database already holds {existing} deals: demo data goes into an empty "
                "database (use --db with a new file, or `dealroom --demo`)"
            )
        next_id = {
            name: (conn.execute(select(func.max(model.id))).scalar() or 0) + 1  # type: ignore[attr-defined]
            for name, model in TABLES.items()
        }
        first_event = next_id["event"]  # (the builder moves next_id on as it numbers rows)
        batch = Batch(next_id)
        _deals.build(Builder(batch, seed, today, actor), deals, items)
        head = conn.execute(
            select(col(Event.hash)).order_by(col(Event.id).desc()).limit(1)
        ).scalar()
        _chronological(batch, first_event, head or GENESIS)
        for name in TABLES:
            rows = batch.rows.get(name, [])
            table = TABLES[name].__table__  # type: ignore[attr-defined]
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
            if progress:
                progress(f"{name}: {len(rows)}")
        if conn.dialect.name == "postgresql":
            for name in TABLES:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {name}), 1))"
                    )
                )
    return {name: len(batch.rows.get(name, [])) for name in TABLES}


def _chronological(batch: Batch, first_id: int, prev: str) -> None:
    """Number the events in time order, as if they had been written as they happened, and
    chain each to the one before (the log's last event's hash is ``prev``)."""
    events = sorted(batch.rows.get("event", []), key=lambda e: (e["at"], e["id"]))
    for offset, row in enumerate(events):
        row["id"] = first_id + offset
        link = Link(
            row["id"], row["at"], row["actor"], row["deal_id"], row["entity"],
            row["entity_id"], row["entity_version"], row["action"], row["changes"],
            row["summary"],
        )  # fmt: skip
        row["prev_hash"], row["hash"] = prev, link.content_hash(prev)
        prev = row["hash"]
    batch.rows["event"] = events
