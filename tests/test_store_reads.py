"""Bulk reads: the same answers as one-by-one reads, in a number of queries that does not
grow with the data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from dealroom.domain import Role, Stage
from dealroom.domain.assessment import FACTORS
from dealroom.domain.checklist import Answer
from dealroom.domain.competitors import Competitor
from dealroom.domain.powermap import Contact
from dealroom.store import Store
from dealroom.store.demo import seed_demo

TODAY = date(2026, 11, 23)


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
    codes = [code for code, _ in demo.deal_codes()][:5]
    assert demo.deal_rooms(codes) == [demo.deal_room(code) for code in codes]


def test_deal_rooms_of_all_active_deals_in_code_order(demo: Store) -> None:
    rooms = demo.deal_rooms()
    active = {r.deal.code for r in demo.pipeline()}
    assert [r.deal.code for r in rooms] == sorted(active)
    every = demo.deal_rooms(include_closed=True)
    assert len(every) == 12
    assert sum(len(r.tasks) + len(r.risks) + len(r.handoffs) for r in every) > 12 * 10


def test_deal_rooms_unknown_code_is_named(demo: Store) -> None:
    from dealroom.store import NotFoundError

    with pytest.raises(NotFoundError, match="NOPE"):
        demo.deal_rooms(["NOPE"])


@pytest.mark.parametrize(
    "read", ["deal_rooms", "pipeline", "deal_room", "deal_reports", "deals_methods", "forecast"]
)
def test_statement_count_does_not_grow_with_items(store: Store, read: str) -> None:
    store.add_person("ana", "Ana Lima")
    store.create_deal("A-1", "Small", "ACME", leads={Role.AR: "ana"})
    store.create_deal("B-1", "Large", "ACME", stage=Stage.OPPORTUNITY, leads={Role.AR: "ana"})

    def run() -> int:
        with counting(store) as statements:
            if read in ("deal_rooms", "deal_reports", "deals_methods", "forecast"):
                getattr(store, read)()
            elif read == "pipeline":
                store.pipeline()
            else:
                store.deal_room("B-1")
        return len(statements)

    before = run()
    for i in range(10):  # ten of each: a query per item or per row would show
        store.add_task("B-1", Role.SR, f"task {i}", owner="ana")
        store.add_risk("B-1", Role.FR, f"risk {i}", likelihood=5, impact=4)
        store.add_handoff("B-1", Role.AR, Role.SR, f"handoff {i}")
        contact = store.add_contact("B-1", Contact(f"person {i}", key_decider=True, support=1))
        store.update_contact(contact.id, support=-1)
        store.add_competitor("B-1", Competitor(f"rival {i}"))
        store.score_factor("B-1", FACTORS[i % len(FACTORS)].key, i % 5 - 2)
    for item in store.checklist_template()[Stage.OPPORTUNITY]:
        store.answer_checklist("B-1", Stage.OPPORTUNITY, item.key, Answer.PARTLY)
    store.record_review("B-1")
    store.create_deal("C-1", "Third", "Other", leads={Role.SR: "ana"})
    assert run() == before


def test_deal_reports_pair_each_room_with_its_methods(demo: Store) -> None:
    reports = demo.deal_reports()
    assert [room for room, _ in reports] == demo.deal_rooms()
    assert [m for _, m in reports] == demo.deals_methods()
    codes = [code for code, _ in demo.deal_codes()][:3]
    assert [m.deal.code for _, m in demo.deal_reports(codes)] == codes
