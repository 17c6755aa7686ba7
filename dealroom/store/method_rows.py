"""Reading the methods that win a deal: checklist templates and answers, contacts,
competitors, assessment scores and reviews, each table in one query for any number of
deals."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from dealroom.domain import DealStatus, Stage, TaskStatus
from dealroom.domain.checklist import Answer
from dealroom.domain.powermap import DecisionRole, SupportChange
from dealroom.domain.review import CompetitorNoted, ReviewFacts, TaskFact
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
from dealroom.store.views import (
    ChecklistAnswerView,
    ChecklistItemView,
    CompetitorView,
    ContactView,
    DealView,
    ReviewView,
    ScoreView,
    TaskView,
)

_CI = ChecklistTemplate.__table__.c  # type: ignore[attr-defined]
_CA = ChecklistAnswer.__table__.c  # type: ignore[attr-defined]
_CO = ContactRecord.__table__.c  # type: ignore[attr-defined]
_CP = CompetitorRecord.__table__.c  # type: ignore[attr-defined]
_AS = AssessmentScore.__table__.c  # type: ignore[attr-defined]
_RV = DealReview.__table__.c  # type: ignore[attr-defined]
_EV = Event.__table__.c  # type: ignore[attr-defined]
_PE = Person.__table__.c  # type: ignore[attr-defined]
_SP = StagePlan.__table__.c  # type: ignore[attr-defined]


def local_day(at: datetime) -> date:
    """The calendar day (local time) of a stored timestamp."""
    return at.astimezone().date() if at.tzinfo else at.date()


def template_rows(s: Session, *, include_retired: bool = False) -> list[ChecklistItemView]:
    stmt = select(_CI).order_by(_CI.stage, _CI.position, _CI.id)
    if not include_retired:
        stmt = stmt.where(_CI.retired.is_(False))
    return [
        ChecklistItemView(
            id=r.id,
            stage=Stage(r.stage),
            key=r.key,
            text=r.text,
            key_item=bool(r.key_item),
            position=r.position,
            retired=bool(r.retired),
            version=r.version,
        )
        for r in s.execute(stmt)
    ]


def by_stage(items: Sequence[ChecklistItemView]) -> dict[Stage, list[ChecklistItemView]]:
    """Template lines per stage, in LTC order and then position order."""
    out: dict[Stage, list[ChecklistItemView]] = {stage: [] for stage in Stage}
    for item in items:
        out[item.stage].append(item)
    for lines in out.values():
        lines.sort(key=lambda i: (i.position, i.id))
    return out


def answer_rows(s: Session, *where: ColumnElement[bool]) -> list[ChecklistAnswerView]:
    return [
        ChecklistAnswerView(
            id=r.id,
            deal_id=r.deal_id,
            stage=Stage(r.stage),
            key=r.key,
            answer=Answer(r.answer),
            note=r.note,
            answered_by=r.answered_by,
            answered_at=r.answered_at,
            version=r.version,
        )
        for r in s.execute(select(_CA).where(*where).order_by(_CA.id))
    ]


def contact_rows(s: Session, *where: ColumnElement[bool]) -> list[ContactView]:
    stmt = (
        select(_CO, _PE.handle.label("owner_handle"), _PE.name.label("owner_name"))
        .select_from(ContactRecord)
        .outerjoin(Person, _CO.owner_id == _PE.id)
        .where(*where)
        .order_by(_CO.id)
    )
    return [
        ContactView(
            id=r.id,
            deal_id=r.deal_id,
            name=r.name,
            title=r.title,
            role=DecisionRole(r.decision_role),
            influence=r.influence,
            key_decider=bool(r.key_decider),
            support=r.support,
            owner=r.owner_handle,
            owner_name=r.owner_name,
            leaning_to=r.leaning_to,
            last_contact=r.last_contact,
            note=r.note,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )
        for r in s.execute(stmt)
    ]


def competitor_rows(s: Session, *where: ColumnElement[bool]) -> list[CompetitorView]:
    return [
        CompetitorView(
            id=r.id,
            deal_id=r.deal_id,
            name=r.name,
            relationship=r.relationship,
            strengths=r.strengths,
            weaknesses=r.weaknesses,
            allies=r.allies,
            differentiator=r.differentiator,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )
        for r in s.execute(select(_CP).where(*where).order_by(_CP.id))
    ]


def score_rows(s: Session, *where: ColumnElement[bool]) -> list[ScoreView]:
    """Scorings oldest first: the last one of a factor is its current score."""
    return [
        ScoreView(
            id=r.id,
            deal_id=r.deal_id,
            factor=r.factor,
            score=r.score,
            note=r.note,
            scored_by=r.scored_by,
            scored_at=r.scored_at,
        )
        for r in s.execute(select(_AS).where(*where).order_by(_AS.id))
    ]


def review_rows(s: Session, *where: ColumnElement[bool]) -> list[ReviewView]:
    return [
        ReviewView(
            id=r.id,
            deal_id=r.deal_id,
            held_on=r.held_on,
            held_by=r.held_by,
            at=r.at,
            note=r.note,
        )
        for r in s.execute(select(_RV).where(*where).order_by(_RV.held_on, _RV.id))
    ]


def support_events(s: Session, *where: ColumnElement[bool]) -> list[Any]:
    """Contact events that changed someone's support, oldest first."""
    return list(
        s.execute(
            select(_EV.deal_id, _EV.entity_id, _EV.at, _EV.changes)
            .where(_EV.entity == "contact", _EV.changes.like('%"support"%'), *where)
            .order_by(_EV.id)
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
    return list(s.execute(select(_SP.deal_id, _SP.stage, _SP.planned, _SP.actual).where(*where)))


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
        planned={Stage(p.stage): p.planned for p in plans if p.planned is not None},
        entered={Stage(p.stage): p.actual for p in plans if p.actual is not None},
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


def grouped(rows: Sequence[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[row.deal_id].append(row)
    return out


ACTIVE_STATUSES = (DealStatus.OPEN.value, DealStatus.WON.value)
