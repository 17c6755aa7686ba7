"""The reports speak the language asked for: ``dealroom export --all --lang zh_CN``, the
standup digest and minutes, receivables and the calendar read in Chinese, are still GFM
that a real parser reads as the same headings and tables, with user text still literal;
the machine formats (JSON, CSV, iCalendar's property names) stay as they are; English
without ``--lang`` is byte for byte what it was (the golden file); and the exit codes
are the documented ones."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY
from markdown_it.token import Token
from pilots import store_on, won_at
from test_export import GOLDEN, fixed_data, headings, parser, tables

from dealroom import i18n
from dealroom.cli import EXIT_REFUSED, EXIT_USAGE, main
from dealroom.domain import Role, Stage
from dealroom.export.cash import ageing_markdown
from dealroom.export.digest import minutes_markdown, walk
from dealroom.store import Store

#: A deal's name, a task, a note: user text that would be Markdown if it were not escaped.
HOSTILE = "**x** | [y](z) <b>"
SINCE = ["--today", "2026-11-23", "--since", "2026-11-20"]
_PAIRED = re.compile(r"⟦[^⟦⟧]*⟧")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The golden file's two deals, and a third whose every piece of text is hostile."""
    path = tmp_path / "team.db"
    fixed_data(f"sqlite:///{path}")
    monkeypatch.setenv("DEALROOM_DB", str(path))
    return str(path)


