"""The app speaks the language chosen. In the pseudo-language every message comes out
``⟦wrapped⟧``: on a screen whose words all come through the catalog, nothing but keys and
user data is left outside the brackets. In Simplified Chinese the same screens read in
Chinese, and fit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pilots import make_app, press, settle, until
from seeding import open_seeder
from test_hostile_text import screen_lines, text_of

from dealroom import i18n
from dealroom.screens.importing import ImportScreen

#: What may stand outside the brackets: the keys the footer and the hints name.
KEYS = {"esc", "enter", "tab"}
_PAIRED = re.compile(r"⟦[^⟦⟧]*⟧")
_CUT = re.compile(r"⟦[^⟦⟧\n]*")  # a message cut at the edge of its column
_WORD = re.compile(r"[A-Za-z\u4e00-\u9fff]{2,}")


_PATH = re.compile(r"\S*/\S*")  # a folder or a file: user data


def outside(text: str, user_data: set[str]) -> list[str]:
    """The words of ``text`` that did not come through the catalog (a message inside
    another, as a placeholder's value, is taken out first)."""
    rest = text
    while (shorter := _PAIRED.sub(" ", rest)) != rest:
        rest = shorter
    rest = _PATH.sub(" ", _CUT.sub(" ", rest))
    return [w for w in _WORD.findall(rest) if w not in KEYS and w not in user_data]


def empty_db(tmp_path: Path) -> str:
    path = tmp_path / "team.db"
    open_seeder(str(path)).close()
    return str(path)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_welcome_and_the_import_come_through_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    db = empty_db(tmp_path)
    monkeypatch.chdir(tmp_path)
    i18n.use(i18n.PSEUDO)
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        welcome = text_of(screen_lines(app))
        assert "⟦Welcome to dealroom" in welcome
        assert outside(welcome, {"ana"}) == []
        await press(pilot, "I")
        assert isinstance(app.screen, ImportScreen)
        await press(pilot, "tab")
        shown = text_of(screen_lines(app))
        assert outside(shown, set()) == []


async def test_the_welcome_reads_in_chinese(tmp_path: Path) -> None:
    db = empty_db(tmp_path)
    i18n.use("zh_CN")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = text_of(screen_lines(app))
        assert "欢迎使用 dealroom" in text and "商机 · ana" in text
        assert "帮助" in text and "退出" in text  # the footer
        # the funnel, in the seeds' words, on its one line (a CJK character takes two cells)
        assert any("线索 0" in line and "关闭 0" in line for line in text.splitlines())
        await press(pilot, "I")
        await until(pilot, lambda: "导入 · 项目" in text_of(screen_lines(app)))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_deal_room_reads_in_chinese(team_db: str, size: tuple[int, int]) -> None:
    from pilots import open_room

    i18n.use("zh_CN")
    app = make_app(team_db)
    async with app.run_test(size=size) as pilot:
        await open_room(pilot, "ACME-5G")
        text = text_of(screen_lines(app))
        assert "AR · 客户经理" in text or "AR · Ana Lima" in text  # the pane's head
        assert "任务（" in text and "风险（" in text and "交接（" in text
        assert "签约" in text and "级别 III" in text and "无赞助人" in text
        assert "帮助" in text  # the footer
        assert "Tasks" not in text and "Risks" not in text and "sponsor" not in text
        assert "负责人" in text and "owner" not in text  # the detail line, under the panes
