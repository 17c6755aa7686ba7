"""A sheet's headers recognised, its mapping file read and written, and its rows turned
into drafts of deals, people and accounts with a problem for every bad cell."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from sheets import (
    CHINESE_HEADERS,
    CHINESE_ROWS,
    HOSTILE_CELLS,
    HUBSPOT_HEADERS,
    HUBSPOT_ROWS,
    LONG_CELL,
    ODOO_HEADERS,
    ODOO_ROWS,
    SALESFORCE_HEADERS,
    SALESFORCE_ROWS,
)

from dealroom.domain import DealStatus, Level, Role, RuleError, Stage, Tier
from dealroom.domain.import_rows import (
    DEAL_FIELDS,
    DealDraft,
    Drafts,
    ImportMap,
    Layout,
    Problem,
    load_map,
    map_toml,
    read_accounts,
    read_deals,
    read_people,
    recognise,
)

SALESFORCE = list(SALESFORCE_HEADERS)
HUBSPOT = [
    "Record ID",
    "Deal Name",
    "Associated Company (Primary)",
    "Amount",
    "Deal currency code",
    "Close Date",
    "Deal Stage",
    "Deal owner",
    "Deal probability",
]
ODOO = ["External ID", *ODOO_HEADERS[1:], "Probability"]
CHINESE = [
    "商机编号",
    "项目名称",
    "客户名称",
    "客户级别",
    "合同金额",
    "币种",
    "预计签约日期",
    "项目阶段",
    "状态",
    "赢率",
    "项目级别",
    "客户经理",
    "方案经理",
    "交付经理",
    "项目赞助人",
]
DEALROOM = [f for f in DEAL_FIELDS if f != "source_id"]
DEC_1 = date(2026, 12, 1)
COMMON = ["source_id", "name", "account", "amount", "currency", "close_date", "stage"]


@pytest.mark.parametrize(
    ("headers", "shape", "fields"),
    [
        (SALESFORCE, "Salesforce", [*COMMON, "probability", "AR"]),
        (HUBSPOT, "HubSpot", [*COMMON, "AR", "probability"]),
        (ODOO, "Odoo", [*COMMON, "AR", "probability"]),
        (CHINESE, "Chinese sheet", [*COMMON[:3], "tier", *COMMON[3:], "status"]),
        (DEALROOM, "dealroom", DEALROOM),
    ],
)
def test_each_shape_is_recognised(headers: list[str], shape: str, fields: list[str]) -> None:
    layout = recognise(headers)
    assert layout.shape == shape
    assert [layout.fields[i] for i in range(len(fields))] == fields
    assert layout.unknown == () and layout.missing == ()
    assert layout.header_of["name"] == headers[fields.index("name")]


def test_the_chinese_sheet_fills_the_whole_triangle() -> None:
    layout = recognise(CHINESE)
    assert [layout.fields[i] for i in range(9, 15)] == [
        "probability",
        "level",
        "AR",
        "SR",
        "FR",
        "sponsor",
    ]


def test_headers_match_whatever_their_case_quotes_spaces_or_bom() -> None:
    layout = recognise(['\ufeff"Opportunity  Name"', " account name ", "CLOSE DATE"])
    assert dict(layout.fields) == {0: "name", 1: "account", 2: "close_date"}
    assert layout.header_of["name"] == '\ufeff"Opportunity  Name"'


def test_unknown_headers_and_a_second_column_for_one_field_are_listed() -> None:
    layout = recognise(["Deal Name", "Company name", "Associated Company", "Notes", ""])
    assert dict(layout.fields) == {0: "name", 1: "account"}
    assert layout.unknown == ("Associated Company", "Notes", "")


def test_missing_required_fields_are_named() -> None:
    assert recognise(["Amount", "Stage"]).missing == ("name", "account")
    assert recognise(["Full name"], "people").missing == ("handle or email",)
    assert recognise(["e-mail"], "people").missing == ("name",)
    assert recognise(["tier"], "accounts").missing == ("name",)


def test_a_sheet_with_no_known_header_is_a_spreadsheet() -> None:
    layout = recognise(["Foo", "Bar"])
    assert layout.shape == "spreadsheet" and layout.fields == {}


def test_the_mapping_files_columns_come_first() -> None:
    given = ImportMap(columns={"Projekt": "name", "Kunde": "account", "Wert": "amount"})
    layout = recognise(["Account Name", "Projekt", "Kunde", "Wert", "Stage"], given=given)
    assert layout.shape == "mapping file"
    assert dict(layout.fields) == {1: "name", 2: "account", 3: "amount", 4: "stage"}
    assert layout.unknown == ("Account Name",)


def test_people_and_accounts_headers() -> None:
    people = recognise(["Login", "Full Name", "E-mail"], "people")
    assert dict(people.fields) == {0: "handle", 1: "name", 2: "email"}
    chinese = recognise(["用户名", "姓名", "邮箱"], "people")
    assert chinese.shape == "Chinese sheet" and len(chinese.fields) == 3
    assert dict(recognise(["账号", "电子邮件"], "people").fields) == {0: "handle", 1: "email"}
    accounts = recognise(["客户名称", "客户级别"], "accounts")
    assert dict(accounts.fields) == {0: "name", 1: "tier"}
    assert dict(recognise(["Account Name", "Tier"], "accounts").fields) == {0: "name", 1: "tier"}


# --- the mapping file -------------------------------------------------------------------

MAP = """\
day_first = true
currency = "rmb"
[stages]
"Angebot" = "bid"
"Auftrag erteilt" = "won"
[columns]
"Vorhaben" = "name"
"Auftraggeber" = "account"
"Verantwortlich" = "ar"
"""


def test_a_mapping_file_is_read() -> None:
    m = load_map(MAP)
    assert m == ImportMap(
        columns={"Vorhaben": "name", "Auftraggeber": "account", "Verantwortlich": "AR"},
        stages={"angebot": "bid", "auftrag erteilt": "won"},
        currency="CNY",
        day_first=True,
    )
    assert load_map("") == ImportMap()


@pytest.mark.parametrize(
    "m",
    [
        ImportMap(),
        load_map(MAP),
        ImportMap(currency="rmb", day_first=False, entity="people", columns={"Login": "handle"}),
        ImportMap(
            columns={'He said "hi"\\': "name", "客户\x7f": "account", "tab\there": "code"},
            stages={"Ünïcode ✓ 😀": "closed", "x = [y]": "dropped"},
        ),
    ],
)
def test_a_mapping_file_written_reads_back_the_same(m: ImportMap) -> None:
    text = map_toml(m)
    assert load_map(text) == m
    assert text.startswith("#")  # commented for the team


def test_the_written_file_is_readable() -> None:
    text = map_toml(load_map(MAP))
    assert '"Vorhaben" = "name"' in text and '"angebot" = "bid"' in text
    assert "day_first = true" in text and 'currency = "CNY"' in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('entity = "deals"\n[columns\n', "mapping file is not valid TOML: "),
        ('currency = "CNY"\nfoo = 1\n', "mapping file, line 2: unknown setting 'foo'"),
        ('[columns]\n"A" = "name"\n"B" = "nope"\n', "mapping file, line 3: column 'B' maps to"),
        ('[stages]\n"a" = "bid"\n"b" = "later"\n', "mapping file, line 3: 'later' is not a stage"),
        ('\n\ncurrency = "XYZ"\n', "mapping file, line 3: currency 'XYZ' is not an ISO 4217"),
        ('entity = "cats"\n', "mapping file, line 1: entity 'cats' is not deals"),
        ('day_first = "yes"\n', "mapping file, line 1: day_first must be true or false"),
        ('[columns]\n"A" = 3\n', "mapping file, line 2: [columns] 'A' must be a string"),
        ('entity = "people"\n[columns]\n"X" = "amount"\n', "line 3: column 'X' maps to 'amount'"),
    ],
)
def test_mistakes_in_a_mapping_file_name_the_line(text: str, message: str) -> None:
    with pytest.raises(RuleError) as err:
        load_map(text)
    assert str(err.value).startswith(message) or message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_bad_toml_error_names_the_file_and_where() -> None:
    with pytest.raises(RuleError) as err:
        load_map('currency = "CNY"\n[columns\n', name="acme.toml")
    assert str(err.value).startswith("acme.toml is not valid TOML") and "line 2" in str(err.value)


# --- deals ------------------------------------------------------------------------------


def rows(*cells: Sequence[str], first: int = 2) -> list[tuple[int, Sequence[str]]]:
    return [(first + i, row) for i, row in enumerate(cells)]


def deals(headers: Sequence[str], *cells: Sequence[str], first: int = 2) -> Drafts[DealDraft]:
    """The drafts of ``cells`` (lines from ``first``) under ``headers`` recognised."""
    return read_deals(recognise(headers), rows(*cells, first=first))


@pytest.mark.parametrize(
    ("headers", "cells", "shape"),
    [
        (SALESFORCE_HEADERS, SALESFORCE_ROWS, "Salesforce"),
        (HUBSPOT_HEADERS, HUBSPOT_ROWS, "HubSpot"),
        (ODOO_HEADERS, ODOO_ROWS, "Odoo"),
        (CHINESE_HEADERS, CHINESE_ROWS, "Chinese sheet"),
    ],
)
def test_the_sample_exports_read_without_a_problem(
    headers: Sequence[str], cells: Sequence[Sequence[str]], shape: str
) -> None:
    layout = recognise(headers)
    assert layout.shape == shape and layout.unknown == () and layout.missing == ()
    drafts = read_deals(layout, rows(*cells))
    assert drafts.problems == () and len(drafts.rows) == len(cells)
    assert all(d.source_id and d.name and d.account for d in drafts.rows)


def test_the_sample_exports_values() -> None:
    harbor = deals(SALESFORCE_HEADERS, *SALESFORCE_ROWS).rows[0]
    assert (harbor.amount, harbor.currency, harbor.close_date) == (1_200_000, "USD", DEC_1)
    assert harbor.stage is Stage.BID and harbor.leads == {Role.AR: "Ana Alves"}
    maple, orchid, quarry = deals(HUBSPOT_HEADERS, *HUBSPOT_ROWS).rows
    assert (maple.stage, maple.close_date) == (Stage.CONTRACT, DEC_1)
    assert orchid.amount == 157_500 and (quarry.status, quarry.amount) == (DealStatus.WON, 0)
    lumen, fjord = deals(ODOO_HEADERS, *ODOO_ROWS).rows
    assert (lumen.stage, fjord.stage, fjord.currency) == (Stage.BID, Stage.OPPORTUNITY, "NOK")
    parks = deals(CHINESE_HEADERS, *CHINESE_ROWS).rows
    assert [(d.amount, d.currency, d.stage) for d in parks] == [
        (1_200_000, "CNY", Stage.BID),
        (1_200_000, "CNY", Stage.PRE_BID),
        (3_500_000, "CNY", Stage.CONTRACT),
    ]
    assert parks[0].close_date == parks[1].close_date == DEC_1
    assert parks[0].leads == {Role.AR: "张伟", Role.SR: "李娜", Role.FR: "王强"}


def test_a_salesforce_report_becomes_deal_drafts() -> None:
    layout = recognise(SALESFORCE)
    drafts = read_deals(
        layout,
        rows(
            [
                "0061",
                "Core network",
                "Acme",
                "1,200,000.50",
                "USD",
                "12/1/2026",
                "Value Proposition",
                "40",
                "ana@acme.com",
            ],
            ["0062", "Edge", "Beta", "", "", "", "", "", ""],
        ),
    )
    assert drafts.problems == () and drafts.bad == {}
    first, second = drafts.rows
    assert first.line == 2 and first.source_id == "0061" and first.code is None
    assert (first.name, first.account, first.currency) == ("Core network", "Acme", "USD")
    assert first.amount == 1_200_000  # half to even
    assert (first.stage, first.status) == (Stage.PRE_BID, DealStatus.OPEN)
    assert first.probability == 40 and first.close_date == date(2026, 12, 1)
    assert first.leads == {Role.AR: "ana@acme.com"}
    assert (second.stage, second.status, second.amount) == (Stage.LEAD, DealStatus.OPEN, 0)
    assert second.currency is None and second.close_date is None and second.leads == {}


def test_a_chinese_sheet_becomes_deal_drafts() -> None:
    layout = recognise(CHINESE)
    cells = ["X-1", "核心网扩容", "某运营商", "S级", "120万元", "人民币", "2026年12月1日", "投标"]
    cells += ["赢单", "75%", "一级", "张三", "李四", "王五", "赵总"]
    (deal,) = read_deals(layout, rows(cells)).rows
    assert deal.tier is Tier.S and deal.level is Level.I and deal.amount == 1_200_000
    assert deal.currency == "CNY" and deal.close_date == date(2026, 12, 1)
    # the status column says won: a won deal sits at Contract at the least
    assert (deal.stage, deal.status) == (Stage.CONTRACT, DealStatus.WON)
    assert deal.leads == {Role.AR: "张三", Role.SR: "李四", Role.FR: "王五", Role.SPONSOR: "赵总"}


def test_a_status_column_overrides_the_stage_status() -> None:
    drafts = deals(
        ["name", "account", "stage", "status"],
        ["A", "X", "Bid", "lost"],
        ["B", "X", "Delivery", "open"],
        ["C", "X", "Closed Won", ""],
        ["D", "X", "", "放弃"],
    )
    got = [(d.stage, d.status) for d in drafts.rows]
    assert got == [
        (Stage.BID, DealStatus.LOST),
        (Stage.DELIVERY, DealStatus.OPEN),
        (Stage.CONTRACT, DealStatus.WON),
        (Stage.LEAD, DealStatus.DROPPED),
    ]


def test_the_impossible_date_message_names_line_and_header() -> None:
    layout = recognise(SALESFORCE)
    cells = ["006", "Core", "Acme", "1,200", "CNY", "31/02/2027", "Prospecting", "", ""]
    drafts = read_deals(layout, [(37, cells)])
    assert [str(p) for p in drafts.problems] == ["line 37, Close Date: '31/02/2027' is not a date"]
    assert drafts.rows == () and drafts.bad == {37: tuple(cells)}


def test_a_symbol_that_disagrees_with_the_currency_column_is_a_problem() -> None:
    drafts = deals(
        ["Name", "Account", "Amount", "Currency"],
        ["A", "X", "$1,200", "CNY"],
        ["B", "X", "$1,200", "CAD"],
        ["C", "X", "€5", ""],
    )
    assert drafts.problems == (Problem(2, "Amount", "'$1,200' is in USD but Currency says CNY"),)
    assert [(d.amount, d.currency) for d in drafts.rows] == [(1200, "CAD"), (5, "EUR")]


def test_every_bad_cell_of_a_row_is_a_problem_in_column_order() -> None:
    headers = ["Code", "Name", "Account", "Tier", "Amount", "Currency", "Probability", "Level"]
    cells = ["bad code!", "", "Acme", "D", "abc", "XYZ", "150", "IV"]
    drafts = read_deals(recognise(headers), [(5, cells)])
    assert [p.column for p in drafts.problems] == [
        "Code",
        "Name",
        "Tier",
        "Amount",
        "Currency",
        "Probability",
        "Level",
    ]
    assert all(p.line == 5 for p in drafts.problems)
    assert str(drafts.problems[1]) == "line 5, Name: name must not be empty"
    assert drafts.bad == {5: tuple(cells)}


def test_repeated_ids_are_a_problem_on_the_later_line() -> None:
    drafts = deals(
        ["Opportunity ID", "code", "name", "account"],
        ["006A", "ACME-1", "One", "Acme"],
        ["006B", "ACME-2", "Two", "Acme"],
        ["006A", "acme-2", "Three", "Acme"],
        first=4,
    )
    assert [str(p) for p in drafts.problems] == [
        "line 6, Opportunity ID: repeats Opportunity ID '006A' of line 4",
        "line 6, code: repeats code 'ACME-2' of line 5",
    ]
    assert [d.code for d in drafts.rows] == ["ACME-1", "ACME-2"]


def test_blank_rows_short_rows_and_extra_cells() -> None:
    drafts = deals(
        ["name", "account", "amount"],
        ["", "  ", ""],
        [],
        ["A", "Acme"],
        ["B", "Beta", "5", "ignored", "too"],
    )
    assert [(d.line, d.name, d.amount) for d in drafts.rows] == [(4, "A", 0), (5, "B", 5)]
    assert drafts.problems == ()


def test_a_100k_character_cell_is_a_clean_problem() -> None:
    huge = "x" * 100_000
    drafts = deals(
        ["name", "account", "amount", "close_date", "stage"], [huge, "Acme"] + [huge] * 3
    )
    messages = [str(p) for p in drafts.problems]
    assert messages[0] == "line 2, name: name is longer than 20,000 characters"
    assert len(messages) == 4 and all(len(m) < 200 for m in messages)


def test_a_formula_cell_is_kept_as_plain_text() -> None:
    formula = '=HYPERLINK("http://x","y")'
    (deal,) = deals(["name", "account", "AR"], [formula, "+cmd|' /C calc'!A0", "@SUM(1)"]).rows
    assert deal.name == formula
    assert deal.account == "+cmd|' /C calc'!A0" and deal.leads == {Role.AR: "@SUM(1)"}


@pytest.mark.parametrize("cell", HOSTILE_CELLS, ids=range(len(HOSTILE_CELLS)))
def test_hostile_cells_are_kept_as_text_or_are_a_one_line_problem(cell: str) -> None:
    named = deals(["name", "account"], [cell, "Acme"])
    if cell is LONG_CELL:
        assert [p.column for p in named.problems] == ["name"]
    else:
        assert named.rows[0].name == cell.strip()
    everywhere = deals(DEALROOM, [cell] * len(DEALROOM))
    assert everywhere.problems and everywhere.bad == {2: (cell,) * len(DEALROOM)}
    assert all("\n" not in str(p) and len(str(p)) < 250 for p in everywhere.problems)


def test_the_mapping_files_stages_and_day_first_apply() -> None:
    imap = load_map(MAP)
    layout = recognise(["Vorhaben", "Auftraggeber", "Phase", "Datum"], given=imap)
    assert layout.missing == () and layout.unknown == ("Phase", "Datum")
    imap = ImportMap(
        columns={"Projekt": "name", "Kunde": "account", "Phase": "stage", "Datum": "close_date"},
        stages={"Angebot": "bid"},
        day_first=True,
    )
    layout = recognise(["Projekt", "Kunde", "Phase", "Datum"], given=imap)
    (deal,) = read_deals(layout, rows(["P", "K", "Angebot", "02/03/2027"]), imap).rows
    assert deal.stage is Stage.BID and deal.close_date == date(2027, 3, 2)


def test_an_amount_too_large_is_a_problem() -> None:
    drafts = deals(["name", "account", "amount"], ["A", "X", "20000000亿"])
    assert [str(p) for p in drafts.problems] == ["line 2, amount: amount is implausibly large"]


# --- people and accounts ----------------------------------------------------------------


def test_people_drafts_derive_a_missing_handle_from_the_email() -> None:
    layout = recognise(["Full name", "E-mail", "Login"], "people")
    drafts = read_people(
        layout,
        rows(
            ["Ana Lima", "Ana.Lima@Acme.com", ""],
            ["Bo", "bo@acme.com", "bo"],
            ["Cy", "", "cy"],
            ["Dee", "not an e-mail", ""],
            ["Eve", "", ""],
            ["Fay", "", "two words"],
        ),
    )
    got = [(p.handle, p.name, p.email) for p in drafts.rows]
    assert got == [
        ("ana.lima", "Ana Lima", "Ana.Lima@Acme.com"),
        ("bo", "Bo", "bo@acme.com"),
        ("cy", "Cy", ""),
    ]
    assert [str(p) for p in drafts.problems] == [
        "line 5, E-mail: 'not an e-mail' is not an e-mail address",
        "line 6: a person needs a handle or an e-mail",
        "line 7, Login: a handle is one word, such as a login name",
    ]
    assert sorted(drafts.bad) == [5, 6, 7]


def test_account_drafts() -> None:
    layout = recognise(["客户名称", "客户级别"], "accounts")
    drafts = read_accounts(layout, rows(["Acme", "A类"], ["Beta", ""], ["Gamma", "Z"], ["", "S"]))
    assert [(a.name, a.tier) for a in drafts.rows] == [("Acme", Tier.A), ("Beta", None)]
    assert [str(p) for p in drafts.problems] == [
        "line 4, 客户级别: 'Z' is not a customer tier: S, A, B or C",
        "line 5, 客户名称: name must not be empty",
    ]


def test_a_layout_is_plain_data() -> None:
    layout = Layout({0: "name"}, (), ("account",), "spreadsheet", {"name": "Name"})
    drafts = read_deals(layout, rows(["A"]))
    assert [str(p) for p in drafts.problems] == ["line 2: account must not be empty"]
