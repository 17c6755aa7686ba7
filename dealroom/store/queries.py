"""Reads: each returns plain views in a fixed number of queries, whatever the size."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from dealroom.domain import (
    STAGES,
    TRIANGLE,
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    Level,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
    Tier,
    rules,
)
from dealroom.domain.assessment import summarize
from dealroom.domain.checklist import Answer, ItemAnswer, answers_by_stage, stage_completion
from dealroom.store import method_rows as mr
from dealroom.store.base import StoreBase
from dealroom.store.errors import NotFoundError
from dealroom.store.tables import (
    Account,
    Deal,
    DealMember,
    Event,
    GateRecord,
    Handoff,
    Person,
    Risk,
    StagePlan,
    Task,
)
from dealroom.store.views import (
    AccountView,
    DealRoomView,
    DealView,
    EventView,
    FeedItem,
    GateView,
    HandoffView,
    MemberView,
    MyWorkView,
    PersonView,
    PipelineRow,
    RiskView,
    TaskView,
    TimelineStage,
)
from dealroom.store.watch import Watcher

_T = Task.__table__.c  # type: ignore[attr-defined]
_R = Risk.__table__.c  # type: ignore[attr-defined]
_H = Handoff.__table__.c  # type: ignore[attr-defined]
_D = Deal.__table__.c  # type: ignore[attr-defined]
_P = Person.__table__.c  # type: ignore[attr-defined]
_A = Account.__table__.c  # type: ignore[attr-defined]
_M = DealMember.__table__.c  # type: ignore[attr-defined]
_G = GateRecord.__table__.c  # type: ignore[attr-defined]
_E = Event.__table__.c  # type: ignore[attr-defined]
_S = StagePlan.__table__.c  # type: ignore[attr-defined]

ACTIVE = (DealStatus.OPEN.value, DealStatus.WON.value)

# Stored value -> enum member, by dict: several times faster than calling the enum, which
# counts when an export reads fifty thousand rows.
_TIER = {m.value: m for m in Tier}
_STAGE = {m.value: m for m in Stage}
_LEVEL = {m.value: m for m in Level}
_DEALSTATUS = {m.value: m for m in DealStatus}
_ROLE = {m.value: m for m in Role}
_TASKSTATUS = {m.value: m for m in TaskStatus}
_RISKSTATUS = {m.value: m for m in RiskStatus}
_HANDOFFSTATE = {m.value: m for m in HandoffState}
_GATE = {m.value: m for m in Gate}
_GATEDECISION = {m.value: m for m in GateDecision}


def deal_rows(s: Session, *where: ColumnElement[bool]) -> list[DealView]:
    stmt = (
        select(*_D, _A.name.label("account"), _A.tier)
        .join_from(Deal, Account, _D.account_id == _A.id)
        .where(*where)
    )
    return [
        DealView(
            id=r.id,
            code=r.code,
            name=r.name,
            account_id=r.account_id,
            account=r.account,
            tier=_TIER[r.tier],
            amount=r.amount,
            currency=r.currency,
            close_date=r.close_date,
            stage=_STAGE[r.stage],
            probability_override=r.probability_override,
            level=_LEVEL[r.level],
            status=_DEALSTATUS[r.status],
            status_reason=r.status_reason,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )
        for r in s.connection().execute(stmt)
    ]


def task_rows(s: Session, *where: ColumnElement[bool]) -> list[TaskView]:
    stmt = (
        select(*_T, _P.handle.label("owner"), _P.name.label("owner_name"))
        .join_from(Task, Person, _T.owner_id == _P.id, isouter=True)
        .where(*where)
        .order_by(_T.due.is_(None), _T.due, _T.id)
    )
    return [
        TaskView(
            id=r.id,
            deal_id=r.deal_id,
            role=_ROLE[r.role],
            title=r.title,
            owner=r.owner,
            owner_name=r.owner_name,
            due=r.due,
            status=_TASKSTATUS[r.status],
            stage=_STAGE[r.stage] if r.stage else None,
            note=r.note,
            created_at=r.created_at,
            updated_at=r.updated_at,
            status_changed_at=r.status_changed_at,
            version=r.version,
        )
        for r in s.connection().execute(stmt)
    ]


def risk_rows(s: Session, *where: ColumnElement[bool]) -> list[RiskView]:
    stmt = (
        select(*_R, _P.handle.label("owner"), _P.name.label("owner_name"))
        .join_from(Risk, Person, _R.owner_id == _P.id, isouter=True)
        .where(*where)
        .order_by(_R.id)
    )
    return [
        RiskView(
            id=r.id,
            deal_id=r.deal_id,
            role=_ROLE[r.role],
            title=r.title,
            likelihood=r.likelihood,
            impact=r.impact,
            mitigation=r.mitigation,
            owner=r.owner,
            owner_name=r.owner_name,
            status=_RISKSTATUS[r.status],
            escalated=bool(r.escalated),
            escalated_at=r.escalated_at,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )
        for r in s.connection().execute(stmt)
    ]


def handoff_rows(s: Session, *where: ColumnElement[bool]) -> list[HandoffView]:
    stmt = select(*_H).where(*where).order_by(_H.id)
    return [
        HandoffView(
            id=r.id,
            deal_id=r.deal_id,
            from_role=_ROLE[r.from_role],
            to_role=_ROLE[r.to_role],
            title=r.title,
            note=r.note,
            due=r.due,
            state=_HANDOFFSTATE[r.state],
            reason=r.reason,
            sent_at=r.sent_at,
            decided_at=r.decided_at,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )
        for r in s.connection().execute(stmt)
    ]


def gate_rows(s: Session, *where: ColumnElement[bool]) -> list[GateView]:
    stmt = select(*_G).where(*where).order_by(_G.decided_at, _G.id)
    return [
        GateView(
            id=r.id,
            deal_id=r.deal_id,
            gate=_GATE[r.gate],
            decision=_GATEDECISION[r.decision],
            decided_by=r.decided_by,
            decided_at=r.decided_at,
            note=r.note,
        )
        for r in s.connection().execute(stmt)
    ]


def member_rows(s: Session, *where: ColumnElement[bool]) -> list[MemberView]:
    stmt = (
        select(*_M, _P.handle, _P.name)
        .join_from(DealMember, Person, _M.person_id == _P.id)
        .where(*where)
        .order_by(_M.id)
    )
    return [
        MemberView(
            id=r.id,
            deal_id=r.deal_id,
            person_id=r.person_id,
            handle=r.handle,
            name=r.name,
            role=_ROLE[r.role],
            version=r.version,
        )
        for r in s.connection().execute(stmt)
    ]


def person_view(r: Any) -> PersonView:
    return PersonView(id=r.id, handle=r.handle, name=r.name, email=r.email, version=r.version)


def timeline(
    deal: DealView, plans: Sequence[Any], gates: Sequence[GateView]
) -> list[TimelineStage]:
    by_stage = {Stage(p.stage): p for p in plans}
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
            )
        )
    return out


class Queries(StoreBase):
    """The store's reads. Every method opens one read transaction."""

    def people(self) -> list[PersonView]:
        with self._read() as s:
            return [person_view(r) for r in s.execute(select(*_P).order_by(_P.name))]

    def person(self, handle: str) -> PersonView | None:
        with self._read() as s:
            r = s.execute(select(*_P).where(_P.handle == handle)).first()
            return person_view(r) if r else None

    def accounts(self) -> list[AccountView]:
        with self._read() as s:
            rows = s.execute(select(*_A).order_by(_A.name))
            return [AccountView(r.id, r.name, _TIER[r.tier], r.version) for r in rows]

    def deal(self, code: str) -> DealView:
        with self._read() as s:
            return self._deal_view(s, code)

    def _deal_view(self, s: Session, code: str) -> DealView:
        found = deal_rows(s, _D.code == code.strip().upper())
        if not found:
            self._deal_by_code(s, code)  # raises NotFoundError with suggestions
        return found[0]

    def deal_codes(self) -> list[tuple[str, str]]:
        """(code, name) of every deal, for "go to deal" and completion."""
        with self._read() as s:
            return [(r.code, r.name) for r in s.execute(select(_D.code, _D.name).order_by(_D.code))]

    def task(self, task_id: int) -> TaskView:
        with self._read() as s:
            return _one(task_rows(s, _T.id == task_id), "task", task_id)

    def risk(self, risk_id: int) -> RiskView:
        with self._read() as s:
            return _one(risk_rows(s, _R.id == risk_id), "risk", risk_id)

    def handoff(self, handoff_id: int) -> HandoffView:
        with self._read() as s:
            return _one(handoff_rows(s, _H.id == handoff_id), "handoff", handoff_id)

    def deal_room(self, code: str) -> DealRoomView:
        """The deal with its members, timeline, gates, tasks, risks and handoffs: 7 queries."""
        with self._read() as s:
            deal = self._deal_view(s, code)
            return rooms(s, [deal])[0]

    def deal_rooms(
        self, codes: Sequence[str] | None = None, *, include_closed: bool = False
    ) -> list[DealRoomView]:
        """Several deal rooms (the given codes, else every active deal, or every deal with
        ``include_closed``) in the same 7 queries, whatever their number."""
        with self._read() as s:
            if codes is not None:
                deals = [self._deal_view(s, code) for code in codes]
            else:
                where = [] if include_closed else [_D.status.in_(ACTIVE)]
                deals = deal_rows(s, *where)
                deals.sort(key=lambda d: d.code)
                return rooms(s, deals, select(_D.id).where(*where))
            return rooms(s, deals)

    def pipeline(
        self,
        *,
        stage: Stage | None = None,
        mine: bool = False,
        include_closed: bool = False,
        today: date | None = None,
    ) -> list[PipelineRow]:
        """One row per deal with its leads and health flags, in six queries."""
        day = today or self.today()
        where: list[ColumnElement[bool]] = []
        if not include_closed:
            where.append(_D.status.in_(ACTIVE))
        if stage is not None:
            where.append(_D.stage == stage.value)
        with self._read() as s:
            if mine:
                me = select(_M.deal_id).join(Person, _M.person_id == _P.id)
                where.append(_D.id.in_(me.where(_P.handle == self.actor)))
            deals = deal_rows(s, *where)
            ids = select(_D.id).where(*where)
            leads: dict[int, dict[Role, str]] = defaultdict(dict)
            lead_roles = [r.value for r in TRIANGLE]
            for r in s.execute(
                select(_M.deal_id, _M.role, _P.name)
                .join_from(DealMember, Person, _M.person_id == _P.id)
                .where(_M.role.in_(lead_roles), _M.deal_id.in_(ids))
            ):
                leads[r.deal_id][_ROLE[r.role]] = r.name
            tasks = _counts(
                s,
                _T.deal_id,
                _T.deal_id.in_(ids),
                overdue=and_(_T.status != TaskStatus.DONE.value, _T.due < day),
                blocked=_T.status == TaskStatus.BLOCKED.value,
            )
            risks = _counts(
                s,
                _R.deal_id,
                _R.deal_id.in_(ids),
                high=and_(
                    _R.status != RiskStatus.CLOSED.value,
                    or_(_R.likelihood * _R.impact >= rules.HIGH_EXPOSURE, _R.escalated),
                ),
            )
            handoffs = _counts(
                s, _H.deal_id, _H.deal_id.in_(ids), waiting=_H.state == HandoffState.SENT.value
            )
            gate_states: dict[int, dict[Gate, GateDecision]] = defaultdict(dict)
            for r in s.execute(
                select(_G.deal_id, _G.gate, _G.decision)
                .where(_G.deal_id.in_(ids))
                .order_by(_G.decided_at, _G.id)
            ):
                gate_states[r.deal_id][_GATE[r.gate]] = _GATEDECISION[r.decision]
        rows = []
        for d in deals:
            t, k, h = tasks.get(d.id, {}), risks.get(d.id, {}), handoffs.get(d.id, {})
            pending = None
            if d.status is DealStatus.OPEN or d.status is DealStatus.WON:
                pending = rules.pending_gate(d.stage, gate_states.get(d.id, {}))
            rows.append(
                PipelineRow(
                    deal=d,
                    leads=leads.get(d.id, {}),
                    overdue_tasks=t.get("overdue", 0),
                    blocked_tasks=t.get("blocked", 0),
                    high_risks=k.get("high", 0),
                    waiting_handoffs=h.get("waiting", 0),
                    pending_gate=pending,
                )
            )
        rows.sort(
            key=lambda row: (-row.deal.stage.order, row.deal.close_date or date.max, row.deal.code)
        )
        return rows

    def events(
        self,
        *,
        code: str | None = None,
        since: datetime | None = None,
        after_id: int | None = None,
        limit: int | None = None,
    ) -> list[EventView]:
        """The event log, oldest first."""
        with self._read() as s:
            stmt = _events_select()
            if code is not None:
                stmt = stmt.where(_E.deal_id == self._deal_by_code(s, code).id)
            if since is not None:
                stmt = stmt.where(_E.at >= since)
            if after_id is not None:
                stmt = stmt.where(_E.id > after_id)
            stmt = stmt.order_by(_E.id)
            if limit is not None:
                stmt = stmt.limit(limit)
            return event_rows(s, stmt)

    def feed(self, after_id: int, *, limit: int = 500) -> list[FeedItem]:
        """What happened after event ``after_id``, oldest first, as a running app tells
        it: who did it in which role, and which handoffs were sent to one of the acting
        person's roles. Four queries, however many events."""
        with self._read() as s:
            events = event_rows(
                s, _events_select().where(_E.id > after_id).order_by(_E.id).limit(limit)
            )
            if not events:
                return []
            handles = {e.actor for e in events} | {self.actor}
            names: dict[str, str] = dict(
                s.execute(select(_P.handle, _P.name).where(_P.handle.in_(handles))).all()
            )
            roles: dict[tuple[int, str], list[Role]] = defaultdict(list)
            member_rows = s.execute(
                select(_M.deal_id, _M.role, _P.handle)
                .join_from(DealMember, Person, _M.person_id == _P.id)
                .where(_M.deal_id.in_({e.deal_id for e in events}), _P.handle.in_(handles))
                .order_by(_M.role)
            )
            for r in member_rows:
                roles[(r.deal_id, r.handle)].append(_ROLE[r.role])
            sent = [e.entity_id for e in events if e.entity == "handoff" and e.action == "send"]
            to_role: dict[int | None, str] = dict(
                s.execute(select(_H.id, _H.to_role).where(_H.id.in_(sent))).all()
            )
        out = []
        for e in events:
            mine = roles.get((e.deal_id or 0, self.actor), [])
            sent_to = to_role.get(e.entity_id, "") if e.entity == "handoff" else ""
            target = _ROLE.get(sent_to)
            for_me = target if target in mine and e.actor != self.actor else None
            out.append(
                FeedItem(
                    e,
                    names.get(e.actor, e.actor),
                    tuple(roles.get((e.deal_id or 0, e.actor), [])),
                    for_me,
                )
            )
        return out

    def my_work(self) -> MyWorkView:
        """What waits on the acting person, across all active deals: 5 queries."""
        with self._read() as s:
            me = s.execute(select(_P.id).where(_P.handle == self.actor)).scalar()
            active = select(_D.id).where(_D.status.in_(ACTIVE))
            tasks = task_rows(
                s, _T.owner_id == me, _T.status != TaskStatus.DONE.value, _T.deal_id.in_(active)
            )
            risks = risk_rows(
                s, _R.owner_id == me, _R.status != RiskStatus.CLOSED.value, _R.deal_id.in_(active)
            )
            mine = select(_M.deal_id, _M.role).where(
                _M.person_id == me, _M.role.in_([r.value for r in TRIANGLE])
            )
            handoffs = handoff_rows(
                s,
                _H.state == HandoffState.SENT.value,
                tuple_(_H.deal_id, _H.to_role).in_(mine),
                _H.deal_id.in_(active),
            )
            ids = {t.deal_id for t in tasks} | {r.deal_id for r in risks}
            ids |= {h.deal_id for h in handoffs}
            deals = {
                r.id: (r.code, r.name)
                for r in s.execute(select(_D.id, _D.code, _D.name).where(_D.id.in_(ids)))
            }
        return MyWorkView(tasks=tasks, risks=risks, handoffs=handoffs, deals=deals)

    def last_event_id(self) -> int:
        with self._read() as s:
            return s.execute(select(func.max(_E.id))).scalar() or 0

    def watcher(self) -> Watcher:
        """A cheap probe for changes committed by anyone (see :mod:`dealroom.store.watch`)."""
        from dealroom.store.watch import watcher_for

        return watcher_for(self.url, self.engine)


