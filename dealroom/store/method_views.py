"""What reads of the methods that win a deal return: plain, frozen, detached objects
(see ``store.views``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dealroom.domain import Stage
from dealroom.domain.assessment import AssessmentSummary, ScoreEntry, summarize
from dealroom.domain.checklist import Answer, ChecklistItem, StageCompletion, stage_completion
from dealroom.domain.competitors import Competitor
from dealroom.domain.powermap import (
    Contact,
    DecisionRole,
    PowerMapGap,
    SupportChange,
    power_map_gaps,
)
from dealroom.domain.review import ReviewFacts, ReviewTrigger, review_triggers
from dealroom.store.views import DealView


@dataclass(frozen=True, slots=True)
class ChecklistItemView:
    id: int
    stage: Stage
    key: str
    text: str
    key_item: bool
    position: int
    retired: bool
    version: int

    def as_item(self) -> ChecklistItem:
        return ChecklistItem(self.stage, self.key, self.text, self.key_item)


@dataclass(frozen=True, slots=True)
class ChecklistAnswerView:
    id: int
    deal_id: int
    stage: Stage
    key: str
    answer: Answer
    note: str
    answered_by: str
    answered_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class ContactView:
    id: int
    deal_id: int
    name: str
    title: str
    role: DecisionRole
    influence: int
    key_decider: bool
    support: int
    owner: str | None
    owner_name: str | None
    leaning_to: str | None
    last_contact: date | None
    note: str
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def who(self) -> str:
        return self.as_contact().who

    def as_contact(self) -> Contact:
        return Contact(
            name=self.name,
            title=self.title,
            role=self.role,
            influence=self.influence,
            key_decider=self.key_decider,
            support=self.support,
            owner=self.owner,
            leaning_to=self.leaning_to,
            last_contact=self.last_contact,
        )


@dataclass(frozen=True, slots=True)
class CompetitorView:
    id: int
    deal_id: int
    name: str
    relationship: str
    strengths: str
    weaknesses: str
    allies: str
    differentiator: str
    created_at: datetime
    updated_at: datetime
    version: int

    def as_competitor(self) -> Competitor:
        return Competitor(
            self.name,
            self.relationship,
            self.strengths,
            self.weaknesses,
            self.allies,
            self.differentiator,
        )


@dataclass(frozen=True, slots=True)
class ScoreView:
    id: int
    deal_id: int
    factor: str
    score: int
    note: str
    scored_by: str
    scored_at: datetime

    def as_entry(self) -> ScoreEntry:
        return ScoreEntry(self.factor, self.score, self.note, self.scored_by, self.scored_at)


@dataclass(frozen=True, slots=True)
class ReviewView:
    id: int
    deal_id: int
    held_on: date
    held_by: str
    at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class DealMethodsView:
    """One deal's checklists, power map, competitors, assessment and reviews, with what the
    rules make of them (completion, gaps, marks, review triggers)."""

    deal: DealView
    template: dict[Stage, list[ChecklistItemView]]
    answers: dict[tuple[Stage, str], ChecklistAnswerView]
    contacts: list[ContactView]
    competitors: list[CompetitorView]
    scores: list[ScoreView]
    """Every scoring, oldest first: the assessment's history."""
    reviews: list[ReviewView]
    support_changes: list[SupportChange]
    facts: ReviewFacts
    today: date

    def answer(self, stage: Stage, key: str) -> ChecklistAnswerView | None:
        return self.answers.get((stage, key))

    def stage_answers(self, stage: Stage) -> dict[str, Answer]:
        return {k: a.answer for (s, k), a in self.answers.items() if s is stage}

    def completion(self, stage: Stage) -> StageCompletion:
        items = [i.as_item() for i in self.template.get(stage, [])]
        return stage_completion(stage, items, self.stage_answers(stage))

    @property
    def current_scores(self) -> dict[str, ScoreView]:
        return {s.factor: s for s in self.scores}

    @property
    def assessment(self) -> AssessmentSummary:
        return summarize({f: s.score for f, s in self.current_scores.items()})

    @property
    def gaps(self) -> list[PowerMapGap]:
        return power_map_gaps([c.as_contact() for c in self.contacts], self.today)

    @property
    def triggers(self) -> list[ReviewTrigger]:
        return review_triggers(self.facts, self.today)

    @property
    def last_review(self) -> ReviewView | None:
        return self.reviews[-1] if self.reviews else None
