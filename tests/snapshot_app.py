"""The app on fixed data, for snapshot tests: seeded demo deals, a fixed today and now.

``seed_database(path)`` fills a new SQLite file with the same demo data every time (same
seed, same day); ``build_app(url)`` is a :class:`DealroomApp` on it, acting as ``ana``,
the sponsor of the deal room shown (:data:`ROOM`).
A pytest plugin (``pytest_plugins`` in conftest.py): the ``snapshot_db`` and
``snapshot_methods_db`` fixtures are those files, seeded once per test process; the
snapshot tests only read them. The ``run_before`` helpers wait for the app's workers with
``tests/pilots.py``, so a snapshot shows loaded data and never "Loading…".

To look at the same screens by hand: ``python tests/snapshot_app.py`` (a temporary file).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from pilots import ACTOR, TODAY, fixed_now, make_app

from dealroom.app import DealroomApp
from dealroom.demo import seed_demo
from dealroom.domain import Role
from dealroom.store import open_store

DEALS = 30
SEED = 4
ITEMS = 16
#: An open deal (at Bid) with tasks, risks and handoffs in each of the AR, SR and FR panes.
ROOM = "CAFE-5G"


def seed_database(path: Path) -> str:
    """Fill a new SQLite file at ``path`` with the demo data; return its URL."""
    url = f"sqlite:///{path}"
    with open_store(url, actor=ACTOR, now=fixed_now, today=TODAY) as store:
        seed_demo(store.engine, deals=DEALS, seed=SEED, today=TODAY, actor=ACTOR, items=ITEMS)
        # ana, at the keyboard, is the deal room's sponsor: every key of it is hers
        store.deals.set_member(ROOM, Role.SPONSOR, ACTOR)
    return url


def seed_methods(url: str) -> None:
    """Checklist answers, a power map, a competitor and assessment scores on :data:`ROOM`,
    for the snapshots of the methods screens (the demo data has none)."""
    from datetime import timedelta

    from dealroom.domain import Stage
    from dealroom.domain.checklist import Answer
    from dealroom.domain.competitors import Competitor
    from dealroom.domain.powermap import Contact, DecisionRole

    with open_store(url, actor=ACTOR, now=fixed_now, today=TODAY) as st:
        st.powermap.add_competitor(
            ROOM,
            Competitor(
                "Huaxin",
                "Built their core network",
                "price, incumbency",
                "slow support",
                "NetCo integrator",
                "SDN experience and a local team",
            ),
        )
        people = [
            ("Amani Njoroge", "CTO", DecisionRole.DECISION_MAKER, 5, True, 1, ACTOR, None, 3),
            ("Baraka Otieno", "CEO", DecisionRole.APPROVER, 5, True, 0, None, "Huaxin", 45),
            (
                "Chen Wei",
                "Network architect",
                DecisionRole.EVALUATOR,
                3,
                False,
                -2,
                ACTOR,
                "Huaxin",
                None,
            ),
            ("Dina [bold]Mwangi[/]", "", DecisionRole.USER, 2, False, 2, ACTOR, None, 10),
        ]
        for name, title, role, influence, key, support, owner, leans, days in people:
            met = None if days is None else TODAY - timedelta(days=days)
            st.powermap.add_contact(
                ROOM, Contact(name, title, role, influence, key, support, owner, leans, met)
            )
        template = st.methods.checklist_template()
        answers = [Answer.YES, Answer.PARTLY, Answer.YES, Answer.NO]
        for i, item in enumerate(template[Stage.PRE_BID]):
            note = "heard at the steering meeting" if i == 1 else None
            st.checklists.answer_checklist(ROOM, Stage.PRE_BID, item.key, answers[i % 4], note=note)
        for item in template[Stage.BID][:3]:
            st.checklists.answer_checklist(ROOM, Stage.BID, item.key, Answer.YES)
        st.methods.score_factor(ROOM, "project", 2, note="board priority")
        st.methods.score_factor(ROOM, "funding", 1)
        st.methods.score_factor(ROOM, "funding", -1, note="budget cut rumour")
        st.methods.score_factor(ROOM, "solution_fit", 1)
        st.methods.score_factor(ROOM, "risk", -2, note="legacy interop")


def build_app(url: str) -> DealroomApp:
    return make_app(url, ACTOR)


@pytest.fixture(scope="session")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo data (:func:`seed_database`), once per test process: no snapshot test
    writes to it."""
    return seed_database(tmp_path_factory.mktemp("snapshots") / "demo.db")


@pytest.fixture(scope="session")
def snapshot_methods_db(snapshot_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of :func:`snapshot_db` with :func:`seed_methods` on :data:`ROOM`."""
    path = tmp_path_factory.mktemp("snapshots") / "methods.db"
    with closing(sqlite3.connect(snapshot_db.removeprefix("sqlite:///"))) as source:
        with closing(sqlite3.connect(path)) as target:
            source.backup(target)
    url = f"sqlite:///{path}"
    seed_methods(url)
    return url


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        build_app(seed_database(Path(folder) / "snapshot.db")).run()
