"""No string left behind: every screen a team uses, walked by keys in the pseudo-language
(every message ``⟦wrapped⟧``), shows no word outside the brackets but keys, codes and the
team's own data. A word left outside came from a string that skipped the catalog.

The team's data is everything users typed or imported, read from the database itself (the
text columns below), so a new screen or a new message needs no list kept by hand here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import pytest
from pilots import open_room, settle
from rich.segment import Segment
from snapshot_app import ROOM, build_app
from test_app_language import outside
from test_hostile_text import screen_lines, text_of
from textual.pilot import Pilot
from textual.screen import ModalScreen

from dealroom import i18n
from dealroom.app import DealroomApp

#: The columns that hold what people typed or imported (and the log's stored lines).
USER_TEXT = {
    "person": ("handle", "name", "email"),
    "account": ("name",),
    "deal": ("code", "name", "status_reason", "source_id"),
    "task": ("title", "note"),
    "risk": ("title", "mitigation"),
    "handoff": ("title", "note", "reason"),
    "gate_decision": ("note", "decided_by"),
    "event": ("summary", "actor", "by"),
    "standup_note": ("text", "author"),
    "checklist_item": ("text",),
    "checklist_answer": ("note", "answered_by"),
    "contact": ("name", "title", "leaning_to", "note"),
    "competitor": ("name", "relationship", "strengths", "weaknesses", "allies", "differentiator"),
    "assessment_score": ("note", "scored_by"),
    "stage_move": ("reason",),
    "milestone": ("name",),
    "invoice": ("number", "note"),
}
#: What a team keeps in English, and the keys the footer and hints name.
CODES = {"AR", "SR", "FR", "ATI", "ATB", "ATC", "ATAC", "ATCC", "LTC", "CNY", "USD", "EUR"}
CODES |= {"esc", "enter", "tab", "space", "ctrl", "shift", "del", "pgup", "pgdn", "home", "end"}
CODES |= {"I", "II", "III"}  # a deal's level

#: (what, the keys from the pipeline)
WALK = [
    ("pipeline", ()),
    ("deal room", ("enter",)),
    ("gate", ("enter", "g")),
    ("power map", ("enter", "P")),
    ("checklist", ("enter", "c")),
    ("competitors", ("enter", "C")),
    ("assessment", ("enter", "A")),
    ("cash", ("enter", "dollar_sign")),
    ("history", ("enter", "H")),
    ("members", ("enter", "M")),
    ("edit the deal", ("enter", "e")),
    ("a new task", ("enter", "t")),
    ("a new risk", ("enter", "r")),
    ("a new handoff", ("enter", "h")),
    ("help in the deal room", ("enter", "question_mark")),
    ("standup", ("s",)),
    ("my work", ("w",)),
    ("forecast", ("F",)),
    ("closed deals", ("c",)),
    ("accounts", ("A",)),
    ("rates", ("dollar_sign",)),
    ("help", ("question_mark",)),
]


def team_words(url: str) -> set[str]:
    words: set[str] = set()
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
        for table, columns in USER_TEXT.items():
            for column in columns:
                for (value,) in db.execute(f"SELECT {column} FROM {table}"):
                    words.update(re.findall(r"[A-Za-z\u4e00-\u9fff]+", value or ""))
    return words


@pytest.fixture
def pseudo() -> Iterator[None]:
    i18n.use(i18n.PSEUDO)
    yield
    i18n.use(i18n.SOURCE)


#: A key's id in help and the keymap file (``pipeline.filter``): a name, not a word.
_BINDING_ID = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\b")
_CUT_WORD = re.compile(r"([A-Za-z\u4e00-\u9fff]+)…")


def uncut(text: str, data: set[str]) -> str:
    """``Sakur…`` (a name cut at the edge of its column) taken out where it is the start of
    the team's own word."""
    return _CUT_WORD.sub(
        lambda m: " " if any(w.startswith(m.group(1)) for w in data) else m.group(),
        _BINDING_ID.sub(" ", text),
    )


def top_screen_text(app: DealroomApp) -> str:
    """What the screen on top shows: a dialog's own box only (the words of the screen
    under it, cut at the box's edge, are checked on their own step of the walk)."""
    lines = screen_lines(app)
    if not isinstance(app.screen, ModalScreen) or not app.screen.children:
        return text_of(lines)
    box = app.screen.children[0].region
    return text_of(
        list(Segment.divide(lines[y], [box.x, box.right]))[1] for y in range(box.y, box.bottom)
    )


async def shown_after(pilot: Pilot[Any], app: DealroomApp, keys: tuple[str, ...]) -> str:
    for key in keys:
        if key == "enter" and keys[0] == "enter":
            await open_room(pilot, ROOM)
            continue
        await pilot.press(key)
        await settle(pilot)
    return top_screen_text(app)


@pytest.mark.parametrize(("what", "keys"), WALK, ids=[w for w, _k in WALK])
async def test_every_screen_comes_through_the_catalog(
    snapshot_methods_db: str, pseudo: None, what: str, keys: tuple[str, ...]
) -> None:
    data = team_words(snapshot_methods_db) | CODES
    for size in ((80, 24), (120, 40)):
        app = build_app(snapshot_methods_db)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            shown = await shown_after(pilot, app, keys)
            assert "⟦" in shown, f"{what}: nothing translated at all?\n{shown}"
            left = outside(uncut(shown, data), data)
            assert left == [], f"{what} at {size}: not through the catalog: {left}\n{shown}"
