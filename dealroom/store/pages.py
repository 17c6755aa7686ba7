"""Deals read a page at a time, for the reports that walk every deal (``export --all``,
``standup``): each page's rooms, methods, changes and cash in the same fixed number of
queries, all pages in one read transaction, so a report of 100,000 deals holds one page
in memory, not the whole set, and still reads one snapshot."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import col

from dealroom.domain import rules
from dealroom.store.cash_reads import deal_cashes
from dealroom.store.cash_views import DealCash
from dealroom.store.database import Database
from dealroom.store.method_views import DealMethodsView
from dealroom.store.methods import Methods
from dealroom.store.reads import health_counts
from dealroom.store.rooms import ACTIVE, deal_view, ids_by_code, in_pages, rooms
from dealroom.store.rows import DEALS, EVENTS
from dealroom.store.tables import Deal, Event
from dealroom.store.views import DealRoomView, DealView, EventView


@dataclass(frozen=True, slots=True)
class DealPage:
    """One deal as a report reads it."""

    room: DealRoomView
    #: Its methods, when asked for.
    methods: DealMethodsView | None
    #: Its changes since the time asked, oldest first (none when no time was given).
    events: list[EventView]
    cash: DealCash


class Pages:
    def __init__(self, database: Database, methods: Methods) -> None:
        self.database = database
        self.methods = methods

    def deals(
        self,
        codes: Sequence[str] | None = None,
        *,
        ids: Sequence[int] | None = None,
        today: date,
        since: datetime | None = None,
        include_closed: bool = False,
        with_methods: bool = False,
        size: int | None = None,
    ) -> Iterator[list[DealPage]]:
        """The given codes (or deal ``ids``) in their order, else every active deal (every
        deal with ``include_closed``) by code, ``size`` deals a page (default ``rooms.PAGE``)."""
        with self.database.read() as s:
            known: list[DealView] | None = None
            if ids is not None:
                ids = list(ids)
            elif codes is None:
                ids = ids_by_code(s, include_closed=include_closed)
            else:
                known = [deal_view(s, code) for code in codes]
                ids = [d.id for d in known]
            start = 0
            for chunk in in_pages(ids, size):
                if known is None:
                    read = {d.id: d for d in DEALS.rows(s, col(Deal.id).in_(chunk))}
                    deals = [read[i] for i in chunk]
                else:
                    deals = known[start : start + len(chunk)]
                start += len(chunk)
                unique = sorted(set(chunk))
                found = rooms(s, deals, unique)
                methods: list[DealMethodsView | None] = [None] * len(found)
                if with_methods:
                    tasks = {r.deal.id: r.tasks for r in found}
                    methods = list(self.methods.of(s, deals, today, unique, tasks))
                events: dict[int | None, list[EventView]] = defaultdict(list)
                if since is not None:
                    for e in EVENTS.rows(s, col(Event.deal_id).in_(unique), col(Event.at) >= since):
                        events[e.deal_id].append(e)
                cashes = deal_cashes(s, deals, today)
                yield [
                    DealPage(room, m, events.get(room.deal.id, []), cashes[room.deal.id])
                    for room, m in zip(found, methods, strict=True)
                ]

    def standup_order(self, *, today: date) -> list[int]:
        """The deals a standup walks, most urgent first, then by code: the active deals in
        play, and those closed with money outstanding (:func:`rules.urgency` counted from
        SQL aggregates, so no room is read to know the order)."""
        with self.database.read() as s:
            active = col(Deal.status).in_(ACTIVE)
            deals = s.execute(
                select(
                    col(Deal.id), col(Deal.code), col(Deal.status), col(Deal.stage),
                    col(Deal.close_date),
                ).where(active)
            ).all()  # fmt: skip
            tasks, risks, handoffs = health_counts(s, select(col(Deal.id)).where(active), today)
            done = [d.id for d in deals if not rules.in_play(d.status, d.stage)]
            owed: set[int] = set()
            for chunk in in_pages(done):
                closed = DEALS.rows(s, col(Deal.id).in_(chunk))
                owed |= {i for i, c in deal_cashes(s, closed, today).items() if c.outstanding > 0}
        walked = []
        for d in deals:
            if not rules.in_play(d.status, d.stage) and d.id not in owed:
                continue
            t, r, h = tasks.get(d.id, {}), risks.get(d.id, {}), handoffs.get(d.id, {})
            u = rules.urgency(
                overdue=t.get("overdue", 0),
                blocked=t.get("blocked", 0),
                risky=r.get("high", 0),
                waiting=h.get("waiting", 0),
                close=d.close_date,
                today=today,
            )
            walked.append((-u, d.code, d.id))
        return [deal_id for _u, _code, deal_id in sorted(walked)]

    def summed(self, codes: Sequence[str] | None = None) -> list[DealView]:
        """The deals a portfolio's totals count: the given codes, else every active deal
        (in no particular order)."""
        with self.database.read() as s:
            if codes is not None:
                return [deal_view(s, code) for code in codes]
            return DEALS.rows(s, col(Deal.status).in_(ACTIVE))
