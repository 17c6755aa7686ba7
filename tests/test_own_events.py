"""A store knows the events it committed itself, so an app can leave its own changes out
of what it hears from the database."""

from __future__ import annotations

import pytest

from dealroom.domain import Role
from dealroom.store import ConflictError, Store, open_store
from dealroom.store.inputs import TaskUpdate


def test_own_events_are_the_committed_ones_of_this_store_only(team: Store, db_url: str) -> None:
    assert team.own_event_ids() >= {e.id for e in team.reads.events()}  # the fixture's writes
    before = team.own_event_ids()
    task = team.items.add_task("ACME-5G", Role.AR, "Ours")
    mine = team.own_event_ids() - before
    assert len(mine) == 1 and mine <= {e.id for e in team.reads.events()}
    with open_store(db_url, actor="wei") as other:
        other.items.update_task(task.id, TaskUpdate(title="Theirs"))
        theirs = other.own_event_ids()
        assert theirs and not theirs & team.own_event_ids()
    assert team.reads.last_event_id() not in team.own_event_ids()


def test_a_refused_write_adds_no_own_event(team: Store) -> None:
    task = team.items.add_task("ACME-5G", Role.AR, "Ours")
    team.items.update_task(task.id, TaskUpdate(title="Changed"))
    before = team.own_event_ids()
    with pytest.raises(ConflictError):
        team.items.update_task(task.id, TaskUpdate(title="Stale"), version=task.version)
    assert team.own_event_ids() == before
