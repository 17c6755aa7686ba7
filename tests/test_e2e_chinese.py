"""``LANG=zh_CN.UTF-8 dealroom --demo`` in a real terminal (tmux) at 80×24 and 120×40: the
pipeline, a deal room, the gate form, the power map, help and the standup read in Chinese
(the demo's own data aside), and the wide characters fit their cells."""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest
from tmuxterm import Terminal

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

#: The English screens' own words (none of them in the demo's data), which must not be left
#: on a Chinese one.
ENGLISH = re.compile(
    r"Pipeline|Tasks \(|Risks \(|Handoffs \(|\bHelp\b|\bQuit\b|Standup|preview|Power map|Gaps|"
    r"Keys ·|\bCancel\b|\bSave\b|Checklist|[Oo]verdue|[Bb]locked|waiting|Approve|sorted by"
)


def english_left(screen: str) -> list[str]:
    return ENGLISH.findall(screen)


def gone(term: Terminal, text: str, timeout: float = 20) -> None:
    """Wait until ``text`` has left the screen (a dialog closed)."""
    deadline = time.monotonic() + timeout
    while text in (screen := term.screen()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never left the screen:\n{screen}")
        time.sleep(0.1)


def first_row_at_an_early_stage(term: Terminal, timeout: float = 20) -> None:
    """Wait until the pipeline's first row (under its column headers) is a lead or an
    opportunity."""
    deadline = time.monotonic() + timeout
    while True:
        lines = term.screen().splitlines()
        heads = [i for i, line in enumerate(lines) if "编号" in line]
        if heads and heads[0] + 1 < len(lines):
            row = lines[heads[0] + 1]
            if "线索" in row or "机会" in row:
                return
        if time.monotonic() > deadline:
            raise AssertionError(
                "the pipeline never showed an early deal first:\n" + "\n".join(lines)
            )
        time.sleep(0.1)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_demo_in_chinese_in_a_real_terminal(tmp_path: Path, size: tuple[int, int]) -> None:
    # no DEALROOM_USER: the demo's administrator is whoever made it, every key theirs
    env = {
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "LANG": "zh_CN.UTF-8",
        "DEALROOM_LANG": "",  # set by the tests' own environment: the locale chooses here
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    term = Terminal(f"{sys.executable} -m dealroom --demo", env, size)
    try:
        screen = term.wait_for("商机 · ", "帮助", timeout=60)
        assert english_left(screen) == [], screen
        term.keys("O")  # earliest stage first: an open deal, its next gate to decide
        term.keys("Home")
        first_row_at_an_early_stage(term)
        term.keys("Enter")
        screen = term.wait_for("任务（", "风险（", "交接（")
        assert english_left(screen) == [], screen
        term.keys("g")  # the gate form
        screen = term.wait_for("的决策点决定", "批准")
        assert english_left(screen) == [], screen
        term.keys("Escape")
        gone(term, "的决策点决定")
        term.keys("P")  # the power map
        screen = term.wait_for("权力地图 · ", "缺口")
        assert english_left(screen) == [], screen
        term.keys("Escape")
        gone(term, "权力地图 · ")
        term.keys("?")  # help
        screen = term.wait_for("按键 · 项目作战室", "退出 dealroom")
        assert english_left(screen) == [], screen
        term.keys("Escape")
        gone(term, "按键 · ")
        term.keys("Escape")  # back to the pipeline, then the standup
        term.wait_for("商机 · ")
        term.keys("s")
        screen = term.wait_for("站会 预览", "逾期")
        assert english_left(screen) == [], screen
    finally:
        term.close()
