"""Stage checklists: the template every deal shares, and each deal's answers. Every write
goes through the database's one write path."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import Stage
from dealroom.domain.checklist import Answer, check_answer_note, check_item_text, new_item_key
from dealroom.i18n import _
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError
from dealroom.store.inputs import ChecklistItemUpdate
from dealroom.store.method_rows import ANSWERS, TEMPLATE
from dealroom.store.method_views import ChecklistAnswerView, ChecklistItemView
from dealroom.store.permit import require_admin
from dealroom.store.rows import by_id
from dealroom.store.tables import ChecklistAnswer, ChecklistTemplate
from dealroom.store.tx import Kind, Logged, Tx, ident, quote_title

ITEM = Kind(
    "checklist_item",
    ChecklistTemplate,
    by_id(TEMPLATE, col(ChecklistTemplate.id), "checklist item"),
    label="checklist item",
)
ANSWER = Kind("checklist", ChecklistAnswer, by_id(ANSWERS, col(ChecklistAnswer.id), "answer"))


#: What a member who may not change the template is told: who may.
CHANGED = "the stage checklists are changed"


def _line(row: ChecklistTemplate) -> str:
    return f"{row.stage.label} checklist item {quote_title(row.text)}"


class Checklists:
    """Writes of the checklist template and of deals' answers."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- the checklist template -----------------------------------------------------------

    def add_checklist_item(
        self, stage: Stage, text: str, *, key_item: bool = False
    ) -> ChecklistItemView:
        """A new line at the end of the stage's checklist."""
        text = check_item_text(text)

        def build(tx: Tx) -> tuple[ChecklistTemplate, Logged]:
            require_admin(tx, CHANGED)
            here = col(ChecklistTemplate.stage) == stage
            taken = tx.session.execute(select(col(ChecklistTemplate.key)).where(here)).scalars()
            last = tx.session.execute(
                select(func.max(col(ChecklistTemplate.position))).where(here)
            ).scalar()
            row = ChecklistTemplate(
                stage=stage,
                key=new_item_key(text, list(taken)),
                text=text,
                key_item=False,
                position=(last if last is not None else -1) + 1,
            )
            lost = ""
            if key_item:
                tx.session.add(row)
                tx.session.flush()
                lost = _make_key_item(tx.session, row)
            summary = f"added {stage.label} checklist item {quote_title(text)}{lost}"
            return row, Logged("create", summary, {"text": (None, text)})

        return self.database.create(ITEM, build)

    def update_checklist_item(
        self, item_id: int, update: ChecklistItemUpdate, *, version: int | None = None
    ) -> ChecklistItemView:
        def change(tx: Tx, row: ChecklistTemplate) -> Logged | None:
            require_admin(tx, CHANGED)
            values: dict[str, object] = {}
            if isinstance(update.text, str):
                values["text"] = check_item_text(update.text)
            if isinstance(update.key_item, bool):
                values["key_item"] = update.key_item
            lost = ""
            if update.key_item is True and not row.key_item:
                lost = _make_key_item(tx.session, row)
                row.key_item = False  # so that the change is in the diff
            diff = tx.apply(row, values)
            if not diff:
                return None
            return Logged("update", f"edited {_line(row)} ({', '.join(diff)}){lost}", diff)

        return self.database.update(ITEM, item_id, version, change)

    def move_checklist_item(
        self, item_id: int, offset: int, *, version: int | None = None
    ) -> ChecklistItemView:
        """Move a line up (``offset`` < 0) or down the stage's checklist."""

        def change(tx: Tx, row: ChecklistTemplate) -> Logged | None:
            require_admin(tx, CHANGED)
            lines = list(
                tx.session.execute(
                    select(ChecklistTemplate)
                    .where(
                        col(ChecklistTemplate.stage) == row.stage,
                        col(ChecklistTemplate.retired).is_(False),
                    )
                    .order_by(col(ChecklistTemplate.position), col(ChecklistTemplate.id))
                ).scalars()
            )
            at = next(i for i, line in enumerate(lines) if line.id == row.id)
            to = max(0, min(len(lines) - 1, at + offset))
            if to == at:
                return None
            lines.insert(to, lines.pop(at))
            for position, line in enumerate(lines):
                if line.position != position:
                    line.position = position
            summary = f"moved {_line(row)} to place {to + 1}"
            return Logged("move", summary, {"position": (at, to)})

        return self.database.update(ITEM, item_id, version, change)

    def retire_checklist_item(self, item_id: int, *, version: int | None = None) -> None:
        """Take a line off the checklist; answers given to it are kept but no longer count."""

        def change(tx: Tx, row: ChecklistTemplate) -> Logged | None:
            require_admin(tx, CHANGED)
            if row.retired:
                return None
            row.retired = True
            row.key_item = False
            return Logged("delete", f"removed {_line(row)}", {"retired": (False, True)})

        self.database.update(ITEM, item_id, version, change)

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
        with self.database.write() as tx:
            deal = tx.deal(code)
            item = tx.session.execute(
                select(ChecklistTemplate).where(
                    col(ChecklistTemplate.stage) == stage,
                    col(ChecklistTemplate.key) == key,
                    col(ChecklistTemplate.retired).is_(False),
                )
            ).scalar_one_or_none()
            if item is None:
                raise NotFoundError(
                    _("{stage} has no checklist item {key}").format(
                        stage=_(stage.label), key=repr(key)
                    )
                )
            row = tx.session.execute(
                select(ChecklistAnswer)
                .where(
                    col(ChecklistAnswer.deal_id) == deal.id,
                    col(ChecklistAnswer.stage) == stage,
                    col(ChecklistAnswer.key) == key,
                )
                .with_for_update()
            ).scalar_one_or_none()
            if row is None:
                row = ChecklistAnswer(
                    deal_id=ident(deal),
                    stage=stage,
                    key=key,
                    answer=Answer.UNANSWERED,
                    note="",
                    answered_by=self.database.actor,
                    answered_at=tx.now,
                )
                tx.session.add(row)
                tx.session.flush()
                old_answer: Answer | None = None
                old_note = ""
            else:
                tx.check_version(ANSWER, row, version)
                old_answer, old_note = row.answer, row.note
            new_note = row.note if clean_note is None else clean_note
            if (old_answer, old_note) != (answer, new_note):
                row.answer = answer
                row.note = new_note
                row.answered_by = self.database.actor
                row.answered_at = tx.now
                changes: dict[str, tuple[object, object]] = {}
                if old_answer != answer:
                    changes["answer"] = (old_answer, answer)
                if old_note != new_note:
                    changes["note"] = (old_note, new_note)
                summary = (
                    f"answered {stage.label} checklist {quote_title(item.text)}: {answer.label}"
                )
                tx.changed(ANSWER, row, Logged("answer", summary, changes))
            return ANSWER.view(tx.session, ident(row))


def _make_key_item(s: Session, row: ChecklistTemplate) -> str:
    """``row`` becomes its stage's key item; the one that was loses the mark. What the log
    adds about that one (empty when there was none)."""
    lost = []
    for other in s.execute(
        select(ChecklistTemplate).where(
            col(ChecklistTemplate.stage) == row.stage,
            col(ChecklistTemplate.key_item).is_(True),
            col(ChecklistTemplate.id) != row.id,
        )
    ).scalars():
        other.key_item = False
        lost.append(quote_title(other.text))
    row.key_item = True
    return f"; {', '.join(lost)} is no longer the key item" if lost else ""
