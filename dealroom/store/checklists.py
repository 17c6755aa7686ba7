"""Stage checklists: the template every deal shares, and each deal's answers. Same rules
as every other write: one short transaction, a version check, an event in the same
transaction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealroom.domain import Stage
from dealroom.domain.checklist import Answer, check_answer_note, check_item_text, new_item_key
from dealroom.store import method_rows as mr
from dealroom.store.base import ident, quote_title
from dealroom.store.errors import NotFoundError
from dealroom.store.queries import Queries
from dealroom.store.tables import ChecklistAnswer, ChecklistTemplate
from dealroom.store.views import ChecklistAnswerView, ChecklistItemView


class ChecklistCommands(Queries):
    """Writes of the checklist template and of deals' answers."""

    # --- the checklist template -----------------------------------------------------------

    def add_checklist_item(
        self, stage: Stage, text: str, *, key_item: bool = False
    ) -> ChecklistItemView:
        """A new line at the end of the stage's checklist."""
        text = check_item_text(text)
        with self._write() as s:
            taken = s.execute(select(mr._CI.key).where(mr._CI.stage == stage.value)).scalars()
            last = s.execute(
                select(func.max(mr._CI.position)).where(mr._CI.stage == stage.value)
            ).scalar()
            row = ChecklistTemplate(
                stage=stage.value,
                key=new_item_key(text, list(taken)),
                text=text,
                key_item=False,
                position=(last if last is not None else -1) + 1,
            )
            s.add(row)
            s.flush()
            if key_item:
                self._make_key_item(s, row)
            self._log(
                s,
                entity="checklist_item",
                entity_id=row.id,
                action="create",
                version=row.version,
                changes={"text": (None, text)},
                summary=f"added {stage.label} checklist item {quote_title(text)}",
            )
            return self._template_item(s, ident(row))

    def update_checklist_item(
        self,
        item_id: int,
        *,
        version: int | None = None,
        text: str | None = None,
        key_item: bool | None = None,
    ) -> ChecklistItemView:
        with self._write() as s:
            row = self._load(s, ChecklistTemplate, item_id, "checklist item")
            self._check_version(
                s, "checklist_item", row, version, lambda: self._template_item(s, item_id)
            )
            changes: dict[str, object] = {}
            if text is not None:
                changes["text"] = check_item_text(text)
            if key_item is not None:
                changes["key_item"] = key_item
            if key_item:
                self._make_key_item(s, row)
            diff = self._apply(row, changes)
            if diff:
                s.flush()
                self._log(
                    s,
                    entity="checklist_item",
                    entity_id=row.id,
                    action="update",
                    version=row.version,
                    changes=diff,
                    summary=f"edited {Stage(row.stage).label} checklist item "
                    f"{quote_title(row.text)} ({', '.join(diff)})",
                )
            return self._template_item(s, item_id)

    def move_checklist_item(
        self, item_id: int, offset: int, *, version: int | None = None
    ) -> ChecklistItemView:
        """Move a line up (``offset`` < 0) or down the stage's checklist."""
        with self._write() as s:
            row = self._load(s, ChecklistTemplate, item_id, "checklist item")
            self._check_version(
                s, "checklist_item", row, version, lambda: self._template_item(s, item_id)
            )
            lines = list(
                s.execute(
                    select(ChecklistTemplate)
                    .where(mr._CI.stage == row.stage, mr._CI.retired.is_(False))
                    .order_by(mr._CI.position, mr._CI.id)
                ).scalars()
            )
            at = next(i for i, line in enumerate(lines) if line.id == row.id)
            to = max(0, min(len(lines) - 1, at + offset))
            if to != at:
                lines.insert(to, lines.pop(at))
                for position, line in enumerate(lines):
                    if line.position != position:
                        line.position = position
                s.flush()
                self._log(
                    s,
                    entity="checklist_item",
                    entity_id=row.id,
                    action="move",
                    version=row.version,
                    changes={"position": (at, to)},
                    summary=f"moved {Stage(row.stage).label} checklist item "
                    f"{quote_title(row.text)} to place {to + 1}",
                )
            return self._template_item(s, item_id)

    def retire_checklist_item(self, item_id: int, *, version: int | None = None) -> None:
        """Take a line off the checklist; answers given to it are kept but no longer count."""
        with self._write() as s:
            row = self._load(s, ChecklistTemplate, item_id, "checklist item")
            self._check_version(
                s, "checklist_item", row, version, lambda: self._template_item(s, item_id)
            )
            if row.retired:
                return
            row.retired = True
            row.key_item = False
            s.flush()
            self._log(
                s,
                entity="checklist_item",
                entity_id=row.id,
                action="delete",
                version=row.version,
                changes={"retired": (False, True)},
                summary=f"removed {Stage(row.stage).label} checklist item {quote_title(row.text)}",
            )

    def _make_key_item(self, s: Session, row: ChecklistTemplate) -> None:
        """``row`` becomes its stage's key item; the one that was loses the mark."""
        for other in s.execute(
            select(ChecklistTemplate).where(
                mr._CI.stage == row.stage, mr._CI.key_item.is_(True), mr._CI.id != row.id
            )
        ).scalars():
            other.key_item = False
        row.key_item = True

    def _template_item(self, s: Session, item_id: int) -> ChecklistItemView:
        for item in mr.template_rows(s, include_retired=True):
            if item.id == item_id:
                return item
        raise NotFoundError(f"no checklist item #{item_id}")

    # --- checklist answers -----------------------------------------------------------------

    def answer_checklist(
        self,
        code: str,
        stage: Stage,
        key: str,
        answer: Answer,
        *,
        note: str | None = None,
        version: int | None = None,
    ) -> ChecklistAnswerView:
        """Answer one checklist line for a deal. ``version`` is the answer's version when it
        was read (0: there was none), so an answer someone gave meanwhile is a conflict."""
        clean_note = None if note is None else check_answer_note(note)
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            item = s.execute(
                select(ChecklistTemplate).where(
                    mr._CI.stage == stage.value, mr._CI.key == key, mr._CI.retired.is_(False)
                )
            ).scalar_one_or_none()
            if item is None:
                raise NotFoundError(f"{stage.label} has no checklist item {key!r}")
            row = s.execute(
                select(ChecklistAnswer)
                .where(mr._CA.deal_id == deal.id, mr._CA.stage == stage.value, mr._CA.key == key)
                .with_for_update()
            ).scalar_one_or_none()

            def current() -> ChecklistAnswerView:
                return mr.answer_rows(s, mr._CA.id == row.id)[0]  # type: ignore[union-attr]

            now = self.now()
            if row is None:
                row = ChecklistAnswer(
                    deal_id=ident(deal),
                    stage=stage.value,
                    key=key,
                    answer=Answer.UNANSWERED.value,
                    note="",
                    answered_by=self.actor,
                    answered_at=now,
                )
                s.add(row)
                s.flush()
                old_answer, old_note = None, ""
            else:
                self._check_version(s, "checklist", row, version, current)
                old_answer, old_note = row.answer, row.note
            new_note = row.note if clean_note is None else clean_note
            if (old_answer, old_note) == (answer.value, new_note):
                return current()
            row.answer = answer.value
            row.note = new_note
            row.answered_by = self.actor
            row.answered_at = now
            s.flush()
            changes: dict[str, tuple[object, object]] = {}
            if old_answer != answer.value:
                changes["answer"] = (old_answer, answer.value)
            if old_note != new_note:
                changes["note"] = (old_note, new_note)
            self._log(
                s,
                deal_id=ident(deal),
                entity="checklist",
                entity_id=row.id,
                action="answer",
                version=row.version,
                changes=changes,
                summary=f"answered {stage.label} checklist {quote_title(item.text)}: "
                f"{answer.label}",
            )
            return current()
