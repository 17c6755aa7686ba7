"""``dealroom import``: the team's pipeline from the files it has, on SQLite and
PostgreSQL. A dry run writes nothing; ``--apply`` writes every row or none; ``--skip-bad``
writes the good rows and hands back the others; the same file again changes nothing,
next week's file updates what changed; dealroom's own CSV export reads back as the same
deals."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import Clock
from sheets import (
    CHINESE_HEADERS,
    CHINESE_ROWS,
    HOSTILE_CELLS,
    HUBSPOT_HEADERS,
    HUBSPOT_ROWS,
    ODOO_HEADERS,
    ODOO_ROWS,
    PNG_BYTES,
    SALESFORCE_HEADERS,
    SALESFORCE_ROWS,
    csv_bytes,
    sheet_file,
    xlsx_bytes,
)
from sqlalchemy import event, func, select
from sqlmodel import col

from dealroom.cli import main
from dealroom.domain import DealStatus, Role, Stage
from dealroom.importing.job import prepare, rejects_csv, run
from dealroom.store import Store
from dealroom.store.imports import ImportRefused
from dealroom.store.tables import Deal, Event, StageMove

SF = "salesforce.csv"


def count(store: Store, model: type[Deal] | type[Event]) -> int:
    with store.database.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def salesforce(tmp_path: Path, rows: Sequence[Sequence[str]] = SALESFORCE_ROWS) -> Path:
    return sheet_file(tmp_path, SF, csv_bytes(SALESFORCE_HEADERS, rows))


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    job = prepare(salesforce(tmp_path), "deals")
    assert job.layout.shape == "Salesforce"
    events = count(store, Event)
    outcome = run(store, job, apply=False, create_people=True)
    assert (len(outcome.created), len(outcome.updated), outcome.problems) == (3, 0, [])
    assert outcome.new_people == ["ana.alves", "bruno.costa"]
    assert (count(store, Deal), count(store, Event)) == (0, events)


def test_apply_imports_every_row_with_its_source_id_logged_as_an_import(
    store: Store, tmp_path: Path
) -> None:
    outcome = run(store, prepare(salesforce(tmp_path), "deals"), apply=True, create_people=True)
    assert outcome.applied and len(outcome.created) == 3
    rooms = {r.deal.name: r for r in store.reads.deal_rooms(None)}
    harbor = rooms["Harbor Logistics Fleet Telematics"]
    d = harbor.deal
    assert (d.amount, d.currency, d.account, d.stage) == (
        1_200_000,
        "USD",
        "Harbor Logistics Ltd",
        Stage.BID,
    )
    assert (d.close_date.isoformat() if d.close_date else None, d.probability) == ("2026-12-01", 75)
    assert {m.role: m.handle for m in harbor.members} == {Role.AR: "ana.alves"}
    with store.database.read() as s:
        source = s.execute(select(col(Deal.source_id)).where(col(Deal.id) == d.id)).scalar_one()
        logged = s.execute(
            select(col(Event.summary), col(Event.actor)).where(
                col(Event.entity) == "deal", col(Event.deal_id) == d.id
            )
        ).one()
    assert source == "0065g00000AbCdEAAZ"
    assert logged.actor == "ana" and logged.summary.startswith(f"imported deal {d.code} ")
    assert SF in logged.summary
    walked = store.chain.verify()  # the batch of events chains like any other
    assert walked.broken is None and walked.count == count(store, Event)


def test_the_same_file_again_changes_nothing_and_next_weeks_updates_what_changed(
    store: Store, tmp_path: Path
) -> None:
    path = salesforce(tmp_path)
    run(store, prepare(path, "deals"), apply=True, create_people=True)
    events, deals = count(store, Event), count(store, Deal)
    again = run(store, prepare(path, "deals"), apply=True, create_people=True)
    assert (again.created, again.updated, again.unchanged) == ([], [], 3)
    assert (count(store, Event), count(store, Deal)) == (events, deals)

    rows = [list(r) for r in SALESFORCE_ROWS]
    rows[1][3], rows[1][6] = "99,000.00", "Proposal/Price Quote"  # amount and stage moved on
    week = salesforce(tmp_path, rows)
    done = run(store, prepare(week, "deals"), apply=True, create_people=True)
    assert (len(done.created), len(done.updated), done.unchanged) == (0, 1, 2)
    assert count(store, Deal) == deals
    northwind = next(
        r.deal for r in store.reads.deal_rooms(None) if r.deal.account == "Northwind Clinics"
    )
    assert (northwind.amount, northwind.stage, northwind.version) == (99_000, Stage.BID, 2)
    with store.database.read() as s:
        summary, version = s.execute(
            select(col(Event.summary), col(Event.entity_version))
            .where(col(Event.entity) == "deal", col(Event.deal_id) == northwind.id)
            .order_by(col(Event.id).desc())
            .limit(1)
        ).one()
        moves = (
            s.execute(select(col(StageMove.to_stage)).where(col(StageMove.deal_id) == northwind.id))
            .scalars()
            .all()
        )
    assert summary.startswith(f"imported changes to {northwind.code} from {SF} (amount")
    assert version == 2 and moves == [Stage.OPPORTUNITY, Stage.BID]


def test_one_bad_row_and_nothing_is_written_unless_the_good_rows_are_asked_for(
    store: Store, tmp_path: Path
) -> None:
    rows = [list(r) for r in SALESFORCE_ROWS]
    rows[2][5] = "31/02/2027"
    path = salesforce(tmp_path, rows)
    events = count(store, Event)
    refused = run(store, prepare(path, "deals"), apply=True, create_people=True)
    assert not refused.applied
    assert [str(p) for p in refused.problems] == ["line 4, Close Date: '31/02/2027' is not a date"]
    assert (count(store, Deal), count(store, Event)) == (0, events)

    job = prepare(path, "deals")
    good = run(store, job, apply=True, skip_bad=True, create_people=True)
    assert good.applied and len(good.created) == 2 and count(store, Deal) == 2
    rejected = rejects_csv(job, good)
    assert "Bluefield Energy Grid Analytics" in rejected and "is not a date" in rejected
    fixed = sheet_file(tmp_path, "fixed.csv", rejected.replace("31/02/2027", "02/28/2027").encode())
    again = run(store, prepare(fixed, "deals"), apply=True, create_people=True)
    assert (len(again.created), again.problems) == (1, [])
    assert count(store, Deal) == 3


def test_a_lead_nobody_is_refuses_the_whole_import_unless_people_are_created(
    store: Store, tmp_path: Path
) -> None:
    job = prepare(salesforce(tmp_path), "deals")
    events = count(store, Event)
    with pytest.raises(ImportRefused, match="nothing imported"):
        run(store, job, apply=True)
    assert (count(store, Deal), count(store, Event)) == (0, events)
    preview = run(store, job, apply=False)
    assert "'Ana Alves' is nobody on the team" in str(preview.problems[0])


SHAPES = [
    ("Salesforce", SALESFORCE_HEADERS, SALESFORCE_ROWS, "utf-8", ",", False),
    ("HubSpot", HUBSPOT_HEADERS, HUBSPOT_ROWS, "utf-8", ";", True),
    ("Odoo", ODOO_HEADERS, ODOO_ROWS, "utf-16-le", "\t", True),
    ("Chinese sheet", CHINESE_HEADERS, CHINESE_ROWS, "gb18030", ",", False),
    ("Chinese sheet", CHINESE_HEADERS, CHINESE_ROWS, "gbk", ";", False),
]


@pytest.mark.parametrize(("shape", "headers", "rows", "encoding", "delimiter", "bom"), SHAPES)
def test_each_shape_and_encoding_imports_without_configuration(
    store: Store,
    tmp_path: Path,
    shape: str,
    headers: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...],
    encoding: str,
    delimiter: str,
    bom: bool,
) -> None:
    data = csv_bytes(headers, rows, encoding=encoding, delimiter=delimiter, bom=bom)
    job = prepare(sheet_file(tmp_path, "pipeline.csv", data), "deals")
    assert job.layout.shape == shape and not job.layout.missing
    done = run(store, job, apply=True, create_people=True, currency="EUR")
    assert done.problems == [] and len(done.created) == len(rows)
    names = {r.deal.name for r in store.reads.deal_rooms(None)}
    assert names == {r[headers.index(h)] for r in rows for h in headers if h in _NAMES}


_NAMES = {"Opportunity Name", "Deal Name", "Opportunity", "项目名称"}


def test_a_chinese_workbook_reads_its_amounts_dates_and_stages(
    store: Store, tmp_path: Path
) -> None:
    path = sheet_file(tmp_path, "项目.xlsx", xlsx_bytes(CHINESE_HEADERS, CHINESE_ROWS))
    done = run(store, prepare(path, "deals"), apply=True, create_people=True)
    assert done.problems == []
    deals = {r.deal.name: r for r in store.reads.deal_rooms(None)}
    park = deals["华东智慧园区二期"]
    assert (park.deal.amount, park.deal.currency, park.deal.stage) == (1_200_000, "CNY", Stage.BID)
    assert park.deal.close_date is not None and park.deal.close_date.isoformat() == "2026-12-01"
    assert {m.role: m.handle for m in park.members} == {
        Role.AR: "张伟",
        Role.SR: "李娜",
        Role.FR: "王强",
    }


def test_dealroom_csv_export_reads_back_as_the_same_deals(
    team_db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pilots import store_on

    with store_on(team_db) as st:
        st.deals.create_deal(
            "HOSTILE-1", HOSTILE_CELLS[0], HOSTILE_CELLS[3], amount=7, currency="USD"
        )
    assert main(["--db", team_db, "export", "--format", "csv", "--all"]) == 0
    sheet = capsys.readouterr().out
    assert "'=HYPERLINK" in sheet  # inert in a spreadsheet
    exported = sheet_file(tmp_path, "deals.csv", sheet.encode())

    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    args = ["--db", fresh, "import", "deals", str(exported), "--apply", "--create-people"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["--db", fresh, "export", "--format", "csv", "--all"]) == 0
    assert capsys.readouterr().out == sheet  # the same deals, field for field

    # and into the database it came from: every deal is already as the file says
    assert main(["--db", team_db, "import", "deals", str(exported), "--apply"]) == 0
    said = capsys.readouterr().out
    assert "Created 0 deals, updated 0, 3 already as the file says." in said


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "is empty"),
        (csv_bytes(SALESFORCE_HEADERS, []), "no rows"),
        (PNG_BYTES, "is not a text or Excel file"),
    ],
)
def test_files_that_hold_no_deals_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, said: str
) -> None:
    path = sheet_file(tmp_path, "x.csv", data)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    code = main(["--db", db, "import", "deals", str(path), "--apply"])
    out = capsys.readouterr()
    assert said in out.out + out.err
    assert "Traceback" not in out.err
    if said != "no rows":
        assert code == 1 and len(out.err.strip().splitlines()) == 1


def test_import_statements_grow_by_batches_not_by_rows(store: Store, tmp_path: Path) -> None:
    def statements(n: int, name: str) -> int:
        rows = [
            (f"006T{i:014d}", f"Deal {i}", f"Account {i % 37}", "1,000.00", "USD", "12/01/2026",
             "Prospecting", "10", f"Owner {i % 5}")
            for i in range(n)
        ]  # fmt: skip
        job = prepare(sheet_file(tmp_path, name, csv_bytes(SALESFORCE_HEADERS, rows)), "deals")
        seen = [0]

        def counted(*_args: object) -> None:
            seen[0] += 1

        event.listen(store.engine, "before_cursor_execute", counted)
        try:
            assert run(store, job, apply=True, create_people=True).applied
        finally:
            event.remove(store.engine, "before_cursor_execute", counted)
        return seen[0]

    small = statements(600, "a.csv")
    large = statements(1_800, "b.csv")  # three times the rows (all new: other ids)
    assert large - small <= 30, (small, large)


def test_a_member_who_is_no_administrator_may_preview_but_not_import(
    team: Store, tmp_path: Path, clock: Clock
) -> None:
    from conftest import other_store

    from dealroom.store.permit import NotAllowed

    job = prepare(salesforce(tmp_path), "deals")
    with other_store(team, clock, "wei") as wei:
        assert len(run(wei, job, apply=False, create_people=True).created) == 3
        deals = count(wei, Deal)
        with pytest.raises(NotAllowed, match="administrator"):
            run(wei, job, apply=True, create_people=True)
        assert count(wei, Deal) == deals


def test_won_and_lost_deals_come_in_closed(store: Store, tmp_path: Path) -> None:
    rows = [list(r) for r in SALESFORCE_ROWS]
    rows[0][6], rows[1][6] = "Closed Won", "Closed Lost"
    run(store, prepare(salesforce(tmp_path, rows), "deals"), apply=True, create_people=True)
    rooms = store.reads.deal_rooms(None, include_closed=True)
    status = {r.deal.name: r.deal.status for r in rooms}
    assert status["Harbor Logistics Fleet Telematics"] is DealStatus.WON
    assert status["Northwind Clinics Patient Portal"] is DealStatus.LOST


def test_the_import_doc_lists_every_header_recognised() -> None:
    from dealroom.domain.import_map import SHAPES

    doc = (Path(__file__).parent.parent / "docs" / "IMPORT.md").read_text(encoding="utf-8")
    cells = {
        c.strip().casefold()
        for line in doc.splitlines()
        if line.startswith("|")
        for cell in line.split("|")
        for c in cell.split(",")
    }
    missing = [
        f"{entity}/{shape}: {alias}"
        for entity, shapes in SHAPES.items()
        for shape, aliases in shapes.items()
        if shape != "dealroom"
        for alias in aliases
        if alias not in cells
    ]
    assert not missing, f"docs/IMPORT.md does not list: {', '.join(missing)}"


def test_people_and_accounts_come_in_and_a_second_import_updates_them(
    store: Store, tmp_path: Path
) -> None:
    people = sheet_file(
        tmp_path,
        "team.csv",
        csv_bytes(
            ("用户名", "姓名", "邮箱"),
            [("li", "李娜", "li@example.cn"), ("", "Wei Zhang", "wei@example.cn")],
        ),
    )
    done = run(store, prepare(people, "people"), apply=True)
    assert (done.created, done.problems) == (["+ li", "+ wei"], [])
    again = run(store, prepare(people, "people"), apply=True)
    assert (again.created, again.updated, again.unchanged) == ([], [], 2)
    moved = sheet_file(
        tmp_path,
        "team2.csv",
        csv_bytes(("handle", "name", "email"), [("li", "李娜", "na.li@example.cn")]),
    )
    changed = run(store, prepare(moved, "people"), apply=True)
    assert changed.updated == ["~ li  email li@example.cn → na.li@example.cn"]
    assert {p.handle: p.email for p in store.reads.people()}["li"] == "na.li@example.cn"

    accounts = sheet_file(
        tmp_path,
        "accounts.csv",
        csv_bytes(("客户名称", "客户级别"), [("燕山能源集团", "A级"), ("Nordlicht", "")]),
    )
    done = run(store, prepare(accounts, "accounts"), apply=True)
    tiers = {a.name: a.tier.value for a in store.reads.accounts()}
    assert (len(done.created), tiers) == (2, {"燕山能源集团": "A", "Nordlicht": "C"})


def test_hostile_cells_come_in_as_the_text_they_are(store: Store, tmp_path: Path) -> None:
    from sheets import LONG_CELL

    rows = [
        (f"006H{i:014d}", cell, f"Account {i}", "1", "USD", "12/01/2026", "Prospecting", "", "")
        for i, cell in enumerate(HOSTILE_CELLS)
    ]
    job = prepare(salesforce(tmp_path, rows), "deals")
    done = run(store, job, apply=True, skip_bad=True)
    long_line = 2 + HOSTILE_CELLS.index(LONG_CELL) + 1  # the line break before it moves it on
    assert [p.line for p in done.problems] == [long_line]
    assert "Opportunity Name" in str(done.problems[0]) and len(str(done.problems[0])) < 200
    names = {r.deal.name for r in store.reads.deal_rooms(None)}
    assert names == {c.strip() for c in HOSTILE_CELLS if c != LONG_CELL}  # never run, never cut


def test_the_command_line_writes_the_rejected_rows_for_fixing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [list(r) for r in SALESFORCE_ROWS]
    rows[2][5] = "31/02/2027"
    path = salesforce(tmp_path, rows)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    bad = tmp_path / "rejected.csv"
    assert main(["--db", db, "import", "deals", str(path), "--skip-bad", str(bad)]) == 2
    assert "--skip-bad goes with --apply" in capsys.readouterr().err
    args = ["--db", db, "import", "deals", str(path), "--apply", "--create-people"]
    assert main([*args, "--skip-bad", str(bad)]) == 0
    out = capsys.readouterr().out
    assert "Created 2 deals" in out and "1 rejected row written to" in out
    text = bad.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].endswith(",problem")
    assert "line 4: Close Date: '31/02/2027' is not a date" in text
    assert main(args) == 1  # the same file whole: the bad row refuses it, nothing more written
    assert "Bluefield" not in capsys.readouterr().out.split("Problems")[0]


def test_rows_without_ids_are_found_by_account_and_name_and_never_doubled(
    store: Store, tmp_path: Path
) -> None:
    headers = ("项目名称", "客户名称", "金额")
    rows = [("华东智慧园区", "东方海岳", "120万"), ("西南数据中心", "蜀山云", "80万")]
    path = sheet_file(tmp_path, "a.csv", csv_bytes(headers, rows))
    assert len(run(store, prepare(path, "deals"), apply=True).created) == 2
    rows[1] = ("西南数据中心", "蜀山云", "90万")
    moved = sheet_file(tmp_path, "b.csv", csv_bytes(headers, rows))
    done = run(store, prepare(moved, "deals"), apply=True)
    assert (len(done.created), len(done.updated), done.unchanged) == (0, 1, 1)
    twice = sheet_file(tmp_path, "c.csv", csv_bytes(headers, [*rows, rows[0]]))
    refused = run(store, prepare(twice, "deals"), apply=False)
    assert [str(p) for p in refused.problems] == [
        "line 4: repeats the account and name of line 2: give each deal a source id or a code "
        "to tell them apart"
    ]


def test_a_round_trip_through_the_csv_sheet_on_each_database(
    team: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team.deals.create_deal(
        "NORD-DC",
        "Data centre",
        "Nordlicht",
        amount=300_000,
        currency="EUR",
        leads={Role.AR: "wei"},
    )
    assert main(["--db", db_url, "export", "--format", "csv", "--all"]) == 0
    sheet = capsys.readouterr().out
    exported = sheet_file(tmp_path, "deals.csv", sheet.encode())
    assert main(["--db", db_url, "import", "deals", str(exported), "--apply"]) == 0
    assert "Created 0 deals, updated 0, 2 already as the file says." in capsys.readouterr().out
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    args = ["--db", fresh, "import", "deals", str(exported), "--apply", "--create-people"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["--db", fresh, "export", "--format", "csv", "--all"]) == 0
    assert capsys.readouterr().out == sheet
