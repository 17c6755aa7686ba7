"""What a running app relies on to notice others' changes: the watcher and the feed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from conftest import TODAY, Clock

from dealroom.domain import Competitor, Gate, GateDecision, Role
from dealroom.store import Store, open_store
from dealroom.store.watch import Watcher


@pytest.fixture
def other(team: Store, db_url: str, clock: Clock) -> Iterator[Store]:
    """Wei (SR on ACME-5G), working on the same database in another process."""
    st = open_store(db_url, actor="wei", now=clock, today=TODAY)
    try:
        yield st
    finally:
        st.close()


def seen(watcher: Watcher, within: float = 2.0) -> bool:
    """Whether the watcher reports a change within ``within`` seconds, asking as the app
    does (a PostgreSQL notification reaches the listening connection a moment after the
    commit; SQLite's data version moves at once)."""
    deadline = time.monotonic() + within
    while not watcher.changed():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_the_watcher_sees_a_commit_by_another_connection(team: Store, other: Store) -> None:
    watcher = team.reads.watcher()
    try:
        assert not watcher.changed()
        other.items.add_task("ACME-5G", Role.SR, "BoQ v2")
        assert seen(watcher)
        time.sleep(0.2)
        assert not watcher.changed()  # told once
        team.reads.deal_room("ACME-5G")  # reads are not changes
        assert not watcher.changed()
        other.items.add_risk("ACME-5G", Role.SR, "Spec leans to the rival", likelihood=3, impact=3)
        other.items.add_task("ACME-5G", Role.SR, "Price it")
        assert seen(watcher)
    finally:
        watcher.close()


def test_the_feed_names_who_did_what_in_which_role(team: Store, other: Store) -> None:
    start = team.reads.last_event_id()
    task = other.items.add_task("ACME-5G", Role.SR, "BoQ v2")
    other.items.add_handoff("ACME-5G", Role.SR, Role.AR, "Customer needs, answered")
    other.items.add_handoff("ACME-5G", Role.SR, Role.FR, "BoQ for delivery")
    team.items.add_task("ACME-5G", Role.AR, "My own")
    feed = team.reads.feed(start)
    assert [f.event.summary for f in feed] == [
        "added SR task 'BoQ v2'",
        "sent handoff 'Customer needs, answered' SR → AR",
        "sent handoff 'BoQ for delivery' SR → FR",
        "added AR task 'My own'",
    ]
    assert feed[0].by == "Wei Zhang (SR)" and feed[0].event.entity_id == task.id
    # Ana is the AR: the handoff to AR is hers, the one to FR is not, her own is no news
    assert [f.handoff_for_me for f in feed] == [None, Role.AR, None, None]
    assert feed[3].by == "Ana Lima (AR)"
    assert team.reads.feed(feed[-1].event.id) == []
    assert [f.event.id for f in team.reads.feed(start, limit=2)] == [e.event.id for e in feed[:2]]


def test_someone_on_no_role_is_named_alone(team: Store, db_url: str, clock: Clock) -> None:
    team.people.add_person("kim", "Kim Park")
    kim = open_store(db_url, actor="kim", now=clock, today=TODAY)
    try:
        start = team.reads.last_event_id()
        kim.powermap.add_competitor("ACME-5G", Competitor("Huaxin"))  # on no role
        team.deals.record_gate("ACME-5G", Gate.ATI, GateDecision.APPROVED)
        kim_item, gate = team.reads.feed(start)
        assert kim_item.by == "Kim Park" and kim_item.actor_roles == ()
        assert gate.by == "Ana Lima (AR)"
        boss = open_store(db_url, actor="boss", now=clock, today=TODAY)
        boss.items.add_task("ACME-5G", Role.FR, "Customs plan signed off")
        boss.close()
        assert team.reads.feed(gate.event.id)[0].by == "Sam Sponsor (sponsor)"
    finally:
        kim.close()
