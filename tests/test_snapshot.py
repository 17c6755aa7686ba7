"""The pipeline kept from the last read: used again, without loading the database layer,
only while the event log's head is the one it was read at, on the same day, for the same
person and filters; shown first by the app, which then reads nothing if nothing changed."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pilots import TODAY, make_app, pipeline_codes, settle, until
from sqlalchemy.dialects import sqlite

from dealroom.app import DealroomApp
from dealroom.cli import main
from dealroom.demo import seed_demo
from dealroom.domain import Gate, Role, Stage
from dealroom.screens.pipeline import PipelineScreen
from dealroom.store import open_store, snapshot
from dealroom.store.reads import head_statement
from dealroom.store.views import PipelineRow
from dealroom.widgets.vlist import VirtualList


@pytest.fixture
def demo_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo database named by its path (as ``--db FILE`` names it), acted on as ana."""
    path = tmp_path / "demo.db"
    st = open_store(str(path), actor="ana", create=True)
    try:
        seed_demo(st.engine, deals=30, seed=3, today=date.today(), actor="ana", items=12)
    finally:
        st.close()
    monkeypatch.setenv("DEALROOM_USER", "ana")
    return path


def listed(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> str:
    capsys.readouterr()
    assert main(["--db", str(path), "list", *argv]) == 0
    return capsys.readouterr().out


def no_store(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Opening a store from now on is recorded and refused."""
    opened: list[str] = []

    def refused(db: str | None = None, **_: Any) -> None:
        opened.append(str(db))
        raise AssertionError("the store was opened")

    monkeypatch.setattr("dealroom.store.open_store", refused)
    return opened


def kept_files() -> list[Path]:
    from platformdirs import user_cache_path

    return sorted((user_cache_path("dealroom", appauthor=False) / "pipeline").glob("*.json"))


def test_the_head_is_read_with_the_sql_sqlalchemy_compiles() -> None:
    compiled = head_statement().compile(
        dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
    )
    assert " ".join(str(compiled).split()) == snapshot.HEAD_SQL


def test_rows_come_back_from_json_as_they_went(demo_file: Path) -> None:
    st = open_store(str(demo_file), actor="ana")
    try:
        rows = st.reads.pipeline(include_closed=True)
    finally:
        st.close()
    assert len(rows) == 30
    first = rows[0]
    odd = PipelineRow(  # what the demo may not have: no close date, no rate, a gate
        deal=dataclasses.replace(first.deal, close_date=None, currency="XTS"),
        leads={Role.SR: "Wei 张伟", Role.AR: 'O\'Brien "x"'},
        overdue_tasks=1,
        blocked_tasks=2,
        high_risks=3,
        waiting_handoffs=4,
        pending_gate=Gate.ATB,
        base="EUR",
        base_amount=None,
        base_weighted=None,
        overdue_invoices=5,
    )
    for row in [*rows, odd]:
        said = json.loads(json.dumps(snapshot.ROW.encode(row)))
        assert snapshot.ROW.decode(said) == row
    assert odd.deal.created_at.tzinfo is not None


def test_list_reads_once_then_uses_what_it_kept_until_something_changes(
    demo_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    read = listed(capsys, demo_file)
    read_json = listed(capsys, demo_file, "--json")
    assert len(kept_files()) == 1  # the same pipeline, kept once
    with monkeypatch.context() as m:
        opened = no_store(m)
        assert listed(capsys, demo_file) == read
        assert listed(capsys, demo_file, "--json") == read_json
        assert opened == []
    code = json.loads(read_json)[0]["code"]
    st = open_store(str(demo_file), actor="ana")
    try:
        lead = next(m.handle for m in st.reads.deal_room(code).members if m.role is Role.AR)
    finally:
        st.close()
    assert main(["--db", str(demo_file), "--as", lead, "task", "add", code, "--role", "AR",
                 "--title", "Call back", "--due", "2000-01-01"]) == 0  # fmt: skip
    after = json.loads(listed(capsys, demo_file, "--json"))
    before = json.loads(read_json)
    assert after[0]["code"] == code
    assert after[0]["overdue_tasks"] == before[0]["overdue_tasks"] + 1


def test_what_is_kept_is_for_one_person_one_day_and_one_set_of_filters(
    demo_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(capsys, demo_file)
    key = snapshot.key_for(str(demo_file), "ana")
    assert key is not None
    today = datetime.now().astimezone().date()
    kept = snapshot.load(key, today)
    assert kept is not None and kept.head[0] > 0
    assert snapshot.load(key, today + timedelta(days=1)) is None  # overdue flags move
    wei = snapshot.Key(key.database, "wei")
    assert snapshot.load(wei, today) is None
    wei.file().write_bytes(key.file().read_bytes())  # ana's, under wei's name
    assert snapshot.load(wei, today) is None
    assert snapshot.load(snapshot.Key(key.database, "ana", mine=True), today) is None
    assert snapshot.load(snapshot.Key(key.database, "ana", stage="lead"), today) is None
    with monkeypatch.context() as m:  # each filter reads, then keeps its own
        opened = no_store(m)
        assert main(["--db", str(demo_file), "list", "--mine"]) != 0
        assert opened
    stage = listed(capsys, demo_file, "--stage", "lead")
    with monkeypatch.context() as m:
        no_store(m)
        assert listed(capsys, demo_file, "--stage", "lead") == stage


def test_a_damaged_or_foreign_file_is_read_again_and_replaced(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    read = listed(capsys, demo_file)
    (kept,) = kept_files()
    for damage in ("", "{", '{"format": 1}', json.dumps({"format": 99})):
        kept.write_text(damage, encoding="utf-8")
        assert listed(capsys, demo_file) == read
        assert json.loads(kept.read_text(encoding="utf-8"))["format"] == snapshot.FORMAT
    assert kept.stat().st_mode & 0o077 == 0  # the owner's only


def test_another_database_at_the_same_path_is_not_taken_for_the_kept_one(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed(capsys, demo_file)
    demo_file.unlink()
    st = open_store(str(demo_file), actor="ana", create=True)
    try:  # as many events as before, perhaps, but another log
        seed_demo(st.engine, deals=5, seed=4, today=date.today(), actor="ana", items=3)
    finally:
        st.close()
    assert len(json.loads(listed(capsys, demo_file, "--json"))) <= 5


def test_only_a_database_file_has_a_kept_pipeline(tmp_path: Path) -> None:
    assert snapshot.key_for("postgresql://u@h/db", "ana") is None
    assert snapshot.key_for(str(tmp_path / "x.db"), "ana") == snapshot.Key(tmp_path / "x.db", "ana")
    assert snapshot.log_head(tmp_path / "missing.db") is None


async def test_the_app_paints_the_kept_pipeline_before_the_store_opens_and_reads_nothing_more(
    demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_app(str(demo_file), "ana", today=TODAY)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: getattr(first.screen, "loaded", False))
        shown = pipeline_codes(first.screen.query_one("#deals", VirtualList))
    assert len(kept_files()) == 1

    release = threading.Event()
    opening = DealroomApp._open_store

    def held_open(self: DealroomApp) -> None:
        release.wait(20)
        opening(self)

    monkeypatch.setattr(DealroomApp, "_open_store", held_open)
    app = make_app(str(demo_file), "ana", today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        deals = screen.query_one("#deals", VirtualList)
        await until(pilot, lambda: pipeline_codes(deals) == shown)
        assert app.store is None and screen.loaded  # painted with no database layer open
        release.set()
        await until(pilot, lambda: app.store is not None)
        store = app.store
        assert store is not None
        reads: list[object] = []
        original = store.reads.pipeline_at
        monkeypatch.setattr(
            store.reads, "pipeline_at", lambda **kw: reads.append(kw) or original(**kw)
        )
        await settle(pilot)
        await asyncio.sleep(0.3)
        await settle(pilot)
        assert reads == []  # the head was unchanged: nothing read again
        assert pipeline_codes(deals) == shown


async def test_the_app_reads_what_changed_since_the_kept_pipeline(demo_file: Path) -> None:
    first = make_app(str(demo_file), "ana", today=TODAY)
    async with first.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: getattr(first.screen, "loaded", False))
    st = open_store(str(demo_file), actor="ana", today=TODAY)
    try:
        account = st.reads.accounts()[0].name
        st.deals.create_deal(
            "AAA-NEW", "Brand new", account, stage=Stage.LEAD, leads={Role.AR: "ana"}
        )
    finally:
        st.close()
    app = make_app(str(demo_file), "ana", today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        deals = app.screen.query_one("#deals", VirtualList)
        await until(pilot, lambda: "AAA-NEW" in pipeline_codes(deals), within=10)
        assert getattr(app.screen, "loaded", False)


def test_a_kept_time_keeps_its_zone() -> None:
    at = datetime(2026, 11, 23, 9, 30, 1, 250, tzinfo=UTC)
    codec = snapshot.Codec(Stamped)
    assert codec.decode(json.loads(json.dumps(codec.encode(Stamped(at, None))))) == Stamped(
        at, None
    )


@dataclasses.dataclass(frozen=True)
class Stamped:
    at: datetime
    day: date | None


@pytest.mark.parametrize("every", [0.0, 3600.0])
async def test_the_app_keeps_a_reload_after_others_change_at_most_so_often(
    demo_file: Path, monkeypatch: pytest.MonkeyPatch, every: float
) -> None:
    from dealroom.screens import pipeline

    monkeypatch.setattr(pipeline, "KEEP_EVERY", every)
    key = snapshot.key_for(str(demo_file), "ana")
    assert key is not None
    app = make_app(str(demo_file), "ana", today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: key.file().exists(), within=10)
        first = json.loads(key.file().read_text(encoding="utf-8"))["head"]
        st = open_store(str(demo_file), actor="ana", today=TODAY)
        try:  # someone else's change: the pipeline reads it again
            account = st.reads.accounts()[0].name
            st.deals.create_deal("AAA-NEW", "New", account, leads={Role.AR: "ana"})
        finally:
            st.close()
        deals = app.screen.query_one("#deals", VirtualList)
        await until(pilot, lambda: "AAA-NEW" in pipeline_codes(deals), within=10)
        await settle(pilot)
        now = json.loads(key.file().read_text(encoding="utf-8"))["head"]
    assert (now != first) == (every == 0.0)


async def test_the_app_keeps_and_paints_only_a_pipeline_small_enough_to_pay(
    demo_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dealroom.screens import pipeline

    monkeypatch.setattr(pipeline, "KEEP_DEALS", 3)
    first = make_app(str(demo_file), "ana", today=TODAY)
    async with first.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: getattr(first.screen, "loaded", False))
        await settle(pilot)
        assert len(getattr(first.screen, "rows", [])) > 3
    assert kept_files() == []
    listed(capsys, demo_file)  # dealroom list keeps any
    (kept,) = kept_files()
    key = snapshot.key_for(str(demo_file), "ana")
    assert key is not None
    today = datetime.now().astimezone().date()
    size = kept.stat().st_size
    assert snapshot.load(key, today, max_bytes=size) is not None
    assert snapshot.load(key, today, max_bytes=size - 1) is None
