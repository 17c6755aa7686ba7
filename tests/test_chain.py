"""The event log as a hash chain: every write chains its events, ``dealroom verify`` finds an
event changed, removed or reordered behind the app's back (triggers dropped first), and a
head pasted with a report witnesses the log up to it."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import other_store
from seeding import open_seeder

from dealroom.cli import EXIT_REFUSED, main
from dealroom.domain import Gate, GateDecision, Role
from dealroom.domain.chain import GENESIS, Link, parse_head, walk, witnessed
from dealroom.store import Store, open_store
from dealroom.store import engine as eng

# --- the chain itself -------------------------------------------------------------------


def chained(n: int) -> list[Link]:
    links, prev = [], GENESIS
    for i in range(1, n + 1):
        at = datetime(2026, 11, 23, 9, i, tzinfo=UTC)
        link = Link(i, at, "ana", 1, "task", i, 1, "create", "{}", f"added task {i}", prev)
        link = replace(link, hash=link.content_hash(prev))
        links.append(link)
        prev = link.hash
    return links


def test_a_whole_chain_holds_and_each_kind_of_break_is_named() -> None:
    links = chained(5)
    whole = walk(links)
    assert (whole.count, whole.last_id, whole.broken) == (5, 5, None)

    changed = list(links)
    changed[2] = replace(changed[2], actor="ghost")
    broken = walk(changed).broken
    assert broken is not None and str(broken) == "event #3 was changed after it was written"

    removed = links[:2] + links[3:]
    broken = walk(removed).broken
    assert broken is not None and broken.event_id == 4 and broken.after == 2
    assert str(broken).startswith("event #4 does not follow #2: an event between them was removed")

    swapped = [links[0], links[2], links[1], *links[3:]]
    broken = walk(swapped).broken
    assert broken is not None and broken.event_id == 3 and broken.problem == "out of place"


def test_a_head_is_read_back_and_ends_a_report() -> None:
    assert parse_head("4182:3F9A1C2B7D4E") == (4182, "3f9a1c2b7d4e")
    assert parse_head("#4182 3f9a1c2b7d4e…") == (4182, "3f9a1c2b7d4e")
    for bad in ("4182", "x:3f9a1c2b", "4182:zz9a1c2b", "4182:3f9a"):
        with pytest.raises(ValueError, match="is not a log head"):
            parse_head(bad)
    text = witnessed("# Report\n\nbody\n", (7, "ab" * 32))
    assert text.endswith(
        "body\n\nlog head #7 abababababab · check with dealroom verify --head 7:abababababab\n"
    )
    assert witnessed("x\n", None) == "x\n"


# --- every write chains -----------------------------------------------------------------


def test_every_write_is_chained_and_the_log_holds(team: Store) -> None:
    task = team.items.add_task("ACME-5G", Role.AR, "Call the CFO")
    team.items.delete_task(task.id)
    team.deals.record_gate("ACME-5G", Gate.ATI, GateDecision.APPROVED)
    walked = team.chain.verify()
    assert walked.broken is None and walked.count == len(team.reads.events())
    assert team.chain.head() == (walked.last_id, walked.last_hash)


def test_writers_at_once_append_one_after_the_other(team: Store, clock: object) -> None:
    """Two people writing at the same moment: each event follows the one before it."""
    wei = other_store(team, clock)  # type: ignore[arg-type]
    errors: list[Exception] = []

    def write(store: Store, who: str) -> None:
        try:
            for i in range(15):
                store.items.add_task("ACME-5G", Role.SR, f"{who} {i}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, w)) for s, w in ((team, "a"), (wei, "w"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wei.close()
    assert not errors
    walked = team.chain.verify()
    assert walked.broken is None and walked.count == len(team.reads.events())


# --- tampering behind the app's back, found by `dealroom verify` ------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    with open_seeder(str(path), actor="ana") as st:
        st.people.add_person("ana", "Ana Lima")
        st.deals.create_deal("ACME-5G", "5G core", "ACME", leads={Role.AR: "ana"})
        for i in range(5):
            st.items.add_task("ACME-5G", Role.AR, f"task {i}")
    return path


def tamper(db: Path, *statements: str) -> None:
    """What a member with the sqlite3 shell could do: drop the guard, then write."""
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER IF EXISTS event_no_update")
    conn.execute("DROP TRIGGER IF EXISTS event_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def verify(db: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "verify", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_says_the_log_holds(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = verify(db, capsys)
    assert code == 0 and out.startswith("The log holds: 10 events, head #10 ")


@pytest.mark.parametrize(
    ("statements", "said"),
    [
        (["UPDATE event SET actor = 'wei' WHERE id = 5"], "event #5 was changed"),
        (["UPDATE event SET changes = '{}' WHERE id = 6"], "event #6 was changed"),
        (["DELETE FROM event WHERE id = 5"], "event #6 does not follow #4: an event between"),
        (
            [  # two events swap places
                "UPDATE event SET id = 100 WHERE id = 5",
                "UPDATE event SET id = 5 WHERE id = 6",
                "UPDATE event SET id = 6 WHERE id = 100",
            ],
            "event #5 does not follow #4",
        ),
        (
            [  # the rewrite that got past the triggers before: INSERT OR REPLACE
                "INSERT OR REPLACE INTO event (id, at, actor, deal_id, entity, entity_id, "
                "entity_version, action, changes, summary, prev_hash, hash) SELECT id, at, "
                "'ghost', deal_id, entity, entity_id, entity_version, action, changes, "
                "'nothing happened', prev_hash, hash FROM event WHERE id = 7"
            ],
            "event #7 was changed",
        ),
    ],
    ids=["actor", "changes", "removed", "reordered", "insert-or-replace"],
)
def test_verify_names_the_event_tampered_with(
    db: Path, capsys: pytest.CaptureFixture[str], statements: list[str], said: str
) -> None:
    tamper(db, *statements)
    code, out, err = verify(db, capsys)
    assert code == EXIT_REFUSED and out == ""
    assert f"dealroom: error: the log does not hold: {said}" in err


def test_a_witnessed_head_catches_a_log_rewritten_whole(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone who changes an event and computes every hash again gets a chain that holds,
    but not the head the team pasted into its chat with last week's report."""
    assert main(["--db", str(db), "export", "ACME-5G"]) == 0
    report = capsys.readouterr().out
    line = report.rstrip("\n").splitlines()[-1]
    assert line.startswith("log head #10 ")
    head = line.split("--head ")[1]
    assert verify(db, capsys, "--head", head)[0] == 0

    tamper(db, "UPDATE event SET actor = 'wei' WHERE id = 3")
    conn = sqlite3.connect(db)  # ...and every hash from there on computed again
    rows = conn.execute(
        "SELECT id, at, actor, deal_id, entity, entity_id, entity_version, action, changes, "
        "summary, by FROM event ORDER BY id"
    ).fetchall()
    prev = GENESIS
    for r in rows:
        at = datetime.fromisoformat(r[1])
        link = Link(r[0], at, r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], by=r[10])
        digest = link.content_hash(prev)
        conn.execute("UPDATE event SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, r[0]))
        prev = digest
    conn.commit()
    conn.close()
    assert verify(db, capsys)[0] == 0  # the chain alone holds again...
    code, _, err = verify(db, capsys, "--head", head)
    assert code == EXIT_REFUSED  # ...but not against the witness
    assert "event #10 is not the one that was witnessed" in err


def test_standup_minutes_keep_the_head_they_witnessed(team: Store) -> None:
    record = team.standups.start_standup()
    ended = team.standups.end_standup(record.id, lambda r: f"# Standup {r.id}\n")
    head = team.chain.verify().last_id
    assert ended.minutes.startswith(f"# Standup {record.id}\n\nlog head #")
    assert head is not None and f"#{head - 1} " in ended.minutes  # before its own end event


# --- an existing database is chained by the upgrade ---------------------------------------


def test_the_upgrade_chains_the_events_already_written(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    eng.upgrade(engine, "0007")
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(
                sa.text(
                    "INSERT INTO event (at, actor, entity, action, changes, summary) "
                    "VALUES (:at, 'ana', 'person', 'create', :changes, :summary)"
                ),
                {
                    "at": datetime(2026, 11, 20, 9, i),
                    "changes": json.dumps({"name": [None, f"P{i}"]}),
                    "summary": f"added person P{i}",
                },
            )
    engine.dispose()
    with open_store(url, actor="ana") as st:  # upgraded on open
        walked = st.chain.verify()
        assert (walked.count, walked.broken) == (3, None)
        st.people.add_person("wei", "Wei Zhang")
        assert st.chain.verify().count == 4 and st.chain.verify().broken is None
    raw = sqlite3.connect(path)  # the guard is back after the upgrade
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE event SET actor = 'x'")
    raw.close()
