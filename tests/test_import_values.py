"""The values a team's exported sheets hold, read for ``dealroom import``: amounts,
currencies, dates, probabilities, tiers, levels, statuses and stage names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dealroom.domain import DealStatus, Level, RuleError, Stage, Tier, parse_date, rules
from dealroom.domain.import_values import (
    STAGE_TARGETS,
    check_stage_target,
    norm,
    parse_sheet_amount,
    parse_sheet_currency,
    parse_sheet_date,
    parse_sheet_level,
    parse_sheet_probability,
    parse_sheet_stage,
    parse_sheet_status,
    parse_sheet_tier,
)

# --- amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value", "currency"),
    [
        ("1200000", "1200000", None),
        ("1,200,000", "1200000", None),
        ("1.200.000,00", "1200000", None),
        ("1 200 000,50", "1200000.50", None),
        ("1\u00a0200\u00a0000,50", "1200000.50", None),
        ("1'200'000.50", "1200000.50", None),
        ("¥1,200,000", "1200000", "CNY"),
        ("￥1,200,000", "1200000", "CNY"),
        ("CN¥1,200", "1200", "CNY"),
        ("RMB 1,200,000", "1200000", "CNY"),
        ("$1,200.50", "1200.50", "USD"),
        ("US$1,200", "1200", "USD"),
        ("€1.200,00", "1200", "EUR"),
        ("£950", "950", "GBP"),
        ("USD 1,200,000", "1200000", "USD"),
        ("1,200,000 CNY", "1200000", "CNY"),
        ("1,200,000 eur", "1200000", "EUR"),
        ("120万", "1200000", None),
        ("1.5亿", "150000000", None),
        ("120万元", "1200000", "CNY"),
        ("１２０万", "1200000", None),
        ("1.2M", "1200000", None),
        ("1.2m", "1200000", None),
        ("300k", "300000", None),
        ("300K", "300000", None),
        ("2B", "2000000000", None),
        ("5 k USD", "5000", "USD"),
        ("12,00,000", "1200000", None),
        ("$1,200 CAD", "1200", "CAD"),
        ("0", "0", None),
    ],
)
def test_amounts_as_exports_write_them(cell: str, value: str, currency: str | None) -> None:
    assert parse_sheet_amount(cell) == (Decimal(value), currency)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1,200", "1200"),  # three digits after one separator: thousands
        ("1.200", "1200"),
        ("1,5", "1.5"),  # a decimal comma
        ("1.25", "1.25"),
        ("0.125", "0.125"),  # a lone 0 groups no thousands
        ("1200.500", "1200.5"),  # four digits before: not a thousands group
        ("1,200,000.5", "1200000.5"),  # both present: the last one is the decimal point
        ("1.200,5", "1200.5"),
        ("1 200,500", "1200.5"),  # spaces group the thousands: the comma is decimal
    ],
)
def test_comma_and_dot_are_told_apart(cell: str, value: str) -> None:
    assert parse_sheet_amount(cell)[0] == Decimal(value)


@pytest.mark.parametrize("cell", ["(1,200)", "-5", "$-1,200", "-¥1,200", "−300k"])
def test_negative_amounts_are_refused(cell: str) -> None:
    with pytest.raises(RuleError, match="must not be negative") as err:
        parse_sheet_amount(cell)
    assert err.value.field == "amount"


@pytest.mark.parametrize(
    "cell", ["abc", "1.2.3", "1,2,3", "12 apples", "XYZ 100", "50%", "1.200,000.5", "k", "$"]
)
def test_what_is_not_an_amount_is_said_so(cell: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_sheet_amount(cell)
    assert str(err.value) == f"{cell!r} is not an amount"


def test_an_empty_amount_and_a_runaway_cell_are_clean_refusals() -> None:
    with pytest.raises(RuleError, match="amount is empty"):
        parse_sheet_amount("   ")
    with pytest.raises(RuleError) as err:
        parse_sheet_amount("9" * 100_000)
    assert len(str(err.value)) < 100


def test_a_shared_symbol_reads_as_the_rows_currency_when_it_may() -> None:
    assert parse_sheet_amount("$1,200", currency="CAD") == (Decimal(1200), "CAD")
    assert parse_sheet_amount("¥1,200", currency="JPY") == (Decimal(1200), "JPY")
    assert parse_sheet_amount("€1,200", currency="USD") == (Decimal(1200), "EUR")
    with pytest.raises(RuleError, match="names two currencies"):
        parse_sheet_amount("USD 1,200 EUR")


def test_the_refactored_parse_amount_still_reads_what_people_type() -> None:
    assert rules.parse_amount("1,200,000") == 1_200_000
    assert rules.parse_amount("2.5") == 2 and rules.parse_amount("1.2m") == 1_200_000
    assert rules.whole_amount(Decimal("2.5")) == 2 and rules.whole_amount(Decimal("3.5")) == 4
    with pytest.raises(RuleError, match="implausibly large"):
        rules.whole_amount(Decimal("1e40"))


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("cny", "CNY"),
        ("RMB", "CNY"),
        ("人民币", "CNY"),
        ("元", "CNY"),
        ("美元", "USD"),
        ("欧元", "EUR"),
        (" usd ", "USD"),
        ("€", "EUR"),
        ("JPY", "JPY"),
    ],
)
def test_currency_cells(cell: str, code: str) -> None:
    assert parse_sheet_currency(cell) == code


def test_a_currency_that_is_not_one_is_refused() -> None:
    with pytest.raises(RuleError, match="'XYZ' is not an ISO 4217"):
        parse_sheet_currency("XYZ")


# --- dates ------------------------------------------------------------------------------

DEC_1 = date(2026, 12, 1)


@pytest.mark.parametrize(
    "cell",
    [
        "2026-12-01",
        "2026-12-01 00:00:00",
        "2026-12-01T00:00:00",
        "2026-12-01T09:30:00.000Z",
        "2026/12/1",
        "2026.12.1",
        "2026-12-1",
        "20261201",
        "2026年12月1日",
        "2026 年 12 月 1 日",
        "1-Dec-2026",
        "Dec 1, 2026",
        "December 1, 2026",
        "1 Dec 2026",
        "12/01/2026",
        "12/1/2026",
        "12/1/26",
        "01.12.2026",
        "46357",
        "46357.5",
    ],
)
def test_dates_as_sheets_write_them(cell: str) -> None:
    assert parse_sheet_date(cell) == DEC_1


def test_day_first_and_numbers_above_twelve_decide_the_order() -> None:
    assert parse_sheet_date("12/01/2026", day_first=True) == date(2026, 1, 12)
    assert parse_sheet_date("13/01/2026") == date(2026, 1, 13)  # 13 is no month
    assert parse_sheet_date("01/13/2026", day_first=True) == date(2026, 1, 13)
    assert parse_sheet_date("01.12.2026", day_first=False) == date(2026, 1, 12)
    assert parse_sheet_date("01-12-2026") == date(2026, 1, 12)


@pytest.mark.parametrize(
    "cell",
    ["31/02/2027", "2026-02-30", "2026-13-01", "1000", "99999", "foo 1 2026", "Dec 1", "soon", ""],
)
def test_what_is_not_a_date_is_said_so_in_one_wording(cell: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_sheet_date(cell, field="close_date")
    assert str(err.value) == f"{cell!r} is not a date"
    assert err.value.field == "close_date"


def test_excel_serials_are_read_only_for_1950_to_2100() -> None:
    assert parse_sheet_date("18264") == date(1950, 1, 1)
    assert parse_sheet_date("73415") == date(2100, 12, 31)
    for cell in ("18263", "73416"):
        with pytest.raises(RuleError, match="is not a date"):
            parse_sheet_date(cell)


def test_the_typed_date_parser_is_unchanged_by_the_shared_month_parts() -> None:
    today = date(2026, 11, 23)
    assert parse_date("dec 1", today) == DEC_1
    assert parse_date("1 dec 2027", today) == date(2027, 12, 1)


# --- probabilities, tiers, levels, statuses ---------------------------------------------


@pytest.mark.parametrize(
    ("cell", "percent"),
    [
        ("75", 75),
        ("75%", 75),
        ("75 %", 75),
        ("0.75", 75),
        ("0,75", 75),
        ("1.0", 100),
        ("1", 1),
        ("0", 0),
        ("100", 100),
        ("62.5%", 62),
        ("０.７５", 75),
    ],
)
def test_probabilities(cell: str, percent: int) -> None:
    assert parse_sheet_probability(cell) == percent


@pytest.mark.parametrize("cell", ["150", "101%", "-5", "abc", "", "75%%"])
def test_probabilities_outside_0_to_100_are_refused(cell: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_sheet_probability(cell)
    assert err.value.field == "probability"


@pytest.mark.parametrize(
    ("cell", "tier"),
    [
        ("S", Tier.S),
        ("a", Tier.A),
        ("S级", Tier.S),
        ("A类", Tier.A),
        ("Tier B", Tier.B),
        (" c ", Tier.C),
    ],
)
def test_tiers(cell: str, tier: Tier) -> None:
    assert parse_sheet_tier(cell) == tier


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        ("I", Level.I),
        ("ii", Level.II),
        ("III", Level.III),
        ("1", Level.I),
        ("3", Level.III),
        ("一级", Level.I),
        ("二级", Level.II),
        ("Ⅲ", Level.III),
        ("Level II", Level.II),
    ],
)
def test_levels(cell: str, level: Level) -> None:
    assert parse_sheet_level(cell) == level


def test_bad_tiers_and_levels_are_refused_by_name() -> None:
    with pytest.raises(RuleError, match="'D' is not a customer tier"):
        parse_sheet_tier("D")
    with pytest.raises(RuleError, match="'IV' is not a project level"):
        parse_sheet_level("IV")


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("open", DealStatus.OPEN),
        ("进行中", DealStatus.OPEN),
        ("Won", DealStatus.WON),
        ("赢单", DealStatus.WON),
        ("Closed Lost", DealStatus.LOST),
        ("丢单", DealStatus.LOST),
        ("放弃", DealStatus.DROPPED),
        ("dropped", DealStatus.DROPPED),
    ],
)
def test_statuses(cell: str, status: DealStatus) -> None:
    assert parse_sheet_status(cell) == status


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(RuleError, match="'maybe' is not a deal status"):
        parse_sheet_status("maybe")


# --- stages -----------------------------------------------------------------------------

OPEN, WON, LOST, DROPPED = DealStatus.OPEN, DealStatus.WON, DealStatus.LOST, DealStatus.DROPPED

SALESFORCE = [
    ("Prospecting", Stage.LEAD, OPEN),
    ("Qualification", Stage.OPPORTUNITY, OPEN),
    ("Needs Analysis", Stage.OPPORTUNITY, OPEN),
    ("Value Proposition", Stage.PRE_BID, OPEN),
    ("Id. Decision Makers", Stage.PRE_BID, OPEN),
    ("Perception Analysis", Stage.PRE_BID, OPEN),
    ("Proposal/Price Quote", Stage.BID, OPEN),
    ("Negotiation/Review", Stage.BID, OPEN),
    ("Closed Won", Stage.CONTRACT, WON),
    ("Closed Lost", Stage.OPPORTUNITY, LOST),
]
HUBSPOT = [
    ("Appointment Scheduled", Stage.LEAD, OPEN),
    ("appointmentscheduled", Stage.LEAD, OPEN),
    ("Qualified To Buy", Stage.OPPORTUNITY, OPEN),
    ("qualifiedtobuy", Stage.OPPORTUNITY, OPEN),
    ("Presentation Scheduled", Stage.PRE_BID, OPEN),
    ("Decision Maker Bought-In", Stage.BID, OPEN),
    ("decisionmakerboughtin", Stage.BID, OPEN),
    ("Contract Sent", Stage.CONTRACT, OPEN),
    ("closedwon", Stage.CONTRACT, WON),
    ("closedlost", Stage.OPPORTUNITY, LOST),
]
ODOO = [
    ("New", Stage.LEAD, OPEN),
    ("Qualified", Stage.OPPORTUNITY, OPEN),
    ("Proposition", Stage.BID, OPEN),
    ("Won", Stage.CONTRACT, WON),
    ("Lost", Stage.OPPORTUNITY, LOST),
]
CHINESE = [
    ("线索", Stage.LEAD, OPEN),
    ("机会点", Stage.OPPORTUNITY, OPEN),
    ("机会", Stage.OPPORTUNITY, OPEN),
    ("标前引导", Stage.PRE_BID, OPEN),
    ("投标", Stage.BID, OPEN),
    ("合同", Stage.CONTRACT, OPEN),
    ("合同签订", Stage.CONTRACT, OPEN),
    ("交付", Stage.DELIVERY, WON),
    ("开票回款", Stage.INVOICE, WON),
    ("回款", Stage.INVOICE, WON),
    ("关闭", Stage.CLOSED, WON),
    ("赢单", Stage.CONTRACT, WON),
    ("已签约", Stage.CONTRACT, WON),
    ("丢单", Stage.OPPORTUNITY, LOST),
    ("输单", Stage.OPPORTUNITY, LOST),
    ("放弃", Stage.OPPORTUNITY, DROPPED),
]
DEALROOM = [
    ("lead", Stage.LEAD, OPEN),
    ("opportunity", Stage.OPPORTUNITY, OPEN),
    ("pre_bid", Stage.PRE_BID, OPEN),
    ("Pre-bid shaping", Stage.PRE_BID, OPEN),
    ("bid", Stage.BID, OPEN),
    ("contract", Stage.CONTRACT, OPEN),
    ("delivery", Stage.DELIVERY, WON),
    ("invoice", Stage.INVOICE, WON),
    ("Invoice & cash", Stage.INVOICE, WON),
    ("closed", Stage.CLOSED, WON),
]


@pytest.mark.parametrize(("cell", "stage", "status"), SALESFORCE + HUBSPOT + ODOO)
def test_crm_stages(cell: str, stage: Stage, status: DealStatus) -> None:
    assert parse_sheet_stage(cell) == (stage, status)


@pytest.mark.parametrize(("cell", "stage", "status"), CHINESE + DEALROOM)
def test_chinese_and_dealroom_stages(cell: str, stage: Stage, status: DealStatus) -> None:
    assert parse_sheet_stage(cell) == (stage, status)


def test_a_won_deal_sits_at_a_stage_the_rules_let_a_won_deal_be_at() -> None:
    for cell, *_ in SALESFORCE + HUBSPOT + ODOO + CHINESE + DEALROOM:
        stage, status = parse_sheet_stage(cell)
        if status is DealStatus.WON:
            rules.check_status_change(DealStatus.OPEN, status, stage, "imported")


def test_the_mapping_files_stages_win_over_the_built_in_ones() -> None:
    stages = {"angebot": "bid", "gewonnen": "won", "new": "opportunity"}
    assert parse_sheet_stage("Angebot", stages) == (Stage.BID, OPEN)
    assert parse_sheet_stage("  GEWONNEN ", stages) == (Stage.CONTRACT, WON)
    assert parse_sheet_stage("New", stages) == (Stage.OPPORTUNITY, OPEN)
    assert parse_sheet_stage("New") == (Stage.LEAD, OPEN)


def test_an_unknown_stage_points_at_the_mapping_file() -> None:
    with pytest.raises(RuleError) as err:
        parse_sheet_stage("Angebot")
    assert str(err.value) == (
        "'Angebot' is not a stage this import knows: map it in the mapping file's [stages]"
    )


def test_stage_targets() -> None:
    assert STAGE_TARGETS[-3:] == ("won", "lost", "dropped")
    assert check_stage_target("Bid") == "bid" and check_stage_target("WON") == "won"
    with pytest.raises(RuleError, match="'later' is not a stage"):
        check_stage_target("later")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Opportunity Name", "opportunity name"),
        ("\ufeffOpportunity Name", "opportunity name"),
        ('"Opportunity  Name"', "opportunity name"),
        ("  'Close\tDate' ", "close date"),
        ("客户名称", "客户名称"),
        ("STRASSE", "strasse"),
    ],
)
def test_norm(header: str, key: str) -> None:
    assert norm(header) == key
