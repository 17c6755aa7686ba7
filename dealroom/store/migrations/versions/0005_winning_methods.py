"""The methods that win a deal: stage checklists (a template seeded with the defaults,
and each deal's answers), the power map, competitors, assessment scores and reviews held.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dealroom.domain.checklist import DEFAULT_CHECKLISTS
from dealroom.i18n import _

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _deal() -> sa.Column[int]:
    return sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deal.id"), nullable=False)


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def _version() -> sa.Column[int]:
    return sa.Column("version", sa.Integer(), nullable=False)


def _at(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    template = op.create_table(
        "checklist_item",
        _id(),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        _text("text"),
        sa.Column("key_item", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        _version(),
        sa.UniqueConstraint("stage", "key"),
    )
    op.bulk_insert(
        template,
        [
            {
                "stage": item.stage.value,
                "key": item.key,
                "text": _(item.text),  # a database created in Chinese: the Chinese wording
                "key_item": item.key_item,
                "position": position,
                "retired": False,
                "version": 1,
            }
            for items in DEFAULT_CHECKLISTS.values()
            for position, item in enumerate(items)
        ],
    )
    op.create_table(
        "checklist_answer",
        _id(),
        _deal(),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("answer", sa.String(12), nullable=False),
        _text("note"),
        sa.Column("answered_by", sa.String(64), nullable=False),
        _at("answered_at"),
        _version(),
        sa.UniqueConstraint("deal_id", "stage", "key"),
    )
    op.create_table(
        "contact",
        _id(),
        _deal(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("decision_role", sa.String(16), nullable=False),
        sa.Column("influence", sa.Integer(), nullable=False),
        sa.Column("key_decider", sa.Boolean(), nullable=False),
        sa.Column("support", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("leaning_to", sa.String(120), nullable=True),
        sa.Column("last_contact", sa.Date(), nullable=True),
        _text("note"),
        _at("created_at"),
        _at("updated_at"),
        _version(),
    )
    op.create_table(
        "competitor",
        _id(),
        _deal(),
        sa.Column("name", sa.String(80), nullable=False),
        *(_text(name) for name in ("relationship", "strengths", "weaknesses", "allies")),
        _text("differentiator"),
        _at("created_at"),
        _at("updated_at"),
        _version(),
    )
    op.create_table(
        "assessment_score",
        _id(),
        _deal(),
        sa.Column("factor", sa.String(40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        _text("note"),
        sa.Column("scored_by", sa.String(64), nullable=False),
        _at("scored_at"),
    )
    op.create_table(
        "deal_review",
        _id(),
        _deal(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("held_by", sa.String(64), nullable=False),
        _at("at"),
        _text("note"),
    )
    for table in ("checklist_answer", "contact", "competitor", "assessment_score", "deal_review"):
        op.create_index(f"ix_{table}_deal_id", table, ["deal_id"])


def downgrade() -> None:
    for table in (
        "deal_review",
        "assessment_score",
        "competitor",
        "contact",
        "checklist_answer",
        "checklist_item",
    ):
        op.drop_table(table)
