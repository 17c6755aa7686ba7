"""Driving the app in tests: the one set of pilot helpers, and the small team database.

A pytest plugin (``pytest_plugins`` in conftest.py): its fixtures serve every test module,
and test modules import its plain helpers (``from pilots import open_room, settle``).

- :func:`make_app` builds the app on a database, acting as ``ana`` on the fixed day.
- :func:`settle` waits until every worker (opening the store, each read) is done and shown;
  :func:`press` presses keys and then settles.
- :func:`open_room` opens a deal's room and waits for it to show that deal.
- :func:`until` keeps the app running until a condition holds (others' changes arriving).
- :func:`seed_team` and the ``team_db`` fixture: three people and two deals.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from seeding import open_seeder
from textual.pilot import Pilot
from textual.widgets import Input

from dealroom.app import DealroomApp
from dealroom.domain import Role, Stage
from dealroom.screens.deal_room import DealRoomScreen
from dealroom.screens.my_work import MyWorkScreen
from dealroom.screens.standup import StandupScreen
from dealroom.store import Store, open_store
from dealroom.store.views import PipelineRow
from dealroom.widgets.vlist import VirtualList

#: The fixed today of the tests (a Monday), and the fixed now the app tests run at.
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ACTOR = "ana"

#: How long others' changes may take to show in a running app: the issue's two seconds.
WITHIN = 2.0


def fixed_now() -> datetime:
    return NOW


def make_app(
    db: str,
    actor: str = ACTOR,
    *,
    now: Callable[[], datetime] = fixed_now,
    today: date = TODAY,
) -> DealroomApp:
    """The app on ``db`` as ``actor``, on the fixed day and now (unless told others)."""
    return DealroomApp(db, actor, today=today, now=now)


def store_on(db: str, actor: str = "test") -> Store:
    """A store on ``db`` outside the app (as ``test``, on the fixed day), to set data up and
    read back what the app did."""
    return open_store(db, actor=actor, now=fixed_now, today=TODAY)


def require(condition: object, message: str) -> None:
    """A precondition. Unlike an ``assert``, its failure is a plain failure even in a test
    that expects an ``AssertionError``, never taken for the expected one."""
    if not condition:
        pytest.fail(message)


# --- waiting ----------------------------------------------------------------------------


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker (opening the store, each read) is done and shown."""
    app = pilot.app
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys``, then wait for what they started (:func:`settle`)."""
    await pilot.press(*keys)
    await settle(pilot)


async def searched(pilot: Pilot[Any]) -> None:
    """Wait for the command palette's search, which runs in the background, to finish and
    show its hits."""
    for _ in range(3):
        await settle(pilot)


async def until(pilot: Pilot[Any], check: Callable[[], bool], within: float = WITHIN) -> float:
    """Wait (the app keeps running) until ``check()`` holds; how long it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within} s")
        await pilot.pause(0.05)
    return time.monotonic() - started


def app_of(pilot: Pilot[Any]) -> DealroomApp:
    app = pilot.app
    assert isinstance(app, DealroomApp)
    return app


def loaded_room(app: DealroomApp, code: str) -> DealRoomScreen:
    """The deal room on screen, showing ``code`` (a precondition, see :func:`require`)."""
    room = app.screen
    require(isinstance(room, DealRoomScreen), f"{code}: no deal room")
    assert isinstance(room, DealRoomScreen)
    require(room.room is not None and room.room.deal.code == code, f"{code} not loaded")
    return room


async def open_room(pilot: Pilot[Any], code: str) -> DealRoomScreen:
    """Open ``code``'s deal room from wherever the app is, once it has loaded."""
    app = app_of(pilot)
    await settle(pilot)
    app.open_deal(code)
    await settle(pilot)
    return loaded_room(app, code)


def pipeline_codes(deals: VirtualList[PipelineRow]) -> list[str]:
    """The deal codes a pipeline list shows, in its order (it has no section rows)."""
    codes = []
    for row in deals.items:
        assert isinstance(row, PipelineRow), row
        codes.append(row.deal.code)
    return codes