def _events_select() -> Any:
    return select(*_E, _D.code.label("deal_code")).join_from(
        Event, Deal, _E.deal_id == _D.id, isouter=True
    )


def event_rows(s: Session, stmt: Any) -> list[EventView]:
    return [
        EventView(
            id=r.id,
            at=r.at,
            actor=r.actor,
            deal_id=r.deal_id,
            deal_code=r.deal_code,
            entity=r.entity,
            entity_id=r.entity_id,
            entity_version=r.entity_version,
            action=r.action,
            changes=json.loads(r.changes),
            summary=r.summary,
        )
        for r in s.connection().execute(stmt)
    ]


def rooms(s: Session, deals: Sequence[DealView], ids: Any = None) -> list[DealRoomView]:
    """Deal rooms for ``deals``: each child table read once for all of them (``ids`` may
    be a subquery selecting the same deals, which keeps large sets out of bound values)."""
    if not deals:
        return []
    if ids is None:
        ids = [d.id for d in deals]
    by_deal: dict[str, dict[int, list[Any]]] = {}
    for name, rows in (
        ("members", member_rows(s, _M.deal_id.in_(ids))),
        ("plans", s.execute(select(*_S).where(_S.deal_id.in_(ids))).all()),
        ("gates", gate_rows(s, _G.deal_id.in_(ids))),
        ("tasks", task_rows(s, _T.deal_id.in_(ids))),
        ("risks", risk_rows(s, _R.deal_id.in_(ids))),
        ("handoffs", handoff_rows(s, _H.deal_id.in_(ids))),
    ):
        groups: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            groups[row.deal_id].append(row)
        by_deal[name] = groups
    template = [i.as_item() for i in mr.template_rows(s)]
    answers = mr.grouped(
        list(
            s.execute(
                select(mr._CA.deal_id, mr._CA.stage, mr._CA.key, mr._CA.answer).where(
                    mr._CA.deal_id.in_(ids)
                )
            )
        )
    )
    scores = mr.grouped(
        list(
            s.execute(
                select(mr._AS.deal_id, mr._AS.factor, mr._AS.score)
                .where(mr._AS.deal_id.in_(ids))
                .order_by(mr._AS.id)
            )
        )
    )
    out = []
    for deal in deals:
        members = by_deal["members"].get(deal.id, [])
        gates = by_deal["gates"].get(deal.id, [])
        given = answers_by_stage(
            ItemAnswer(Stage(a.stage), a.key, Answer(a.answer)) for a in answers.get(deal.id, [])
        )
        current = {x.factor: x.score for x in scores.get(deal.id, [])}
        out.append(
            DealRoomView(
                deal=deal,
                members=members,
                timeline=timeline(deal, by_deal["plans"].get(deal.id, []), gates),
                gates=gates,
                tasks=by_deal["tasks"].get(deal.id, []),
                risks=by_deal["risks"].get(deal.id, []),
                handoffs=by_deal["handoffs"].get(deal.id, []),
                leads={m.role: m for m in members if m.role in TRIANGLE},
                completion={
                    stage: stage_completion(stage, template, given.get(stage, {}))
                    for stage in STAGES
                },
                marks=summarize(current).marks,
            )
        )
    return out


def _counts(
    s: Session, key: Any, where: ColumnElement[bool], **conditions: ColumnElement[bool]
) -> dict[int, dict[str, int]]:
    """Per deal, how many rows meet each condition, in one grouped query."""
    cols = [func.sum(case((cond, 1), else_=0)).label(name) for name, cond in conditions.items()]
    out: dict[int, dict[str, int]] = {}
    for r in s.execute(select(key.label("k"), *cols).where(where).group_by(key)):
        out[r.k] = {name: int(getattr(r, name) or 0) for name in conditions}
    return out


def _one(found: list[Any], entity: str, row_id: int) -> Any:
    if not found:
        raise NotFoundError(f"no {entity} #{row_id}")
    return found[0]