def hostile_deal(db: str) -> None:
    with store_on(db) as st:
        st.deals.create_deal("H-1", HOSTILE, HOSTILE, leads={Role.AR: "ana"})
        st.items.add_task("H-1", Role.AR, HOSTILE, owner="ana", due=TODAY - timedelta(days=1))
        st.items.add_risk("H-1", Role.SR, HOSTILE, mitigation=HOSTILE)
        st.items.add_handoff("H-1", Role.AR, Role.FR, HOSTILE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def literal_text(tokens: list[Token]) -> str:
    return "\n".join(c.content for t in tokens for c in (t.children or []) if c.type == "text")


def assert_user_text_stays_text(tokens: list[Token], times: int) -> None:
    """No HTML, link or emphasis came from user text, every table row has its header's
    cells, and :data:`HOSTILE` is there ``times`` times or more as literal text (had its
    ``**`` been read as bold, it would not be)."""
    assert not [t for t in tokens if t.type == "html_block"]
    for t in tokens:
        for c in t.children or []:
            assert c.type not in ("html_inline", "link_open", "em_open", "image"), c
    for rows in tables(tokens):
        assert all(len(row) == len(rows[0]) for row in rows), rows
    assert literal_text(tokens).count(HOSTILE) >= times


# --- the deal export ----------------------------------------------------------------------


def test_export_all_in_chinese_is_gfm_with_the_same_structure(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile_deal(db)
    code, english, _err = run(capsys, "export", "--all", *SINCE)
    assert code == 0
    code, text, _err = run(capsys, "export", "--all", *SINCE, "--lang", "zh_CN")
    assert code == 0
    tokens = parser().parse(text)
    shape = [t.type for t in tokens if t.type.endswith("_open")]
    assert shape == [t.type for t in parser().parse(english) if t.type.endswith("_open")]
    found = headings(tokens)
    assert found[0] == ("h1", "商机状态 — 2026-11-23")
    assert [h for h in found if h[0] == "h2"][:5] == [
        ("h2", "进行中的商机（按币种）"),
        ("h2", "预测"),
        ("h2", "回款预测"),
        ("h2", "ACME-5G — 5G core refresh"),
        ("h2", r"H-1 — \*\*x\*\* \| \[y\](z) \<b\>"),
    ]
    acme = found.index(("h2", "ACME-5G — 5G core refresh"))
    assert found[acme + 1 : acme + 12] == [
        ("h3", "时间线"),
        ("h3", "AR · 客户经理 · Ana Lima"),
        ("h3", "SR · 方案经理 · Wei Zhang 张伟"),
        ("h3", "FR · 交付经理 · 李娜"),
        ("h3", "阶段检查清单"),
        ("h3", "权力地图"),
        ("h3", "竞争对手"),
        ("h3", "机会点评估"),
        ("h3", "项目评审"),
        ("h3", "2026-11-20 以来的变更"),
        ("h2", r"H-1 — \*\*x\*\* \| \[y\](z) \<b\>"),
    ]
    every = tables(tokens)
    funnel = every[0]
    assert funnel[0] == ["阶段", "项目数", "加权（CNY）", "无汇率"]
    assert [row[0] for row in funnel[1:4]] == ["线索", "机会点", "标前引导"]
    assert every[1][0] == ["币种", "项目数", "商机金额", "加权", "加权（折合 CNY）"]
    timeline = next(rows for rows in every if rows[0][1] == "计划")
    assert timeline[0] == ["阶段", "计划", "实际", "前置决策点"]
    assert timeline[3][0] == "**标前引导**（当前）" and timeline[3][3] == "ATI 已批准"
    assert ["风险", "风险值", "负责人", "缓解措施", "状态"] in [rows[0] for rows in every]
    assert "- [ ] Map the decision chain — Ana Lima，截止 2026-11-20 · **逾期**" in text
    assert "**任务**" in text and "**风险**" in text and "**交接**" in text
    # the hostile deal: its text stays literal in Chinese as in English
    assert_user_text_stays_text(tokens, 4)  # name, account, task, risk, handoff
    for word in ("Timeline", "Tasks", "Risks", "Handoffs", "Owner", "Weighted", "Stage"):
        assert word not in text, word


def test_english_without_lang_is_unchanged_after_a_chinese_report(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The language is the report's only (a block, not the process): an English report
    after a Chinese one is the golden file, byte for byte."""
    code, chinese, _err = run(capsys, "export", "--all", *SINCE, "--lang", "zh-CN")
    assert code == 0 and "商机状态" in chinese
    code, english, _err = run(capsys, "export", "--all", *SINCE)
    assert code == 0
    assert english == (GOLDEN / "export_all.md").read_text(encoding="utf-8")


def test_lang_before_or_after_the_command_is_the_same(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    after = run(capsys, "export", "ACME-5G", *SINCE, "--lang", "zh_CN")
    before = run(capsys, "--lang", "zh_CN", "export", "ACME-5G", *SINCE)
    assert after == before and after[0] == 0
    assert after[1].startswith(
        "## ACME-5G — 5G core refresh\n\n**ACME Telecom**（C 级客户） · 标前引导 · "
    )


def test_every_heading_and_column_of_the_export_comes_through_the_catalog(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """In the pseudo-language every table header and every section heading is wrapped;
    what stays outside is user data, codes and currency codes."""
    code, text, _err = run(capsys, "export", "--all", *SINCE, "--lang", i18n.PSEUDO)
    assert code == 0
    tokens = parser().parse(text)
    for rows in tables(tokens):
        for cell in rows[0]:
            rest = _PAIRED.sub("", cell).strip(" *")
            assert rest in ("", "AR"), (cell, rows[0])
    user_data = {"ACME", "5G", "core", "refresh", "NORD", "DC", "Data", "centre"}
    user_data |= {"Ana", "Lima", "Wei", "Zhang", "UTC"}
    for _tag, heading in headings(tokens):
        words = set(re.findall(r"[A-Za-z]{2,}", _PAIRED.sub("", heading)))
        assert words <= user_data | {"AR", "SR", "FR"}, heading


def test_json_and_csv_stay_as_they_are_in_any_language(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Machine formats for round trips: the same keys, values and column headers."""

    def data(*lang: str) -> dict[str, object]:
        code, out, _err = run(capsys, "export", "--all", "--format", "json", *lang)
        assert code == 0
        found = json.loads(out)
        found.pop("exported_at")
        return dict(found)

    assert data("--lang", "zh_CN") == data()
    code, csv_zh, _err = run(capsys, "export", "--all", "--format", "csv", "--lang", "zh_CN")
    assert code == 0
    assert csv_zh == run(capsys, "export", "--all", "--format", "csv")[1]
    assert csv_zh.startswith("code,name,account,tier,stage,status,amount,currency,")


def test_exit_codes_are_the_documented_ones_in_chinese(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "export", "--lang", "zh_CN")
    assert code == EXIT_USAGE and "请给出项目编号或使用 --all" in err
    code, _out, _err = run(capsys, "export", "NOPE", "--lang", "zh_CN")
    assert code == EXIT_REFUSED
    code, _out, err = run(capsys, "review", "--lang", "zh_CN")
    assert code == EXIT_USAGE and "--due" in err
    code, _out, _err = run(capsys, "review", "NOPE", "--lang", "zh_CN")
    assert code == EXIT_REFUSED
    code, out, _err = run(capsys, "review", "ACME-5G", "--lang", "zh_CN")
    assert code == 0 and out.startswith("# ")


def test_the_written_file_is_said_in_chinese(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "status.md"
    code, _out, err = run(capsys, "export", "ACME-5G", "-o", str(target), "--lang", "zh_CN")
    assert code == 0 and err.startswith(f"已写入 {target}")
    assert "### 时间线" in target.read_text(encoding="utf-8")


# --- the standup: digest and minutes --------------------------------------------------------


def test_the_standup_minutes_in_chinese_parse_as_gfm(team: Store) -> None:
    team.items.add_task("ACME-5G", Role.AR, HOSTILE, owner="ana", due=TODAY - timedelta(days=1))
    su = team.standups.start_standup()
    team.standups.cover(su.id, "ACME-5G")
    team.standups.add_note(su.id, HOSTILE, "ACME-5G")
    task = team.standups.add_action(su.id, "ACME-5G", Role.FR, HOSTILE, owner="li")
    ended = team.standups.end_standup(su.id)
    digests = walk(team.reads.deal_rooms(), team.reads.events(since=ended.since), TODAY)
    names = {"ana": "Ana Lima", "li": "李娜"}
    actions = [team.reads.task(task.id)]
    english = minutes_markdown(ended, digests, actions, today=TODAY, names=names)
    with i18n.speaking("zh_CN"):
        text = minutes_markdown(ended, digests, actions, today=TODAY, names=names)
    assert minutes_markdown(ended, digests, actions, today=TODAY, names=names) == english
    tokens = parser().parse(text)
    assert headings(tokens) == [
        ("h1", "站会纪要 — 2026-11-23"),
        ("h2", "总结"),
        ("h2", "行动项"),
        ("h2", "备注"),
        ("h2", "ACME-5G — 5G core refresh"),
        ("h3", "AR · Ana Lima"),
        ("h3", "SR · Wei Zhang"),
        ("h3", "FR · 李娜"),
    ]
    shape = [t.type for t in tokens if t.type.endswith("_open")]
    assert shape == [t.type for t in parser().parse(english) if t.type.endswith("_open")]
    assert f"站会 #{su.id}，主持人：Ana Lima" in text and "范围：团队的项目。" in text
    assert "- 已过项目：1（ACME-5G）" in text and "- 新建行动项：1" in text
    assert "ACME Telecom · 线索 · 10% · 签约 —" in text
    assert_user_text_stays_text(tokens, 3)  # the action, the note, the overdue task
    assert "- [ ] ACME-5G FR：\\*\\*x\\*\\* \\| \\[y\\](z) \\<b\\> — 李娜，到期 —" in text


def test_the_standup_command_speaks_chinese(
    team: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    team.items.add_task("ACME-5G", Role.AR, "Late one", owner="ana", due=TODAY - timedelta(days=3))
    argv = ["--db", team.url, "standup", "--today", TODAY.isoformat(), "--since", "2026-11-01"]
    code, out, _err = run(capsys, *argv, "--lang", "zh_CN")
    assert code == 0
    assert out.startswith(
        "# 站会摘要 — 2026-11-23\n\n2026-11-01 00:00 UTC 以来的变更。共 1 个在跟进"
    )
    assert "- 逾期：Late one（Ana Lima，2026-11-20）" in out
    assert [h for h in headings(parser().parse(out)) if h[0] == "h3"] == [
        ("h3", "AR · Ana Lima"),
        ("h3", "SR · Wei Zhang"),
        ("h3", "FR · 李娜"),
    ]
    su = team.standups.start_standup()
    team.standups.add_note(su.id, "customer moved the *kick-off*", "ACME-5G")
    code, out, _err = run(
        capsys, "--db", team.url, "standup", "--show", str(su.id), "--lang", "zh_CN"
    )
    assert code == 0 and "尚未结束：以下是它的记录。" in out
    assert r"customer moved the \*kick-off\*" in out
    code, out, _err = run(capsys, "--db", team.url, "standup", "--list", "--lang", "zh_CN")
    assert code == 0 and "0 个项目  1 条备注  0 个行动项  未结束" in out
    code, _out, _err = run(capsys, "--db", team.url, "standup", "--show", "999", "--lang", "zh_CN")
    assert code == EXIT_REFUSED


# --- money owed and the calendar -------------------------------------------------------------


def test_receivables_and_the_payment_plan_in_chinese(
    team_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with store_on(team_db) as st:
        won_at(st, "NORD-DC", Stage.CONTRACT)
        st.cash.add_milestone("NORD-DC", "All on signature", share_bp=10000)
        st.cash.raise_invoice("NORD-DC", HOSTILE, amount=100_00, issued=TODAY - timedelta(days=45))
        owed = st.cash.receivables(as_of=TODAY)
        base = st.money.rates().base
    with i18n.speaking("zh_CN"):
        ageing = ageing_markdown(owed, TODAY, base)
    tokens = parser().parse(ageing)
    assert headings(tokens) == [
        ("h1", "应收账款 — 截至 2026-11-23"),
        ("h2", "按客户"),
        ("h2", "按 AR"),
        ("h2", "发票"),
    ]
    by_customer, by_ar, invoices = tables(tokens)
    assert by_customer[0] == [
        "客户",
        "未到期",
        "1–30 天",
        "31–60 天",
        "61–90 天",
        "90 天以上",
        "合计",
    ]
    assert by_ar[0][0] == "AR" and by_customer[-1][0] == "**全部**"
    assert invoices[0] == ["发票", "项目", "客户", "AR", "到期日", "逾期天数", "未收", "折合 CNY"]
    assert_user_text_stays_text(tokens, 1)  # the invoice's number
    code, text, _err = run(capsys, "--db", team_db, "export", "NORD-DC", "--lang", "zh_CN")
    assert code == 0
    assert "### 回款计划与应收" in text and "回款计划与合同金额一致" in text
    assert ["发票", "开票日", "金额", "到期日", "未收", "逾期"] in [
        r[0] for r in tables(parser().parse(text))
    ]


def test_the_calendar_in_chinese_keeps_the_format(
    team_db: str, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    from icalendar import Calendar

    monkeypatch.setenv("DEALROOM_USER", "ana")
    with store_on(team_db) as st:
        st.deals.plan_stage("ACME-5G", Stage.BID, date(2027, 2, 1))
    assert main(["--db", team_db, "calendar", "--lang", "zh_CN"]) == 0
    ics = capsysbinary.readouterr().out
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nSUMMARY:" in ics
    summaries = {str(e["summary"]) for e in Calendar.from_ical(ics).walk("VEVENT")}
    assert "[ACME-5G] AR 任务：Map the decision chain（Ana Lima）" in summaries
    assert "[ACME-5G] 计划进入：投标（ATB 评审）" in summaries
