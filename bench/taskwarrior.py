"""11 taskwarrior side by side: the same number of items, read by ``dealroom`` and by
taskwarrior's ``task``, alternately.

A taskwarrior data folder is made beside the cached database (its own ``taskrc`` and data,
confirmation, hooks, garbage collection, colour and terminal detection off) with one task
per task, risk and handoff of the database: the deal's code as the project, the title as
the description, the due date, tags for the kind and the role, risks' exposure as a
priority, and done, closed, accepted or rejected items completed. It is imported at once
with ``task import`` of one JSON file, and kept until the database changes (its size or
modification time).

Then, one untimed run of each first (not with ``--quick``), stdout to ``/dev/null``:

* ``dealroom export --all`` against ``task export`` (every task as JSON),
* ``dealroom export CODE`` against ``task project.is:CODE export`` (``project:CODE``
  is a prefix match: it would export ACME-5G2's tasks with ACME-5G's),
* ``dealroom list`` against ``task next limit:40``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.context import ROOT, Context
from bench.data import _rows, deal_count, first_active_code
from bench.proc import measured
from bench.report import Row, at_most, ratio, unavailable

GROUP = "11"
#: Marks a pair whose dealroom runs start with an empty cache folder.
FRESH = ", nothing kept"
#: (what dealroom runs, what taskwarrior runs, the ratio's target)
PAIRS: tuple[tuple[str, str, float], ...] = (
    ("export --all", "export", 1.0),
    # project.is: ``project:ACME-5G`` is a prefix match (it takes ACME-5G2's tasks too)
    ("export {code}", "project.is:{code} export", 0.5),
    ("list", "next limit:40", 0.5),
    # the same with nothing kept from the run before (the first run, or one after a change)
    (f"list{FRESH}", "next limit:40", 0.5),
)
#: What the folder's ``taskrc`` says (``data.location`` is added).
TASKRC = (
    "confirmation=off",
    "hooks=off",
    "gc=off",
    "color=off",
    "detection=off",
    "defaultwidth=160",
    "recurrence=off",
    "verbose=nothing",
)
_NAMESPACE = uuid.UUID("4c6f7d0e-5b0a-4d8e-9a57-6465616c726d")
_DONE_TASK = ("done",)
_DONE_RISK = ("closed",)
_DONE_HANDOFF = ("accepted", "rejected")


@dataclass(frozen=True)
class Folder:
    """A taskwarrior data folder and the environment that points ``task`` at it."""

    rc: Path
    data: Path
    tasks: int
    projects: int

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return {**base, "TASKRC": str(self.rc), "TASKDATA": str(self.data)}


def task_binary() -> str | None:
    return shutil.which("task")


def item_count(db: Path) -> int:
    """Tasks, risks and handoffs in ``db``."""
    query = """SELECT (SELECT count(*) FROM task) + (SELECT count(*) FROM risk)
                    + (SELECT count(*) FROM handoff)"""
    return int(_rows(db, query)[0][0])


def _stamp(value: Any) -> str | None:
    """A date or SQLite timestamp as taskwarrior's ``20261209T000000Z``."""
    if value is None or value == "":
        return None
    text = str(value)
    when = (
        datetime.fromisoformat(text)
        if len(text) > 10
        else datetime.combine(date.fromisoformat(text), datetime.min.time())
    )
    return when.strftime("%Y%m%dT%H%M%SZ")


def _task(kind: str, row_id: int, code: str, title: str, entry: Any, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "uuid": str(uuid.uuid5(_NAMESPACE, f"{kind}:{row_id}")),
        "description": title,
        "project": code,
        "entry": _stamp(entry),
        "status": "pending",
    }
    out.update({k: v for k, v in more.items() if v is not None})
    if out["status"] == "completed":
        out["end"] = out["entry"]
    return out


def tasks_of(db: Path) -> list[dict[str, Any]]:
    """One taskwarrior task per task, risk and handoff of ``db``."""
    out: list[dict[str, Any]] = []
    tasks = """SELECT t.id, d.code, t.title, t.created_at, t.due, t.role, t.status
               FROM task t JOIN deal d ON d.id = t.deal_id ORDER BY t.id"""
    for row_id, code, title, entry, due, role, status in _rows(db, tasks):
        done = status in _DONE_TASK
        out.append(
            _task(
                "task",
                row_id,
                code,
                title,
                entry,
                due=_stamp(due),
                tags=["task", str(role).lower()] + (["blocked"] if status == "blocked" else []),
                status="completed" if done else "pending",
            )
        )
    risks = """SELECT r.id, d.code, r.title, r.created_at, r.role, r.status,
                      r.likelihood * r.impact
               FROM risk r JOIN deal d ON d.id = r.deal_id ORDER BY r.id"""
    for row_id, code, title, entry, role, status, exposure in _rows(db, risks):
        done = status in _DONE_RISK
        out.append(
            _task(
                "risk",
                row_id,
                code,
                title,
                entry,
                tags=["risk", str(role).lower()],
                priority="H" if exposure >= 15 else "M" if exposure >= 8 else "L",
                status="completed" if done else "pending",
            )
        )
    handoffs = """SELECT h.id, d.code, h.title, h.created_at, h.due, h.from_role, h.to_role,
                         h.state
                  FROM handoff h JOIN deal d ON d.id = h.deal_id ORDER BY h.id"""
    for row_id, code, title, entry, due, source, target, state in _rows(db, handoffs):
        done = state in _DONE_HANDOFF
        out.append(
            _task(
                "handoff",
                row_id,
                code,
                title,
                entry,
                due=_stamp(due),
                tags=["handoff", str(source).lower(), "to" + str(target).lower()],
                status="completed" if done else "pending",
            )
        )
    return out


