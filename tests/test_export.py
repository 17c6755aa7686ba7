"""Markdown export: structure checked by a real GFM parser, hostile text stays literal, and
a golden file for a small fixed data set."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pilots import store_on
from seeding import open_seeder

from dealroom.cli import main
from dealroom.domain import Gate, GateDecision, Role, Stage, TaskStatus, rules
from dealroom.domain.checklist import Answer
from dealroom.domain.competitors import Competitor
from dealroom.domain.powermap import Contact, DecisionRole
from dealroom.export.markdown import md
from dealroom.store import open_store
from dealroom.store.inputs import ContactUpdate

TODAY = date(2026, 11, 23)
GOLDEN = Path(__file__).parent / "golden"
HOSTILE = [
    "[bold]x[/]",
    "oops [/]",
    "[@click=app.quit]bait[/]",
    "\x1b[31mred",
    "a|b",
    "# not a heading",
    "*not emphasis* _nor this_",
    "`not code`",
    "[x](y)",
    "<script>alert(1)</script>",
    "- not a list",
    "1. not a list either",
    "line one\nline two",
    "报价单第二版 🚀",
]


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.at += timedelta(minutes=7)
        return self.at


def fixed_data(url: str) -> None:
    """Two deals with items in every role, a gate history and a week of changes."""
    clock = Clock()
    with open_seeder(url, actor="ana", now=clock, today=TODAY - timedelta(days=7)) as st:
        st.people.add_person("ana", "Ana Lima")
        st.people.add_person("wei", "Wei Zhang 张伟")
        st.people.add_person("li", "李娜")
        st.deals.create_deal(
            "ACME-5G",
            "5G core refresh",
            "ACME Telecom",
            amount=1_200_000,
            close_date=date(2027, 3, 31),
            stage=Stage.OPPORTUNITY,
            leads={Role.AR: "ana", Role.SR: "wei", Role.FR: "li"},
        )
        st.deals.create_deal(
            "NORD-DC",
            "Data centre",
            "Nordlicht",
            amount=300_000,
            currency="EUR",
            leads={Role.AR: "wei"},
        )
        st.items.add_task(
            "ACME-5G", Role.AR, "Map the decision chain", owner="ana", due=date(2026, 11, 20)
        )
        st.items.add_task("ACME-5G", Role.SR, "Prepare BoQ v2", owner="wei", due=date(2026, 11, 30))
        st.items.add_risk(
            "ACME-5G",
            Role.FR,
            "Customs delay on optics",
            likelihood=4,
            impact=4,
            mitigation="Pre-stage in the warehouse",
            owner="li",
        )
        st.items.add_handoff("ACME-5G", Role.SR, Role.FR, "BoQ v2 and delivery assumptions")
    with open_store(url, actor="ana", now=clock, today=TODAY) as st:  # the AR decides
        st.deals.record_gate("ACME-5G", Gate.ATI, GateDecision.APPROVED, "Clear budget")
        st.deals.move_stage("ACME-5G", "next")
    with open_store(url, actor="wei", now=clock, today=TODAY) as st:
        done = st.items.add_task("ACME-5G", Role.AR, "Confirm budget", owner="ana", due=TODAY)
        st.items.set_task_status(done.id, TaskStatus.DONE)
        cto = st.powermap.add_contact(
            "ACME-5G",
            Contact("Wang Li", "CTO", DecisionRole.DECISION_MAKER, 5, key_decider=True,
                    support=1, owner="ana", last_contact=date(2026, 11, 18)),
        )  # fmt: skip
        st.powermap.update_contact(cto.id, ContactUpdate(support=-1))
        st.powermap.add_contact("ACME-5G", Contact("Zhou Min", "IT manager", DecisionRole.COACH, 2))
        st.powermap.add_competitor(
            "ACME-5G",
            Competitor("Rival Co", "Incumbent since 2019", "Price", "No local team", "",
                       "Delivery in six weeks"),
        )  # fmt: skip
        st.methods.score_factor("ACME-5G", "solution_fit", 2, note="Meets every must-have")
        st.methods.score_factor("ACME-5G", "finances", -1)
        pre = st.methods.checklist_template()[Stage.PRE_BID]
        st.checklists.answer_checklist(
            "ACME-5G", Stage.PRE_BID, pre[0].key, Answer.YES, note="Two held"
        )
        st.checklists.answer_checklist("ACME-5G", Stage.PRE_BID, pre[1].key, Answer.PARTLY)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "team.db"
    fixed_data(f"sqlite:///{path}")
    monkeypatch.setenv("DEALROOM_DB", str(path))
    return str(path)


def export(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["export", *argv]) == 0
    return capsys.readouterr().out


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    out = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            out.append((tok.tag, tokens[i + 1].content))
    return out


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Each table as rows of cell texts (header row first)."""
    found: list[list[list[str]]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            rows: list[list[str]] = []
            j = i
            while tokens[j].type != "table_close":
                if tokens[j].type == "tr_open":
                    rows.append([])
                if tokens[j].type == "inline" and rows:
                    rows[-1].append(tokens[j].content)
                j += 1
            found.append(rows)
    return found


def test_export_structure(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = export(capsys, "ACME-5G", "--today", "2026-11-23", "--since", "2026-11-20")
    tokens = parser().parse(text)
    assert headings(tokens) == [
        ("h2", "ACME-5G — 5G core refresh"),
        ("h3", "Timeline"),
        ("h3", "AR · Account lead · Ana Lima"),
        ("h3", "SR · Solution lead · Wei Zhang 张伟"),
        ("h3", "FR · Fulfillment lead · 李娜"),
        ("h3", "Stage checklists"),
        ("h3", "Power map"),
        ("h3", "Competitors"),
        ("h3", "Opportunity assessment"),
        ("h3", "Deal review"),
        ("h3", "Changes since 2026-11-20"),
    ]
    every = tables(tokens)
    assert every, "no tables"
    for rows in every:
        assert all(len(row) == len(rows[0]) for row in rows), rows
    timeline = every[0]
    assert timeline[0] == ["Stage", "Planned", "Actual", "Gate before it"]
    assert timeline[3][0] == "**Pre-bid shaping** (current)"
    assert timeline[3][3] == "ATI approved"
    assert "- [ ] Map the decision chain — Ana Lima, due 2026-11-20 · **overdue**" in text
    assert "- [x] Confirm budget — Ana Lima, due 2026-11-23" in text
    power_map = next(rows for rows in every if rows[0][0] == "Person")
    assert [row[0] for row in power_map[1:]] == ["Wang Li", "Zhou Min"]
    assert power_map[1][5] == "−1" and power_map[1][6] == "Ana Lima"
    assert "- key decider Wang Li (CTO) is at −1 weak opposition" in text
    assert "- Adverse move: support of Wang Li (CTO) fell from +1 to −1" in text
    assert "support of Wang Li (CTO) fell from +1 to −1" in text  # in the changes since
    assert "- [x] Technical briefings held" in text and "Wei Zhang 张伟: Two held" in text


def test_export_all_has_a_portfolio_summary(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = export(capsys, "--all", "--today", "2026-11-23")
    tokens = parser().parse(text)
    assert headings(tokens)[0] == ("h1", "Pipeline status — 2026-11-23")
    funnel = tables(tokens)[0]
    assert funnel[0] == ["Stage", "Deals", "Weighted (CNY)", "No rate"]  # EUR has no rate
    assert {row[0]: row[1:] for row in funnel[1:]}["Lead"] == ["1", "0", "1"]
    assert [h for h in headings(tokens) if h[0] == "h2"] == [
        ("h2", "Open pipeline by currency"),
        ("h2", "Forecast"),
        ("h2", "Cash forecast"),
        ("h2", "ACME-5G — 5G core refresh"),
        ("h2", "NORD-DC — Data centre"),
    ]
    assert "Not in the figures, no rate for their currency: NORD-DC (300,000 EUR)." in text


def test_export_all_adds_up_in_the_base_currency_at_the_rate_in_force(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One figure per stage, converted: a USD deal beside a CNY one at Pre-bid is 7.1 CNY a
    dollar, not one; and the open pipeline by currency adds up to the forecast's total."""
    with store_on(db) as st:
        st.deals.create_deal(
            "ACME-US", "US arm", "ACME Telecom", amount=1_000_000, currency="USD",
            stage=Stage.OPPORTUNITY, close_date=date(2027, 1, 15),
        )  # fmt: skip
        st.deals.record_gate("ACME-US", Gate.ATI, GateDecision.APPROVED)
        st.deals.move_stage("ACME-US", "next")
        st.money.set_rate("USD", Decimal("7.1"), date(2026, 11, 1))
        st.money.set_rate("EUR", Decimal("7.7"), date(2026, 11, 1))
        st.money.set_rate("USD", Decimal("9.9"), date(2026, 12, 1))  # not yet in force
        acme, us = st.reads.deal("ACME-5G"), st.reads.deal("ACME-US")
    assert acme.stage is us.stage is Stage.PRE_BID and acme.probability == us.probability
    text = export(capsys, "--all", "--today", "2026-11-23")
    tokens = parser().parse(text)
    assert "1 EUR = 7.7 CNY (from 2026-11-01); 1 USD = 7.1 CNY (from 2026-11-01)." in text
    funnel = {row[0]: row[1:] for row in tables(tokens)[0][1:]}
    both = rules.weighted(1_200_000, acme.probability) + rules.weighted(7_100_000, us.probability)
    assert funnel["Pre-bid shaping"] == ["2", f"{both:,}"]  # not 1.2M + 1M "all currencies"
    assert tables(tokens)[0][0] == ["Stage", "Deals", "Weighted (CNY)"]  # every deal has a rate
    by_currency = tables(tokens)[1]
    assert by_currency[0] == ["Currency", "Deals", "Pipeline", "Weighted", "Weighted in CNY"]
    everything = by_currency[-1]
    assert everything[0] == "**All, in CNY**" and everything[1] == "3"
    forecast_total = next(r for r in tables(tokens)[3] if r[0] == "**All**")[3]
    assert everything[4] == f"**{forecast_total.removesuffix(' CNY')}**"  # the two agree


def test_export_matches_the_golden_file(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = export(capsys, "--all", "--today", "2026-11-23", "--since", "2026-11-20")
    golden = GOLDEN / "export_all.md"
    if os.environ.get("DEALROOM_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_export_is_deterministic(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = export(capsys, "--all", "--today", "2026-11-23", "--since", "2026-11-16")
    second = export(capsys, "--all", "--today", "2026-11-23", "--since", "2026-11-16")
    assert first == second


def test_export_to_a_file(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "status.md"
    assert main(["export", "ACME-5G", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("## ACME-5G — 5G core refresh\n")
    assert "Wrote" in capsys.readouterr().err


def test_export_needs_codes_or_all(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export"]) == 2  # usage: the README's exit-status table
    assert "give deal codes or --all" in capsys.readouterr().err


@pytest.mark.parametrize("hostile", HOSTILE)
def test_md_keeps_hostile_text_literal(hostile: str) -> None:
    rendered = parser().parse(f"- [ ] {md(hostile)}\n\n| a |\n| --- |\n| {md(hostile)} |\n")
    inline = [t for t in rendered if t.type == "inline"]
    expected = " ".join(hostile.replace("\x1b", "␛").split())
    for tok in inline[:1] + inline[-1:]:
        children = tok.children or []
        assert [c.type for c in children] == ["text"], (hostile, children)
        assert children[0].content.removeprefix("[ ] ") == expected


def hostile_deal(url: str, texts: list[str]) -> None:
    """One deal whose every piece of user text is one of ``texts``: names, titles, notes,
    the power map, competitors, checklist and assessment notes."""
    from dealroom.domain.checklist import Answer
    from dealroom.domain.competitors import Competitor
    from dealroom.domain.powermap import Contact, DecisionRole

    with open_seeder(url, actor="ana", today=TODAY) as st:
        st.people.add_person("ana", texts[0])
        st.deals.create_deal("H-1", texts[0], f"ACME {texts[4]}", leads={Role.AR: "ana"})
        for i, title in enumerate(texts):
            st.items.add_task("H-1", Role.AR, title, owner="ana")
            st.items.add_risk("H-1", Role.SR, title, mitigation=title)
            st.items.add_handoff("H-1", Role.AR, Role.FR, title if i % 2 else f"{title} #{i}")
            st.powermap.add_contact(
                "H-1",
                Contact(f"{title} {i}", title[:100], DecisionRole.COACH, key_decider=True,
                        owner="ana", leaning_to=title[:100]),
            )  # fmt: skip
            st.powermap.add_competitor("H-1", Competitor(f"{title} {i}", *([title] * 5)))
        items = st.methods.checklist_template()[Stage.LEAD]
        for item, title in zip(items, texts, strict=False):
            st.checklists.answer_checklist("H-1", Stage.LEAD, item.key, Answer.PARTLY, note=title)
        st.methods.score_factor("H-1", "project", 1, note=texts[10])


def structure(text: str) -> list[str]:
    """The blocks of a Markdown text: headings, lists, items, tables, rows, HTML."""
    return [
        t.type
        for t in parser().parse(text)
        if t.type.endswith("_open") or t.type in ("html_block", "hr", "fence", "code_block")
    ]


def test_hostile_titles_round_trip_through_a_whole_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hostile text everywhere gives the same Markdown structure as plain text, and every
    piece of it comes out as literal text."""
    hostile_deal(f"sqlite:///{tmp_path}/h.db", HOSTILE)
    hostile_deal(f"sqlite:///{tmp_path}/p.db", [f"plain text {i}" for i in range(len(HOSTILE))])
    monkeypatch.setenv("DEALROOM_DB", f"{tmp_path}/p.db")
    plain = export(capsys, "H-1", "--today", "2026-11-23")
    monkeypatch.setenv("DEALROOM_DB", f"{tmp_path}/h.db")
    text = export(capsys, "H-1", "--today", "2026-11-23")
    assert structure(text) == structure(plain), "user text made Markdown structure"
    tokens = parser().parse(text)
    assert not [t for t in tokens if t.type == "html_block"]
    for t in tokens:
        for c in t.children or []:
            assert c.type not in ("html_inline", "link_open", "em_open", "code_inline", "image")
    for rows in tables(tokens):
        assert all(len(row) == len(rows[0]) for row in rows), rows
    literal = [c.content for t in tokens for c in (t.children or []) if c.type == "text"]
    joined = "\n".join(literal)
    for title in HOSTILE:
        assert " ".join(title.replace("\x1b", "␛").split()) in joined, title
    for section in ("Power map", "Competitors", "Stage checklists", "Opportunity assessment"):
        assert f"### {section}" in text
