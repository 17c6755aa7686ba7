"""The stage history, and the sponsor an escalated risk went to.

The stage history: every move of a deal between LTC stages, with who moved it, when,
and (for a move back) why. Filled from what exists: the event log's creation and stage
moves where the log holds a deal's whole history, else the timeline's actual dates. Each
stage's actual date becomes the *first* day the deal entered it, as far as the log knows.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: The LTC stages in order, as stored (the migration keeps its own copy: later code may change).
ORDER = ["lead", "opportunity", "pre_bid", "bid", "contract", "delivery", "invoice", "closed"]


def _day(at: datetime) -> date:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().date()


def _row(
    deal_id: int, old: str | None, new: str, at: datetime, back: bool, day: date, actor: str
) -> dict[str, Any]:
    return {
        "deal_id": deal_id,
        "from_stage": old,
        "to_stage": new,
        "back": back,
        "day": day,
        "at": at,
        "actor": actor,
        "reason": "",
    }


def _moves_from_log(conn: sa.Connection) -> dict[int, list[dict[str, Any]]]:
    event = sa.table(
        "event",
        sa.column("id"),
        sa.column("deal_id"),
        sa.column("entity"),
        sa.column("action"),
        sa.column("changes"),
        sa.column("at", sa.DateTime()),
        sa.column("actor"),
    )
    rows = conn.execute(
        sa.select(event.c.deal_id, event.c.changes, event.c.at, event.c.actor)
        .where(
            event.c.entity == "deal",
            event.c.action.in_(["create", "stage"]),
            event.c.deal_id.is_not(None),
        )
        .order_by(event.c.deal_id, event.c.id)
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for deal_id, changes, at, actor in rows:
        try:
            old, new = json.loads(changes)["stage"]
        except (ValueError, KeyError, TypeError):
            continue
        if new not in ORDER or (old is not None and old not in ORDER):
            continue
        moves = out.setdefault(deal_id, [])
        if old is not None and not moves:
            continue  # the log does not start at the creation: use the timeline instead
        back = old is not None and ORDER.index(old) > ORDER.index(new)
        moves.append(_row(deal_id, old, new, at, back, _day(at), actor))
    return out


def upgrade() -> None:
    moves_table = op.create_table(
        "stage_move",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=False),
        sa.Column("from_stage", sa.String(16), nullable=True),
        sa.Column("to_stage", sa.String(16), nullable=False),
        sa.Column("back", sa.Boolean(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_stage_move_deal_id", "stage_move", ["deal_id"])
    conn = op.get_bind()
    logged = _moves_from_log(conn)
    plan = sa.table(
        "stage_plan",
        sa.column("id"),
        sa.column("deal_id"),
        sa.column("stage"),
        sa.column("actual", sa.Date()),
    )
    deal = sa.table(
        "deal", sa.column("id"), sa.column("stage"), sa.column("created_at", sa.DateTime())
    )
    actuals: dict[int, dict[str, tuple[int, date]]] = {}
    for plan_id, deal_id, stage, actual in conn.execute(
        sa.select(plan.c.id, plan.c.deal_id, plan.c.stage, plan.c.actual).where(
            plan.c.actual.is_not(None)
        )
    ):
        actuals.setdefault(deal_id, {})[stage] = (plan_id, actual)
    batch: list[dict[str, Any]] = []
    for deal_id, current, created_at in conn.execute(
        sa.select(deal.c.id, deal.c.stage, deal.c.created_at)
    ):
        moves = logged.get(deal_id)
        reached = actuals.get(deal_id, {})
        if moves and moves[-1]["to_stage"] == current:  # the log has the whole history
            first: dict[str, date] = {}
            for m in moves:
                first.setdefault(m["to_stage"], m["day"])
            for stage, (plan_id, actual) in reached.items():
                day = first.get(stage)
                if day is not None and day < actual:
                    conn.execute(plan.update().where(plan.c.id == plan_id).values(actual=day))
        else:
            moves = []
            before = None
            for stage in sorted(reached, key=ORDER.index):
                day = reached[stage][1]
                at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
                if before is None and created_at is not None:
                    at = created_at
                moves.append(_row(deal_id, before, stage, at, False, day, ""))
                before = stage
        batch.extend(moves)
        if len(batch) >= 5000:
            op.bulk_insert(moves_table, batch)
            batch = []
    if batch:
        op.bulk_insert(moves_table, batch)
    _escalated_to_sponsor(conn)


def _escalated_to_sponsor(conn: sa.Connection) -> None:
    """Each escalated risk names the sponsor it went to: the deal's sponsor now."""
    op.add_column("risk", sa.Column("escalated_to_id", sa.Integer(), nullable=True))
    risk = sa.table(
        "risk", sa.column("id"), sa.column("deal_id"), sa.column("escalated"),
        sa.column("escalated_to_id"),
    )  # fmt: skip
    member = sa.table(
        "deal_member", sa.column("id"), sa.column("deal_id"), sa.column("person_id"),
        sa.column("role"),
    )  # fmt: skip
    sponsors: dict[int, int] = {}
    for deal_id, person_id in conn.execute(
        sa.select(member.c.deal_id, member.c.person_id)
        .where(member.c.role == "sponsor")
        .order_by(member.c.id.desc())
    ):
        sponsors[deal_id] = person_id  # the earliest one stays
    escalated = conn.execute(
        sa.select(risk.c.id, risk.c.deal_id).where(risk.c.escalated == sa.true())
    ).all()
    for risk_id, deal_id in escalated:
        if deal_id in sponsors:
            conn.execute(
                risk.update().where(risk.c.id == risk_id).values(escalated_to_id=sponsors[deal_id])
            )


def downgrade() -> None:
    op.drop_column("risk", "escalated_to_id")
    op.drop_table("stage_move")
