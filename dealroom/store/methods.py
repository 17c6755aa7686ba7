"""The methods that win a deal: stage checklists, the power map, competitors, the
opportunity assessment, deal reviews and the forecast. Same rules as every other write:
one short transaction, a version check, and an event in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealroom.domain import TRIANGLE, DealStatus, Role, Stage
from dealroom.domain.assessment import check_factor_key, check_score, check_score_note
from dealroom.domain.checklist import (
    Answer,
    check_answer_note,
    check_item_text,
    new_item_key,
)
from dealroom.domain.competitors import Competitor, check_competitor, check_new_competitor_name
from dealroom.domain.forecast import Forecast, ForecastDeal, forecast
from dealroom.domain.powermap import (
    Contact,
    check_contact,
    describe_support_change,
    format_support,
)
from dealroom.domain.review import DealBrief, ReviewAgenda, review_agenda
from dealroom.domain.rules import RuleError, check_text
from dealroom.store import method_rows as mr
from dealroom.store.base import ident, quote_title, unknown_fields
from dealroom.store.errors import ConflictError, NotFoundError
from dealroom.store.queries import _D, _M, _P, _T, Queries, deal_rows, rooms, task_rows
from dealroom.store.tables import (
    AssessmentScore,
    ChecklistAnswer,
    ChecklistTemplate,
    CompetitorRecord,
    ContactRecord,
    DealMember,
    DealReview,
    Person,
)
from dealroom.store.views import (
    ChecklistAnswerView,
    ChecklistItemView,
    CompetitorView,
    ContactView,
    DealMethodsView,
    DealRoomView,
    DealView,
    ReviewView,
    ScoreView,
    TaskView,
)

CONTACT_FIELDS = (
    "name",
    "title",
    "role",
    "influence",
    "key_decider",
    "support",
    "owner",
    "leaning_to",
    "last_contact",
    "note",
)
COMPETITOR_FIELDS = ("name", "relationship", "strengths", "weaknesses", "allies", "differentiator")
REVIEW_NOTE_MAX = 2_000


class MethodCommands(Queries):
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

    # --- the power map ---------------------------------------------------------------------

    def add_contact(self, code: str, contact: Contact, *, note: str = "") -> ContactView:
        c = check_contact(contact)
        note = check_text(note, field="note", required=False, limit=2_000)
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            now = self.now()
            row = ContactRecord(
                deal_id=ident(deal),
                name=c.name,
                title=c.title,
                decision_role=c.role.value,
                influence=c.influence,
                key_decider=c.key_decider,
                support=c.support,
                owner_id=self._owner(s, c.owner),
                leaning_to=c.leaning_to,
                last_contact=c.last_contact,
                note=note,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                deal_id=ident(deal),
                entity="contact",
                entity_id=row.id,
                action="create",
                version=row.version,
                changes={"name": (None, c.name), "support": (None, c.support)},
                summary=f"added {c.role.label} {quote_title(c.who)} to the power map "
                f"(support {format_support(c.support)})",
            )
            return mr.contact_rows(s, mr._CO.id == row.id)[0]

    def update_contact(
        self, contact_id: int, *, version: int | None = None, **changes: Any
    ) -> ContactView:
        unknown_fields(changes, CONTACT_FIELDS, "contact")
        with self._write() as s:
            row = self._load(s, ContactRecord, contact_id, "contact")

            def current() -> ContactView:
                return mr.contact_rows(s, mr._CO.id == contact_id)[0]

            self._check_version(s, "contact", row, version, current)
            before = current()
            merged = replace(
                before.as_contact(),
                **{k: v for k, v in changes.items() if k != "note"},
            )
            c = check_contact(merged)
            values: dict[str, object] = {
                "name": c.name,
                "title": c.title,
                "decision_role": c.role.value,
                "influence": c.influence,
                "key_decider": c.key_decider,
                "support": c.support,
                "owner_id": self._owner(s, c.owner),
                "leaning_to": c.leaning_to,
                "last_contact": c.last_contact,
            }
            if "note" in changes:
                values["note"] = check_text(
                    changes["note"], field="note", required=False, limit=2_000
                )
            diff = self._apply(row, values)
            if not diff:
                return before
            row.updated_at = self.now()
            s.flush()
            if "owner_id" in diff:
                diff["owner"] = (before.owner, c.owner)
                del diff["owner_id"]
            if "decision_role" in diff:
                diff["role"] = diff.pop("decision_role")
            if set(diff) == {"support"}:
                action = "support"
                summary = describe_support_change(c.who, before.support, c.support)
            else:
                action = "update"
                summary = f"edited {quote_title(c.who)} on the power map ({', '.join(diff)})"
                if "support" in diff:
                    summary += "; " + describe_support_change(c.who, before.support, c.support)
            self._log(
                s,
                deal_id=row.deal_id,
                entity="contact",
                entity_id=row.id,
                action=action,
                version=row.version,
                changes=diff,
                summary=summary,
            )
            return current()

    def delete_contact(self, contact_id: int, *, version: int | None = None) -> None:
        with self._write() as s:
            row = self._load(s, ContactRecord, contact_id, "contact")
            self._check_version(
                s,
                "contact",
                row,
                version,
                lambda: mr.contact_rows(s, mr._CO.id == contact_id)[0],
            )
            who = Contact(row.name, row.title).who
            s.delete(row)
            s.flush()
            self._log(
                s,
                deal_id=row.deal_id,
                entity="contact",
                entity_id=contact_id,
                action="delete",
                changes={"name": (row.name, None)},
                summary=f"removed {quote_title(who)} from the power map",
            )

    def _owner(self, s: Session, handle: str | None) -> int | None:
        if handle is None or not handle.strip():
            return None
        return self._person_by_handle(s, handle).id

    # --- competitors -------------------------------------------------------------------------

    def add_competitor(self, code: str, competitor: Competitor) -> CompetitorView:
        c = check_competitor(competitor)
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            names = s.execute(select(mr._CP.name).where(mr._CP.deal_id == deal.id)).scalars()
            check_new_competitor_name(c.name, list(names))
            now = self.now()
            row = CompetitorRecord(
                deal_id=ident(deal),
                name=c.name,
                relationship=c.relationship,
                strengths=c.strengths,
                weaknesses=c.weaknesses,
                allies=c.allies,
                differentiator=c.differentiator,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                deal_id=ident(deal),
                entity="competitor",
                entity_id=row.id,
                action="create",
                version=row.version,
                changes={"name": (None, c.name)},
                summary=f"noted competitor {quote_title(c.name)}",
            )
            return mr.competitor_rows(s, mr._CP.id == row.id)[0]

    def update_competitor(
        self, competitor_id: int, *, version: int | None = None, **changes: Any
    ) -> CompetitorView:
        unknown_fields(changes, COMPETITOR_FIELDS, "competitor")
        with self._write() as s:
            row = self._load(s, CompetitorRecord, competitor_id, "competitor")

            def current() -> CompetitorView:
                return mr.competitor_rows(s, mr._CP.id == competitor_id)[0]

            self._check_version(s, "competitor", row, version, current)
            c = check_competitor(replace(current().as_competitor(), **changes))
            if "name" in changes and c.name.casefold() != row.name.casefold():
                others = s.execute(
                    select(mr._CP.name).where(
                        mr._CP.deal_id == row.deal_id, mr._CP.id != competitor_id
                    )
                ).scalars()
                check_new_competitor_name(c.name, list(others))
            diff = self._apply(row, {f: getattr(c, f) for f in COMPETITOR_FIELDS})
            if diff:
                row.updated_at = self.now()
                s.flush()
                self._log(
                    s,
                    deal_id=row.deal_id,
                    entity="competitor",
                    entity_id=row.id,
                    action="update",
                    version=row.version,
                    changes=diff,
                    summary=f"edited competitor {quote_title(c.name)} ({', '.join(diff)})",
                )
            return current()

    def delete_competitor(self, competitor_id: int, *, version: int | None = None) -> None:
        with self._write() as s:
            row = self._load(s, CompetitorRecord, competitor_id, "competitor")
            self._check_version(
                s,
                "competitor",
                row,
                version,
                lambda: mr.competitor_rows(s, mr._CP.id == competitor_id)[0],
            )
            name = row.name
            s.delete(row)
            s.flush()
            self._log(
                s,
                deal_id=row.deal_id,
                entity="competitor",
                entity_id=competitor_id,
                action="delete",
                changes={"name": (name, None)},
                summary=f"removed competitor {quote_title(name)}",
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
