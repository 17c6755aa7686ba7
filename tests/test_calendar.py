"""``dealroom calendar``: the deals' dates as iCalendar, read back with the ``icalendar``
parser: what is in it, stable UIDs, inert user text and intact line ends."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from pilots import TODAY, store_on, won_at

from dealroom.cli import main
from dealroom.domain import Role, Stage, TaskStatus


def events(ics: bytes) -> dict[str, tuple[str, date]]:
    cal = Calendar.from_ical(ics)
    return {str(e["uid"]): (str(e["summary"]), e.decoded("dtstart")) for e in cal.walk("VEVENT")}


def run(db: str, capsys: pytest.CaptureFixture[bytes], *argv: str) -> bytes:
    assert main(["--db", db, "calendar", *argv]) == 0
    return capsys.readouterr().out


def test_tasks_handoffs_planned_stages_and_invoices_with_uids_that_stay(
    team_db: str, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALROOM_USER", "test")
    with store_on(team_db) as st:
        task = st.items.add_task(
            "ACME-5G", Role.AR, "Call the \x1b[31mCFO", due=TODAY + timedelta(days=3)
        )
        h = st.items.add_handoff(
            "NORD-DC", Role.SR, Role.FR, "BoQ, v2; scope", due=TODAY + timedelta(days=5)
        )
        st.deals.plan_stage("ACME-5G", Stage.BID, date(2027, 2, 1))
        won_at(st, "NORD-DC", Stage.CONTRACT)
        inv = st.cash.raise_invoice("NORD-DC", "INV-7", amount=100_00, issued=TODAY)
    first = run(team_db, capsysbinary)
    assert b"\r\n" in first and b"\x1b" not in first  # the format's line ends; nothing live
    got = events(first)
    assert got[f"task-{task.id}@dealroom"] == (
        "[ACME-5G] AR task: Call the ␛[31mCFO",
        TODAY + timedelta(days=3),
    )
    assert got[f"handoff-{h.id}@dealroom"][0] == "[NORD-DC] handoff SR → FR: BoQ, v2; scope"
    assert got[f"invoice-{inv.id}@dealroom"] == (
        "[NORD-DC] invoice INV-7 due: 100.00 CNY outstanding",
        inv.due,
    )
    deal_id = next(k for k in got if k.startswith("stage-") and k.endswith("-bid@dealroom"))
    assert got[deal_id] == ("[ACME-5G] planned: Bid (ATB review)", date(2027, 2, 1))

    with store_on(team_db) as st:  # done: gone; the rest keep their UIDs
        st.items.set_task_status(task.id, TaskStatus.DONE)
    again = events(run(team_db, capsysbinary))
    assert f"task-{task.id}@dealroom" not in again
    assert set(again) == set(got) - {f"task-{task.id}@dealroom"}


def test_mine_and_a_file(
    team_db: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("DEALROOM_USER", "li")  # FR of ACME-5G only
    with store_on(team_db) as st:
        st.items.add_task("NORD-DC", Role.AR, "Not li's deal", due=TODAY)
        st.items.add_task("ACME-5G", Role.FR, "Survey", due=TODAY)
    mine = events(run(team_db, capsysbinary, "--mine"))
    assert {s.split("]")[0] for s, _ in mine.values()} == {"[ACME-5G"}
    out = tmp_path / "team.ics"
    run(team_db, capsysbinary, "-o", str(out))
    assert events(out.read_bytes()) and out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
