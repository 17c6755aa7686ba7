"""Standups as records: started, deals covered, notes and actions captured, ended.

"Since the last standup" means since the previous recorded standup ended (or started, if
it was never ended); with none, the last 24 hours.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import Role, rules
from dealroom.store.base import ident
from dealroom.store.errors import NotFoundError
from dealroom.store.items import ItemCommands
from dealroom.store.tables import Deal, Standup, StandupNote
from dealroom.store.views import NoteView, StandupView, TaskView


class StandupCommands(ItemCommands):
    def default_since(self) -> datetime:
        """When the previous standup ended (or started); else 24 hours ago."""
        with self._read() as s:
            last = s.execute(
                select(Standup).order_by(col(Standup.started_at).desc()).limit(1)
            ).scalar()
            if last is not None:
                return last.ended_at or last.started_at
        return self.now() - timedelta(hours=24)

    def start_standup(self, since: datetime | None = None) -> StandupView:
        start = since or self.default_since()
        with self._write() as s:
            row = Standup(started_at=self.now(), run_by=self.actor, since=start)
            s.add(row)
            s.flush()
            self._log(
                s,
                entity="standup",
                entity_id=row.id,
                action="start",
                version=row.version,
                summary=f"started a standup (since {start:%Y-%m-%d %H:%M})",
            )
            return self._standup_view(s, ident(row))

    def cover(self, standup_id: int, code: str) -> StandupView:
        """Note that the standup discussed this deal."""
        with self._write() as s:
            row = self._load(s, Standup, standup_id, "standup")
            deal = self._deal_by_code(s, code)
            deals = json.loads(row.deals)
            if deal.code not in deals:
                row.deals = json.dumps([*deals, deal.code])
            return self._standup_view(s, standup_id)

    def add_note(self, standup_id: int, text: str, code: str | None = None) -> NoteView:
        text = rules.check_text(text, field="note")
        with self._write() as s:
            self._load(s, Standup, standup_id, "standup")
            deal = self._deal_by_code(s, code) if code else None
            note = StandupNote(
                standup_id=standup_id,
                deal_id=deal.id if deal else None,
                author=self.actor,
                at=self.now(),
                text=text,
            )
            s.add(note)
            s.flush()
            self._log(
                s,
                deal_id=deal.id if deal else None,
                entity="note",
                entity_id=note.id,
                action="create",
                changes={"text": (None, text)},
                summary=f"noted at the standup: {text}",
            )
            return next(n for n in self._notes(s, standup_id) if n.id == note.id)

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
        with self._write() as s:
            row = self._load(s, Standup, standup_id, "standup")
            task = self._add_task(s, code, role, title, owner=owner, due=due)
            row.actions = json.dumps([*json.loads(row.actions), task.id])
            deals = json.loads(row.deals)
            if task.deal_id and code.strip().upper() not in deals:
                row.deals = json.dumps([*deals, code.strip().upper()])
            return task

    def end_standup(self, standup_id: int) -> StandupView:
        with self._write() as s:
            row = self._load(s, Standup, standup_id, "standup")
            if row.ended_at is None:
                row.ended_at = self.now()
                s.flush()
                covered = len(json.loads(row.deals))
                self._log(
                    s,
                    entity="standup",
                    entity_id=row.id,
                    action="end",
                    version=row.version,
                    summary=f"ended the standup ({covered} deals)",
                )
            return self._standup_view(s, standup_id)

    def standup(self, standup_id: int) -> StandupView:
        with self._read() as s:
            return self._standup_view(s, standup_id)

    def _standup_view(self, s: Session, standup_id: int) -> StandupView:
        row = s.get(Standup, standup_id)
        if row is None:
            raise NotFoundError(f"no standup #{standup_id}")
        return StandupView(
            id=ident(row),
            started_at=row.started_at,
            ended_at=row.ended_at,
            run_by=row.run_by,
            since=row.since,
            deals=json.loads(row.deals),
            actions=json.loads(row.actions),
            notes=self._notes(s, standup_id),
            version=row.version,
        )

    def _notes(self, s: Session, standup_id: int) -> list[NoteView]:
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