def steady_inputs(app: DealroomApp) -> None:
    """No blinking cursor: the cursor stays drawn, so two screenshots are the same."""
    for box in app.screen.query(Input):
        box.cursor_blink = False


# --- the small team database ------------------------------------------------------------


def seed_team(
    url: str, *, now: Callable[[], datetime] | None = fixed_now, today: date | None = TODAY
) -> Store:
    """Ana, Wei and 李娜, and two deals: ACME-5G at Opportunity without ATI (AR ana, SR wei,
    FR li) and NORD-DC (AR wei). Returns the open store for the caller to add to, and
    close; ``now=None`` and ``today=None`` are the real clock and day."""
    clock: dict[str, Any] = {} if now is None else {"now": now}
    st = open_seeder(url, actor=ACTOR, today=today, **clock)
    for handle, name in (("ana", "Ana Lima"), ("wei", "Wei Zhang"), ("li", "李娜")):
        st.people.add_person(handle, name)
    st.deals.create_deal(
        "ACME-5G",
        "5G core refresh",
        "ACME Telecom",
        amount=1_200_000,
        stage=Stage.OPPORTUNITY,
        leads={Role.AR: "ana", Role.SR: "wei", Role.FR: "li"},
    )
    st.deals.create_deal(
        "NORD-DC", "Data centre", "Nordlicht", amount=300_000, leads={Role.AR: "wei"}
    )
    return st


@pytest.fixture
def team_db(tmp_path: Path, _sqlite_at_head: Path) -> str:
    """The app tests' team (:func:`seed_team`) on an SQLite file, with an overdue AR task of
    ana's and a handoff waiting on AR. (The file starts as a copy of one at the current
    schema, as opening an empty one would have left it.)"""
    path = tmp_path / "team.db"
    shutil.copyfile(_sqlite_at_head, path)
    url = f"sqlite:///{path}"
    with seed_team(url) as st:
        st.items.add_task(
            "ACME-5G", Role.AR, "Map the decision chain", owner="ana", due=TODAY - timedelta(days=2)
        )
        st.items.add_handoff("ACME-5G", Role.SR, Role.AR, "Solution and quotation")
    return url


@pytest.fixture
def one_deal_db(tmp_path: Path) -> Path:
    """An SQLite file with one person (ana) and one deal, ``T-1``, whose AR she is: for
    the command-line tests of files, errors and the write turn."""
    path = tmp_path / "team.db"
    with open_seeder(str(path), actor=ACTOR) as s:
        s.people.add_person(ACTOR, "Ana Lima")
        s.deals.create_deal("T-1", "Deal", "Acme", leads={Role.AR: ACTOR})
    return path


async def open_standup(pilot: Pilot[Any]) -> StandupScreen:
    """Open the standup screen from the pipeline (its preview: nothing recorded yet)."""
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StandupScreen)
    return screen


def advance_to(store: Store, stage: Stage, code: str = "ACME-5G") -> None:
    """Walk the deal forward to ``stage``, approving each gate on the way."""
    from dealroom.domain import STAGE_GATE, GateDecision

    while (current := store.reads.deal(code).stage) is not stage:
        assert current.next is not None
        gate = STAGE_GATE.get(current.next)
        if gate is not None:
            store.deals.record_gate(code, gate, GateDecision.APPROVED)
        store.deals.move_stage(code, "next")


def won_at(store: Store, code: str, stage: Stage) -> None:
    """A deal walked to Contract, won there, and walked on to ``stage``."""
    from dealroom.domain import DealStatus

    advance_to(store, Stage.CONTRACT, code)
    store.deals.set_status(code, DealStatus.WON)
    advance_to(store, stage, code)


async def open_my_work(pilot: Pilot[Any]) -> MyWorkScreen:
    """Open my work from the pipeline."""
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MyWorkScreen)
    return screen
