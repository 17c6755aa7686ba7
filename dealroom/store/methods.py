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

from dealroom.domain import TRIANGLE, DealStatus, Role, Stage
from dealroom.domain.assessment import check_factor_key, check_score, check_score_note
from dealroom.domain.forecast import Forecast, ForecastDeal, forecast
from dealroom.domain.powermap import (
    format_support,
)
from dealroom.domain.review import DealBrief, ReviewAgenda, review_agenda
from dealroom.domain.rules import RuleError, check_text
from dealroom.store import method_rows as mr
from dealroom.store.base import ident
from dealroom.store.checklists import ChecklistCommands
from dealroom.store.errors import ConflictError
from dealroom.store.powermap import PowerMapCommands
from dealroom.store.queries import _D, _M, _P, _T, deal_rows, rooms, task_rows
from dealroom.store.tables import (
    AssessmentScore,
    DealMember,
    DealReview,
    Person,
)
from dealroom.store.views import (
    ChecklistItemView,
    DealMethodsView,
    DealRoomView,
    DealView,
    ReviewView,
    ScoreView,
    TaskView,
)

REVIEW_NOTE_MAX = 2_000


class MethodCommands(ChecklistCommands, PowerMapCommands):
    """Reads and writes of checklists, power maps, competitors, assessments and reviews."""

    # --- reads -------------------------------------------------------------------------

    def checklist_template(
        self, *, include_retired: bool = False
    ) -> dict[Stage, list[ChecklistItemView]]:
        """Every stage's checklist lines, in order (retired ones only when asked)."""
        with self._read() as s:
            return mr.by_stage(mr.template_rows(s, include_retired=include_retired))

    def deal_methods(self, code: str) -> DealMethodsView:
        """One deal's checklists, power map, competitors, assessment and reviews, in a fixed
        number of queries."""
        with self._read() as s:
            return self._methods(s, [self._deal_view(s, code)])[0]

    def deals_methods(
        self, codes: Sequence[str] | None = None, *, today: date | None = None
    ) -> list[DealMethodsView]:
        """The same for several deals (the given codes, else every active deal, by code), in
        the same number of queries whatever their number; gaps and triggers as of ``today``
        (default: the store's today)."""
        with self._read() as s:
            if codes is None:
                deals = sorted(
                    deal_rows(s, _D.status.in_(mr.ACTIVE_STATUSES)), key=lambda d: d.code
                )
            else:
                deals = [self._deal_view(s, code) for code in codes]
            return self._methods(s, deals, today)

    def deal_reports(
        self, codes: Sequence[str] | None = None, *, today: date | None = None
    ) -> list[tuple[DealRoomView, DealMethodsView]]:
        """What a status report shows of each deal (the given codes, else every active deal
        by code): its room and its methods, read in one snapshot and a fixed number of
        queries whatever the number of deals."""
        with self._read() as s:
            if codes is None:
                where = _D.status.in_(mr.ACTIVE_STATUSES)
                deals = sorted(deal_rows(s, where), key=lambda d: d.code)
                ids: Any = select(_D.id).where(where)
            else:
                deals = [self._deal_view(s, code) for code in codes]
                ids = [d.id for d in deals]
            found = rooms(s, deals, ids)
            tasks = {r.deal.id: r.tasks for r in found}
            return list(zip(found, self._methods(s, deals, today, ids, tasks), strict=True))

    def _methods(
        self,
        s: Session,
        deals: Sequence[DealView],
        today: date | None = None,
        ids: Any = None,
        known_tasks: Mapping[int, list[TaskView]] | None = None,
    ) -> list[DealMethodsView]:
        """``ids`` may be a subquery selecting the same deals; ``known_tasks`` the deals'
        tasks when the caller has read them already."""
        if ids is None:
            ids = [d.id for d in deals]
        contacts = mr.grouped(mr.contact_rows(s, mr._CO.deal_id.in_(ids)))
        competitors = mr.grouped(mr.competitor_rows(s, mr._CP.deal_id.in_(ids)))
        reviews = mr.grouped(mr.review_rows(s, mr._RV.deal_id.in_(ids)))
        events = mr.grouped(mr.support_events(s, mr._EV.deal_id.in_(ids)))
        plans = mr.grouped(mr.plan_rows(s, mr._SP.deal_id.in_(ids)))
        tasks = (
            known_tasks
            if known_tasks is not None
            else mr.grouped(task_rows(s, _T.deal_id.in_(ids)))
        )
        answers = mr.grouped(mr.answer_rows(s, mr._CA.deal_id.in_(ids)))
        scores = mr.grouped(mr.score_rows(s, mr._AS.deal_id.in_(ids)))
        template = mr.by_stage(mr.template_rows(s))
        today = today or self.today()
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
        with self._read() as s:
            deal = self._deal_view(s, code)
            [m] = self._methods(s, [deal])
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
            self.today(),
            contacts=[c.as_contact() for c in m.contacts],
            competitors=[c.as_competitor() for c in m.competitors],
            scores={f: x.score for f, x in m.current_scores.items()},
            checklist=[i.as_item() for i in m.template.get(stage, [])],
            answers=m.stage_answers(stage),
        )

    def deals_needing_review(self) -> dict[str, list[str]]:
        """Active deals that need a review meeting: code → the reasons, oldest first."""
        return {
            m.deal.code: [f"{t.kind.label}: {t.message}" for t in m.triggers]
            for m in self.deals_methods()
            if m.triggers
        }

    def forecast(self, *, today: date | None = None) -> dict[str, Forecast]:
        """The weighted pipeline by close month, per person and per tier, per currency, as
        of ``today`` (default: the store's today)."""
        with self._read() as s:
            deals = deal_rows(s, _D.status == DealStatus.OPEN.value)
            leads: dict[int, dict[Role, str]] = {}
            for r in s.execute(
                select(_M.deal_id, _M.role, _P.handle)
                .join_from(DealMember, Person, _M.person_id == _P.id)
                .where(_M.role.in_([r.value for r in TRIANGLE]))
            ):
                leads.setdefault(r.deal_id, {})[Role(r.role)] = r.handle
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
            today or self.today(),
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
        with self._write() as s:
            deal = self._deal_by_code(s, code, lock=True)
            history = mr.score_rows(s, mr._AS.deal_id == deal.id, mr._AS.factor == f.key)
            latest = history[-1] if history else None
            if seen is not None and (latest.id if latest else 0) != seen:
                assert latest is not None
                by = [latest.scored_by]
                raise ConflictError(
                    "score", latest.id, seen, latest.id, ["score"], by, latest, self._names(s, by)
                )
            if latest is not None and (latest.score, latest.note) == (score, note):
                return latest
            row = AssessmentScore(
                deal_id=ident(deal),
                factor=f.key,
                score=score,
                note=note,
                scored_by=self.actor,
                scored_at=self.now(),
            )
            s.add(row)
            s.flush()
            old = latest.score if latest else None
            self._log(
                s,
                deal_id=ident(deal),
                entity="assessment",
                entity_id=row.id,
                action="score",
                changes={"score": (old, score), "factor": (f.key, f.key)},
                summary=f"scored {f.label} {format_support(score)}"
                + (f" (was {format_support(old)})" if old is not None else ""),
            )
            return mr.score_rows(s, mr._AS.id == row.id)[0]

    # --- reviews -----------------------------------------------------------------------------

    def record_review(
        self, code: str, *, held_on: date | None = None, note: str = ""
    ) -> ReviewView:
        """Record that the deal's review meeting was held (today unless ``held_on``)."""
        day = held_on or self.today()
        if day > self.today():
            raise RuleError("a review cannot be recorded before it is held", field="held_on")
        note = check_text(note, field="note", required=False, limit=REVIEW_NOTE_MAX)
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            row = DealReview(
                deal_id=ident(deal), held_on=day, held_by=self.actor, at=self.now(), note=note
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                deal_id=ident(deal),
                entity="review",
                entity_id=row.id,
                action="create",
                changes={"held_on": (None, day)},
                summary=f"held a deal review on {day.isoformat()}",
            )
            return mr.review_rows(s, mr._RV.id == row.id)[0]
