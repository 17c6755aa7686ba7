"""The event log as a hash chain: each event keeps the hash of the one before it and its own
hash over its content and that one (see ``dealroom.domain.chain``), so ``dealroom verify``
finds an event changed, removed or moved after it was written. Existing events are chained
in id order.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dealroom.domain.chain import GENESIS, Link

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_EVENT = sa.table(
    "event",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("deal_id", sa.Integer()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.Integer()),
    sa.column("entity_version", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("changes", sa.Text()),
    sa.column("summary", sa.Text()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
_BATCH = 5000


def _guard(on: bool) -> None:
    """The append-only guard of migration 0002, lifted while the chain is written."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE event {'ENABLE' if on else 'DISABLE'} TRIGGER event_append_only")
        return
    for verb in ("UPDATE", "DELETE"):
        if on:
            op.execute(
                f"CREATE TRIGGER event_no_{verb.lower()} BEFORE {verb} ON event "
                "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS event_no_{verb.lower()}")


def upgrade() -> None:
    for name in ("prev_hash", "hash"):
        op.add_column("event", sa.Column(name, sa.String(64), nullable=False, server_default=""))
    bind = op.get_bind()
    _guard(False)
    prev, last = GENESIS, 0
    while True:
        rows = bind.execute(
            sa.select(_EVENT).where(_EVENT.c.id > last).order_by(_EVENT.c.id).limit(_BATCH)
        ).all()
        if not rows:
            break
        chained = []
        for r in rows:
            link = Link(
                r.id, r.at, r.actor, r.deal_id, r.entity, r.entity_id, r.entity_version,
                r.action, r.changes, r.summary,
            )  # fmt: skip
            digest = link.content_hash(prev)
            chained.append({"b_id": r.id, "b_prev": prev, "b_hash": digest})
            prev, last = digest, r.id
        bind.execute(
            _EVENT.update()
            .where(_EVENT.c.id == sa.bindparam("b_id"))
            .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash")),
            chained,
        )
    _guard(True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("event", "hash")
        op.drop_column("event", "prev_hash")
        return
    with op.batch_alter_table("event") as batch:  # SQLite: the table is copied, so its
        batch.drop_column("hash")  # guard goes with it and is made again
        batch.drop_column("prev_hash")
    _guard(False)
    _guard(True)
