"""Hostile user text in every place the app shows user text: shown literally, never obeyed.

Each hostile string gets a deal of its own (``HOST-<KIND>``): its name, account, AR and FR
lead's name, tasks (title and note), risks (title and mitigation), handoffs (title, note,
one rejection reason) and ATI gate note are that string. A lost deal (``LOST-<KIND>``)
carries it as its status reason. The app is then driven by keys through the pipeline and
its filter, every deal room and pane (the cursor on every item), the edit forms, help, my
work and the command palette, at 120×40 and at 80×24.

What reaches the screen is checked for:

* the app still running (``run_test`` re-raises an app's exception, too);
* markup shown as typed: ``[bold]x[/]`` and ``[@click=app.quit]bait[/]`` appear literally;
* nothing clickable: no segment carries an ``@click`` meta or a link;
* no raw control character (ESC above all) reaching the terminal: ESC shows as ``␛``.

Rows are read from the widgets (``VirtualList.render_line``, ``DealHeader.render_line``),
and the whole screen the way ``App.export_screenshot`` reads it (the top screen's
compositor over the screens behind it), so a dialog is checked with what it covers.

The handoff rejection reason and the gate note are stored but shown nowhere in the app
today; they are seeded so that any screen that starts showing them is covered.

The tests at the end of the module pin bugs found here and fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pilots import (
    ACTOR,
    TODAY,
    app_of,
    fixed_now,
    loaded_room,
    make_app,
    open_room,
    pipeline_codes,
    require,
    searched,
    settle,
)
from rich.segment import Segment
from seeding import open_seeder
from textual import events
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static

from dealroom.app import DealroomApp
from dealroom.domain import DealStatus, Gate, GateDecision, Role, Stage, TaskStatus
from dealroom.screens.deal_room import DealRoomScreen
from dealroom.screens.form import FormScreen
from dealroom.screens.help import HelpScreen
from dealroom.screens.my_work import MyWorkScreen
from dealroom.screens.pipeline import PipelineScreen
from dealroom.store import open_store
from dealroom.store.views import HandoffView, RiskView, TaskView
from dealroom.widgets.deal_header import DealHeader
from dealroom.widgets.role_pane import RolePane
from dealroom.widgets.vlist import Section, VirtualList

HOSTILE: dict[str, str] = {
    "MARKUP": "[bold]x[/]",
    "CLOSE": "oops [/]",
    "CLICK": "[@click=app.quit]bait[/]",
    "ESC": "\x1b[31mred",
    "PIPE": "a|b",
    "LONG": "long-" * 4000,  # 20,000 characters: the longest title the store takes
    "CJK": "报价单第二版",
    "EMOJI": "🚀📈",
}
#: People's and accounts' names may be 200 characters at most.
NAME_MAX = 200

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]
PANE_KEYS = {Role.AR: "1", Role.SR: "2", Role.FR: "3"}

#: What may never reach a terminal: C0 controls (tab and newline too: a cell is one line),
#: DEL and C1 controls.
RAW_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: str, limit: int = 20) -> str:
    """The start of ``text`` as it must appear on screen: literal, ESC as ␛."""
    return text.replace("\x1b", "\u241b")[:limit]


# --- the data ---------------------------------------------------------------------------


def seed_hostile(path: Path) -> str:
    url = f"sqlite:///{path}"
    with open_seeder(url, actor=ACTOR, now=fixed_now, today=TODAY) as st:
        st.people.add_person(ACTOR, "Ana Lima")
        for kind, text in HOSTILE.items():
            person = f"p-{kind.lower()}"
            st.people.add_person(person, text[:NAME_MAX])
            code = f"HOST-{kind}"
            st.deals.create_deal(
                code,
                text,
                text[:NAME_MAX],
                amount=100_000,
                stage=Stage.OPPORTUNITY,
                leads={Role.AR: person, Role.SR: ACTOR, Role.FR: person},
            )
            st.deals.set_member(code, Role.SPONSOR, ACTOR)  # who approves its gate below
            overdue, soon = TODAY - timedelta(days=2), TODAY + timedelta(days=1)
            st.items.add_task(code, Role.AR, text, owner=person, due=overdue, note=text)
            st.items.add_task(code, Role.SR, text, owner=ACTOR, due=soon, note=text)
            st.items.add_task(
                code, Role.FR, text, owner=person, status=TaskStatus.BLOCKED, note=text
            )
            st.items.add_risk(
                code, Role.AR, text, likelihood=4, impact=4, mitigation=text, owner=person
            )
            st.items.add_risk(
                code, Role.SR, text, likelihood=2, impact=3, mitigation=text, owner=ACTOR
            )
            st.items.add_handoff(code, Role.AR, Role.SR, text, note=text)  # sent: waits on ana (SR)
            rejected = st.items.add_handoff(code, Role.FR, Role.SR, text, note=text)
            st.items.reject_handoff(rejected.id, text)  # by ana, the SR
            st.items.add_handoff(code, Role.FR, Role.AR, text, note=text, send=False)
            st.deals.record_gate(code, Gate.ATI, GateDecision.APPROVED, text)
            lost = f"LOST-{kind}"
            st.deals.create_deal(
                lost, text, text[:NAME_MAX], amount=50_000, leads={Role.AR: person}
            )
            st.deals.set_member(lost, Role.SPONSOR, ACTOR)
            st.deals.set_status(lost, DealStatus.LOST, text)
    return url


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One file for the module: the tests only read (every form is cancelled)."""
    return seed_hostile(tmp_path_factory.mktemp("hostile") / "hostile.db")


