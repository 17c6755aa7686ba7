"""Deal rooms: a deal with everything its room shows, read for any number of deals in
the same fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from dealroom.domain import STAGES, TRIANGLE, DealStatus, rules
from dealroom.domain.assessment import summarize
from dealroom.domain.checklist import ItemAnswer, answers_by_stage, stage_completion
from dealroom.store.method_rows import template_rows
from dealroom.store.rows import DEALS, GATES, HANDOFFS, MEMBERS, RISKS, TASKS, grouped
from dealroom.store.tables import (
    AssessmentScore,
    ChecklistAnswer,
    Deal,
    DealMember,
    GateRecord,
    Handoff,
    Risk,
    StageMove,
    StagePlan,
    Task,
)
from dealroom.store.tx import deal_by_code
from dealroom.store.views import (
    DealRoomView,
    DealView,
    GateView,
    StageMoveView,
    TimelineStage,
)

#: Deals that are still worked: open ones, and won ones until they are closed.
ACTIVE = (DealStatus.OPEN, DealStatus.WON)


def ids_by_code(s: Session, *, include_closed: bool = False) -> list[int]:
    """Every active deal's id (every deal's with ``include_closed``) in the order of their
    codes, as Python orders text (whatever the database's collation)."""
    where = [] if include_closed else [col(Deal.status).in_(ACTIVE)]
    rows = s.execute(select(col(Deal.code), col(Deal.id)).where(*where))
    pairs = sorted((code, deal_id) for code, deal_id in rows if deal_id is not None)  # in C
    return [deal_id for _code, deal_id in pairs]


#: Deals per page, for the reads that walk every deal: enough that the per-page queries
#: cost little, few enough that a page's rooms (about 50 items each) stay a few megabytes.
PAGE = 500


def in_pages(ids: Sequence[int], size: int | None = None) -> Iterator[Sequence[int]]:
    """``ids`` ``size`` (default :data:`PAGE`) at a time."""
    size = size or PAGE
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def deal_view(s: Session, code: str) -> DealView:
    """The deal with that code (``NotFoundError``, with suggestions, if there is none)."""
    found = DEALS.rows(s, col(Deal.code) == code.strip().upper())
    if not found:
        deal_by_code(s, code)  # raises NotFoundError with suggestions
    return found[0]


def timeline(
    deal: DealView,
    plans: Sequence[Any],
    gates: Sequence[GateView],
    moves_back: Sequence[StageMoveView] = (),
) -> list[TimelineStage]:
    by_stage = {p.stage: p for p in plans}
    left = {m.from_stage: m.day for m in moves_back}  # oldest first: the last one stays
    states = rules.latest_gate_states((g.gate, g.decision) for g in gates)
    out = []
    for stage in STAGES:
        plan = by_stage.get(stage)
        gate = rules.STAGE_GATE.get(stage)
        out.append(
            TimelineStage(
                stage=stage,
                planned=plan.planned if plan else None,
                actual=plan.actual if plan else None,
                gate=gate,
                gate_state=states.get(gate) if gate else None,
                current=stage is deal.stage,
                reached=stage.order <= deal.stage.order,
                went_back=left.get(stage),
            )
        )
    return out


def moves_back(s: Session, *where: ColumnElement[bool]) -> list[StageMoveView]:
    """The moves back among the stage moves ``where`` selects, oldest first."""
    stmt = (
        select(
            col(StageMove.deal_id),
            col(StageMove.from_stage),
            col(StageMove.to_stage),
            col(StageMove.day),
            col(StageMove.actor),
            col(StageMove.reason),
        )
        .where(col(StageMove.back), *where)
        .order_by(col(StageMove.id))
    )
    out = []
    for deal_id, from_stage, to_stage, day, actor, reason in s.execute(stmt):
        out.append(StageMoveView(deal_id, from_stage or to_stage, to_stage, day, actor, reason))
    return out


def rooms(s: Session, deals: Sequence[DealView], ids: Any = None) -> list[DealRoomView]:
    """Deal rooms for ``deals``: each child table read once for all of them (``ids`` may
    be a subquery selecting the same deals, which keeps large sets out of bound values)."""
    if not deals:
        return []
    if ids is None:
        ids = [d.id for d in deals]
    members = grouped(MEMBERS.rows(s, col(DealMember.deal_id).in_(ids)))
    plans = grouped(
        s.execute(select(StagePlan).where(col(StagePlan.deal_id).in_(ids))).scalars().all()
    )
    gates = grouped(GATES.rows(s, col(GateRecord.deal_id).in_(ids)))
    backs = grouped(moves_back(s, col(StageMove.deal_id).in_(ids)))
    tasks = grouped(TASKS.rows(s, col(Task.deal_id).in_(ids)))
    risks = grouped(RISKS.rows(s, col(Risk.deal_id).in_(ids)))
    handoffs = grouped(HANDOFFS.rows(s, col(Handoff.deal_id).in_(ids)))
    template = [i.as_item() for i in template_rows(s)]
    answers = grouped(
        s.execute(
            select(
                col(ChecklistAnswer.deal_id),
                col(ChecklistAnswer.stage),
                col(ChecklistAnswer.key),
                col(ChecklistAnswer.answer),
            ).where(col(ChecklistAnswer.deal_id).in_(ids))
        ).all()
    )
    scores = grouped(
        s.execute(
            select(
                col(AssessmentScore.deal_id),
                col(AssessmentScore.factor),
                col(AssessmentScore.score),
            )
            .where(col(AssessmentScore.deal_id).in_(ids))
            .order_by(col(AssessmentScore.id))
        ).all()
    )
    out = []
    for deal in deals:
        on_deal = members.get(deal.id, [])
        decided = gates.get(deal.id, [])
        went_back = backs.get(deal.id, [])
        given = answers_by_stage(
            ItemAnswer(a.stage, a.key, a.answer) for a in answers.get(deal.id, [])
        )
        current = {x.factor: x.score for x in scores.get(deal.id, [])}
        out.append(
            DealRoomView(
                deal=deal,
                members=on_deal,
                timeline=timeline(deal, plans.get(deal.id, []), decided, went_back),
                gates=decided,
                tasks=tasks.get(deal.id, []),
                risks=risks.get(deal.id, []),
                handoffs=handoffs.get(deal.id, []),
                leads={m.role: m for m in on_deal if m.role in TRIANGLE},
                completion={
                    stage: stage_completion(stage, template, given.get(stage, {}))
                    for stage in STAGES
                },
                marks=summarize(current).marks,
                moves_back=went_back,
            )
        )
    return out
