"""The reports read from the demo data are byte-identical to the files in
``tests/golden/demo/``, on SQLite and on PostgreSQL: how the reports are read and written
(streamed, paged, through another driver) may change, what they say may not.

``DEALROOM_UPDATE_GOLDEN=1`` rewrites the files (only when what a report says changed on
purpose; the diff is then the review)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import TODAY

from dealroom.cli import main
from dealroom.demo import seed_demo
from dealroom.domain import DealStatus, Role, Stage
from dealroom.store import Store, open_store, rooms
from dealroom.store.database import Database

GOLDEN = Path(__file__).parent / "golden" / "demo"
NOW = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
DAY = TODAY.isoformat()
WEEK_AGO = (TODAY - timedelta(days=7)).isoformat()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()

#: file name → the command line (after ``dealroom --db URL --as ana``). Deal codes are the
#: demo's (seed 7): an open deal at Bid, a won deal being paid, one at Opportunity.
REPORTS: dict[str, list[str]] = {
    "export_all.md": ["export", "--all", "--today", DAY],
    "export_all_since.md": ["export", "--all", "--today", DAY, "--since", WEEK_AGO],
    "export_all.json": ["export", "--all", "--format", "json", "--today", DAY],
    "export_all.csv": ["export", "--all", "--format", "csv", "--today", DAY],
    "export_codes.md": [
        "export",
        "{open}",
        "{won}",
        "{early}",
        "--today",
        DAY,
        "--since",
        WEEK_AGO,
    ],
    "standup.md": ["standup", "--today", DAY, "--since", YESTERDAY],
    "standup_week.md": ["standup", "--today", DAY, "--since", WEEK_AGO],
    "standup_ar.md": ["standup", "--today", DAY, "--since", WEEK_AGO, "--role", "AR"],
    "standup_person.md": ["standup", "--today", DAY, "--since", WEEK_AGO, "--person", "{lead}"],
    "review_open.md": ["review", "{open}"],
    "review_won.md": ["review", "{won}"],
    "review_due.txt": ["review", "--due"],
    "export_all_zh.md": ["export", "--all", "--today", DAY, "--lang", "zh_CN"],
    "standup_zh.md": ["standup", "--today", DAY, "--since", WEEK_AGO, "--lang", "zh_CN"],
}


@pytest.fixture
def store(db_url: str, at_head: None) -> Iterator[Store]:
    """The 40-deal demo (seed 7) made on the fixed day, and nothing else: the log holds the
    demo's events only, so its head is the same on every database."""
    st = open_store(db_url, actor="ana")
    try:
        seed_demo(st.engine, deals=40, seed=7, today=TODAY, actor="ana")
        yield st
    finally:
        st.close()


@pytest.fixture
def demo(store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The clock stopped at 10:00 on the demo's day; the codes the reports name."""
    monkeypatch.setattr(Database, "now", lambda self: NOW)
    monkeypatch.setattr(Database, "today", lambda self: TODAY)
    monkeypatch.setattr(rooms, "PAGE", 7)  # 40 deals: five full pages and a part
    rows = store.reads.pipeline(include_closed=True)
    by_status: dict[DealStatus, str] = {}
    for row in rows:
        by_status.setdefault(row.deal.status, row.deal.code)
    opened = next(r for r in rows if r.deal.status is DealStatus.OPEN and r.deal.stage is Stage.BID)
    return {
        "open": opened.deal.code,
        "won": by_status[DealStatus.WON],
        "early": next(r.deal.code for r in rows if r.deal.stage is Stage.OPPORTUNITY),
        "lead": next(p.handle for p in store.reads.people() if p.name == opened.leads[Role.AR]),
    }


def test_reports_on_the_demo_data_are_unchanged(
    demo: dict[str, str], store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    changed = []
    for name, argv in REPORTS.items():
        line = [arg.format(**demo) for arg in argv]
        code = main(["--db", store.url, "--as", "ana", *line])
        out, err = capsys.readouterr()
        assert code == 0, (line, err)
        golden = GOLDEN / name
        if os.environ.get("DEALROOM_UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(out.encode("utf-8"))
        if out.encode("utf-8") != golden.read_bytes():
            changed.append(f"{name} ({' '.join(line)})")
    assert not changed, "reports changed: " + "; ".join(changed)