def test_the_data_is_hostile(hostile_db: str) -> None:
    with open_store(hostile_db, actor=ACTOR, now=fixed_now, today=TODAY) as st:
        for kind, text in HOSTILE.items():
            room = st.reads.deal_room(f"HOST-{kind}")
            assert room.deal.name == text and room.deal.account == text[:NAME_MAX]
            assert {t.title for t in room.tasks} == {t.note for t in room.tasks} == {text}
            assert {r.title for r in room.risks} == {r.mitigation for r in room.risks} == {text}
            assert {h.title for h in room.handoffs} == {h.note for h in room.handoffs} == {text}
            assert {h.reason for h in room.handoffs} == {"", text}
            assert room.leads[Role.AR].name == text[:NAME_MAX]
            assert st.reads.deal(f"LOST-{kind}").status_reason == text


# --- reading the screen -----------------------------------------------------------------


def screen_lines(app: DealroomApp) -> list[list[Segment]]:
    """Every line of the terminal as it would be written, dialogs over what they cover."""
    update: Any = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens
    )
    return [[seg for strip in chops for seg in strip] for chops in update.strips]


def widget_lines(widget: Widget) -> list[list[Segment]]:
    return [list(widget.render_line(y)) for y in range(widget.size.height)]


def list_rows(vlist: VirtualList[Any]) -> list[list[Segment]]:
    """Every row of the list as ``render_line`` draws it, scrolled into view or not."""
    top = round(vlist.scroll_y)
    return [list(vlist.render_line(i - top)) for i in range(len(vlist.items))]


def text_of(lines: Iterable[Iterable[Segment]]) -> str:
    return "\n".join("".join(seg.text for seg in line) for line in lines)


def assert_inert(lines: Sequence[Sequence[Segment]], where: str) -> None:
    """No raw control character, no click action, no link in any segment."""
    for y, line in enumerate(lines):
        for seg in line:
            if seg.control:
                continue
            bad = RAW_CONTROL.search(seg.text)
            assert bad is None, f"{where}, line {y}: raw {bad.group()!r} in {seg.text[:60]!r}"
            style = seg.style
            if style is None:
                continue
            assert not style.link, f"{where}, line {y}: link {style.link!r} on {seg.text!r}"
            assert "@click" not in style.meta, (
                f"{where}, line {y}: click action {style.meta['@click']!r} on {seg.text!r}"
            )


def check_screen(app: DealroomApp, where: str) -> str:
    assert app.is_running, f"the app stopped ({where})"
    lines = screen_lines(app)
    assert_inert(lines, f"{where} (screen)")
    return text_of(lines)


def assert_shows(text: str, hostile: str, where: str, limit: int = 20) -> None:
    expected = shown(hostile, limit)
    assert expected in text, f"{where}: {expected!r} not shown literally in\n{text[:3000]}"


# --- driving the app (make_app, settle, open_room, loaded_room: tests/pilots.py) ---------


def pipeline_order(app: DealroomApp) -> list[str]:
    """The deal codes as the pipeline lists them: the order ``[`` and ``]`` follow."""
    screen = app.screen
    assert isinstance(screen, PipelineScreen)
    return pipeline_codes(screen.query_one("#deals", VirtualList))


