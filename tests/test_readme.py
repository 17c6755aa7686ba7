"""The README's keys table says what the app binds: every key of every screen (by its
binding id) is named in that screen's row, in backticks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.keys import key_to_character

from dealroom.app import DealroomApp
from dealroom.screens.keys import scopes

README = Path(__file__).resolve().parent.parent / "README.md"
#: Keys whose README spelling is not their character.
SPELLED = {"slash": "/", "plus": "+", "minus": "-", "space": "space", "enter": "enter"}


def readme_rows() -> dict[str, str]:
    """The keys table: where → its keys cell."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| where | keys |") :].split("\n\n")[0]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|", 1)]
        rows[cells[0]] = cells[1]
    return rows


def spelled(key: str) -> str:
    char = key_to_character(key) if len(key) > 1 else key
    return SPELLED.get(key) or (char if char and char.isprintable() and char != " " else key)


@pytest.mark.parametrize("screen", sorted(scopes(DealroomApp)))
def test_the_readme_names_every_key_of_the_screen(screen: str) -> None:
    rows = readme_rows()
    assert screen in rows, f"the README's keys table has no row for the {screen}"
    named = set(re.findall(r"`([^`]+)`", rows[screen] + " " + rows["everywhere"]))
    named |= {part for n in named for part in n.split("/")}  # `j`/`k`, `[`/`]`
    missing = []
    for ident, keys in scopes(DealroomApp)[screen].items():
        if ident.startswith(("app.", "list.")):
            continue  # the "everywhere" row's
        if not any(spelled(k) in named for k in keys.split(",")):
            missing.append(f"{ident} ({keys})")
    assert not missing, f"the README's {screen} row does not name: {', '.join(missing)}"


def test_the_readme_lists_every_command() -> None:
    from dealroom.commands import COMMANDS

    text = README.read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"`dealroom {name}" not in text]
    assert not missing, f"the README's commands tables do not list: {', '.join(missing)}"
