"""The app on fixed data, for snapshot tests: seeded demo deals, a fixed today and now.

``seed_database(path)`` fills a new SQLite file with the same demo data every time (same
seed, same day); ``build_app(url)`` is a :class:`DealroomApp` on it, acting as ``ana``.
The ``run_before`` helpers wait for the app's workers, so a snapshot shows loaded data and
never "Loading…".

To look at the same screens by hand: ``python tests/snapshot_app.py`` (a temporary file).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from dealroom.app import DealroomApp
from dealroom.demo import seed_demo
from dealroom.store import open_store

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ACTOR = "ana"
DEALS = 30
SEED = 7
ITEMS = 16
#: An open deal (at Bid) with tasks, risks and handoffs in each of the AR, SR and FR panes.
ROOM = "KILI-SDN"


def fixed_now() -> datetime:
    return NOW


def seed_database(path: Path) -> str:
    """Fill a new SQLite file at ``path`` with the demo data; return its URL."""
    url = f"sqlite:///{path}"
    with open_store(url, actor=ACTOR, now=fixed_now, today=TODAY) as store:
        seed_demo(store.engine, deals=DEALS, seed=SEED, today=TODAY, actor=ACTOR, items=ITEMS)
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
    return DealroomApp(url, ACTOR, today=TODAY, now=fixed_now)


def steady_inputs(app: DealroomApp) -> None:
    """No blinking cursor: the cursor stays drawn, so two screenshots are the same."""
    for box in app.screen.query(Input):
        box.cursor_blink = False


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker (opening the store, each read) is done and shown."""
    app = pilot.app
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_room(pilot: Pilot[None], code: str = ROOM) -> None:
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, DealroomApp)
    app.open_deal(code)
    await settle(pilot)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        build_app(seed_database(Path(folder) / "snapshot.db")).run()
