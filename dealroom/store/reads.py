"""Reads: each returns plain views in a fixed number of queries, whatever the size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypedDict, Unpack

from sqlalchemy import Select, and_, case, func, or_, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from dealroom.domain import (
    TRIANGLE,
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
    rules,
)
from dealroom.domain.permissions import Seats, Standing
from dealroom.i18n import _
from dealroom.store import money, permit, policy
from dealroom.store.cash_reads import overdue_invoices
from dealroom.store.columns import table_of
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError, thing
from dealroom.store.history import history
from dealroom.store.rooms import ACTIVE, deal_view, rooms
from dealroom.store.rows import ACCOUNTS, DEALS, EVENTS, HANDOFFS, PEOPLE, RISKS, TASKS
from dealroom.store.snapshot import LogHead
from dealroom.store.tables import (
    Account,
    Deal,
    DealMember,
    Event,
    GateRecord,
    Handoff,
    Person,
    Risk,
    Task,
)
from dealroom.store.tx import administers, deal_by_code, rules_bind
from dealroom.store.views import (
    AccountView,
    DealRoomView,
    DealView,
    EventView,
    FeedItem,
    HandoffView,
    HistoryEntry,
    MyWorkView,
    PersonView,
    PipelineRow,
    RiskView,
    TaskView,
)
from dealroom.store.watch import Watcher


class PipelineOptions(TypedDict, total=False):
    """Which deals the pipeline reads (see :meth:`Reads.pipeline_at`)."""

    stage: Stage | None
    mine: bool
    include_closed: bool
    today: date | None
    first: int | None


class Reads:
    """The store's reads. Every method opens one read transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def standing(self) -> Standing:
        """How the rules see whoever acts through this store: what the app greys out."""
        db = self.database
        with db.read() as s:
            return Standing(
                db.actor,
                bound=rules_bind(s, db.actor, admin=db.admin, by=db.by),
                administers=administers(s, db.actor, admin=db.admin, by=db.by),
                administrators=permit.administrators(s),
                approvers=policy.approvers(s),
                read_only="" if db.writable else db.read_only_reason(),
            )

    def seats(self, code: str) -> Seats:
        """Who holds which role on deal ``code``, as the rules read them."""
        with self.database.read() as s:
            return permit.seats(s, deal_by_code(s, code))

    def people(self) -> list[PersonView]:
        with self.database.read() as s:
            return PEOPLE.rows(s)

    def person(self, handle: str) -> PersonView | None:
        with self.database.read() as s:
            found = PEOPLE.rows(s, col(Person.handle) == handle)
            return found[0] if found else None

    def accounts(self) -> list[AccountView]:
        with self.database.read() as s:
            return ACCOUNTS.rows(s)

    def account(self, name: str) -> AccountView:
        """The account of that name (surrounding spaces ignored); NotFoundError if none."""
        with self.database.read() as s:
            found = ACCOUNTS.rows(s, col(Account.name) == name.strip())
            if not found:
                raise NotFoundError(
                    _("no {thing} {key}").format(thing=thing("account"), key=repr(name.strip()))
                )
            return found[0]

    def deal(self, code: str) -> DealView:
        with self.database.read() as s:
            return deal_view(s, code)

    def deal_codes(self) -> list[tuple[str, str]]:
        """(code, name) of every deal, for "go to deal" and completion."""
        with self.database.read() as s:
            return [
                (r.code, r.name)
                for r in s.execute(select(col(Deal.code), col(Deal.name)).order_by(col(Deal.code)))
            ]

    def task(self, task_id: int) -> TaskView:
        with self.database.read() as s:
            what = _("{thing} #{id}").format(thing=thing("task"), id=task_id)
            return TASKS.one(s, col(Task.id) == task_id, what)

    def risk(self, risk_id: int) -> RiskView:
        with self.database.read() as s:
            what = _("{thing} #{id}").format(thing=thing("risk"), id=risk_id)
            return RISKS.one(s, col(Risk.id) == risk_id, what)

    def handoff(self, handoff_id: int) -> HandoffView:
        with self.database.read() as s:
            what = _("{thing} #{id}").format(thing=thing("handoff"), id=handoff_id)
            return HANDOFFS.one(s, col(Handoff.id) == handoff_id, what)

    def deal_room(self, code: str) -> DealRoomView:
        """The deal with its members, timeline, gates, tasks, risks and handoffs: 7 queries."""
        with self.database.read() as s:
            deal = deal_view(s, code)
            return rooms(s, [deal])[0]

    def deal_rooms(
        self, codes: Sequence[str] | None = None, *, include_closed: bool = False
    ) -> list[DealRoomView]:
        """Several deal rooms (the given codes, else every active deal, or every deal with
        ``include_closed``) in the same 7 queries, whatever their number."""
        with self.database.read() as s:
            if codes is not None:
                deals = [deal_view(s, code) for code in codes]
            else:
                where = [] if include_closed else [col(Deal.status).in_(ACTIVE)]
                deals = DEALS.rows(s, *where)
                deals.sort(key=lambda d: d.code)
                return rooms(s, deals, select(col(Deal.id)).where(*where))
            return rooms(s, deals)

    def pipeline(self, **options: Unpack[PipelineOptions]) -> list[PipelineRow]:
        """One row per deal with its leads and health flags, in six queries, in the
        pipeline's order (latest stage first, then close date, then code); with ``first``,
        only the first that many (what a screen shows before the rest has been read)."""
        return self.pipeline_at(**options)[1]

    def pipeline_at(
        self,
        *,
        stage: Stage | None = None,
        mine: bool = False,
        include_closed: bool = False,
        today: date | None = None,
        first: int | None = None,
    ) -> tuple[LogHead, list[PipelineRow]]:
        """:meth:`pipeline`, with the head of the event log it was read at (in the same
        read transaction): what a kept snapshot is checked against (``store.snapshot``)."""
        day = today or self.database.today()
        where: list[ColumnElement[bool]] = []
        if not include_closed:
            where.append(col(Deal.status).in_(ACTIVE))
        if stage is not None:
            where.append(col(Deal.stage) == stage.value)
        with self.database.read() as s:
            if mine:
                me = select(col(DealMember.deal_id)).join(
                    Person, col(DealMember.person_id) == col(Person.id)
                )
                where.append(col(Deal.id).in_(me.where(col(Person.handle) == self.database.actor)))
            if first is not None:
                head = select(col(Deal.id)).where(*where).order_by(*pipeline_order(s))
                where.append(col(Deal.id).in_(head.limit(first)))
            deals = DEALS.rows(s, *where)
            ids = select(col(Deal.id)).where(*where)
            leads: dict[int, dict[Role, str]] = defaultdict(dict)
            lead_roles = [r.value for r in TRIANGLE]
            for r in s.execute(
                select(col(DealMember.deal_id), col(DealMember.role), col(Person.name))
                .join_from(DealMember, Person, col(DealMember.person_id) == col(Person.id))
                .where(col(DealMember.role).in_(lead_roles), col(DealMember.deal_id).in_(ids))
            ):
                leads[r.deal_id][r.role] = r.name
            tasks, risks, handoffs = health_counts(s, ids, day)
            gate_states: dict[int, dict[Gate, GateDecision]] = defaultdict(dict)
            for g in s.execute(
                select(col(GateRecord.deal_id), col(GateRecord.gate), col(GateRecord.decision))
                .where(col(GateRecord.deal_id).in_(ids))
                .order_by(col(GateRecord.decided_at), col(GateRecord.id))
            ):
                gate_states[g.deal_id][g.gate] = g.decision
            rates = money.rates(s)
            unpaid = overdue_invoices(s, ids, day)
            at = log_head(s)
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
                    base=rates.base,
                    base_amount=rates.convert(d.amount, d.currency, day),
                    base_weighted=rates.weighted(d.amount, d.currency, d.probability, day),
                    overdue_invoices=unpaid.get(d.id, 0),
                )
            )
        rows.sort(
            key=lambda row: (-row.deal.stage.order, row.deal.close_date or date.max, row.deal.code)
        )
        return at, rows

    def deal_count(self, *, include_closed: bool = False) -> int:
        """How many deals the pipeline lists (every deal with ``include_closed``)."""
        where = [] if include_closed else [col(Deal.status).in_(ACTIVE)]
        with self.database.read() as s:
            return int(s.execute(select(func.count()).select_from(Deal).where(*where)).scalar_one())

    def events(
        self,
        *,
        code: str | None = None,
        since: datetime | None = None,
        after_id: int | None = None,
        limit: int | None = None,
    ) -> list[EventView]:
        """The event log, oldest first."""
        with self.database.read() as s:
            where: list[ColumnElement[bool]] = []
            if code is not None:
                where.append(col(Event.deal_id) == deal_by_code(s, code).id)
            if since is not None:
                where.append(col(Event.at) >= since)
            if after_id is not None:
                where.append(col(Event.id) > after_id)
            stmt = EVENTS.select(*where)
            if limit is not None:
                stmt = stmt.limit(limit)
            return EVENTS.read(s, stmt)

    def history(
        self,
        code: str,
        *,
        role: Role | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        item: tuple[str, int] | None = None,
    ) -> list[HistoryEntry]:
        """A deal's changes, newest first (see :func:`dealroom.store.history.history`)."""
        with self.database.read() as s:
            return history(s, code, role=role, kind=kind, since=since, item=item)

    def feed(self, after_id: int, *, limit: int = 500) -> list[FeedItem]:
        """What happened after event ``after_id``, oldest first, as a running app tells
        it: who did it in which role, and which handoffs were sent to one of the acting
        person's roles. Four queries, however many events."""
        with self.database.read() as s:
            events = EVENTS.read(s, EVENTS.select(col(Event.id) > after_id).limit(limit))
            if not events:
                return []
            handles = {e.actor for e in events} | {self.database.actor}
            names: dict[str, str] = dict(
                s.execute(
                    select(col(Person.handle), col(Person.name)).where(
                        col(Person.handle).in_(handles)
                    )
                ).all()
            )
            roles: dict[tuple[int, str], list[Role]] = defaultdict(list)
            member_rows = s.execute(
                select(col(DealMember.deal_id), col(DealMember.role), col(Person.handle))
                .join_from(DealMember, Person, col(DealMember.person_id) == col(Person.id))
                .where(
                    col(DealMember.deal_id).in_({e.deal_id for e in events}),
                    col(Person.handle).in_(handles),
                )
                .order_by(col(DealMember.role))
            )
            for r in member_rows:
                roles[(r.deal_id, r.handle)].append(r.role)
            sent = [e.entity_id for e in events if e.entity == "handoff" and e.action == "send"]
            to_role: dict[int | None, Role] = dict(
                s.execute(
                    select(col(Handoff.id), col(Handoff.to_role)).where(col(Handoff.id).in_(sent))
                ).all()
            )
        out = []
        for e in events:
            mine = roles.get((e.deal_id or 0, self.database.actor), [])
            target = to_role.get(e.entity_id) if e.entity == "handoff" else None
            for_me = target if target in mine and e.actor != self.database.actor else None
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
        with self.database.read() as s:
            me = s.execute(
                select(col(Person.id)).where(col(Person.handle) == self.database.actor)
            ).scalar()
            active = select(col(Deal.id)).where(col(Deal.status).in_(ACTIVE))
            tasks = TASKS.rows(
                s,
                col(Task.owner_id) == me,
                col(Task.status) != TaskStatus.DONE.value,
                col(Task.deal_id).in_(active),
            )
            risks = RISKS.rows(
                s,
                col(Risk.owner_id) == me,
                col(Risk.status) != RiskStatus.CLOSED.value,
                col(Risk.deal_id).in_(active),
            )
            mine = select(col(DealMember.deal_id), col(DealMember.role)).where(
                col(DealMember.person_id) == me,
                col(DealMember.role).in_([r.value for r in TRIANGLE]),
            )
            handoffs = HANDOFFS.rows(
                s,
                col(Handoff.state) == HandoffState.SENT.value,
                tuple_(col(Handoff.deal_id), col(Handoff.to_role)).in_(mine),
                col(Handoff.deal_id).in_(active),
            )
            ids = {t.deal_id for t in tasks} | {r.deal_id for r in risks}
            ids |= {h.deal_id for h in handoffs}
            deals = {
                r.id: (r.code, r.name)
                for r in s.execute(
                    select(col(Deal.id), col(Deal.code), col(Deal.name)).where(
                        col(Deal.id).in_(ids)
                    )
                )
            }
        return MyWorkView(tasks=tasks, risks=risks, handoffs=handoffs, deals=deals)

    def log_head(self) -> LogHead:
        """The newest event's id and chain hash: whether anything changed since a read."""
        with self.database.read() as s:
            return log_head(s)

    def last_event_id(self) -> int:
        with self.database.read() as s:
            return s.execute(select(func.max(col(Event.id)))).scalar() or 0

    def watcher(self) -> Watcher:
        """A cheap probe for changes committed by anyone (see :mod:`dealroom.store.watch`)."""
        from dealroom.store.watch import watcher_for

        return watcher_for(self.database.url, self.database.engine)