def pane_of(room: DealRoomScreen, role: Role) -> RolePane:
    return room.query_one(f"#pane-{role.value.lower()}", RolePane)


async def walk(pilot: Pilot[Any], vlist: VirtualList[Any], where: str, keys: bool) -> str:
    """The cursor on every item in turn (home, then j to the end), each row checked.

    With ``keys`` the keys are pressed; without, their bindings' actions are called
    directly, which is the same path less the ~80 ms a pilot key press takes to settle.
    """
    app = app_of(pilot)
    vlist.focus()
    if keys:
        await pilot.press("home")
    else:
        vlist.action_first()
    visited = 0
    for _ in range(len(vlist.items) + 1):
        assert_inert(list_rows(vlist), f"{where}, cursor on {vlist.cursor}")
        visited += 1
        before = vlist.cursor
        if keys:
            await pilot.press("j")
        else:
            vlist.action_cursor_down()
        if vlist.cursor == before:
            break
    else:
        pytest.fail(f"{where}: j never reached the last row")
    assert visited == sum(1 for i in vlist.items if not isinstance(i, Section))
    await pilot.pause()
    check_screen(app, where)
    return text_of(list_rows(vlist))


# --- the pipeline -----------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_pipeline_and_filter_show_hostile_text_literally(
    hostile_db: str, size: tuple[int, int]
) -> None:
    app = make_app(hostile_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen) and screen.loaded
        deals = screen.query_one("#deals", VirtualList)
        assert len(deals.items) == len(HOSTILE)  # the lost ones are hidden
        keys = size == (120, 40)  # keys at one size, their actions at the other
        rows = await walk(pilot, deals, "pipeline", keys)
        name_width = 20 if size[0] >= 110 else 14  # the Name column is narrower at 80
        for text in HOSTILE.values():
            assert_shows(rows, text, "pipeline", name_width)
        await pilot.press("c")  # lost and dropped too
        await settle(pilot)
        assert len(deals.items) == 2 * len(HOSTILE)
        await walk(pilot, deals, "pipeline with lost deals", keys=False)

        await pilot.press("slash")
        box = screen.query_one("#filter", Input)
        assert box.has_focus
        await pilot.press(*"[bold]")  # typed, as a user would
        assert set(pipeline_codes(deals)) == {"HOST-MARKUP", "LOST-MARKUP"}
        title = screen.query_one("#title", Static)
        assert "filter “[bold]”" in str(title.content)  # (cut off at 80 columns)
        check_screen(app, "filter typed")
        for kind, text in HOSTILE.items():
            if kind == "ESC":  # typed, ESC clears the filter; pasted: an xfail below
                continue
            box.value = text[:NAME_MAX]
            await pilot.pause()
            codes = set(pipeline_codes(deals))
            assert {f"HOST-{kind}", f"LOST-{kind}"} <= codes, (kind, codes)
            assert_inert(widget_lines(title), f"title, filter {kind}")
            check_screen(app, f"filter {kind}")
        await pilot.press("escape")
        assert not box.display and app.is_running


