"""A deal's stage checklists: every stage's items with their answers, the key item marked;
one key answers the item under the cursor."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType

from dealroom.domain import STAGES, Stage
from dealroom.domain.checklist import Answer, StageCompletion
from dealroom.i18n import N_, _
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.methods import MethodsScreen
from dealroom.store.method_views import ChecklistAnswerView, ChecklistItemView, DealMethodsView
from dealroom.textutil import fit, one_line
from dealroom.widgets.vlist import Section

ANSWER_STYLE = {
    Answer.YES: "bold green",
    Answer.PARTLY: "yellow",
    Answer.NO: "bold red",
    Answer.UNANSWERED: "dim",
}
KEY_MARK = "★"


@dataclass(frozen=True, slots=True)
class Line:
    """One checklist item of the deal with its answer (None: not answered yet)."""

    item: ChecklistItemView
    answer: ChecklistAnswerView | None

    @property
    def given(self) -> Answer:
        return self.answer.answer if self.answer else Answer.UNANSWERED


def completion_title(stage: Stage, c: StageCompletion, current: bool) -> str:
    """``Pre-bid shaping · 3 of 6 yes · 58% · ★ holds``."""
    parts = [_(stage.label) + ("  " + _("◀ current stage") if current else "")]
    if c.total:
        parts.append(_("{yes} of {n} yes").format(yes=c.yes, n=c.total))
        parts.append(f"{c.percent}%")
    else:
        parts.append(_("no items"))
    if c.key_item is not None:
        holds = _("{mark} holds") if c.key_item_holds else _("{mark} does not hold")
        parts.append(holds.format(mark=KEY_MARK))
    return " · ".join(parts)


def answer_fields(answer: ChecklistAnswerView | None) -> list[FormField]:
    return [
        FormField(
            "answer",
            _("Answer"),
            (answer.answer if answer else Answer.UNANSWERED).value,
            kind="choice",
            required=True,
            choices=[(_(a.label), a.value) for a in (Answer.YES, Answer.PARTLY, Answer.NO)]
            + [(_(Answer.UNANSWERED.label), Answer.UNANSWERED.value)],
        ),
        FormField("note", _("Note"), answer.note if answer else "", placeholder=_("how we know")),
    ]


class ChecklistScreen(MethodsScreen):
    TITLE = N_("Checklist")
    ENTITIES = ("checklist",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", N_("Back"), tooltip=N_("Back to the deal room"), id="checklist.back"
        ),
        Binding("y", "answer('yes')", N_("Yes"), tooltip=N_("Answer yes"), id="checklist.yes"),
        Binding(
            "p",
            "answer('partly')",
            N_("Partly"),
            tooltip=N_("Answer partly"),
            id="checklist.partly",
        ),
        Binding("n", "answer('no')", N_("No"), tooltip=N_("Answer no"), id="checklist.no"),
        Binding(
            "u",
            "answer('unanswered')",
            N_("Unanswer"),
            tooltip=N_("Take the answer back (not answered)"),
            id="checklist.unanswered",
        ),
        Binding(
            "o,enter", "note", N_("Note"), tooltip=N_("Answer with a note"), id="checklist.note"
        ),
        Binding(
            "T",
            "template",
            N_("Edit template"),
            tooltip=N_("Edit the checklists every deal answers"),
            id="checklist.template",
        ),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="checklist.reload"),
    ]

    def rows(self, m: DealMethodsView) -> list[Line | Section]:
        out: list[Line | Section] = []
        for stage in STAGES:
            items = m.template.get(stage, [])
            out.append(
                Section(completion_title(stage, m.completion(stage), stage is m.deal.stage), stage)
            )
            out += [Line(i, m.answer(stage, i.key)) for i in items]
        return out

    def key(self, line: Line) -> Hashable:
        return ("item", line.item.stage, line.item.key)

    def changed_key(self, entity: str, entity_id: int | None) -> Hashable | None:
        if self.m is None:
            return None
        for (stage, key), a in self.m.answers.items():
            if a.id == entity_id:
                return ("item", stage, key)
        return None

    def empty_text(self) -> str:
        return _("No checklist items: T edits the template.")

    def place_cursor(self) -> None:
        """On the current stage's first item: that is what the team works on."""
        if self.m is None:
            return
        for i, row in enumerate(self.rows_list.items):
            if isinstance(row, Line) and row.item.stage is self.m.deal.stage:
                self.rows_list.cursor = i
                self.rows_list.scroll_to(y=max(0, i - 1), animate=False, immediate=True)
                return

    def render_row(self, line: Line, width: int) -> Text:
        given = line.given
        text = Text(f" {given.mark} ", style=ANSWER_STYLE[given])
        text.append(KEY_MARK if line.item.key_item else " ", style="bold yellow")
        text.append(" ")
        a = line.answer
        who = ""
        if a is not None and given.answered:
            who = f"{one_line(a.answered_by)} {a.answered_at:%m-%d}"
        note = one_line(a.note) if a else ""
        rest = width - 5 - cell_len(who) - 1
        wording = one_line(line.item.text)
        if note:
            main = max(20, rest * 3 // 5)
            text.append(fit(wording, main))
            text.append(" – ", style="dim")
            text.append(fit(note, max(0, rest - main - 3)), style="italic")
        else:
            text.append(fit(wording, max(0, rest)))
        text.append(" ")
        text.append(who, style="dim")
        return text

    def detail(self, line: Line) -> Text | None:
        text = Text()
        if line.item.key_item:
            text.append(
                _("{mark} key item: the stage's milestone holds when this is yes").format(
                    mark=KEY_MARK
                )
                + "\n",
                style="bold yellow",
            )
        text.append(line.item.text)
        a = line.answer
        if a is not None and (a.answer.answered or a.note):
            text.append(
                f"\n{_(a.answer.label)} — {a.answered_by}, {a.answered_at:%Y-%m-%d %H:%M}",
                style=ANSWER_STYLE[a.answer],
            )
            if a.note:
                text.append("\n")
                text.append(a.note, style="italic")
        return text

    # --- answering ----------------------------------------------------------------------

    def _line(self) -> Line | None:
        row = self.rows_list.current
        return row if isinstance(row, Line) else None

    def action_answer(self, value: str) -> None:
        line = self._line()
        if line is None:
            return
        answer = Answer(value)
        code, stage, key = self.code, line.item.stage, line.item.key
        seen = line.answer.version if line.answer else 0

        def job(version: int) -> Job[ChecklistAnswerView]:
            return lambda store: store.checklists.answer_checklist(
                code, stage, key, answer, version=version
            )

        self.write(
            job(seen),
            _("Answered {answer}").format(answer=_(answer.label)),
            what=_("The answer to “{item}”").format(item=one_line(line.item.text)),
            yours=lambda: _(answer.label),
            theirs=lambda now: f"{_(now.answer.label)} ({now.answered_by})",
            retry=job,
        )
        self.rows_list.action_cursor_down()  # on to the next item: a checklist is walked

    def action_note(self) -> None:
        line = self._line()
        if line is None:
            return
        code, stage, key = self.code, line.item.stage, line.item.key

        def submit(v: FormValues) -> Job[ChecklistAnswerView]:
            answer, note = Answer(v.text("answer")), v.text("note")
            return lambda store: store.checklists.answer_checklist(
                code, stage, key, answer, note=note, version=v.version
            )

        form = FormScreen(
            _("{stage}: {item}").format(stage=_(stage.label), item=one_line(line.item.text)),
            answer_fields(line.answer),
            submit,
            self.today,
            version=line.answer.version if line.answer else 0,
            theirs=lambda now: answer_fields(now),
        )
        self.app.push_screen(form, self.after_form(_("Answer saved")))

    def action_template(self) -> None:
        from dealroom.screens.template import TemplateScreen

        line = self._line()
        stage = line.item.stage if line else (self.m.deal.stage if self.m else None)
        self.app.push_screen(TemplateScreen(stage))
