"""The real app in a real terminal (tmux): open a deal, add a task by keys, see a task a
script adds from outside appear, quit cleanly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pilots import seed_team
from tmuxterm import Terminal

from dealroom.domain import Role
from dealroom.store import open_store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The team of tests/pilots.py (``seed_team``), on the real clock and day, no items."""
    path = tmp_path / "team.db"
    seed_team(str(path), now=None, today=None).close()
    return path


@pytest.fixture
def terminal(db: Path, tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    status = tmp_path / "exit-status"
    env = {
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "DEALROOM_DB": str(db),
        "DEALROOM_USER": "ana",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    command = f"sh -c '{sys.executable} -m dealroom; echo $? > {status}'"
    term = Terminal(command, env, (160, 45))
    try:
        yield term, status
    finally:
        term.close()


def test_the_real_app_in_tmux(terminal: tuple[Terminal, Path], db: Path) -> None:
    term, status = terminal
    term.wait_for("ACME-5G")
    term.keys("Enter")
    term.wait_for("AR · Ana Lima")
    term.keys("t")
    term.wait_for("New AR task on ACME-5G")
    # typed fast, as a burst over a slow link arrives: title, two fields on, a due date, save
    term.keys("Agree the PoC scope", "Tab", "Tab", "+2d", "C-s")
    term.wait_for("Task added", "Tasks (1 open)", "Agree the PoC scope")
    with open_store(str(db), actor="ana") as st:
        (task,) = st.reads.deal_room("ACME-5G").tasks
        assert (task.title, task.due) == ("Agree the PoC scope", st.today() + timedelta(days=2))

    script = subprocess.run(
        [sys.executable, "-m", "dealroom", "--db", str(db), "--as", "wei", "task", "add",
         "ACME-5G", "--role", "AR", "--title", "Send the BoQ from the script"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert script.returncode == 0, script.stderr
    # the task, its toast, and the pane's count, within the two seconds (and slack)
    term.wait_for(
        "Send the BoQ from the script", "Wei Zhang (SR) added AR task", "Tasks (2 open)", timeout=5
    )

    term.keys("Escape")
    term.wait_for("Pipeline")
    term.keys("q")
    deadline = time.monotonic() + 15
    while not status.exists() or not status.read_text().strip():
        assert time.monotonic() < deadline, f"the app did not quit:\n{term.screen()}"
        time.sleep(0.1)
    assert status.read_text().strip() == "0"


def test_editing_keys_typed_ahead_apply_in_order(terminal: tuple[Terminal, Path], db: Path) -> None:
    """`end`, text, `backspace`, `home` and more text in one burst edit the title where
    the keys say, not over the text selected on focus."""
    with open_store(str(db), actor="ana") as st:
        st.items.add_task("ACME-5G", Role.AR, "Map the decision chain", owner="ana")
    term, _ = terminal
    term.wait_for("ACME-5G")
    term.keys("Enter")
    term.wait_for("Map the decision chain")
    term.keys("Enter")
    term.wait_for("Task #")
    term.keys("End", " nowX", "BSpace", "Home", "Now: ", "C-s")
    term.wait_for("Saved", "Now: Map the decision chain now")  # the toast: the form is closed
    with open_store(str(db), actor="ana") as st:
        (task,) = st.reads.deal_room("ACME-5G").tasks
        assert task.title == "Now: Map the decision chain now"


GREYS = {0, 7, 8, 15, 16, 231, *range(232, 256)}  # black, white and the grey ramp


def colours(styled: str) -> list[tuple[int, ...]]:
    """Every foreground/background colour in the SGR codes of a ``capture-pane -e``:
    ``(n,)`` for a palette colour, ``(r, g, b)`` for an RGB one."""
    out: list[tuple[int, ...]] = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", styled):
        codes = [int(c) for c in params.split(";") if c]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c in (38, 48) and codes[i + 1 : i + 2] == [5]:
                out.append((codes[i + 2],))
                i += 3
            elif c in (38, 48) and codes[i + 1 : i + 2] == [2]:
                out.append(tuple(codes[i + 2 : i + 5]))
                i += 5
            else:
                if 30 <= c <= 37 or 40 <= c <= 47:
                    out.append((c % 10,))
                elif 90 <= c <= 97 or 100 <= c <= 107:
                    out.append((c % 10 + 8,))
                i += 1
    return out


def is_grey(colour: tuple[int, ...]) -> bool:
    return colour[0] in GREYS if len(colour) == 1 else len(set(colour)) == 1


@pytest.mark.parametrize(("term_name", "no_color"), [("xterm", False), ("xterm-256color", True)])
def test_plain_terminals_get_what_they_can_show(
    db: Path, tmp_path: Path, term_name: str, no_color: bool
) -> None:
    env = {
        "TERM": term_name,
        "HOME": str(tmp_path),
        "DEALROOM_DB": str(db),
        "DEALROOM_USER": "ana",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    if no_color:
        env["NO_COLOR"] = "1"
    term = Terminal(f"{sys.executable} -m dealroom", env, (120, 40))
    try:
        term.wait_for("ACME-5G")
        term.keys("Enter")
        term.wait_for("AR · Ana Lima")
        used = colours(term.tmux("capture-pane", "-p", "-e", "-t", term.name))
        assert used, "the capture carries the colours"
        if no_color:  # NO_COLOR: shades of grey, no hue
            assert [c for c in used if not is_grey(c)] == []
        else:  # 16 colours: palette entries 0-15 only
            assert [c for c in used if len(c) > 1 or c[0] > 15] == []
        term.keys("Escape")  # a lone escape, told apart from a key sequence by its delay
        term.wait_for("Pipeline")
    finally:
        term.close()
