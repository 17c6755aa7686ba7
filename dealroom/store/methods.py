"""The methods that win a deal, read together (a deal's checklists, power map,
competitors, assessment and reviews, the review agenda, the forecast), and the writes of
the assessment and of reviews held. The checklist and power-map writes are in
``store/checklists.py`` and ``store/powermap.py``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import TRIANGLE, DealStatus, Role, Stage
from dealroom.domain.assessment import check_factor_key, check_score, check_score_note
from dealroom.domain.forecast import Forecast, ForecastDeal, forecast
from dealroom.domain.powermap import format_support
from dealroom.domain.review import DealBrief, ReviewAgenda, review_agenda
from dealroom.domain.rules import RuleError, check_text
from dealroom.i18n import _
from dealroom.store import method_rows as mr
from dealroom.store import money
from dealroom.store.database import Database
from dealroom.store.errors import ConflictError
from dealroom.store.method_views import ChecklistItemView, DealMethodsView, ReviewView, ScoreView
from dealroom.store.rooms import ACTIVE, deal_view, ids_by_code, in_pages
from dealroom.store.rows import DEALS, TASKS, by_id, grouped
from dealroom.store.tables import (
    AssessmentScore,
    ChecklistAnswer,
    CompetitorRecord,
    ContactRecord,
    Deal,
    DealMember,
    DealReview,
    Event,
    Person,
    StagePlan,
    Task,
)
from dealroom.store.tx import Kind, Logged, Tx, ident
from dealroom.store.views import DealView, TaskView

REVIEW_NOTE_MAX = 2_000

SCORE = Kind("assessment", AssessmentScore, by_id(mr.SCORES, col(AssessmentScore.id), "score"))
REVIEW = Kind("review", DealReview, by_id(mr.REVIEWS, col(DealReview.id), "review"))


class Methods:
    """Reads of the methods that win a deal, and writes of assessments and reviews."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- reads -------------------------------------------------------------------------

    def checklist_template(
        self, *, include_retired: bool = False
    ) -> dict[Stage, list[ChecklistItemView]]:
        """Every stage's checklist lines, in order (retired ones only when asked)."""
        with self.database.read() as s:
            return mr.by_stage(mr.template_rows(s, include_retired=include_retired))

    def deal_methods(self, code: str) -> DealMethodsView:
        """One deal's checklists, power map, competitors, assessment and reviews, in a fixed
        number of queries."""
        with self.database.read() as s:
            return self.of(s, [deal_view(s, code)])[0]

    def deals_methods(
        self, codes: Sequence[str] | None = None, *, today: date | None = None
    ) -> list[DealMethodsView]:
        """The same for several deals (the given codes, else every active deal, by code), in
        the same number of queries whatever their number; gaps and triggers as of ``today``
        (default: the store's today)."""
        with self.database.read() as s:
            if codes is None:
                deals = sorted(DEALS.rows(s, col(Deal.status).in_(ACTIVE)), key=lambda d: d.code)
            else:
                deals = [deal_view(s, code) for code in codes]
            return self.of(s, deals, today)

    def of(
        self,
        s: Session,
        deals: Sequence[DealView],
        today: date | None = None,
        ids: Any = None,
        known_tasks: Mapping[int, list[TaskView]] | None = None,
    ) -> list[DealMethodsView]:
        """The methods of ``deals``, read in ``s`` (a caller's read transaction) in a fixed
        number of queries: ``ids`` may be a subquery selecting the same deals;
        ``known_tasks`` the deals' tasks when the caller has read them already."""
        if ids is None:
            ids = [d.id for d in deals]
        contacts = grouped(mr.CONTACTS.rows(s, col(ContactRecord.deal_id).in_(ids)))
        competitors = grouped(mr.COMPETITORS.rows(s, col(CompetitorRecord.deal_id).in_(ids)))
        reviews = grouped(mr.REVIEWS.rows(s, col(DealReview.deal_id).in_(ids)))
        events = grouped(mr.support_events(s, col(Event.deal_id).in_(ids)))
        plans = grouped(mr.plan_rows(s, col(StagePlan.deal_id).in_(ids)))
        tasks = (
            known_tasks
            if known_tasks is not None
            else grouped(TASKS.rows(s, col(Task.deal_id).in_(ids)))
        )
        answers = grouped(mr.ANSWERS.rows(s, col(ChecklistAnswer.deal_id).in_(ids)))
        scores = grouped(mr.SCORES.rows(s, col(AssessmentScore.deal_id).in_(ids)))
        template = mr.by_stage(mr.template_rows(s))
        today = today or self.database.today()
        out = []
        for d in deals:
            people = contacts.get(d.id, [])
            changes = mr.support_changes(events.get(d.id, []), people)
            facts = mr.review_facts(
                d,
                plans.get(d.id, []),
                tasks.get(d.id, []),
                changes,
                competitors.get(d.id, []),
                reviews.get(d.id, []),
            )
            out.append(
                DealMethodsView(
                    deal=d,
                    template=template,
                    answers={(a.stage, a.key): a for a in answers.get(d.id, [])},
                    contacts=people,
                    competitors=competitors.get(d.id, []),
                    scores=scores.get(d.id, []),
                    reviews=reviews.get(d.id, []),
                    support_changes=changes,
                    facts=facts,
                    today=today,
                )
            )
        return out

    def review_agenda(self, code: str) -> ReviewAgenda:
        """The agenda of a review meeting for the deal, drawn from its data."""
        with self.database.read() as s:
            deal = deal_view(s, code)
            [m] = self.of(s, [deal])
        stage = deal.stage
        brief = DealBrief(
            code=deal.code,
            name=deal.name,
            account=deal.account,
            tier=deal.tier,
            stage=stage,
            amount=deal.amount,
            currency=deal.currency,
            probability=deal.probability,
            close_date=deal.close_date,
        )
        return review_agenda(
            brief,
            m.facts,
            self.database.today(),
            contacts=[c.as_contact() for c in m.contacts],
            competitors=[c.as_competitor() for c in m.competitors],
            scores={f: x.score for f, x in m.current_scores.items()},
            checklist=[i.as_item() for i in m.template.get(stage, [])],
            answers=m.stage_answers(stage),
        )

    def deals_needing_review(self) -> dict[str, list[str]]:
        """Active deals that need a review meeting: code → the reasons, oldest first (read
        a page of deals at a time)."""
        out: dict[str, list[str]] = {}
        today = self.database.today()
        with self.database.read() as s:
            for chunk in in_pages(ids_by_code(s)):
                deals = sorted(DEALS.rows(s, col(Deal.id).in_(chunk)), key=lambda d: d.code)
                for m in self.of(s, deals, today, chunk):
                    if m.triggers:
                        out[m.deal.code] = [
                            _("{reason}: {detail}").format(reason=_(t.kind.label), detail=t.message)
                            for t in m.triggers
                        ]
        return out

    def forecast(self, *, today: date | None = None) -> Forecast:
        """The weighted pipeline by close month, per person and per tier, in the base
        currency at the rates in force ``today`` (default: the store's today)."""
        with self.database.read() as s:
            rates = money.rates(s)
            deals = DEALS.rows(s, col(Deal.status) == DealStatus.OPEN.value)
            leads: dict[int, dict[Role, str]] = {}
            for r in s.execute(
                select(col(DealMember.deal_id), col(DealMember.role), col(Person.handle))
                .join_from(DealMember, Person, col(DealMember.person_id) == col(Person.id))
                .where(col(DealMember.role).in_([r.value for r in TRIANGLE]))
            ):
                leads.setdefault(r.deal_id, {})[r.role] = r.handle
        return forecast(
            (
                ForecastDeal(
                    code=d.code,
                    amount=d.amount,
                    probability=d.probability,
                    close_date=d.close_date,
                    status=d.status,
                    tier=d.tier,
                    currency=d.currency,
                    leads=leads.get(d.id, {}),
                )
                for d in deals
            ),
            today or self.database.today(),
            rates,
        )

    # --- the assessment ----------------------------------------------------------------------

    def score_factor(
        self,
        code: str,
        factor: str,
        score: int,
        *,
        note: str = "",
        seen: int | None = None,
    ) -> ScoreView:
        """Score one factor (−2…+2). ``seen`` is the id of the factor's latest scoring when
        it was read (0: none), so a scoring someone made meanwhile is a conflict. Scorings are
        kept: the latest is the current score, all of them its history."""
        f = check_factor_key(factor)
        check_score(score)
        note = check_score_note(note)
        with self.database.write() as tx:
            deal = tx.deal(code, lock=True)
            history = mr.SCORES.rows(
                tx.session,
                col(AssessmentScore.deal_id) == deal.id,
                col(AssessmentScore.factor) == f.key,
            )
            latest = history[-1] if history else None
            if seen is not None and (latest.id if latest else 0) != seen:
                assert latest is not None
                by = [latest.scored_by]
                raise ConflictError(
                    "score", latest.id, seen, latest.id, ["score"], by, latest, tx.names(by)
                )
            if latest is not None and (latest.score, latest.note) == (score, note):
                return latest
            row = AssessmentScore(
                deal_id=ident(deal),
                factor=f.key,
                score=score,
                note=note,
                scored_by=self.database.actor,
                scored_at=tx.now,
            )
            old = latest.score if latest else None
            summary = f"scored {f.label} {format_support(score)}" + (
                f" (was {format_support(old)})" if old is not None else ""
            )
            changes = {"score": (old, score), "factor": (f.key, f.key)}
            tx.insert(SCORE, row, Logged("score", summary, changes))
            return SCORE.view(tx.session, ident(row))

    # --- reviews -----------------------------------------------------------------------------

    def record_review(
        self, code: str, *, held_on: date | None = None, note: str = ""
    ) -> ReviewView:
        """Record that the deal's review meeting was held (today unless ``held_on``)."""
        day = held_on or self.database.today()
        if day > self.database.today():
            raise RuleError(_("a review cannot be recorded before it is held"), field="held_on")
        note = check_text(note, field="note", required=False, limit=REVIEW_NOTE_MAX)

        def build(tx: Tx) -> tuple[DealReview, Logged]:
            row = DealReview(
                deal_id=ident(tx.deal(code)),
                held_on=day,
                held_by=self.database.actor,
                at=tx.now,
                note=note,
            )
            summary = f"held a deal review on {day.isoformat()}"
            return row, Logged("create", summary, {"held_on": (None, day)})

        return self.database.create(REVIEW, build)
