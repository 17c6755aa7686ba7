"""The test suite's own shortcuts give what they stand for.

The ``store`` fixture does not migrate a new database for each test: it copies an SQLite
file migrated once, or puts a PostgreSQL schema back as the migrations left it. A store
there must be one on a new database: the same tables, rows and next ids.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import TODAY, Clock
from seeding import open_seeder

from dealroom.domain import Role
from dealroom.store import Store


def _contents(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        tables = sorted(sa.inspect(conn).get_table_names())
        count = 'SELECT count(*) FROM "{}"'
        return {t: conn.execute(sa.text(count.format(t))).scalar_one() for t in tables}


def test_the_store_fixture_is_a_new_database(
    store: Store, db_url: str, clock: Clock, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if db_url.startswith("sqlite"):
        new_url = f"sqlite:///{tmp_path}/new.db"
    else:
        new_url = request.getfixturevalue("_pg_database").new_schema()
    with open_seeder(new_url, actor="ana", now=clock, today=TODAY) as new:
        assert _contents(store) == _contents(new)
        assert store.methods.checklist_template() == new.methods.checklist_template()
        for st in (store, new):
            st.people.add_person("ana", "Ana Lima")
            st.deals.create_deal(
                "ACME-5G", "5G core refresh", "ACME Telecom", leads={Role.AR: "ana"}
            )
            st.items.add_task("ACME-5G", Role.AR, "Map the decision chain")
        assert store.reads.deal_room("ACME-5G") == new.reads.deal_room(
            "ACME-5G"
        )  # the same ids too
        assert store.reads.last_event_id() == new.reads.last_event_id()


@pytest.mark.parametrize("round_", [1, 2])
def test_what_a_test_wrote_is_gone_for_the_next(store: Store, round_: int) -> None:
    """Run twice: whichever runs second on a shared schema finds it as new."""
    assert store.reads.deal_codes() == []
    assert [e.summary for e in store.reads.events()] == ["made ana an administrator"]
    store.people.add_person("ana", "Ana Lima")
    store.deals.create_deal(f"R-{round_}", "Round", "ACME")
