"""The team's day in a real terminal (tmux), one test per problem a team hit on its first
day: the app driven by keys at 80×24 and 120×40, the database read back after."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pilots import seed_team, won_at
from tmuxterm import app_in_tmux

from dealroom.domain import HandoffState, Role, Stage
from dealroom.store import Store, open_store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The team of tests/pilots.py on the real clock and day: ACME-5G (Opportunity; AR
    ana, SR wei, FR li) and NORD-DC (AR wei); Sam is ACME-5G's sponsor."""
    path = tmp_path / "team.db"
    with seed_team(str(path), now=None, today=None) as st:
        st.people.add_person("sam", "Sam Sponsor")
        st.deals.set_member("ACME-5G", Role.SPONSOR, "sam")
    return path


def store(db: Path, actor: str = "ana") -> Store:
    return open_store(str(db), actor=actor)


def _won_at(st: Store, code: str, stage: Stage) -> None:
    st.deals.create_deal(
        code, f"{code} rollout", "Helios Grid", leads={Role.AR: "ana", Role.FR: "li"}
    )
    won_at(st, code, stage)


def cli(db: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``dealroom --db DB ARGV…`` as another process, its output captured."""
    command = [sys.executable, "-m", "dealroom", "--db", str(db), *argv]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_1_a_peek_at_the_standup_records_nothing(
    db: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    with store(db) as st:  # yesterday's standup, finished
        st.standups.end_standup(st.standups.start_standup().id)
        window = st.standups.default_since()
    with app_in_tmux(db, tmp_path, size=size) as term:
        term.wait_for("ACME-5G")
        term.keys("s")
        term.wait_for("preview: s starts it")
        term.keys("Escape")
        term.wait_for("NORD-DC", "Pipeline")
    with store(db) as st:
        assert len(st.standups.past()) == 1 and st.standups.default_since() == window


def test_2_won_deals_in_delivery_and_invoice_are_walked(db: Path, tmp_path: Path) -> None:
    with store(db) as st:
        _won_at(st, "HELI-DEL", Stage.DELIVERY)
        _won_at(st, "HELI-INV", Stage.INVOICE)
        st.items.add_task(
            "HELI-DEL", Role.FR, "Install the racks", owner="li",
            due=st.today() - timedelta(days=3),
        )  # fmt: skip
    with app_in_tmux(db, tmp_path) as term:
        term.wait_for("ACME-5G")
        term.keys("s")
        # the most urgent first: the delivery with its overdue FR task
        term.wait_for("HELI-DEL", "Helios Grid · Delivery", "deal 1 of 4")
        term.keys("n", "n", "n")
        term.wait_for("deal 4 of 4")
        seen = term.screen()
        term.keys("p")
        seen += term.wait_for("deal 3 of 4")
    assert "HELI-INV" in seen


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_3_the_standup_walks_the_team_and_keeps_what_was_said(
    db: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    with app_in_tmux(db, tmp_path, size=size) as term:
        term.wait_for("ACME-5G")
        term.keys("s")
        term.wait_for("the team's deals", "deal 1 of 2")  # ana leads one of them
        term.keys("o")
        term.wait_for("Note on")
        term.type("CTO back on Friday")
        term.keys("C-s")
        term.wait_for("Note saved", "CTO back on Friday")  # stays on the step
        term.keys("f")
        term.wait_for("finished")
        term.keys("m")
        term.wait_for("Minutes of standup", "s saves")  # the minutes in the reader
        term.keys("s")
        term.wait_for("Saved")
        term.keys("s")
        term.wait_for("-2.md")
    saved = sorted(p.name for p in (tmp_path / "out").glob("standup-*.md"))
    assert len(saved) == 2 and saved[0].startswith("standup-1-")
    listed = cli(db, "standup", "--show", "1")
    assert listed.returncode == 0 and "CTO back on Friday" in listed.stdout


def test_4_the_sender_cannot_accept_their_own_handoff(db: Path, tmp_path: Path) -> None:
    with store(db) as st:
        outgoing = st.items.add_handoff("ACME-5G", Role.AR, Role.SR, "Decision criteria")
    with app_in_tmux(db, tmp_path) as term:
        term.wait_for("ACME-5G")
        term.keys("Enter")
        term.wait_for("→SR Decision criteria")
        term.keys("a")
        term.wait_for("the SR side accepts it")
        term.keys("w")
        term.wait_for("Handoff withdrawn")
    with store(db) as st:
        assert st.reads.handoff(outgoing.id).state is HandoffState.DRAFTED


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_5_moving_back_asks_why_and_keeps_the_dates(
    db: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    with store(db) as st:
        first = {t.stage: t.actual for t in st.reads.deal_room("ACME-5G").timeline}
    with app_in_tmux(db, tmp_path, size=size) as term:
        term.wait_for("ACME-5G")
        term.keys("Enter")
        term.wait_for("AR · Ana Lima" if size[0] >= 120 else "1 AR Ana Lima")
        term.keys("<")
        term.wait_for("Move ACME-5G back from Opportunity to Lead?")
        term.keys("C-s")
        term.wait_for("reason is required")
        term.type("customer paused the tender")
        term.keys("C-s")
        term.wait_for("moved back to Lead")
        term.keys(">")
        term.wait_for("is now in Opportunity")
    with store(db) as st:
        room = st.reads.deal_room("ACME-5G")
        assert {t.stage: t.actual for t in room.timeline} == first
        assert [m.reason for m in room.moves_back] == ["customer paused the tender"]


def test_6_a_won_deal_stays_at_contract_or_later(db: Path, tmp_path: Path) -> None:
    with store(db) as st:
        _won_at(st, "HELI-CON", Stage.CONTRACT)
    with app_in_tmux(db, tmp_path) as term:
        term.wait_for("HELI-CON")
        term.keys("/")
        term.wait_for("filter: code, name")
        term.type("HELI")
        term.wait_for("1 of 3 deals")
        term.keys("Enter")
        term.wait_for("⏎ Open")
        term.keys("Enter")
        term.wait_for("HELI-CON  HELI-CON rollout")
        term.keys("<")
        term.wait_for("back from Contract to Bid")
        term.type("try")
        term.keys("C-s")
        term.wait_for("the deal is won: it stays at Contract or later")
    with store(db) as st:
        assert st.reads.deal("HELI-CON").stage is Stage.CONTRACT


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_7_members_show_their_holders_and_the_sponsor_is_shown(
    db: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    with app_in_tmux(db, tmp_path, size=size) as term:
        term.wait_for("ACME-5G")
        term.keys("Enter")
        term.wait_for("sponsor Sam Sponsor")
        term.keys("M")
        term.wait_for("Members of ACME-5G", "Ana Lima")
        term.keys("C-s")  # nothing changed: saved as it was
        term.wait_for("Members saved")
    result = cli(db, "show", "ACME-5G")
    assert "sponsor Sam Sponsor" in result.stdout


def test_8_my_work_acts_on_the_chosen_item(db: Path, tmp_path: Path) -> None:
    with store(db) as st:
        task = st.items.add_task(
            "ACME-5G", Role.AR, "Map the decision chain", owner="ana",
            due=st.today() - timedelta(days=1),
        )  # fmt: skip
        st.items.add_task("ACME-5G", Role.AR, "Not this one", owner="wei")
    with app_in_tmux(db, tmp_path) as term:
        term.wait_for("ACME-5G")
        term.keys("w")
        term.wait_for("My work", "Map the decision chain")
        term.keys("Space")
        term.wait_for("Task done")
    with store(db) as st:
        done = {t.title: t.done for t in st.reads.deal_room("ACME-5G").tasks}
    assert done == {"Map the decision chain": True, "Not this one": False}
    assert task.id


def test_10_the_apps_export_is_the_command_lines(db: Path, tmp_path: Path) -> None:
    with app_in_tmux(db, tmp_path) as term:
        term.wait_for("ACME-5G")
        term.keys("Enter")
        term.wait_for("AR · Ana Lima")
        term.keys("m")
        term.wait_for("Deal report of ACME-5G")  # read in the app first
        term.keys("s")
        term.wait_for("Saved")
    [saved] = (tmp_path / "out").glob("ACME-5G-*.md")
    assert saved.read_text(encoding="utf-8") == cli(db, "export", "ACME-5G").stdout


def test_11_support_steps_are_one_change(db: Path, tmp_path: Path) -> None:
    from dealroom.domain.powermap import Contact

    with store(db) as st:
        st.powermap.add_contact("ACME-5G", Contact("Wang Li", "CTO", support=2))
        last = st.reads.last_event_id()
    with app_in_tmux(db, tmp_path) as term:
        term.wait_for("ACME-5G")
        term.keys("Enter")
        term.wait_for("AR · Ana Lima")
        term.keys("P")
        term.wait_for("Wang Li (CTO)")
        term.keys("-", "-", "-", "-", "-")
        term.wait_for("fell from +2 to −3")
    with store(db) as st:
        events = st.reads.events(after_id=last)
    assert [e.summary for e in events] == ["support of Wang Li (CTO) fell from +2 to −3"]