# --- the deal rooms ---------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_deal_rooms_show_hostile_text_literally(
    hostile_db: str, size: tuple[int, int]
) -> None:
    """Every deal room in pipeline order (``]``): its header, every pane's rows, and the
    cursor on every item of the AR pane (a task, a risk, handoffs out and in).

    To keep the time down (a pilot key press takes ~80 ms to settle, a pane switch below
    120 columns ~250 ms), j is pressed at 120×40 and its binding's action called at 80×24,
    where only the AR pane shows."""
    narrow = size[0] < 120
    app = make_app(hostile_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("c")  # the lost deals too, for their status reason
        await settle(pilot)
        order = pipeline_order(app)
        assert len(order) == 2 * len(HOSTILE)
        await pilot.press("enter")
        await settle(pilot)
        for code in order:
            room = loaded_room(app, code)
            kind = code.split("-", 1)[1]
            text = HOSTILE[kind]
            header = room.query_one(DealHeader)
            lines = widget_lines(header)
            assert_inert(lines, f"{code} header")
            assert_shows(text_of(lines), text, f"{code} header")
            content = str(header.content)
            if kind != "LONG":  # name and account, and a lost deal's reason, in full
                assert content.count(shown(text, len(text))) == 2 + code.startswith("LOST")
            if code.startswith("LOST"):
                assert "lost (" in content, content[:200]
                assert_shows(content.split("lost (", 1)[1], text, f"{code} reason", 8)
            if narrow:
                assert_inert(widget_lines(room.query_one("#switcher")), f"{code} switcher")
            # Below 120 columns only the AR pane shows (and stays, from deal to deal); it
            # holds every kind of row: a task, a risk, handoffs out and in.
            roles = [Role.AR] if narrow or code.startswith("LOST") else list(PANE_KEYS)
            for role in roles:
                pane = pane_of(room, role)
                require(pane.display, f"{code}: the {role.value} pane is hidden")
                items = [i for i in pane.list.items if not isinstance(i, Section)]
                assert all(i.title == text for i in items)
                walked = role is Role.AR and bool(items)
                keys = walked and not narrow
                if keys:
                    await pilot.press(PANE_KEYS[role])
                title = widget_lines(pane.query_one(".pane-title"))
                assert_inert(title, f"{code} {role.value} pane title")
                if role is Role.AR and kind != "LONG":  # the lead has the hostile name
                    assert_shows(text_of(title), text, f"{code} AR lead", 8)
                if not items:
                    continue
                where = f"{code} {role.value} pane"
                if walked:
                    rows = await walk(pilot, pane.list, where, keys)
                    assert pane.list.has_focus and pane.display
                else:  # every row drawn, the cursor where it is
                    lines = list_rows(pane.list)
                    assert_inert(lines, where)
                    rows = text_of(lines)
                assert_shows(rows, text, f"{code} {role.value} rows", 12)
                if role is not Role.SR:  # tasks owned by the hostile-named lead
                    assert_shows(rows, text, f"{code} {role.value} owner", 4)
            check_screen(app, f"{code} room")
            await pilot.press("right_square_bracket")  # the next deal
            await settle(pilot)
        assert app.is_running


# --- the edit forms ---------------------------------------------------------------------

FORM_FIELDS: dict[type, tuple[str, ...]] = {
    TaskView: ("title", "note"),
    RiskView: ("title", "mitigation"),
    HandoffView: ("title", "note"),
}


async def check_forms(
    pilot: Pilot[Any], room: DealRoomScreen, kind: str, types: Sequence[type], exact: bool = True
) -> int:
    """Enter on the first AR item of each of ``types``: its form holds every value as stored
    (if ``exact``) and shows it literally; escape cancels."""
    app = app_of(pilot)
    text = HOSTILE[kind]
    values = {text} if exact else {text, shown(text, len(text))}
    await pilot.press("1", "home")
    vlist = pane_of(room, Role.AR).list
    forms = 0
    for wanted in types:
        while not isinstance(vlist.current, wanted):
            before = vlist.cursor
            await pilot.press("j")
            require(vlist.cursor != before, f"no {wanted.__name__} in the AR pane")
        item = vlist.current
        await pilot.press("enter")
        form = app.screen
        require(isinstance(form, FormScreen), f"no form for {item}")
        assert isinstance(form, FormScreen)
        for name in FORM_FIELDS[type(item)]:
            require(form.raw(name) in values, f"{name}: {form.raw(name)[:40]!r}")
        if isinstance(item, TaskView):  # the hostile-named person
            require(form.raw("owner") == f"p-{kind.lower()}", form.raw("owner"))
        for box in form.query(Input):
            box.cursor_blink = False
        check_screen(app, f"HOST-{kind} {type(item).__name__} form")
        await pilot.press("escape")
        require(app.screen is room, "escape did not close the form")
        forms += 1
    return forms


async def test_edit_forms_show_hostile_text_literally(hostile_db: str) -> None:
    """The task, risk and handoff forms with markup (the click bait); the task form (title,
    note, owner) with 20,000 characters. The forms are the same dialog at 80×24, and each
    takes ~1 s to open here, so only these. (ESC: an xfail below.)"""
    app = make_app(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        room = await open_room(pilot, "HOST-CLICK")  # (every room: the test above)
        forms = await check_forms(pilot, room, "CLICK", (TaskView, RiskView, HandoffView))
        room = await open_room(pilot, "HOST-LONG")
        forms += await check_forms(pilot, room, "LONG", (TaskView,))
        assert forms == 3 + 1


# --- help, my work and the command palette ----------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_help_and_my_work_with_hostile_text(hostile_db: str, size: tuple[int, int]) -> None:
    app = make_app(hostile_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        check_screen(app, "help over the pipeline")
        await pilot.press("escape", "w")
        await settle(pilot)
        work = app.screen
        assert isinstance(work, MyWorkScreen) and work.work is not None
        vlist = work.query_one("#work", VirtualList)
        items = [i for i in vlist.items if not isinstance(i, Section)]
        # ana owns each SR task and risk, and leads SR, where one handoff waits per deal
        assert len(items) == 3 * len(HOSTILE)
        rows = await walk(pilot, vlist, "my work", keys=False)
        for text in HOSTILE.values():
            assert_shows(rows, text, "my work", 12)
        task = next(t for t in work.work.tasks if t.title == HOSTILE["CLICK"])
        vlist.select_key(("TaskView", task.id))
        await pilot.press("enter")  # to the item's deal room
        await settle(pilot)
        loaded_room(app, "HOST-CLICK")
        check_screen(app, "a deal room opened from my work")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "DealRoom" in check_screen(app, "help over a deal room")


async def test_command_palette_lists_hostile_deal_names_literally(hostile_db: str) -> None:
    """Opened empty, the palette lists the deals (plain Content): literal, not clickable."""
    app = make_app(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        commands = app.screen.query_one(CommandList)
        prompts = [str(option.prompt) for option in commands.options]
        for kind in ("MARKUP", "CLOSE", "CLICK", "ESC"):
            label = f"go to deal HOST-{kind} {shown(HOSTILE[kind], 100)}"
            index = next(i for i, p in enumerate(prompts) if p.startswith(label + "\n"))
            commands.highlighted = index  # scrolled into view
            await pilot.pause()
            assert label in check_screen(app, f"command palette, on HOST-{kind}")
        await pilot.press("escape")
        assert app.is_running


# --- bugs: each test shows one, and passes once it is fixed -----------------------------


async def palette_search(pilot: Pilot[Any], query: str) -> str:
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    require(isinstance(pilot.app.screen, CommandPalette), "the palette did not open")
    await pilot.press(*query)
    await searched(pilot)
    return check_screen(app_of(pilot), f"command palette, searching {query!r}")


async def test_command_palette_search_shows_deal_names_literally(hostile_db: str) -> None:
    app = make_app(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await palette_search(pilot, "click")
        hits = [str(o.prompt) for o in app.screen.query_one(CommandList).options]
        require("go to deal HOST-CLICK" in "\n".join(hits), f"no hit for HOST-CLICK: {hits}")
        assert f"HOST-CLICK {HOSTILE['CLICK']}" in screen
        await pilot.press(*["backspace"] * 5, *"close")
        await searched(pilot)
        screen = check_screen(app, "command palette, searching 'close'")
        assert f"HOST-CLOSE {HOSTILE['CLOSE']}" in screen


async def test_edit_forms_show_an_escape_visibly(hostile_db: str) -> None:
    """The task form: its title and note Inputs and its owner Select all show the raw ESC
    (the risk and handoff forms are built the same way)."""
    app = make_app(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = await open_room(pilot, "HOST-ESC")
        await check_forms(pilot, room, "ESC", (TaskView,), exact=False)


async def test_filter_with_a_pasted_escape_shows_it_visibly(hostile_db: str) -> None:
    app = make_app(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = app.screen.query_one("#filter", Input)
        box.post_message(events.Paste(HOSTILE["ESC"]))
        await pilot.pause()
        require("[31mred" in box.value, f"pasted: {box.value!r}")
        check_screen(app, "filter with a pasted ESC")


async def test_a_long_deal_name_leaves_room_for_the_panes(hostile_db: str) -> None:
    app = make_app(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = await open_room(pilot, "HOST-LONG")
        assert room.query_one(DealHeader).size.height <= 6
        assert pane_of(room, Role.AR).list.size.height >= 5


async def test_a_long_lead_name_is_cut_to_fit_one_line(hostile_db: str) -> None:
    app = make_app(hostile_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        room = await open_room(pilot, "HOST-LONG")
        switcher = text_of(widget_lines(room.query_one("#switcher")))
        title = text_of(widget_lines(pane_of(room, Role.AR).query_one(".pane-title")))
        assert all(f"{i} {r}" in switcher for i, r in enumerate(PANE_KEYS, 1)), switcher
        assert "AR · long-long" in title, title
