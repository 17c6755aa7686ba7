"""Reading the methods that win a deal: checklist templates and answers, contacts,
competitors, assessment scores and reviews, each table in one query for any number of
deals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import DealStatus, Stage, TaskStatus
from dealroom.domain.powermap import SupportChange
from dealroom.domain.review import CompetitorNoted, ReviewFacts, TaskFact
from dealroom.store.columns import table_of
from dealroom.store.method_views import (
    ChecklistAnswerView,
    ChecklistItemView,
    CompetitorView,
    ContactView,
    ReviewView,
    ScoreView,
)
from dealroom.store.rows import Shape
from dealroom.store.tables import (
    AssessmentScore,
    ChecklistAnswer,
    ChecklistTemplate,
    CompetitorRecord,
    ContactRecord,
    DealReview,
    Event,
    Person,
    StagePlan,
)
from dealroom.store.views import DealView, TaskView


def local_day(at: datetime) -> date:
    """The calendar day (local time) of a stored timestamp."""
    return at.astimezone().date() if at.tzinfo else at.date()


TEMPLATE = Shape(
    ChecklistItemView,
    ChecklistTemplate,
    order=[
        col(ChecklistTemplate.stage),
        col(ChecklistTemplate.position),
        col(ChecklistTemplate.id),
    ],
)
ANSWERS = Shape(ChecklistAnswerView, ChecklistAnswer, order=[col(ChecklistAnswer.id)])
_owner = table_of(Person).alias("contact_owner")
CONTACTS = Shape(
    ContactView,
    ContactRecord,
    {
        "role": col(ContactRecord.decision_role),
        "owner": _owner.c.handle.label("owner"),
        "owner_name": _owner.c.name.label("owner_name"),
    },
    join=lambda stmt: stmt.join_from(
        ContactRecord, _owner, col(ContactRecord.owner_id) == _owner.c.id, isouter=True
    ),
    order=[col(ContactRecord.id)],
)
COMPETITORS = Shape(CompetitorView, CompetitorRecord, order=[col(CompetitorRecord.id)])
#: Scorings oldest first: the last one of a factor is its current score.
SCORES = Shape(ScoreView, AssessmentScore, order=[col(AssessmentScore.id)])
REVIEWS = Shape(ReviewView, DealReview, order=[col(DealReview.held_on), col(DealReview.id)])


def template_rows(s: Session, *, include_retired: bool = False) -> list[ChecklistItemView]:
    if include_retired:
        return TEMPLATE.rows(s)
    return TEMPLATE.rows(s, col(ChecklistTemplate.retired).is_(False))


def by_stage(items: Sequence[ChecklistItemView]) -> dict[Stage, list[ChecklistItemView]]:
    """Template lines per stage, in LTC order and then position order."""
    out: dict[Stage, list[ChecklistItemView]] = {stage: [] for stage in Stage}
    for item in items:
        out[item.stage].append(item)
    for lines in out.values():
        lines.sort(key=lambda i: (i.position, i.id))
    return out


def support_events(s: Session, *where: ColumnElement[bool]) -> list[Any]:
    """Contact events that changed someone's support, oldest first."""
    return list(
        s.execute(
            select(col(Event.deal_id), col(Event.entity_id), col(Event.at), col(Event.changes))
            .where(col(Event.entity) == "contact", col(Event.changes).like('%"support"%'), *where)
            .order_by(col(Event.id))
        )
    )


def support_changes(events: Sequence[Any], contacts: Sequence[ContactView]) -> list[SupportChange]:
    """The support changes of people still on the map, named as the map names them now."""
    by_id = {c.id: c for c in contacts}
    out: list[SupportChange] = []
    for e in events:
        contact = by_id.get(e.entity_id)
        old_new = json.loads(e.changes).get("support")
        if contact is None or not old_new or None in old_new:
            continue
        old, new = old_new
        out.append(SupportChange(contact.who, old, new, local_day(e.at), contact.key_decider))
    return out


def plan_rows(s: Session, *where: ColumnElement[bool]) -> list[Any]:
    stmt = select(
        col(StagePlan.deal_id), col(StagePlan.stage), col(StagePlan.planned), col(StagePlan.actual)
    )
    return list(s.execute(stmt.where(*where)))


def review_facts(
    deal: DealView,
    plans: Sequence[Any],
    tasks: Sequence[TaskView],
    changes: Sequence[SupportChange],
    competitors: Sequence[CompetitorView],
    reviews: Sequence[ReviewView],
) -> ReviewFacts:
    """What the review rules look at, from a deal's rows."""
    return ReviewFacts(
        stage=deal.stage,
        status=deal.status,
        planned={p.stage: p.planned for p in plans if p.planned is not None},
        entered={
            p.stage: p.actual
            for p in plans
            if p.actual is not None and p.stage.order <= deal.stage.order
        },
        tasks=[
            TaskFact(
                t.title,
                t.status,
                owner=t.owner_name or t.owner,
                due=t.due,
                blocked_since=(
                    local_day(t.status_changed_at) if t.status is TaskStatus.BLOCKED else None
                ),
                checkpoint=t.note,
                role=t.role,
            )
            for t in tasks
        ],
        support_changes=list(changes),
        competitors_noted=[CompetitorNoted(c.name, local_day(c.created_at)) for c in competitors],
        last_review=max((r.held_on for r in reviews), default=None),
    )


ACTIVE_STATUSES = (DealStatus.OPEN.value, DealStatus.WON.value)