def folder(ctx: Context, db: Path, task: str) -> Folder:
    """The taskwarrior folder mirroring ``db`` (made once, kept beside it in the cache)."""
    home = (ctx.dbs.cache / f"taskwarrior-{db.stem}").absolute()
    made = home / "made.json"
    stat = db.stat()
    of = f"{stat.st_size} {stat.st_mtime_ns}"  # the database it mirrors, as it is now
    if made.exists():
        info = json.loads(made.read_text())
        if info.get("of") == of:
            return Folder(home / "taskrc", home / "data", info["tasks"], info["projects"])
    if home.exists():
        shutil.rmtree(home)
    (home / "data").mkdir(parents=True)
    version = subprocess.run(
        [task, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    rc = home / "taskrc"
    # news.version: no "run task news" notice after every command
    lines = [f"data.location={home / 'data'}", *TASKRC, f"news.version={version}"]
    rc.write_text("\n".join(lines) + "\n")
    tasks = tasks_of(db)
    source = home / "import.json"
    source.write_text(json.dumps(tasks))
    made_folder = Folder(rc, home / "data", len(tasks), len({t["project"] for t in tasks}))
    ctx.log(f"  importing {len(tasks):,} tasks into taskwarrior ({home.name}) …")
    subprocess.run(
        [task, "import", str(source)],
        cwd=home,
        env=made_folder.env(ctx.env()),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
    )
    source.unlink()
    info = {"tasks": made_folder.tasks, "projects": made_folder.projects, "of": of}
    made.write_text(json.dumps(info))
    return made_folder


def prepare(ctx: Context) -> None:
    """Make the folder before any benchmark runs (importing is not to be measured along)."""
    task = task_binary()
    if task is not None:
        folder(ctx, ctx.dbs.demo(ctx.scale.deals, ctx.scale.items), task)


def run(ctx: Context) -> list[Row]:
    db = ctx.dbs.demo(ctx.scale.deals, ctx.scale.items)
    code = first_active_code(db)
    deals, items = deal_count(db), item_count(db)
    task = task_binary()
    if task is None:
        return _unavailable(
            deals, items, code, "taskwarrior (`task`) is not installed: apt-get install taskwarrior"
        )
    tw = folder(ctx, db, task)
    if tw.tasks != items:  # the folder and the database must hold as many
        raise RuntimeError(f"taskwarrior holds {tw.tasks:,} tasks, the database {items:,} items")
    ours_env, theirs_env = ctx.env(), tw.env(ctx.env())
    rows: list[Row] = []
    for mine, theirs, limit in PAIRS:
        ours_argv = ctx.app_argv(db, *mine.removesuffix(FRESH).format(code=code).split())
        task_argv = [task, *theirs.format(code=code).split()]
        ours: list[float] = []
        tws: list[float] = []
        for n in range(ctx.scale.runs + (1 if ctx.scale.warmups else 0)):
            env = ctx.env(ctx.nothing_kept()) if mine.endswith(FRESH) else ours_env
            a = measured(ours_argv, cwd=ROOT, env=env)
            b = measured(task_argv, cwd=tw.data.parent, env=theirs_env)
            for ran, argv in ((a, ours_argv), (b, task_argv)):
                if ran.why():
                    raise RuntimeError(f"{' '.join(argv[-3:])}: {ran.why()}")
            if n or not ctx.scale.warmups:
                ours.append(a.ms)
                tws.append(b.ms)
        rows += _rows_of(
            mine.format(code=code), theirs.format(code=code), limit, ours, tws, deals, tw
        )
    return rows


def _label(mine: str, theirs: str, deals: int, tasks: int, projects: int) -> tuple[str, ...]:
    command, note = mine.removesuffix(FRESH), FRESH if mine.endswith(FRESH) else ""
    return (
        f"`dealroom {command}`{note} ({deals:,} deals, {tasks:,} items)",
        f"taskwarrior `task {theirs}` ({tasks:,} tasks in {projects:,} projects)",
        f"`dealroom {command}`{note} ÷ `task {theirs}`",
    )


def _rows_of(
    mine: str,
    theirs: str,
    limit: float,
    ours: list[float],
    tws: list[float],
    deals: int,
    tw: Folder,
) -> list[Row]:
    a, b, both = _label(mine, theirs, deals, tw.tasks, tw.projects)
    return [
        Row(GROUP, a, "ms", ours),
        Row(GROUP, b, "ms", tws),
        ratio(GROUP, both, ours, tws, limit),
    ]


def _unavailable(deals: int, items: int, code: str, why: str) -> list[Row]:
    rows: list[Row] = []
    for mine, theirs, limit in PAIRS:
        a, b, both = _label(mine.format(code=code), theirs.format(code=code), deals, items, deals)
        target = at_most(limit, f"≤ {limit:g}×")
        rows += [
            unavailable(GROUP, a, "ms", None, why),
            unavailable(GROUP, b, "ms", None, why),
            unavailable(GROUP, both, "×", target, why),
        ]
    return rows
