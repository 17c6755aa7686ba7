"""Bulk reads: the same answers as one-by-one reads, in a number of queries that does not
grow with the data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from pilots import won_at
from sqlalchemy import event

from dealroom.demo import seed_demo
from dealroom.domain import STAGES, Role, Stage
from dealroom.domain.assessment import FACTORS
from dealroom.domain.checklist import Answer
from dealroom.domain.competitors import Competitor
from dealroom.domain.powermap import Contact
from dealroom.store import Store
from dealroom.store.inputs import ContactUpdate, DealUpdate

TODAY = date(2026, 11, 23)
SINCE = datetime(2026, 11, 16, tzinfo=UTC)


@contextmanager
def counting(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(sql)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


@pytest.fixture
def demo(store: Store) -> Store:
    seed_demo(store.engine, deals=12, seed=5, today=TODAY, actor="ana", items=20)
    return store


def test_deal_rooms_match_single_reads(demo: Store) -> None:
    codes = [code for code, _ in demo.reads.deal_codes()][:5]
    assert demo.reads.deal_rooms(codes) == [demo.reads.deal_room(code) for code in codes]


def test_deal_rooms_of_all_active_deals_in_code_order(demo: Store) -> None:
    rooms = demo.reads.deal_rooms()
    active = {r.deal.code for r in demo.reads.pipeline()}
    assert [r.deal.code for r in rooms] == sorted(active)
    every = demo.reads.deal_rooms(include_closed=True)
    assert len(every) == 12
    assert sum(len(r.tasks) + len(r.risks) + len(r.handoffs) for r in every) > 12 * 10


def test_deal_rooms_unknown_code_is_named(demo: Store) -> None:
    from dealroom.store import NotFoundError

    with pytest.raises(NotFoundError, match="NOPE"):
        demo.reads.deal_rooms(["NOPE"])


@pytest.mark.parametrize(
    "read", ["deal_rooms", "pipeline", "deal_room", "pages", "deals_methods", "forecast"]
)
def test_statement_count_does_not_grow_with_items(store: Store, read: str) -> None:
    store.people.add_person("ana", "Ana Lima")
    store.deals.create_deal("A-1", "Small", "ACME", leads={Role.AR: "ana"})
    store.deals.create_deal("B-1", "Large", "ACME", stage=Stage.OPPORTUNITY, leads={Role.AR: "ana"})

    def run() -> int:
        with counting(store) as statements:
            if read == "deal_rooms":
                store.reads.deal_rooms()
            elif read == "pages":  # one page
                list(store.pages.deals(today=TODAY, since=SINCE, with_methods=True))
            elif read in ("deals_methods", "forecast"):
                getattr(store.methods, read)()
            elif read == "pipeline":
                store.reads.pipeline()
            else:
                store.reads.deal_room("B-1")
        return len(statements)

    before = run()
    for i in range(10):  # ten of each: a query per item or per row would show
        store.items.add_task("B-1", Role.SR, f"task {i}", owner="ana")
        store.items.add_risk("B-1", Role.FR, f"risk {i}", likelihood=5, impact=4)
        store.items.add_handoff("B-1", Role.AR, Role.SR, f"handoff {i}")
        contact = store.powermap.add_contact(
            "B-1", Contact(f"person {i}", key_decider=True, support=1)
        )
        store.powermap.update_contact(contact.id, ContactUpdate(support=-1))
        store.powermap.add_competitor("B-1", Competitor(f"rival {i}"))
        store.methods.score_factor("B-1", FACTORS[i % len(FACTORS)].key, i % 5 - 2)
    for item in store.methods.checklist_template()[Stage.OPPORTUNITY]:
        store.checklists.answer_checklist("B-1", Stage.OPPORTUNITY, item.key, Answer.PARTLY)
    store.methods.record_review("B-1")
    store.deals.create_deal("C-1", "Third", "Other", leads={Role.SR: "ana"})
    assert run() == before


@pytest.mark.parametrize("read", ["of_deals", "deal", "receivables"])
def test_cash_statement_count_does_not_grow_with_invoices(store: Store, read: str) -> None:
    """Opening a deal's cash, the export's cash of every deal and the ageing report read
    in a fixed number of statements, whatever the number of milestones, invoices and
    payments."""
    store.people.add_person("ana", "Ana Lima")
    for code in ("A-1", "B-1"):
        store.deals.create_deal(code, code, "ACME", stage=Stage.OPPORTUNITY, leads={Role.AR: "ana"})
        won_at(store, code, Stage.INVOICE)

    def run() -> int:
        with counting(store) as statements:
            if read == "of_deals":
                store.cash.of_deals([r.deal for r in store.reads.deal_rooms()], today=TODAY)
            elif read == "deal":
                store.cash.deal("B-1")
            else:
                store.cash.receivables()
        return len(statements)

    store.deals.update_deal("B-1", DealUpdate(amount=1_000_000))
    before = run()
    for i in range(10):
        m = store.cash.add_milestone("B-1", f"part {i}", share_bp=1000)
        inv = store.cash.raise_invoice("B-1", f"INV-{i}", milestone_id=m.id, issued=TODAY)
        store.cash.settle(inv.id, 1_000_00, on=TODAY)
        store.cash.settle(inv.id, 1_000_00, on=TODAY)
    assert run() == before


@pytest.mark.parametrize("size", [1, 5, 500])
def test_pages_pair_each_room_with_its_methods_changes_and_cash(demo: Store, size: int) -> None:
    """Whatever the page size: every active deal once, by code, with its own room, methods,
    changes since the time asked and cash, as the single reads give them."""
    since = datetime(2026, 11, 16, tzinfo=UTC)
    pages = list(demo.pages.deals(today=TODAY, since=since, with_methods=True, size=size))
    assert [len(p) for p in pages[:-1]] == [size] * (len(pages) - 1)
    read = [deal for page in pages for deal in page]
    assert [d.room for d in read] == demo.reads.deal_rooms()
    assert [d.methods for d in read] == demo.methods.deals_methods(today=TODAY)
    cashes = demo.cash.of_deals([d.room.deal for d in read], today=TODAY)
    assert [d.cash for d in read] == [cashes[d.room.deal.id] for d in read]
    events = demo.reads.events(since=since)
    assert [d.events for d in read] == [
        [e for e in events if e.deal_id == d.room.deal.id] for d in read
    ]
    assert sum(len(d.events) for d in read) > 0
    codes = [code for code, _ in demo.reads.deal_codes()][:3][::-1]
    given = [d.room.deal.code for p in demo.pages.deals(codes, today=TODAY, size=2) for d in p]
    assert given == codes


def test_demo_data_is_what_a_team_would_recognise(store: Store) -> None:
    """No task from a later stage (no "chase invoice" in a Bid deal), no title twice in a
    deal, each reached stage planned near when it was entered, and every deal's stage
    history leading to where it is."""
    seed_demo(store.engine, deals=40, seed=7, today=TODAY, actor="ana", items=30)
    rooms = store.reads.deal_rooms([code for code, _ in store.reads.deal_codes()])
    assert len(rooms) == 40
    for room in rooms:
        stage = room.deal.stage
        assert all(t.stage is None or t.stage.order <= stage.order for t in room.tasks), room
        titles = [t.title for t in room.tasks] + [h.title for h in room.handoffs]
        assert len(titles) == len(set(titles)), room.deal.code
        for step in room.timeline:
            if step.actual is not None and step.planned is not None:
                assert -7 <= (step.planned - step.actual).days <= 3, (room.deal.code, step)
        assert [t.stage for t in room.timeline if t.actual] == list(STAGES[: stage.order + 1])
        assert room.moves_back == []
    invoices = [t for r in rooms for t in r.tasks if t.title.startswith("Chase invoice")]
    assert invoices and all(t.stage is Stage.INVOICE for t in invoices)


@pytest.mark.parametrize("first", [1, 5, 11, 100])
def test_the_first_screenful_is_the_head_of_the_whole_pipeline(demo: Store, first: int) -> None:
    """Read first, before the rest: the same rows as the whole pipeline's first ones, in
    its order (the codes compared as Python compares them, on PostgreSQL too)."""
    whole = demo.reads.pipeline()
    assert demo.reads.pipeline(first=first) == whole[:first]
    assert demo.reads.deal_count() == len(whole)
    assert demo.reads.deal_count(include_closed=True) == len(
        demo.reads.pipeline(include_closed=True)
    )


@pytest.mark.parametrize("days", [0, 20, 90])
def test_the_standup_order_is_the_walks_without_reading_a_room(demo: Store, days: int) -> None:
    """The order the app walks the standup in, from SQL counts: the same deals, most
    urgent first, as the digests of every room say (closed deals with money owed too)."""
    from datetime import timedelta

    from dealroom.export.digest import walk

    today = TODAY + timedelta(days=days)
    rooms = demo.reads.deal_rooms()
    cashes = demo.cash.of_deals([r.deal for r in rooms], today=today)
    expected = [d.room.deal.id for d in walk(rooms, [], today, cashes)]
    assert len({d.urgency for d in walk(rooms, [], today, cashes)}) > 1
    assert demo.pages.standup_order(today=today) == expected
