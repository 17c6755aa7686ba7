"""The Alembic migrations: one head, data kept across upgrades, models and schema agree.

Every test runs on an SQLite file and, with ``DEALROOM_TEST_PG_URL`` set, on a fresh
PostgreSQL schema (the ``db_url`` fixture).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import TODAY, Clock
from seeding import open_seeder
from sqlalchemy import Engine

from dealroom.domain import (
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    Level,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
    Tier,
)
from dealroom.store import engine as eng
from dealroom.store import open_store
from dealroom.store.errors import SchemaError
from dealroom.store.inputs import TaskUpdate
from dealroom.store.tables import metadata

ALL_TABLES = {
    "person",
    "account",
    "deal",
    "deal_member",
    "stage_plan",
    "task",
    "risk",
    "handoff",
    "gate_decision",
    "event",
}


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = eng.make_engine(db_url)
    try:
        yield e
    finally:
        e.dispose()


def _table_names(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def _columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def _downgrade(engine: Engine, revision: str) -> None:
    """``alembic downgrade`` on our own connection, the way ``engine.upgrade`` runs."""
    cfg: Any = eng.alembic_config(engine)
    with eng.writer(engine).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


# --- the head ------------------------------------------------------------------------


def test_head_revision_is_alembics_single_head() -> None:
    script = ScriptDirectory(str(eng.migrations_dir()))
    heads = script.get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    assert heads[0] == eng.HEAD_REVISION
    # ...and the chain from the head reaches the first revision without gaps.
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain == [f"{n:04d}" for n in range(14, 0, -1)]  # 0014 … 0001


def test_empty_database_is_created_at_head(db_url: str, engine: Engine) -> None:
    assert eng.current_revision(engine) is None
    open_store(db_url, actor="ana").close()
    assert eng.current_revision(engine) == eng.HEAD_REVISION
    assert _table_names(engine) >= ALL_TABLES


# --- data written at 0001 survives the upgrade ---------------------------------------


def _fill_0001(engine: Engine) -> dict[str, Any]:
    """Rows in every table, inserted with Core against the reflected 0001 schema.

    Ids come from the database (no explicit ids), so PostgreSQL's sequences stay right
    for writes after the upgrade. Returns the ids by name.
    """
    md = sa.MetaData()
    md.reflect(engine)
    t = md.tables
    ids: dict[str, Any] = {}

    with engine.begin() as conn:

        def add(table: str, **values: Any) -> int:
            key = conn.execute(t[table].insert().values(**values)).inserted_primary_key
            assert key is not None
            return int(key[0])

        ids["ana"] = add("person", handle="ana", name="Ana Lima", email="ana@x.test", version=1)
        ids["wei"] = add("person", handle="wei", name="Wei Zhang", email="", version=3)
        ids["li"] = add("person", handle="li", name="李娜", email="li@x.test", version=1)
        ids["acme"] = add("account", name="ACME Telecom", tier="S", version=2)
        ids["globex"] = add("account", name="Globex", tier="B", version=1)
        ids["deal"] = add(
            "deal", code="ACME-5G", name="5G core refresh", account_id=ids["acme"],
            amount=1_200_000, currency="CNY", close_date=date(2027, 3, 31), stage="bid",
            probability_override=None, level="I", status="open", status_reason="",
            created_at=_at(2, 9), updated_at=_at(20, 17, 30), version=7,
        )  # fmt: skip
        ids["lost"] = add(
            "deal", code="GLOBEX-DC", name="Data centre", account_id=ids["globex"],
            amount=50_000, currency="EUR", close_date=None, stage="pre_bid",
            probability_override=40, level="III", status="lost", status_reason="price",
            created_at=_at(3, 10), updated_at=_at(10, 11), version=2,
        )  # fmt: skip
        d = ids["deal"]
        for handle, role in (("ana", "AR"), ("wei", "SR"), ("li", "FR"), ("wei", "sponsor")):
            add("deal_member", deal_id=d, person_id=ids[handle], role=role, version=1)
        add("deal_member", deal_id=ids["lost"], person_id=ids["ana"], role="AR", version=1)
        plans = (
            ("lead", None, date(2026, 11, 2)),
            ("opportunity", None, date(2026, 11, 5)),
            ("pre_bid", date(2026, 11, 10), date(2026, 11, 12)),
            ("bid", date(2026, 11, 20), date(2026, 11, 20)),
            ("contract", date(2027, 2, 1), None),
        )
        for stage, planned, actual in plans:
            add("stage_plan", deal_id=d, stage=stage, planned=planned, actual=actual, version=1)
        add("stage_plan", deal_id=ids["lost"], stage="lead", planned=None,
            actual=date(2026, 11, 3), version=1)  # fmt: skip
        add("gate_decision", deal_id=d, gate="ATI", decision="approved", decided_by="wei",
            decided_at=_at(9, 15), note="")  # fmt: skip
        add("gate_decision", deal_id=d, gate="ATB", decision="rejected", decided_by="boss",
            decided_at=_at(15, 15), note="too early")  # fmt: skip
        add("gate_decision", deal_id=d, gate="ATB", decision="approved", decided_by="boss",
            decided_at=_at(19, 16), note="go")  # fmt: skip
        ids["task_blocked"] = add(
            "task", deal_id=d, role="FR", title="Site survey", owner_id=ids["li"],
            due=date(2026, 11, 20), status="blocked", stage="bid", note="no access badge",
            created_at=_at(12, 8), updated_at=_at(18, 14, 5), version=3,
        )  # fmt: skip
        ids["task_done"] = add(
            "task", deal_id=d, role="SR", title="Solution deck", owner_id=None, due=None,
            status="done", stage=None, note="", created_at=_at(5, 8), updated_at=_at(7, 9),
            version=2,
        )  # fmt: skip
        ids["risk_escalated"] = add(
            "risk", deal_id=d, role="AR", title="Budget freeze", likelihood=4, impact=5,
            mitigation="talk to CFO", owner_id=ids["wei"], status="mitigating", escalated=True,
            created_at=_at(11, 10), updated_at=_at(16, 12, 45), version=4,
        )  # fmt: skip
        ids["risk_quiet"] = add(
            "risk", deal_id=d, role="SR", title="Vendor lock-in", likelihood=2, impact=2,
            mitigation="", owner_id=None, status="open", escalated=False,
            created_at=_at(11, 11), updated_at=_at(13, 9), version=1,
        )  # fmt: skip
        ids["handoff_sent"] = add(
            "handoff", deal_id=d, from_role="SR", to_role="FR", title="BoQ for delivery",
            note="see deck", due=date(2026, 11, 25), state="sent", reason="",
            sent_at=_at(18, 10), decided_at=None, created_at=_at(17, 10),
            updated_at=_at(18, 10), version=2,
        )  # fmt: skip
        ids["handoff_accepted"] = add(
            "handoff", deal_id=d, from_role="AR", to_role="SR", title="Customer needs",
            note="", due=None, state="accepted", reason="clear", sent_at=_at(6, 9),
            decided_at=_at(6, 16), created_at=_at(6, 8), updated_at=_at(6, 16), version=3,
        )  # fmt: skip
        events = (
            (_at(1, 8), "ana", None, "person", ids["wei"], 1, "create",
             {"name": [None, "Wei Zhang"]}, "added person Wei Zhang"),
            (_at(2, 9), "ana", d, "deal", d, 1, "create",
             {"amount": [None, 1_200_000], "stage": [None, "lead"]},
             "created deal ACME-5G '5G core refresh'"),
            (_at(18, 14, 5), "li", d, "task", ids["task_blocked"], 3, "status",
             {"status": ["doing", "blocked"]}, "marked task 'Site survey' blocked"),
        )  # fmt: skip
        for at, actor, deal_id, entity, entity_id, version, action, changes, summary in events:
            add(
                "event", at=at, actor=actor, deal_id=deal_id, entity=entity, entity_id=entity_id,
                entity_version=version, action=action, summary=summary,
                changes=json.dumps(changes, sort_keys=True),
            )  # fmt: skip
    return ids


def test_0001_data_is_kept_and_backfilled_by_the_upgrade(db_url: str, engine: Engine) -> None:
    eng.upgrade(engine, "0001")
    assert eng.current_revision(engine) == "0001"
    assert _table_names(engine) >= ALL_TABLES
    # really the 0001 schema: the 0002 columns are not there yet
    assert "status_changed_at" not in _columns(engine, "task")
    assert "escalated_at" not in _columns(engine, "risk")
    ids = _fill_0001(engine)

    store = open_store(db_url, actor="ana")  # upgrades to head on open
    try:
        assert eng.current_revision(engine) == eng.HEAD_REVISION
        assert "status_changed_at" in _columns(engine, "task")
        assert "escalated_at" in _columns(engine, "risk")

        assert [(p.handle, p.name, p.email, p.version) for p in store.reads.people()] == [
            ("ana", "Ana Lima", "ana@x.test", 1),
            ("wei", "Wei Zhang", "", 3),
            ("li", "李娜", "li@x.test", 1),
        ]
        assert [(a.name, a.tier, a.version) for a in store.reads.accounts()] == [
            ("ACME Telecom", Tier.S, 2),
            ("Globex", Tier.B, 1),
        ]

        room = store.reads.deal_room("acme-5g")
        d = room.deal
        assert (d.id, d.code, d.name, d.account, d.tier) == (
            ids["deal"], "ACME-5G", "5G core refresh", "ACME Telecom", Tier.S,
        )  # fmt: skip
        assert (d.amount, d.currency, d.close_date, d.stage, d.probability_override) == (
            1_200_000, "CNY", date(2027, 3, 31), Stage.BID, None,
        )  # fmt: skip
        assert (d.level, d.status, d.status_reason, d.version) == (
            Level.I, DealStatus.OPEN, "", 7,
        )  # fmt: skip
        assert (d.created_at, d.updated_at) == (_at(2, 9), _at(20, 17, 30))

        assert [(m.handle, m.role) for m in room.members] == [
            ("ana", Role.AR), ("wei", Role.SR), ("li", Role.FR), ("wei", Role.SPONSOR),
        ]  # fmt: skip
        assert {r: m.handle for r, m in room.leads.items()} == {
            Role.AR: "ana", Role.SR: "wei", Role.FR: "li",
        }  # fmt: skip
        assert [(g.gate, g.decision, g.decided_by, g.decided_at, g.note) for g in room.gates] == [
            (Gate.ATI, GateDecision.APPROVED, "wei", _at(9, 15), ""),
            (Gate.ATB, GateDecision.REJECTED, "boss", _at(15, 15), "too early"),
            (Gate.ATB, GateDecision.APPROVED, "boss", _at(19, 16), "go"),
        ]
        assert room.gate_states == {
            Gate.ATI: GateDecision.APPROVED,
            Gate.ATB: GateDecision.APPROVED,
        }
        line = {t.stage: (t.planned, t.actual, t.current, t.reached) for t in room.timeline}
        assert line[Stage.PRE_BID] == (date(2026, 11, 10), date(2026, 11, 12), False, True)
        assert line[Stage.BID] == (date(2026, 11, 20), date(2026, 11, 20), True, True)
        assert line[Stage.CONTRACT] == (date(2027, 2, 1), None, False, False)

        blocked, done = room.tasks  # due first, then no due date
        assert (blocked.id, blocked.role, blocked.title, blocked.owner, blocked.owner_name) == (
            ids["task_blocked"], Role.FR, "Site survey", "li", "李娜",
        )  # fmt: skip
        assert (blocked.due, blocked.status, blocked.stage, blocked.note, blocked.version) == (
            date(2026, 11, 20), TaskStatus.BLOCKED, Stage.BID, "no access badge", 3,
        )  # fmt: skip
        assert (done.id, done.owner, done.due, done.status, done.stage, done.version) == (
            ids["task_done"], None, None, TaskStatus.DONE, None, 2,
        )  # fmt: skip
        # 0002 backfills status_changed_at from updated_at (not created_at), row by row
        assert blocked.created_at == _at(12, 8)
        assert blocked.updated_at == blocked.status_changed_at == _at(18, 14, 5)
        assert done.updated_at == done.status_changed_at == _at(7, 9)

        hot, quiet = room.risks
        assert (hot.id, hot.role, hot.title, hot.likelihood, hot.impact, hot.mitigation) == (
            ids["risk_escalated"], Role.AR, "Budget freeze", 4, 5, "talk to CFO",
        )  # fmt: skip
        assert (hot.owner, hot.status, hot.escalated, hot.version) == (
            "wei", RiskStatus.MITIGATING, True, 4,
        )  # fmt: skip
        assert (quiet.id, quiet.owner, quiet.status, quiet.escalated, quiet.exposure) == (
            ids["risk_quiet"], None, RiskStatus.OPEN, False, 4,
        )  # fmt: skip
        # escalated_at: the last update time for the escalated risk only
        assert hot.escalated_at == hot.updated_at == _at(16, 12, 45)
        assert quiet.escalated_at is None

        sent, accepted = room.handoffs
        assert (sent.id, sent.from_role, sent.to_role, sent.title, sent.note, sent.due) == (
            ids["handoff_sent"], Role.SR, Role.FR, "BoQ for delivery", "see deck",
            date(2026, 11, 25),
        )  # fmt: skip
        assert (sent.state, sent.sent_at, sent.decided_at, sent.version) == (
            HandoffState.SENT, _at(18, 10), None, 2,
        )  # fmt: skip
        assert (accepted.id, accepted.state, accepted.reason, accepted.decided_at) == (
            ids["handoff_accepted"], HandoffState.ACCEPTED, "clear", _at(6, 16),
        )  # fmt: skip

        rows = {r.deal.code: r for r in store.reads.pipeline(include_closed=True, today=TODAY)}
        assert set(rows) == {"ACME-5G", "GLOBEX-DC"}
        acme = rows["ACME-5G"]
        assert acme.leads == {Role.AR: "Ana Lima", Role.SR: "Wei Zhang", Role.FR: "李娜"}
        assert (acme.overdue_tasks, acme.blocked_tasks, acme.high_risks) == (1, 1, 1)
        assert (acme.waiting_handoffs, acme.pending_gate) == (1, Gate.ATC)
        lost = rows["GLOBEX-DC"].deal
        assert (lost.account, lost.tier, lost.amount, lost.currency) == (
            "Globex", Tier.B, 50_000, "EUR",
        )  # fmt: skip
        assert (lost.stage, lost.status, lost.status_reason, lost.probability_override) == (
            Stage.PRE_BID, DealStatus.LOST, "price", 40,
        )  # fmt: skip
        assert rows["GLOBEX-DC"].pending_gate is None  # closed deals wait for no gate
        assert [r.deal.code for r in store.reads.pipeline(today=TODAY)] == ["ACME-5G"]

        events = store.reads.events()
        assert [
            (e.at, e.actor, e.deal_code, e.entity, e.entity_id, e.entity_version, e.action)
            for e in events
        ] == [
            (_at(1, 8), "ana", None, "person", ids["wei"], 1, "create"),
            (_at(2, 9), "ana", "ACME-5G", "deal", ids["deal"], 1, "create"),
            (_at(18, 14, 5), "li", "ACME-5G", "task", ids["task_blocked"], 3, "status"),
        ]
        assert events[1].changes == {"amount": [None, 1_200_000], "stage": [None, "lead"]}
        assert events[2].summary == "marked task 'Site survey' blocked"
        assert [e.entity for e in store.reads.events(code="ACME-5G")] == ["deal", "task"]

        # the upgraded database takes writes: ids, versions and the new column all work
        task = store.items.add_task("ACME-5G", Role.AR, "Call the CFO")
        assert task.id not in (ids["task_blocked"], ids["task_done"])
        changed = store.items.set_task_status(ids["task_blocked"], TaskStatus.DOING, version=3)
        assert changed.version == 4
        assert changed.status_changed_at == changed.updated_at > _at(18, 14, 5)
        assert store.reads.events()[-1].action == "status"
    finally:
        store.close()


def test_upgrade_makes_the_event_log_append_only(db_url: str, engine: Engine) -> None:
    eng.upgrade(engine, "0001")
    _fill_0001(engine)
    with engine.begin() as conn:  # at 0001 the log could still be edited
        conn.execute(sa.text("UPDATE event SET summary = 'edited' WHERE actor = 'li'"))
    eng.upgrade(engine)
    for sql in ("UPDATE event SET summary = 'again'", "DELETE FROM event"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.text(sql))
    with engine.connect() as conn:
        summaries = conn.execute(sa.text("SELECT summary FROM event ORDER BY id")).scalars()
        assert list(summaries)[-1] == "edited"


# --- models and migrations agree -----------------------------------------------------


def test_models_match_the_migrated_schema(engine: Engine) -> None:
    eng.upgrade(engine)
    with engine.connect() as conn:
        # compare_type is on by default (Alembic >= 1.12). SQLModel's AutoString and
        # UTCDateTime are TypeDecorators over String and DateTime(timezone=True), and
        # Alembic compares their impl types: on both backends this reports no noise, so
        # nothing is filtered here.
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_model_schema_comparison_does_see_differences(engine: Engine) -> None:
    """The check above is not vacuous: a changed length or nullability is reported."""
    eng.upgrade(engine)
    changed = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["deal"].c.currency.type = sa.String(8)
    changed.tables["task"].c.status_changed_at.nullable = True
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), changed)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    assert {(d[0], d[2], d[3]) for d in flat} == {
        ("modify_type", "deal", "currency"),
        ("modify_nullable", "task", "status_changed_at"),
    }


# --- databases this dealroom must not open -------------------------------------------


def test_newer_schema_revision_is_refused(db_url: str, engine: Engine) -> None:
    open_store(db_url, actor="ana").close()
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaError, match=r"9999.*upgrade dealroom") as err:
        open_store(db_url, actor="ana")
    assert "newer than this dealroom knows" in str(err.value)
    assert eng.current_revision(engine) == "9999"  # left alone


def test_database_not_made_by_dealroom_is_refused(db_url: str, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE deal (id INTEGER PRIMARY KEY, what TEXT)"))
    with pytest.raises(SchemaError, match="not made by dealroom"):
        open_store(db_url, actor="ana")
    # nothing was created in someone else's database
    assert _table_names(engine) == {"deal"}


def test_old_schema_without_auto_upgrade_names_dealroom_upgrade(
    db_url: str, engine: Engine
) -> None:
    eng.upgrade(engine, "0001")
    with pytest.raises(SchemaError, match=r"revision 0001.*`dealroom upgrade`"):
        open_store(db_url, actor="ana", auto_upgrade=False)
    assert eng.current_revision(engine) == "0001"  # not upgraded behind the user's back
    with pytest.raises(SchemaError, match="`dealroom upgrade`"):
        eng.ensure_schema(engine, may_write=False)
    assert eng.current_revision(engine) == "0001"


# --- downgrade -----------------------------------------------------------------------


def test_downgrade_to_0001_and_upgrade_again(db_url: str, engine: Engine, clock: Clock) -> None:
    store = open_seeder(db_url, actor="ana", now=clock, today=TODAY)
    try:
        store.people.add_person("li", "李娜")
        store.deals.create_deal("ACME-5G", "5G core refresh", "ACME Telecom", amount=10)
        store.deals.set_member("ACME-5G", Role.SPONSOR, "li")
        task = store.items.add_task("ACME-5G", Role.FR, "Site survey", owner="li")
        risk = store.items.add_risk("ACME-5G", Role.AR, "Budget freeze", escalated=True)
    finally:
        store.close()

    _downgrade(engine, "0001")
    assert eng.current_revision(engine) == "0001"
    assert "status_changed_at" not in _columns(engine, "task")
    assert "escalated_at" not in _columns(engine, "risk")
    with engine.begin() as conn:  # the append-only guard went with 0002
        conn.execute(sa.text("UPDATE event SET summary = summary || '.'"))

    clock.advance(hours=1)
    store = open_store(db_url, actor="ana", now=clock, today=TODAY)
    try:
        assert eng.current_revision(engine) == eng.HEAD_REVISION
        again = store.reads.task(task.id)
        assert (again.title, again.owner, again.version) == ("Site survey", "li", task.version)
        assert again.status_changed_at == again.updated_at == task.updated_at
        r = store.reads.risk(risk.id)
        assert r.escalated and r.escalated_at == r.updated_at == risk.escalated_at
        assert [e.summary.endswith(".") for e in store.reads.events()] == [True] * 7
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM event"))
        store.items.update_task(task.id, TaskUpdate(status=TaskStatus.DONE), version=task.version)
        assert store.reads.task(task.id).status_changed_at == clock.value
    finally:
        store.close()


def test_0004_database_gains_the_methods_with_the_default_checklists(
    db_url: str, engine: Engine
) -> None:
    """A team's database from before the methods: the upgrade adds their tables, seeds
    the checklist template, and the deals already there can use them at once."""
    from dealroom.domain.checklist import DEFAULT_CHECKLISTS, Answer
    from dealroom.domain.powermap import Contact

    eng.upgrade(engine, "0001")
    ids = _fill_0001(engine)
    eng.upgrade(engine, "0004")
    assert "contact" not in _table_names(engine)

    with open_store(db_url, actor="ana", today=TODAY) as store:  # upgrades on open
        assert eng.current_revision(engine) == eng.HEAD_REVISION
        assert _table_names(engine) >= {
            "checklist_item", "checklist_answer", "contact", "competitor",
            "assessment_score", "deal_review",
        }  # fmt: skip
        template = store.methods.checklist_template()
        assert {s: [i.key for i in items] for s, items in template.items()} == {
            s: [i.key for i in DEFAULT_CHECKLISTS.get(s, ())] for s in Stage
        }
        room = store.reads.deal_room("acme-5g")
        assert room.deal.id == ids["deal"] and room.marks == "????"
        assert room.completion[Stage.LEAD].answered == 0
        item = template[Stage.LEAD][0]
        store.checklists.answer_checklist("ACME-5G", Stage.LEAD, item.key, Answer.YES)
        store.powermap.add_contact("ACME-5G", Contact("Wang Li", "CTO"))
        m = store.methods.deal_methods("ACME-5G")
        assert m.completion(Stage.LEAD).yes == 1 and [c.name for c in m.contacts] == ["Wang Li"]

    _downgrade(engine, "0004")
    assert "contact" not in _table_names(engine) and "checklist_item" not in _table_names(engine)


def test_0005_stage_history_is_rebuilt_from_the_log_and_first_days_restored(
    db_url: str, engine: Engine
) -> None:
    """Before 0006 a move back and forward dated every stage anew: the upgrade rebuilds the
    stage history from the log's moves and gives each stage back its first day; a deal the
    log does not fully cover gets its history from the timeline's dates."""
    eng.upgrade(engine, "0001")
    ids = _fill_0001(engine)
    eng.upgrade(engine, "0005")
    d = ids["deal"]
    moves = (
        (5, "lead", "opportunity"), (12, "opportunity", "pre_bid"), (20, "pre_bid", "bid"),
        (22, "bid", "lead"), (23, "lead", "bid"),
    )  # fmt: skip
    md = sa.MetaData()
    md.reflect(engine)
    with engine.begin() as conn:
        for day, old, new in moves:
            conn.execute(
                md.tables["event"].insert().values(
                    at=_at(day, 12), actor="wei", deal_id=d, entity="deal", entity_id=d,
                    entity_version=1, action="stage", summary=f"moved from {old} to {new}",
                    changes=json.dumps({"stage": [old, new]}),
                )
            )  # fmt: skip
        plan = md.tables["stage_plan"]
        conn.execute(  # what a move back and forward did to the dates
            plan.update()
            .where(plan.c.deal_id == d, plan.c.stage.in_(["opportunity", "pre_bid", "bid"]))
            .values(actual=date(2026, 11, 23))
        )

    with open_store(db_url, actor="ana", today=TODAY) as store:
        room = store.reads.deal_room("ACME-5G")
        actual = {t.stage: t.actual for t in room.timeline if t.actual}
        assert actual == {
            Stage.LEAD: date(2026, 11, 2),
            Stage.OPPORTUNITY: date(2026, 11, 5),
            Stage.PRE_BID: date(2026, 11, 12),
            Stage.BID: date(2026, 11, 20),
        }
        assert [(m.from_stage, m.to_stage, m.day, m.actor) for m in room.moves_back] == [
            (Stage.BID, Stage.LEAD, date(2026, 11, 22), "wei")
        ]
        assert room.timeline[Stage.BID.order].went_back == date(2026, 11, 22)
        lost = store.reads.deal_room("GLOBEX-DC")  # no moves in its log: from its timeline
        assert lost.moves_back == []
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT deal_id, from_stage, to_stage, back FROM stage_move ORDER BY deal_id, id"
            )
        ).all()
    assert [(r[0], r[1], r[2], bool(r[3])) for r in rows] == [
        (d, None, "lead", False),
        *[(d, old, new, old == "bid" and new == "lead") for _, old, new in moves],
        (ids["lost"], None, "lead", False),
    ]