def head_statement() -> Select[int | None, str]:
    """The newest event's id and chain hash: the head of the log (``store.snapshot``
    reads the same with the standard library's ``sqlite3``)."""
    return select(col(Event.id), col(Event.hash)).order_by(col(Event.id).desc()).limit(1)


def log_head(s: Session) -> LogHead:
    """The head of the event log, (0, "") when it is empty."""
    row = s.execute(head_statement()).first()
    return (0, "") if row is None else (int(row.id or 0), str(row.hash))


def pipeline_order(s: Session) -> list[ColumnElement[Any]]:
    """The pipeline's order in SQL, as :meth:`Reads.pipeline` sorts its rows: the latest
    stage first, then the close date (none last), then the code as Python orders text
    (PostgreSQL's ``C`` collation; SQLite's own compares bytes already)."""
    deal = table_of(Deal).c
    code: ColumnElement[Any] = deal.code
    if s.get_bind().dialect.name == "postgresql":
        code = code.collate("C")
    return [
        case({stage.value: stage.order for stage in Stage}, value=deal.stage).desc(),
        deal.close_date.is_(None),
        deal.close_date,
        code,
    ]


def health_counts(
    s: Session, ids: Any, day: date
) -> tuple[dict[int, dict[str, int]], dict[int, dict[str, int]], dict[int, dict[str, int]]]:
    """Per deal among ``ids`` (a subquery or a list), in three grouped queries: its tasks
    ``overdue`` on ``day`` and ``blocked``, its open risks that are ``high`` (exposure or
    escalated), its handoffs ``waiting`` to be accepted."""
    tasks = _counts(
        s,
        col(Task.deal_id),
        col(Task.deal_id).in_(ids),
        overdue=and_(col(Task.status) != TaskStatus.DONE.value, col(Task.due) < day),
        blocked=col(Task.status) == TaskStatus.BLOCKED.value,
    )
    risks = _counts(
        s,
        col(Risk.deal_id),
        col(Risk.deal_id).in_(ids),
        high=and_(
            col(Risk.status) != RiskStatus.CLOSED.value,
            or_(
                col(Risk.likelihood) * col(Risk.impact) >= rules.HIGH_EXPOSURE,
                col(Risk.escalated),
            ),
        ),
    )
    handoffs = _counts(
        s,
        col(Handoff.deal_id),
        col(Handoff.deal_id).in_(ids),
        waiting=col(Handoff.state) == HandoffState.SENT.value,
    )
    return tasks, risks, handoffs


def _counts(
    s: Session, key: Any, where: ColumnElement[bool], **conditions: ColumnElement[bool]
) -> dict[int, dict[str, int]]:
    """Per deal, how many rows meet each condition, in one grouped query."""
    cols = [func.sum(case((cond, 1), else_=0)).label(name) for name, cond in conditions.items()]
    out: dict[int, dict[str, int]] = {}
    for r in s.execute(select(key.label("k"), *cols).where(where).group_by(key)):
        out[r.k] = {name: int(getattr(r, name) or 0) for name in conditions}
    return out
