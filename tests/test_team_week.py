"""A week of one team on one database: Ana (AR), Wei (SR) and 李娜 (FR), a standup each
morning chaired in turn, changes made between them, and the minutes kept.

What it holds the product to: a peek at the standup never moves "since the last
standup"; won deals in Delivery and Invoice & cash are walked (the FR's overdue delivery
task among them); a change made on Tuesday after the standup appears in Wednesday's
standup and not in Thursday's; every past standup's minutes can be read again; and no
minutes file is ever overwritten, not even by a second standup on the same day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import Clock
from pilots import make_app, open_standup, settle, won_at
from seeding import open_seeder
from textual.widgets import Static

from dealroom.cli import main
from dealroom.domain import Role, Stage
from dealroom.screens.pipeline import PipelineScreen
from dealroom.store import Store, open_store

MONDAY = date(2026, 11, 23)
DAYS = [MONDAY + timedelta(days=i) for i in range(4)]  # Monday to Thursday
CHAIRS = ["ana", "wei", "li", "ana"]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def store_as(url: str, actor: str, clock: Clock) -> Store:
    return open_store(url, actor=actor, now=clock, today=clock().date())


def _set_up(url: str, clock: Clock) -> None:
    with open_seeder(url, now=clock, today=clock().date()) as st:
        for handle, name in (
            ("ana", "Ana Lima"), ("wei", "Wei Zhang"), ("li", "李娜"), ("boss", "Sam Sponsor"),
        ):  # fmt: skip
            st.people.add_person(handle, name)
        leads = {Role.AR: "ana", Role.SR: "wei", Role.FR: "li"}
        for code in ("ACME-5G", "DEL-1", "INV-1"):
            st.deals.create_deal(code, f"{code} deal", "ACME Telecom", leads=leads)
            st.deals.set_member(code, Role.SPONSOR, "boss")
        st.deals.move_stage("ACME-5G", Stage.OPPORTUNITY)
        for code, stage in (("DEL-1", Stage.DELIVERY), ("INV-1", Stage.INVOICE)):
            won_at(st, code, stage)
        st.items.add_task(
            "DEL-1", Role.FR, "Install the racks", owner="li", due=MONDAY - timedelta(days=3)
        )
        st.items.add_task("INV-1", Role.AR, "Chase invoice 2", owner="ana")


async def _peek(url: str, who: str, clock: Clock, day: date) -> None:
    """Open the standup screen and leave it: a look, nothing more."""
    app = make_app(url, who, now=clock, today=day)
    async with app.run_test(size=(120, 40)) as pilot:
        assert (await open_standup(pilot)).record is None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)


async def _standup(url: str, chair: str, clock: Clock, day: date, note: str) -> dict[str, str]:
    """Chair a standup: preview, start, walk every deal, one note, finish, save the minutes.
    Returns what each walked deal's step showed, by code."""
    app = make_app(url, chair, now=clock, today=day)
    shown: dict[str, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        await pilot.press("s")  # start
        await settle(pilot)
        assert screen.record is not None
        await pilot.press("o", *note, "ctrl+s")
        await settle(pilot)
        for i, d in enumerate(screen.digests):
            shown[d.code] = str(screen.query_one("#step", Static).render())
            if i < len(screen.digests) - 1:
                await pilot.press("n")
                await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert screen.finished
        await pilot.press("m", "s", "escape")
        await settle(pilot)
    return shown


def _minutes_files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("standup-*.md"))}


@pytest.mark.slow
async def test_a_week_of_standups_for_three_people(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    out = tmp_path / "minutes"
    monkeypatch.setenv("DEALROOM_EXPORT_DIR", str(out))
    clock = Clock(at(MONDAY, 8))
    _set_up(url, clock)
    saved: dict[str, str] = {}
    seen: list[dict[str, str]] = []
    for day, chair in zip(DAYS, CHAIRS, strict=True):
        clock.value = at(day, 8, 55)
        with store_as(url, "ana", clock) as st:
            window = st.standups.default_since()
        await _peek(url, "wei", clock, day)  # someone looks at 8:55...
        with store_as(url, "ana", clock) as st:
            assert st.standups.default_since() == window  # ...and the 9:00 standup is whole
        clock.value = at(day, 9)
        seen.append(await _standup(url, chair, clock, day, f"note of {day:%A}"))
        files = _minutes_files(out)
        for name, text in saved.items():
            assert files[name] == text  # earlier minutes untouched
        saved = files
        if day == DAYS[1]:  # Tuesday, after the standup, 李娜 plans the racks
            clock.value = at(day, 11)
            with store_as(url, "li", clock) as li:
                li.items.add_task("ACME-5G", Role.FR, "Order the racks", owner="li")

    monday, tuesday, wednesday, thursday = seen
    for steps in seen:  # won deals in delivery and cash collection are walked every day
        assert {"DEL-1", "INV-1"} <= steps.keys()
        assert "overdue: Install the racks" in steps["DEL-1"]
    assert "Order the racks" in wednesday["ACME-5G"]  # Tuesday's change, on Wednesday
    assert "Order the racks" not in thursday["ACME-5G"]  # ...and not again on Thursday
    assert "Order the racks" not in tuesday["ACME-5G"]

    # a second standup on Thursday: its minutes go beside the first, never over them
    clock.value = at(DAYS[3], 15)
    await _standup(url, "wei", clock, DAYS[3], "afternoon check")
    files = _minutes_files(out)
    assert len(files) == 5 and all(files[name] == text for name, text in saved.items())

    # every past standup can be read again, as it was kept
    assert main(["--db", url, "standup", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 5 and all(line.endswith("finished") for line in listed)
    assert main(["--db", url, "standup", "--show", "1"]) == 0
    first = capsys.readouterr().out
    assert "note of Monday" in first and "run by Ana Lima" in first
    assert first.rstrip("\n") == files["standup-1-2026-11-23.md"].rstrip("\n")
    assert monday["ACME-5G"] and len(monday) == 3
