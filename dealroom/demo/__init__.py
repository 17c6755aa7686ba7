"""Realistic, varied demo data: same seed and same day, same data.

Rows are built in Python a thousand deals at a time, written straight to the driver and
dropped, all in one transaction, so time and memory go with the deals: 1,000 deals with
about 50 items each take seconds, 100,000 take minutes in well under a gigabyte. The
events wait in a scratch file (``writing``) and are numbered in time order over the whole
demo and chained at the end. Everything the rules require holds: gates are approved for
every stage a deal has passed, won deals have reached Contract, lost and dropped deals
carry a reason.

The demo is not part of the store: it writes the store's tables directly, as the store's
schema defines them, and the store knows nothing of it. ``deals`` builds the people,
accounts and deals, ``items`` each deal's tasks, risks and handoffs, ``methods`` its
checklists, power map, competitors, scores and reviews; ``data`` holds the words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Connection, Engine, func, select, text
from sqlmodel import col

from dealroom.demo import deals as _deals
from dealroom.demo.builder import Batch, Builder
from dealroom.demo.writing import EventLog, TableRows, bulk_load
from dealroom.domain.chain import GENESIS, link_hash
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


#: How many deals are built before their rows are written and dropped from memory.
CHUNK = 1000
#: ... or how many rows, whichever comes first (a deal of thousands of items fills a part
#: sooner).
CHUNK_ROWS = 200_000
#: How many events are numbered, chained and written at a time.
EVENT_PART = 5000


def seed_demo(
    engine: Engine,
    *,
    deals: int = 40,
    seed: int = 7,
    today: date,
    actor: str,
    items: int = 50,
    progress: Callable[[str], None] | None = None,
    chunk: int = CHUNK,
) -> dict[str, int]:
    """Fill an empty database with ``deals`` demo deals; return the row counts.

    The rows are built ``chunk`` deals at a time, written and dropped, so memory does not
    grow with the deals; the events wait in a scratch file until all are built, then are
    numbered in time order over the whole demo and chained. ``chunk`` changes nothing in
    the data."""
    if deals < 1:
        raise StoreError("--deals must be at least 1")
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    counts = dict.fromkeys(TABLES, 0)
    with writer(engine).begin() as conn, EventLog() as log:
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
        head = conn.execute(
            select(col(Event.hash)).order_by(col(Event.id).desc()).limit(1)
        ).scalar()
        batch = Batch(next_id)
        inserts: dict[tuple[str, tuple[str, ...]], TableRows] = {}

        def write() -> None:
            """The rows built so far, each table before those that point at it; the events
            to the scratch log."""
            rows = batch.take()
            for name in TABLES:
                part = rows.get(name)
                if not part:
                    continue
                counts[name] += len(part)
                if name == "event":
                    log.add(part)
                    continue
                keys = tuple(part[0])
                insert_rows = inserts.get((name, keys))
                if insert_rows is None:
                    insert_rows = TableRows(conn, TABLES[name].__table__, keys)  # type: ignore[attr-defined]
                    inserts[name, keys] = insert_rows
                insert_rows.write_dicts(conn, part)

        def built(done: int) -> None:
            if done % chunk == 0 or done == deals or batch.pending >= CHUNK_ROWS:
                write()
                if progress:
                    progress(f"deals: {done}/{deals}")

        with bulk_load(conn):
            _deals.build(Builder(batch, seed, today, actor), deals, items, built)
            _chronological(conn, log, first_event, head or GENESIS)
        if progress:
            progress(f"event: {counts['event']}")
        if conn.dialect.name == "postgresql":
            for name in TABLES:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {name}), 1))"
                    )
                )
    return counts


#: The event table's columns as :func:`_chronological` writes them.
EVENT_KEYS = (
    "id", "at", "actor", "deal_id", "entity", "entity_id", "entity_version", "action", "changes",
    "summary", "prev_hash", "hash",
)  # fmt: skip


def _chronological(conn: Connection, log: EventLog, first_id: int, prev: str) -> None:
    """Number the events in time order, as if they had been written as they happened, and
    chain each to the one before (the log's last event's hash is ``prev``)."""
    rows = TableRows(conn, Event.__table__, EVENT_KEYS)  # type: ignore[attr-defined]
    event_id = first_id
    parse = datetime.fromisoformat
    for part in log.in_order(EVENT_PART):
        out = []
        for stamped, actor, deal_id, entity, entity_id, version, action, changes, summary in part:
            digest = link_hash(
                prev, event_id, stamped, actor, deal_id, entity, entity_id, version, action,
                changes, summary,
            )  # fmt: skip
            out.append(
                (event_id, parse(stamped), actor, deal_id, entity, entity_id, version, action,
                 changes, summary, prev, digest)
            )  # fmt: skip
            prev = digest
            event_id += 1
        rows.write(conn, out)
