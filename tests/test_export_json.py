"""``dealroom export --format json``: the documented schema, exact text, and the cash; and
``--format csv``: a deals sheet whose cells are never formulas."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from pilots import TODAY, store_on, won_at

from dealroom.cli import main
from dealroom.domain import Role, Stage
from dealroom.store import Store


def test_the_json_export_is_the_documented_schema_with_exact_text(
    team_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALROOM_USER", "test")
    with store_on(team_db) as st:
        st.items.add_task("ACME-5G", Role.SR, "BoQ \x1b]0;pwned\x07 v2", owner="wei")
        won_at(st, "NORD-DC", Stage.CONTRACT)
        st.cash.add_milestone("NORD-DC", "all on signature", share_bp=10_000)
        st.cash.raise_invoice("NORD-DC", "INV-1", amount=1_000_00, issued=TODAY)
        head = st.chain.head()
    assert main(["--db", team_db, "export", "--format", "json", "--all"]) == 0
    raw = capsys.readouterr().out
    assert "\x1b" not in raw and "\\u001b" in raw  # escaped, never live
    doc = json.loads(raw)
    assert (doc["schema"], doc["version"], doc["base_currency"]) == ("dealroom.export", 1, "CNY")
    assert head is not None and doc["log_head"] == {"id": head[0], "hash": head[1]}
    deals = {d["code"]: d for d in doc["deals"]}
    acme = deals["ACME-5G"]
    assert {m["role"]: m["handle"] for m in acme["members"]} == {
        "AR": "ana",
        "SR": "wei",
        "FR": "li",
    }
    assert any(t["title"] == "BoQ \x1b]0;pwned\x07 v2" for t in acme["tasks"])  # exact
    assert [s["stage"] for s in acme["timeline"]][:2] == ["lead", "opportunity"]
    cash = deals["NORD-DC"]["cash"]
    assert cash["minor_places"] == 2 and cash["plan_adds_up"] is True
    assert cash["invoices"][0]["outstanding"] == 1_000_00
    assert set(acme) == documented("## A deal\n")  # docs/EXPORT_JSON.md lists every field
    assert set(cash) == documented("## A deal's cash\n")
    assert set(doc) == documented("## The document (version 1)\n")


def documented(section: str) -> set[str]:
    """The field names in the first column of a table of docs/EXPORT_JSON.md."""
    text = (Path(__file__).parent.parent / "docs" / "EXPORT_JSON.md").read_text(encoding="utf-8")
    part = text.split(section, 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in part.splitlines() if line.startswith("| `")]
    return {name for cell in rows for name in re.findall(r"`([a-z_]+)`", cell)}


def test_the_csv_deals_sheet_neutralises_formulas_and_reads_back(
    team_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALROOM_USER", "test")
    with store_on(team_db) as st:
        st.deals.create_deal(
            "EVIL-1", '=HYPERLINK("http://evil.example","click")', "@Acme, \"quoted\"\nnext line",
            leads={Role.AR: "ana"},
        )  # fmt: skip
    assert main(["--db", team_db, "export", "--format", "csv", "--all"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    evil = next(r for r in rows if r["code"] == "EVIL-1")
    assert evil["name"] == '\'=HYPERLINK("http://evil.example","click")'  # never a formula
    assert evil["account"] == '\'@Acme, "quoted"\nnext line'  # quoted, and read back whole
    acme = next(r for r in rows if r["code"] == "ACME-5G")
    assert (acme["amount"], acme["currency"], acme["AR"], acme["SR"]) == (
        "1200000", "CNY", "ana", "wei",
    )  # fmt: skip


@pytest.mark.parametrize("deals", [0, 1, 2])
def test_the_json_written_a_deal_at_a_time_is_the_whole_document(team: Store, deals: int) -> None:
    """Pieces joined: exactly what one ``json_text`` of the whole export gives, with no
    deal, one, and more."""
    from datetime import UTC, datetime

    from dealroom.export.json_export import SCHEMA, VERSION, deal_json, export_json
    from dealroom.textutil import json_text

    team.deals.create_deal("NORD-DC", "Data centre", "Nordic Power", leads={Role.AR: "ana"})
    rooms = team.reads.deal_rooms()[:deals]
    cashes = team.cash.of_deals([r.deal for r in rooms], today=TODAY)
    at, head = datetime(2026, 11, 23, 10, tzinfo=UTC), (7, "ab" * 32)
    whole = {
        "schema": SCHEMA,
        "version": VERSION,
        "exported_at": at.isoformat(),
        "base_currency": "CNY",
        "log_head": {"id": 7, "hash": "ab" * 32},
        "deals": [deal_json(r, cashes[r.deal.id]) for r in rooms],
    }
    pieces = list(
        export_json(
            [(r, cashes[r.deal.id]) for r in rooms],
            exported_at=at,
            base_currency="CNY",
            log_head=head,
        )
    )
    assert "".join(pieces) == json_text(whole, indent=1)
    assert len(pieces) == deals + 1
