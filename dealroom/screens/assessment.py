"""The opportunity assessment: four questions, five factors each, scored −2…+2, with each
question's mark and the overall one. Every scoring is kept: ``h`` shows a factor's."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from dealroom.domain.assessment import (
    FACTORS,
    QUESTIONS,
    SCORE_LABELS,
    SCORE_MAX,
    SCORE_MIN,
    Factor,
    Mark,
)
from dealroom.domain.powermap import format_support
from dealroom.i18n import N_, _, pgettext
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.methods import MethodsScreen
from dealroom.store.method_views import DealMethodsView, ScoreView
from dealroom.textutil import fit, one_line
from dealroom.widgets.deal_header import MARK_STYLE
from dealroom.widgets.vlist import Section

MARK_WORDS = {
    Mark.GOOD: N_("looks good"),
    Mark.MIXED: N_("mixed"),
    Mark.BAD: N_("looks bad"),
    Mark.UNKNOWN: N_("not scored"),
}


def question_word(question: str) -> str:
    """One of the four questions in a word, as the summary line names it by its mark."""
    words = {
        "opportunity": pgettext("the assessment's question, in one word", "opportunity"),
        "compete": pgettext("the assessment's question, in one word", "compete"),
        "win": pgettext("the assessment's question, in one word", "win"),
        "worth": pgettext("the assessment's question, in one word", "worth"),
    }
    return words.get(question, question)


def score_said(value: int) -> str:
    """``+1 for us``: a score with what it means."""
    return f"{format_support(value)} {_(SCORE_LABELS[value])}"


@dataclass(frozen=True, slots=True)
class FactorLine:
    factor: Factor
    score: ScoreView | None
    """The current (latest) scoring; None when never scored."""
    history: int
    """How many times it has been scored."""


def score_style(value: int) -> str:
    return "bold green" if value > 0 else "bold red" if value < 0 else "yellow"


def score_fields(score: ScoreView | None) -> list[FormField]:
    return [
        FormField(
            "score",
            _("Score"),
            str(score.score) if score else "0",
            kind="choice",
            required=True,
            choices=[(score_said(n), str(n)) for n in range(SCORE_MAX, SCORE_MIN - 1, -1)],
        ),
        FormField("note", _("Note"), score.note if score else "", placeholder=_("why this score")),
    ]


class AssessmentScreen(MethodsScreen):
    TITLE = N_("Assessment")
    ENTITIES = ("assessment",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", N_("Back"), tooltip=N_("Back to the deal room"), id="assessment.back"
        ),
        Binding(
            "enter,s",
            "score",
            N_("Score"),
            tooltip=N_("Score the factor, with a note"),
            id="assessment.score",
        ),
        Binding(
            "plus,equals_sign",
            "step(1)",
            N_("Score+"),
            key_display="+",
            tooltip=N_("One up (from unscored: +1)"),
            id="assessment.up",
        ),
        Binding(
            "minus",
            "step(-1)",
            N_("Score−"),
            key_display="-",
            tooltip=N_("One down (from unscored: −1)"),
            id="assessment.down",
        ),
        Binding(
            "h",
            "history",
            N_("History"),
            tooltip=N_("Every scoring of the factor"),
            id="assessment.history",
        ),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="assessment.reload"),
    ]

    def compose_panel(self) -> ComposeResult:
        yield Static(id="summary", classes="panel")

    def rows(self, m: DealMethodsView) -> list[FactorLine | Section]:
        current = m.current_scores
        counts: dict[str, int] = {}
        for s in m.scores:
            counts[s.factor] = counts.get(s.factor, 0) + 1
        summary = {q.question: q for q in m.assessment.questions}
        out: list[FactorLine | Section] = []
        for q in QUESTIONS:
            qs = summary[q]
            counted = (
                _("({scored} of {n} scored, total {total})").format(
                    scored=qs.scored, n=qs.factors, total=format_support(qs.total)
                )
                if qs.scored
                else _("({scored} of {n} scored)").format(scored=qs.scored, n=qs.factors)
            )
            head = f"{qs.mark.value}  {_(q.label)} · {_(MARK_WORDS[qs.mark])} {counted}"
            out.append(Section(head, q))
            out += [FactorLine(f, current.get(f.key), counts.get(f.key, 0)) for f in q.factors]
        return out

    def key(self, line: FactorLine) -> Hashable:
        return ("factor", line.factor.key)

    def changed_key(self, entity: str, entity_id: int | None) -> Hashable | None:
        if self.m is None:
            return None
        for s in self.m.scores:
            if s.id == entity_id:
                return ("factor", s.factor)
        return None

    def show_panel(self) -> None:
        assert self.m is not None
        a = self.m.assessment
        text = Text(_("Overall") + " ")
        text.append(a.mark.value, style=MARK_STYLE.get(a.mark.value, ""))
        scored = _("{scored} of {n} factors scored").format(scored=a.scored, n=len(FACTORS))
        text.append(f" {_(MARK_WORDS[a.mark])} · {scored} · ")
        for i, q in enumerate(a.questions):
            text.append(" · " if i else "")
            text.append(question_word(q.question.value) + " ", style="dim")
            text.append(q.mark.value, style=MARK_STYLE.get(q.mark.value, ""))
        self.query_one("#summary", Static).update(text)

    def render_row(self, line: FactorLine, width: int) -> Text:
        s = line.score
        text = Text("  ")
        if s is None:
            text.append(" · ", style="dim")
        else:
            text.append(f"{format_support(s.score):>2} ", style=score_style(s.score))
        label_width = 26
        text.append(fit(_(line.factor.label), label_width))
        who = f"{one_line(s.scored_by)} {s.scored_at:%m-%d}" if s else ""
        if line.history > 1:
            who = f"{who} ({line.history}×)"
        note_width = max(0, width - cell_len(text.plain) - cell_len(who) - 2)
        text.append(" ")
        if s is not None and s.note:
            text.append(fit(one_line(s.note), note_width), style="italic")
        else:
            text.append(fit(_(line.factor.prompt), note_width), style="dim")
        text.append(" ")
        text.append(who, style="dim")
        return text

    def detail(self, line: FactorLine) -> Text | None:
        text = Text()
        text.append(_(line.factor.label), style="bold")
        text.append(f" — {_(line.factor.prompt)}", style="dim")
        s = line.score
        if s is not None:
            text.append("\n")
            text.append(score_said(s.score), style=score_style(s.score))
            text.append(f" — {s.scored_by}, {s.scored_at:%Y-%m-%d %H:%M}", style="dim")
            if s.note:
                text.append("\n")
                text.append(s.note, style="italic")
        return text

    # --- scoring --------------------------------------------------------------------------

    def _line(self) -> FactorLine | None:
        row = self.rows_list.current
        return row if isinstance(row, FactorLine) else None

    def action_score(self) -> None:
        line = self._line()
        if line is None:
            return
        code, key = self.code, line.factor.key

        def submit(v: FormValues) -> Job[ScoreView]:
            score, note = int(v.text("score")), v.text("note")
            return lambda store: store.methods.score_factor(
                code, key, score, note=note, seen=v.version
            )

        form = FormScreen(
            _("{factor}: {prompt}").format(
                factor=_(line.factor.label), prompt=_(line.factor.prompt)
            ),
            score_fields(line.score),
            submit,
            self.today,
            version=line.score.id if line.score else 0,
            theirs=score_fields,
        )
        said = _("Scored {factor}").format(factor=_(line.factor.label))
        self.app.push_screen(form, self.after_form(said))

    def action_step(self, step: int) -> None:
        line = self._line()
        if line is None:
            return
        old = line.score.score if line.score else 0
        new = old + step
        if not SCORE_MIN <= new <= SCORE_MAX:
            said = _("{factor} is already {score}.").format(
                factor=_(line.factor.label), score=format_support(old)
            )
            self.notify(said, timeout=3, markup=False)
            return
        code, key = self.code, line.factor.key
        note = line.score.note if line.score else ""

        def job(seen: int) -> Job[ScoreView]:
            return lambda store: store.methods.score_factor(code, key, new, note=note, seen=seen)

        self.write(
            job(line.score.id if line.score else 0),
            _("Scored {factor} {score}").format(
                factor=_(line.factor.label), score=format_support(new)
            ),
            what=_("The score of {factor}").format(factor=_(line.factor.label)),
            yours=lambda: format_support(new),
            theirs=lambda now: f"{format_support(now.score)} ({now.scored_by})",
            retry=job,
        )

    def action_history(self) -> None:
        from dealroom.screens.info import InfoScreen

        line = self._line()
        if line is None or self.m is None:
            return
        scorings = [s for s in self.m.scores if s.factor == line.factor.key]
        body = Text()
        if not scorings:
            body.append(_("Never scored."), style="dim")
        for s in reversed(scorings):  # newest first
            body.append(f"{s.scored_at:%Y-%m-%d %H:%M}  ", style="dim")
            body.append(f"{format_support(s.score):>2}", style=score_style(s.score))
            body.append(f"  {s.scored_by}")
            if s.note:
                body.append("  ")
                body.append(one_line(s.note), style="italic")
            body.append("\n")
        body.rstrip()
        title = _("History of {factor}").format(factor=_(line.factor.label))
        self.app.push_screen(InfoScreen(title, body))
