"""Standups as records: started, deals covered, notes and actions captured, ended.

"Since the last standup" means since the previous recorded standup ended (or started, if
it was never ended); with none, the last 24 hours.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import Role, rules
from dealroom.domain.chain import witnessed
from dealroom.i18n import _
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError, thing
from dealroom.store.items import TASK, Items
from dealroom.store.method_rows import local_day
from dealroom.store.rows import TASKS
from dealroom.store.tables import Deal, Standup, StandupNote, Task
from dealroom.store.tx import Kind, Logged, Tx, ident
from dealroom.store.views import NoteView, PastStandup, StandupView, TaskView


def _standup_view(s: Session, standup_id: int) -> StandupView:
    row = s.get(Standup, standup_id)
    if row is None:
        raise NotFoundError(_("no {thing} #{id}").format(thing=thing("standup"), id=standup_id))
    return StandupView(
        id=ident(row),
        started_at=row.started_at,
        ended_at=row.ended_at,
        run_by=row.run_by,
        since=row.since,
        deals=json.loads(row.deals),
        actions=json.loads(row.actions),
        notes=_notes(s, standup_id),
        version=row.version,
        scope=row.scope,
        minutes=row.minutes,
    )


def _note_view(s: Session, note_id: int) -> NoteView:
    note = s.get(StandupNote, note_id)
    if note is None:
        raise NotFoundError(_("no {thing} #{id}").format(thing=thing("note"), id=note_id))
    return next(n for n in _notes(s, note.standup_id) if n.id == note_id)


STANDUP = Kind("standup", Standup, _standup_view)
NOTE = Kind("note", StandupNote, _note_view)


def _cover(row: Standup, code: str) -> None:
    deals = json.loads(row.deals)
    if code not in deals:
        row.deals = json.dumps([*deals, code])


class Standups:
    """Standups as records: started, deals covered, notes and actions, ended."""

    def __init__(self, database: Database, items: Items) -> None:
        self.database = database
        self.items = items

    def default_since(self) -> datetime:
        """When the last finished standup ended; else 24 hours ago. A standup started and
        never finished (a look at the screen, a session cut off) moves nothing."""
        with self.database.read() as s:
            ended = s.execute(
                select(col(Standup.ended_at))
                .where(col(Standup.ended_at).is_not(None))
                .order_by(col(Standup.ended_at).desc())
                .limit(1)
            ).scalar()
            if ended is not None:
                return ended
        return self.database.now() - timedelta(hours=24)

    def start_standup(self, since: datetime | None = None, scope: str = "team") -> StandupView:
        """Start today's standup, or join it: while a standup started today is not
        finished, whoever starts one joins that one (two people opening the standup at
        once see one standup, chaired by whoever started it)."""
        start = since or self.default_since()
        scope = rules.check_scope(scope)
        with self.database.write() as tx:
            if tx.session.get_bind().dialect.name == "postgresql":  # one start at a time
                tx.session.execute(text("SELECT pg_advisory_xact_lock(7310001)"))
            today = self.database.today()
            for row in tx.session.execute(
                select(Standup)
                .where(col(Standup.ended_at).is_(None))
                .order_by(col(Standup.id).desc())
                .limit(5)
            ).scalars():
                if local_day(row.started_at) == today:
                    return STANDUP.view(tx.session, ident(row))
            row = Standup(started_at=tx.now, run_by=self.database.actor, since=start, scope=scope)
            what = f"started a standup of {rules.scope_label(scope)} (since {start:%Y-%m-%d %H:%M})"
            tx.insert(STANDUP, row, Logged("start", what))
            return STANDUP.view(tx.session, ident(row))

    def past(self, limit: int = 50) -> list[StandupView]:
        """The latest standups, newest first."""
        with self.database.read() as s:
            rows = s.execute(
                select(Standup).order_by(col(Standup.id).desc()).limit(limit)
            ).scalars()
            return [_standup_view(s, ident(row)) for row in rows]

    def past_standup(self, standup_id: int) -> PastStandup:
        """Standup ``standup_id`` with the actions it created, to read its minutes."""
        with self.database.read() as s:
            record = _standup_view(s, standup_id)
            actions = TASKS.rows(s, col(Task.id).in_(record.actions)) if record.actions else []
            ids = {t.deal_id for t in actions}
            found = s.execute(select(Deal).where(col(Deal.id).in_(ids))).scalars()
            codes = {ident(deal): deal.code for deal in found}
        order = {task_id: i for i, task_id in enumerate(record.actions)}
        actions.sort(key=lambda t: order[t.id])
        return PastStandup(record, actions, codes)

    def cover(self, standup_id: int, code: str) -> StandupView:
        """Note that the standup discussed this deal (kept in the standup's record; not an
        event of its own)."""

        def change(tx: Tx, row: Standup) -> None:
            _cover(row, tx.deal(code).code)

        return self.database.update(STANDUP, standup_id, None, change)

    def add_note(self, standup_id: int, text: str, code: str | None = None) -> NoteView:
        text = rules.check_text(text, field="note")

        def build(tx: Tx) -> tuple[StandupNote, Logged]:
            tx.load(STANDUP, standup_id)
            deal = tx.deal(code) if code else None
            note = StandupNote(
                standup_id=standup_id,
                deal_id=deal.id if deal else None,
                author=self.database.actor,
                at=tx.now,
                text=text,
            )
            return note, Logged("create", f"noted at the standup: {text}", {"text": (None, text)})

        return self.database.create(NOTE, build)

    def add_action(
        self,
        standup_id: int,
        code: str,
        role: Role,
        title: str,
        *,
        owner: str | None = None,
        due: date | None = None,
    ) -> TaskView:
        """A new task for a role, captured at the standup and listed in its minutes."""
        with self.database.write() as tx:
            row = tx.load(STANDUP, standup_id)
            task = tx.insert(
                TASK, *self.items.task_row(tx, code, role, title, owner=owner, due=due)
            )
            row.actions = json.dumps([*json.loads(row.actions), task.id])
            _cover(row, code.strip().upper())
            return TASK.view(tx.session, ident(task))

    def end_standup(
        self, standup_id: int, minutes: Callable[[StandupView], str] | None = None
    ) -> StandupView:
        """End the standup; ``minutes`` makes its minutes from the ended record, and they
        are kept with it (the first ending's minutes stay: a record is not rewritten)."""

        def change(tx: Tx, row: Standup) -> Logged | None:
            if row.ended_at is not None:
                return None
            row.ended_at = tx.now
            if minutes is not None:
                tx.session.flush()
                head = tx.head()  # the minutes witness the log as it was when kept
                row.minutes = witnessed(
                    minutes(_standup_view(tx.session, ident(row))), head if head[0] else None
                )
            return Logged("end", f"ended the standup ({len(json.loads(row.deals))} deals)")

        return self.database.update(STANDUP, standup_id, None, change)

    def standup(self, standup_id: int) -> StandupView:
        with self.database.read() as s:
            return _standup_view(s, standup_id)


def _notes(s: Session, standup_id: int) -> list[NoteView]:
    rows = s.execute(
        select(StandupNote, col(Deal.code))
        .join(Deal, col(StandupNote.deal_id) == col(Deal.id), isouter=True)
        .where(col(StandupNote.standup_id) == standup_id)
        .order_by(col(StandupNote.id))
    ).all()
    return [
        NoteView(
            id=ident(n),
            standup_id=n.standup_id,
            deal_id=n.deal_id,
            deal_code=code,
            author=n.author,
            at=n.at,
            text=n.text,
        )
        for n, code in rows
    ]
