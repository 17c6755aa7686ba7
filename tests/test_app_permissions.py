"""The app greys out what the rules refuse whoever is at the keyboard, and its help says
why in the rules' own line; the store refuses it anyway (see tests/test_permissions.py).

The ``team_db`` deal ACME-5G (level III: its AR decides its gates too): AR ana (an
administrator), SR wei, FR li, and no sponsor yet; a handoff from SR to AR waits on ana."""

from __future__ import annotations

import io

from pilots import make_app, open_room, press, settle, store_on
from rich.console import Console
from textual.widgets import Static

from dealroom.domain import Role
from dealroom.screens.deal_room import DealRoomScreen
from dealroom.screens.help import HelpScreen
from dealroom.screens.setup import AccountsScreen
from dealroom.widgets.role_pane import item_key

GATES = "the gates of ACME-5G are decided by its sponsor (none yet) or its AR lead, Ana Lima"
STAGES = "ACME-5G is moved between stages by its AR lead, Ana Lima or its sponsor (none yet)"


async def test_a_member_sees_greyed_out_what_is_not_theirs_and_the_help_says_why(
    team_db: str,
) -> None:
    app = make_app(team_db, "wei")
    async with app.run_test(size=(120, 40)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        assert room.refusal("gate") == GATES
        assert room.refusal("stage") == STAGES
        assert room.check_action("gate", ()) is None  # shown, greyed out
        assert room.check_action("add_task", ()) is True  # a member adds items
        room._focus_role(Role.AR)  # the handoff that waits on ana's side
        assert room.room is not None
        [handoff] = room.room.handoffs
        room._pane().list.select_key(item_key(handoff))
        await settle(pilot)
        assert room.refusal("accept") == (
            "a handoff to AR on ACME-5G is accepted by its AR lead, Ana Lima or its sponsor "
            "(none yet)"
        )
        assert room.check_action("accept", ()) is True  # on an item: pressed, it says whose

        await press(pilot, "g")  # greyed out: nothing opens, nothing is written
        assert app.screen is room
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        why = {row.keys: row.why for row in app.screen.rows}
        assert why["g"] == GATES and why[">"] == STAGES and why["t"] == ""
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one("VerticalScroll Static", Static).content)
        assert f"not yours: {GATES}" in console.export_text()
        await press(pilot, "escape")

        await press(pilot, "escape")  # the pipeline: people and accounts are not wei's
        assert app.screen.check_action("new_person", ()) is None
        await press(pilot, "A")
        accounts = app.screen
        assert isinstance(accounts, AccountsScreen)
        assert accounts.refusal("add") == "a new account is added by an administrator (ana, root)"
    with store_on(team_db) as st:
        assert [e for e in st.reads.events() if e.actor == "wei"] == []


async def test_whom_the_rules_allow_sees_it_all(team_db: str) -> None:
    with store_on(team_db) as st:
        st.deals.set_member("ACME-5G", Role.SPONSOR, "li")
    app = make_app(team_db, "li")  # the sponsor decides the gates and moves the stage
    async with app.run_test(size=(120, 40)) as pilot:
        room = await open_room(pilot, "ACME-5G")
        assert isinstance(room, DealRoomScreen)
        for action in ("gate", "stage", "status", "add_task", "accept"):
            assert room.check_action(action, ()) is True, action
        await press(pilot, "g")
        assert app.screen is not room  # the gate dialog
