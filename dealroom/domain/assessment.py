"""Opportunity assessment (high-touch selling): four questions, five factors each.

Each factor is scored −2 … +2 for **how favourable it is to us** — so for *Risk* +2 means
little risk, −2 a risk that could sink us. A factor not scored yet is simply absent.

A question's mark, from the factors scored so far:

- ``?`` no factor scored yet;
- ``+`` the average is +½ or better and no factor is at −2 (a −2 is a deal-breaker
  until it is dealt with, however good the rest);
- ``−`` the average is −½ or worse;
- ``~`` anything in between.

The overall mark asks all four questions at once: ``?`` if none is scored, ``−`` if any
question is ``−``, ``+`` only if all four are ``+``, else ``~``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dealroom.domain.powermap import MINUS
from dealroom.domain.rules import RuleError, check_text
from dealroom.i18n import N_, _


class Question(StrEnum):
    OPPORTUNITY = "opportunity"
    COMPETE = "compete"
    WIN = "win"
    WORTH = "worth"

    @property
    def label(self) -> str:
        """The question as the catalog marks it (shown through ``_``)."""
        return _QUESTION_LABELS[self]

    @property
    def factors(self) -> tuple[Factor, ...]:
        return tuple(f for f in FACTORS if f.question is self)


QUESTIONS: tuple[Question, ...] = tuple(Question)

_QUESTION_LABELS: dict[Question, str] = {
    Question.OPPORTUNITY: N_("Is there an opportunity?"),
    Question.COMPETE: N_("Can we compete?"),
    Question.WIN: N_("Can we win?"),
    Question.WORTH: N_("Is it worth it?"),
}


@dataclass(frozen=True, slots=True)
class Factor:
    question: Question
    key: str
    """Unique across all twenty factors; scores are stored against it."""
    label: str
    prompt: str
    """What to ask yourself when scoring it (from the seed)."""


_Q = Question
FACTORS: tuple[Factor, ...] = (
    Factor(
        _Q.OPPORTUNITY,
        "project",
        N_("Project"),
        N_("What must it solve, who started it, does it fit their strategy?"),
    ),
    Factor(
        _Q.OPPORTUNITY,
        "customer_business",
        N_("Customer business"),
        N_("Their markets, customers, rivals and what drives them"),
    ),
    Factor(
        _Q.OPPORTUNITY,
        "finances",
        N_("Finances"),
        N_("Revenue and profit trend, outlook, key indicators"),
    ),
    Factor(
        _Q.OPPORTUNITY,
        "funding",
        N_("Funding"),
        N_("The budget, how it is approved, this project's priority"),
    ),
    Factor(
        _Q.OPPORTUNITY,
        "compelling_event",
        N_("Compelling event"),
        N_("Why must they act, by when, and what if it slips?"),
    ),
    Factor(
        _Q.COMPETE,
        "decision_criteria",
        N_("Formal decision criteria"),
        N_("The criteria and process, which weigh most, who set them"),
    ),
    Factor(
        _Q.COMPETE,
        "solution_fit",
        N_("Solution fit"),
        N_("How well we solve their problem; what we must change or add"),
    ),
    Factor(
        _Q.COMPETE,
        "sales_resources",
        N_("Sales resources"),
        N_("The time, people and cost it takes us to win it"),
    ),
    Factor(
        _Q.COMPETE,
        "relationships",
        N_("Existing relationships"),
        N_("Ours and each rival's with the customer; whose gives an edge"),
    ),
    Factor(
        _Q.COMPETE,
        "unique_value",
        N_("Unique business value"),
        N_("The measurable result only we deliver, in their terms"),
    ),
    Factor(
        _Q.WIN,
        "internal_support",
        N_("Internal support"),
        N_("Who wants us to win, what have they done, are they trusted?"),
    ),
    Factor(
        _Q.WIN,
        "executive_trust",
        N_("Executive trust"),
        N_("Which executives decide or are affected, and do they trust us?"),
    ),
    Factor(
        _Q.WIN,
        "culture_fit",
        N_("Culture fit"),
        N_("Their culture and view of suppliers against ours"),
    ),
    Factor(
        _Q.WIN,
        "informal_criteria",
        N_("Informal criteria"),
        N_("How it will really be decided; the unspoken factors"),
    ),
    Factor(
        _Q.WIN,
        "political_alignment",
        N_("Political alignment"),
        N_("Do the most powerful people want us to win, and can they make it so?"),
    ),
    Factor(
        _Q.WORTH,
        "near_term_revenue",
        N_("Near-term revenue"),
        N_("Order size and signing date against our thresholds"),
    ),
    Factor(
        _Q.WORTH,
        "future_revenue",
        N_("Future revenue"),
        N_("Next year's and three years' potential from this account"),
    ),
    Factor(
        _Q.WORTH,
        "margin",
        N_("Margin"),
        N_("Planned margin, the discounts' effect, how to raise it"),
    ),
    Factor(
        _Q.WORTH,
        "risk",
        N_("Risk"),
        N_("What could make our solution fail, on our side or theirs (+2 = little risk)"),
    ),
    Factor(
        _Q.WORTH,
        "strategic_value",
        N_("Strategic value"),
        N_("What it is worth beyond revenue: fit with our plan, new markets"),
    ),
)

FACTOR_BY_KEY: dict[str, Factor] = {f.key: f for f in FACTORS}

SCORE_MIN = -2
SCORE_MAX = 2
SCORE_NOTE_MAX = 2_000
SCORE_LABELS: dict[int, str] = {
    2: N_("strongly for us"),
    1: N_("for us"),
    0: N_("even"),
    -1: N_("against us"),
    -2: N_("strongly against us"),
}


def check_factor_key(key: str) -> Factor:
    try:
        return FACTOR_BY_KEY[key]
    except KeyError:
        raise RuleError(
            _("unknown assessment factor {key}").format(key=repr(key)), field="factor"
        ) from None


def check_score(value: int) -> int:
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise RuleError(
            _("a score is between −2 and +2 (got {value})").format(value=value), field="score"
        )
    return value


def parse_score(text: str) -> int:
    """``+2``, ``2``, ``0``, ``-1`` or ``−1``."""
    raw = text.strip().replace(MINUS, "-")
    if not re.fullmatch(r"[+-]?\d", raw):
        raise RuleError(
            _("score {text} is not a whole number from -2 to +2").format(text=repr(text)),
            field="score",
        )
    return check_score(int(raw))


def check_score_note(note: str) -> str:
    return check_text(note, field="note", required=False, limit=SCORE_NOTE_MAX)


# --- history ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """One scoring of one factor; the history is every entry ever made."""

    factor: str
    score: int
    note: str = ""
    by: str | None = None
    at: datetime | None = None


def latest_scores(
    entries: Iterable[ScoreEntry], as_of: datetime | None = None
) -> dict[str, ScoreEntry]:
    """Each factor's current entry (give entries oldest first; the last one wins).

    With ``as_of``, only entries made at or before it count — the assessment as it stood
    then (entries without a time count as always made).
    """
    out: dict[str, ScoreEntry] = {}
    for e in entries:
        if as_of is not None and e.at is not None and e.at > as_of:
            continue
        out[e.factor] = e
    return out


# --- summaries -------------------------------------------------------------------------


class Mark(StrEnum):
    GOOD = "+"
    MIXED = "~"
    BAD = "−"
    UNKNOWN = "?"


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    question: Question
    total: int
    scored: int
    factors: int
    mark: Mark
    worst: int | None
    """The lowest score given, None if nothing is scored."""


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    questions: tuple[QuestionSummary, ...]
    total: int
    scored: int
    mark: Mark

    @property
    def marks(self) -> str:
        """The four marks for the deal header, e.g. ``+~−?``."""
        return "".join(q.mark.value for q in self.questions)


def question_mark(total: int, scored: int, worst: int | None) -> Mark:
    """See the module docstring: thresholds ±½ on the average of the scored factors."""
    if scored == 0:
        return Mark.UNKNOWN
    if 2 * total <= -scored:
        return Mark.BAD
    if 2 * total >= scored and worst != SCORE_MIN:
        return Mark.GOOD
    return Mark.MIXED


def summarize(scores: Mapping[str, int]) -> AssessmentSummary:
    """Per question and overall, from the current score of each factor (key → score).

    Keys that are not factors are ignored; scores out of range raise :class:`RuleError`.
    """
    rows: list[QuestionSummary] = []
    for q in QUESTIONS:
        given = [check_score(scores[f.key]) for f in q.factors if f.key in scores]
        worst = min(given) if given else None
        rows.append(
            QuestionSummary(
                question=q,
                total=sum(given),
                scored=len(given),
                factors=len(q.factors),
                mark=question_mark(sum(given), len(given), worst),
                worst=worst,
            )
        )
    marks = [r.mark for r in rows]
    if all(m is Mark.UNKNOWN for m in marks):
        overall = Mark.UNKNOWN
    elif Mark.BAD in marks:
        overall = Mark.BAD
    elif all(m is Mark.GOOD for m in marks):
        overall = Mark.GOOD
    else:
        overall = Mark.MIXED
    return AssessmentSummary(
        questions=tuple(rows),
        total=sum(r.total for r in rows),
        scored=sum(r.scored for r in rows),
        mark=overall,
    )


def summarize_entries(
    entries: Iterable[ScoreEntry], as_of: datetime | None = None
) -> AssessmentSummary:
    """:func:`summarize` over a score history, now or as it stood at ``as_of``."""
    return summarize({k: e.score for k, e in latest_scores(entries, as_of).items()})
