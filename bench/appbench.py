"""3 opening a deal, 4 the pipeline at scale, 5 the standup (stepping through it on the
main database, and opening it at 10,000 deals as a chair on no team): pilot runs in a
fresh interpreter each (see :mod:`bench.pilot`), turned into rows."""

from __future__ import annotations

import shutil

from bench.context import Context
from bench.data import _rows, deal_count
from bench.report import Row, at_most, exactly

#: Keystrokes measure work per key: paint at once instead of on the next 60 Hz tick.
UNTHROTTLED = {"TEXTUAL_FPS": "1000"}
KEYSTROKE = at_most(16, "≤ 16 ms")
#: Who opens the standup in :func:`chair`: a person on no deal's team.
CHAIR = "chair"


def deal_room(ctx: Context) -> list[Row]:
    times: list[Row] = []
    counts: list[Row] = []
    cold: list[float] = []
    baseline: float | None = None
    main = ctx.dbs.demo(ctx.scale.deals, ctx.scale.items)
    for size in ctx.scale.room_sizes:
        room = ctx.dbs.room(size, near=main)
        got = ctx.child_json(
            "bench.pilot", "room", str(room.db), room.code, "--runs", str(ctx.scale.runs)
        )
        label = f"{size:,} items ({room.items:,} in {room.code} of {deal_count(room.db):,} deals)"
        target = at_most(30, "≤ 30 ms") if size == 300 else None
        times.append(Row("3", f"Open a deal, {label}: key → painted", "ms", got["open_ms"], target))
        statements = [float(n) for n in got["statements"]]
        baseline = statements[0] if baseline is None else baseline
        counts.append(
            Row(
                "3",
                f"Open a deal, {label}: SQL statements",
                "count",
                statements,
                exactly(baseline, f"= {baseline:g}, the same at every size"),
            )
        )
        cold.append(got["cold_ms"])
    first = Row(
        "3", "Open a deal: the first open after start (loads the deal-room code)", "ms", cold
    )
    return [*times, first, *counts]


def pipeline(ctx: Context) -> list[Row]:
    db = ctx.dbs.demo(ctx.scale.list_deals, ctx.scale.items)
    deals = f"{ctx.scale.list_deals:,} deals"
    got = ctx.child_json("bench.pilot", "pipeline", str(db), "--runs", str(ctx.scale.runs))
    keys = ctx.child_json(
        "bench.pilot", "keys", str(db), "--count", str(ctx.scale.keystrokes), extra_env=UNTHROTTLED
    )["keys_ms"]
    names = {
        "j": "cursor down (`j`)",
        "k": "cursor up (`k`)",
        "pagedown": "page down",
        "/": "open the filter (`/`)",
        "filter": "filter keystroke (type or delete a letter)",
    }
    return [
        Row("4", f"Pipeline, {deals}: the query (in its worker)", "ms", got["query_ms"]),
        Row(
            "4",
            f"Pipeline, {deals}: first paint after the query returns",
            "ms",
            got["first_paint_ms"],
            at_most(150, "≤ 150 ms"),
        ),
        *(
            Row("4", f"Pipeline, {deals}: {names[key]}", "ms", samples, KEYSTROKE)
            for key, samples in keys.items()
        ),
    ]


def standup(ctx: Context) -> list[Row]:
    db = ctx.dbs.copy(ctx.dbs.demo(ctx.scale.deals, ctx.scale.items), ctx.tmp)  # it writes
    got = ctx.child_json(
        "bench.pilot",
        "standup",
        str(db),
        "--steps",
        str(ctx.scale.standup_steps),
        extra_env=UNTHROTTLED,
    )
    name = f"Standup: next deal (`n`), {len(got['step_ms'])} steps of {got['deals']:,} deals"
    return [Row("5", name, "ms", got["step_ms"], at_most(30, "≤ 30 ms")), *chair(ctx)]


def chair(ctx: Context) -> list[Row]:
    """The standup opened at 10,000 deals by a chair who is on no deal's team: a person
    added to a private copy of the database, in a fresh app each run."""
    db = ctx.dbs.copy(ctx.dbs.demo(ctx.scale.list_deals, ctx.scale.items), ctx.tmp)
    try:
        admin = str(_rows(db, "SELECT login FROM administrator ORDER BY login LIMIT 1")[0][0])
        got = []
        for n in range(ctx.scale.chair_runs):  # the first run adds the chair, then opens
            added = () if n else ("--add-by", admin)
            got.append(ctx.child_json("bench.pilot", "chair", str(db), "--as", CHAIR, *added))
            if not n:
                teams = "SELECT count(*) FROM deal_member m JOIN person p ON p.id = m.person_id"
                assert _rows(db, teams + " WHERE p.handle = ?", (CHAIR,))[0][0] == 0
    finally:
        shutil.rmtree(db.parent, ignore_errors=True)
    deals = f"{deal_count(ctx.dbs.demo(ctx.scale.list_deals, ctx.scale.items)):,} deals"
    walked = got[0]["deals"]
    return [
        Row(
            "5",
            f"Standup, {deals}, chair on no team: `s` → first of {walked:,} deals shown",
            "ms",
            [g["open_ms"] for g in got],
            at_most(1000, "≤ 1 s"),
        ),
        Row(
            "5",
            f"Standup, {deals}: reading the deals (in its worker)",
            "ms",
            [g["read_ms"] for g in got],
        ),
    ]
