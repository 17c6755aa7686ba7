"""Numbers, money and dates the language's way: amounts in 万 and 亿 where English shows k
and M, days as ``12月1日 周二``, and what a Chinese user types (今天, 下周一, 3天后,
12月1日, 120万) read as well as the English forms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dealroom import i18n
from dealroom.domain.dates import describe, parse_date
from dealroom.domain.money import parse_minor
from dealroom.domain.rules import RuleError, parse_amount
from dealroom.textutil import short_money

FRIDAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("amount", "english", "chinese"),
    [
        (999, "999", "999"),
        (35_000, "35.0k", "3.5万"),
        (350_000, "350k", "35.0万"),
        (1_650_000, "1.7M", "165万"),
        (12_000_000, "12.0M", "1,200万"),
        (150_000_000, "150M", "1.5亿"),
        (123_456_789_000, "123B", "1,235亿"),
        (-2_500_000, "-2.5M", "-250万"),
    ],
)
def test_short_amounts_count_in_the_languages_units(
    amount: int, english: str, chinese: str
) -> None:
    assert short_money(amount) == english
    with i18n.speaking("zh_CN"):
        assert short_money(amount) == chinese


@pytest.mark.parametrize(
    ("typed", "toward", "day"),
    [
        ("今天", "next", FRIDAY),
        ("明天", "next", date(2026, 12, 5)),
        ("后天", "next", date(2026, 12, 6)),
        ("昨天", "past", date(2026, 12, 3)),
        ("周五", "next", date(2026, 12, 11)),  # as fri: the next one
        ("周五", "past", FRIDAY),  # as fri toward the past: today counts
        ("星期一", "next", date(2026, 12, 7)),
        ("下周一", "next", date(2026, 12, 7)),
        ("下周五", "next", date(2026, 12, 11)),
        ("本周三", "next", date(2026, 12, 2)),
        ("上周五", "past", date(2026, 11, 27)),
        ("周日", "next", date(2026, 12, 6)),
        ("3天后", "next", date(2026, 12, 7)),
        ("三天后", "next", date(2026, 12, 7)),
        ("2周后", "next", date(2026, 12, 18)),
        ("3天前", "past", date(2026, 12, 1)),
        ("12月1日", "next", date(2027, 12, 1)),  # the next 1 December
        ("12月1日", "past", date(2026, 12, 1)),
        ("１２月８号", "next", date(2026, 12, 8)),  # full-width digits, 号
        ("2027年1月5日", "next", date(2027, 1, 5)),
    ],
)
def test_a_day_typed_in_chinese(typed: str, toward: str, day: date) -> None:
    assert parse_date(typed, FRIDAY, toward="past" if toward == "past" else "next") == day


@pytest.mark.parametrize(
    ("typed", "toward", "says"),
    [
        ("3天后", "past", "in the future"),
        ("99999天后", "next", "99,999 days ahead"),
        ("2月30日", "next", "is not a real day"),
        ("周八", "next", "is not a date"),
    ],
)
def test_a_chinese_day_that_cannot_be_is_refused_clearly(
    typed: str, toward: str, says: str
) -> None:
    with pytest.raises(RuleError, match=says):
        parse_date(typed, FRIDAY, field="due", toward="past" if toward == "past" else "next")


def test_what_a_day_resolved_to_reads_in_the_language() -> None:
    assert describe(date(2026, 12, 7), FRIDAY) == "Mon 2026-12-07 (in 3 days)"
    assert describe(date(2026, 12, 3), FRIDAY) == "Thu 2026-12-03 (yesterday)"
    with i18n.speaking("zh_CN"):
        assert describe(date(2026, 12, 1), FRIDAY) == "12月1日 周二（3 天前）"
        assert describe(date(2026, 12, 5), FRIDAY) == "12月5日 周六（明天）"
        with pytest.raises(RuleError, match="不是日期"):
            parse_date("someday", FRIDAY, field="due")


def test_amounts_typed_in_wan_and_yi() -> None:
    assert parse_amount("120万") == 1_200_000
    assert parse_amount("1.5亿") == 150_000_000
    assert parse_amount("120万元") == 1_200_000
    assert parse_amount("300k") == 300_000
    assert parse_minor("120万", "CNY") == 120_000_000
    assert parse_minor("3.5万元", "CNY") == 3_500_000
    with pytest.raises(RuleError, match="not a number"):
        parse_minor("万", "CNY")


def test_a_database_created_in_chinese_gets_the_chinese_checklists(tmp_path: Path) -> None:
    from dealroom.domain import Stage
    from dealroom.store import open_store

    chinese, english = f"sqlite:///{tmp_path / 'zh.db'}", f"sqlite:///{tmp_path / 'en.db'}"
    with i18n.speaking("zh_CN"), open_store(chinese, actor="ana") as store:
        template = store.methods.checklist_template()
    assert template[Stage.OPPORTUNITY][-1].text == "客户有明确的预算和明确的启动时间"
    assert template[Stage.OPPORTUNITY][-1].key == "opp_budget_and_start"  # the same keys
    with open_store(english, actor="ana") as store:
        pass
    with i18n.speaking("zh_CN"), open_store(english, actor="ana") as store:
        kept = store.methods.checklist_template()  # an existing one keeps its own
    assert kept[Stage.OPPORTUNITY][-1].text == (
        "The customer has a clear budget and a clear start time"
    )
