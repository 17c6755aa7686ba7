"""Deal review meetings (项目分析会): when a deal needs one, and its agenda.

The seeds call a review when the deal hits an obstacle, a plan slips, the customer or a
competitor moves against us, or before the bid's commercial strategy is set. Here:

- **obstacle** — a task blocked for *more than* ``blocked_days`` days (exactly
  ``blocked_days`` is not yet an obstacle);
- **slipped** — a stage not reached yet whose planned date (the day the deal should enter
  it) is *before* today; a stage planned for today has not slipped;
- **adverse support** — a key decider's support fell;
- **competitor** — a competitor was noted on the deal;
- **bid** — the deal is in Bid: set the commercial strategy.

Each trigger has the day it arose. A review held on or after that day clears it (a
meeting the same day counts: it had the news). Lost and dropped deals, and deals in
Closed, need no review.

The agenda is built as plain data (:class:`ReviewAgenda`); :meth:`ReviewAgenda.to_markdown`
renders it with an ``escape`` function for user text, so the export layer's Markdown
escaping applies and this module stays free of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from dealroom.domain.assessment import FACTORS, Mark, summarize
from dealroom.domain.checklist import Answer, ChecklistItem
from dealroom.domain.competitors import Competitor
from dealroom.domain.model import STAGES, DealStatus, Role, Stage, TaskStatus, Tier
from dealroom.domain.powermap import (
    Contact,
    SupportChange,
    format_support,
    group_by_role,
    power_map_gaps,
)
from dealroom.i18n import N_, _, ngettext, pgettext

BLOCKED_DAYS = 7


class TriggerKind(StrEnum):
    OBSTACLE = "obstacle"
    SLIPPED = "slipped"
    ADVERSE_SUPPORT = "adverse_support"
    COMPETITOR = "competitor"
    BID = "bid"

    @property
    def label(self) -> str:
        """The kind as the catalog marks it (shown through ``_``)."""
        return _TRIGGER_LABELS[self]


_TRIGGER_LABELS: dict[TriggerKind, str] = {
    TriggerKind.OBSTACLE: N_("Obstacle"),
    TriggerKind.SLIPPED: N_("Plan slipped"),
    TriggerKind.ADVERSE_SUPPORT: N_("Adverse move"),
    TriggerKind.COMPETITOR: N_("Competitor move"),
    TriggerKind.BID: N_("Bid strategy"),
}


@dataclass(frozen=True, slots=True)
class TaskFact:
    """A task as the review rules see it."""

    title: str
    status: TaskStatus
    _kw: KW_ONLY
    owner: str | None = None
    due: date | None = None
    blocked_since: date | None = None
    """The day it became blocked; ignored unless ``status`` is blocked."""
    checkpoint: str = ""
    """How the team will know it is done (the seeds' *check point*); may be empty."""
    role: Role | None = None


@dataclass(frozen=True, slots=True)
class CompetitorNoted:
    name: str
    on: date


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """What :func:`review_triggers` looks at. Pass the changes you want considered (all of
    them, or those since some day); the last review decides which still count."""

    stage: Stage
    status: DealStatus = DealStatus.OPEN
    planned: Mapping[Stage, date] = field(default_factory=dict)
    """Per stage, the day the deal is planned to enter it."""
    entered: Mapping[Stage, date] = field(default_factory=dict)
    """Per stage, the day the deal actually entered it."""
    tasks: Sequence[TaskFact] = ()
    support_changes: Sequence[SupportChange] = ()
    competitors_noted: Sequence[CompetitorNoted] = ()
    last_review: date | None = None


@dataclass(frozen=True, slots=True)
class ReviewTrigger:
    kind: TriggerKind
    since: date
    """The day the reason arose; a review on or after it clears the trigger. For a deal in
    Bid without a recorded entry day it is ``date.min``: any review clears it."""
    message: str


def review_triggers(
    facts: ReviewFacts, today: date, *, blocked_days: int = BLOCKED_DAYS
) -> list[ReviewTrigger]:
    """The reasons the deal needs a review meeting now, oldest first (empty: none)."""
    if facts.status in (DealStatus.LOST, DealStatus.DROPPED) or facts.stage is Stage.CLOSED:
        return []
    found: list[ReviewTrigger] = []
    for t in facts.tasks:
        if t.status is TaskStatus.BLOCKED and t.blocked_since is not None:
            days = (today - t.blocked_since).days
            if days > blocked_days:
                found.append(
                    ReviewTrigger(
                        TriggerKind.OBSTACLE,
                        t.blocked_since + timedelta(days=blocked_days + 1),
                        ngettext(
                            "“{title}” has been blocked for {n} day",
                            "“{title}” has been blocked for {n} days",
                            days,
                        ).format(title=t.title, n=days),
                    )
                )
    for stage in STAGES[facts.stage.order + 1 :]:
        planned = facts.planned.get(stage)
        if planned is not None and planned < today and stage not in facts.entered:
            late = (today - planned).days
            found.append(
                ReviewTrigger(
                    TriggerKind.SLIPPED,
                    planned + timedelta(days=1),
                    ngettext(
                        "{stage} was planned for {day}: {n} day late",
                        "{stage} was planned for {day}: {n} days late",
                        late,
                    ).format(stage=_(stage.label), day=planned.isoformat(), n=late),
                )
            )
    for change in facts.support_changes:
        if change.adverse:
            found.append(ReviewTrigger(TriggerKind.ADVERSE_SUPPORT, change.on, change.description))
    for c in facts.competitors_noted:
        found.append(
            ReviewTrigger(
                TriggerKind.COMPETITOR, c.on, _("competitor {name} noted").format(name=c.name)
            )
        )
    if facts.stage is Stage.BID:
        since = facts.entered.get(Stage.BID, date.min)
        found.append(
            ReviewTrigger(
                TriggerKind.BID, since, _("the deal is in Bid: set the commercial strategy")
            )
        )
    if facts.last_review is not None:
        held = facts.last_review
        found = [t for t in found if t.since > held]
    return sorted(found, key=lambda t: (t.since, list(TriggerKind).index(t.kind)))


def needs_review(facts: ReviewFacts, today: date, *, blocked_days: int = BLOCKED_DAYS) -> bool:
    return bool(review_triggers(facts, today, blocked_days=blocked_days))


# --- the agenda ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DealBrief:
    """The deal's header for the agenda's background."""

    code: str
    name: str
    account: str
    tier: Tier
    stage: Stage
    amount: int
    currency: str
    probability: int
    close_date: date | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One agenda line: fixed words (``label``, never escaped) and user text (``text``)."""

    label: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class NextAction:
    what: str
    owner: str | None
    due: date | None
    checkpoint: str


@dataclass(frozen=True, slots=True)
class ReviewAgenda:
    """The agenda of a deal review, section by section, as data."""

    title: str
    background: tuple[Line, ...]
    decision_chain: tuple[Line, ...]
    moves: tuple[Line, ...]
    strengths: tuple[Line, ...]
    weaknesses: tuple[Line, ...]
    next_actions: tuple[NextAction, ...]

    def to_markdown(self, escape: Callable[[str], str]) -> str:
        """Markdown with every piece of user text passed through ``escape``, in the
        language spoken."""

        def bullets(lines: Sequence[Line]) -> list[str]:
            if not lines:
                return ["- " + _("none")]
            out = []
            for ln in lines:
                if ln.label and ln.text:
                    out.append(
                        "- " + _("{label}: {text}").format(label=ln.label, text=escape(ln.text))
                    )
                else:
                    out.append(f"- {ln.label or escape(ln.text)}")
            return out

        md = ["# " + _("Deal review — {title}").format(title=escape(self.title)), ""]
        for heading, lines in (
            (_("Background"), self.background),
            (_("Decision chain"), self.decision_chain),
            (_("Customer, competitor and channel moves"), self.moves),
            (_("Strengths"), self.strengths),
            (_("Weaknesses"), self.weaknesses),
        ):
            md += [f"## {heading}", "", *bullets(lines), ""]
        md += ["## " + _("Strategy"), "", "- " + _("to decide in the meeting"), ""]
        md += ["## " + _("Next actions"), ""]
        if self.next_actions:
            head = (_("What"), _("Owner"), _("Date"), _("Checkpoint"))
            md += ["| " + " | ".join(head) + " |", "| --- | --- | --- | --- |"]
            for a in self.next_actions:
                cells = [
                    escape(a.what),
                    escape(a.owner) if a.owner else "—",
                    a.due.isoformat() if a.due else "—",
                    escape(a.checkpoint) if a.checkpoint else "—",
                ]
                md.append("| " + " | ".join(cells) + " |")
        else:
            md.append("- " + _("none planned yet"))
        md.append("")
        return "\n".join(md)


def review_agenda(
    deal: DealBrief,
    facts: ReviewFacts,
    today: date,
    *,
    contacts: Sequence[Contact] = (),
    competitors: Sequence[Competitor] = (),
    scores: Mapping[str, int] | None = None,
    checklist: Sequence[ChecklistItem] = (),
    answers: Mapping[str, Answer] | None = None,
    blocked_days: int = BLOCKED_DAYS,
    stale_days: int = 30,
) -> ReviewAgenda:
    """Draw the agenda from the deal's data.

    - background: the deal, and why the review was called (its triggers);
    - decision chain: the power map by role, then its gaps;
    - moves: support changes and competitors noted since the last review (all, if none);
    - strengths / weaknesses: assessment factors scored above / below 0, each competitor's
      line, and the current stage's checklist items answered no or partly (weaknesses);
    - next actions: open tasks, soonest due first (undated last).
    """
    scores = scores or {}
    answers = answers or {}
    close = deal.close_date.isoformat() if deal.close_date else _("not set")
    background = [
        Line(_("Deal"), f"{deal.code} {deal.name}"),
        Line(
            _("Customer"),
            _("{account} (tier {tier})").format(account=deal.account, tier=deal.tier.value),
        ),
        Line(
            _("Stage"),
            _("{stage}, {amount} {currency} at {probability}%, close {close}").format(
                stage=_(deal.stage.label),
                amount=f"{deal.amount:,}",
                currency=deal.currency,
                probability=deal.probability,
                close=close,
            ),
        ),
    ]
    for t in review_triggers(facts, today, blocked_days=blocked_days):
        background.append(Line(_("Why now — {kind}").format(kind=_(t.kind.label)), t.message))

    chain: list[Line] = []
    for role, people in group_by_role(contacts):
        for c in people:
            bits = [format_support(c.support)]
            if c.key_decider:
                bits.append(_("key decider"))
            bits.append(_("influence {n}").format(n=c.influence))
            extra = _("; owner {owner}").format(owner=c.owner) if c.owner else ""
            extra += _("; leans to {name}").format(name=c.leaning_to) if c.leaning_to else ""
            listed = pgettext("list separator", ", ").join([_(role.label), *bits])
            chain.append(Line(listed, f"{c.who}{extra}"))
    for gap in power_map_gaps(contacts, today, stale_days):
        chain.append(Line(_("Gap"), gap.message))

    def recent(on: date) -> bool:
        return facts.last_review is None or on > facts.last_review

    moves = [
        Line(f"{c.on.isoformat()}", c.description) for c in facts.support_changes if recent(c.on)
    ]
    moves += [
        Line(f"{c.on.isoformat()}", _("competitor {name} noted").format(name=c.name))
        for c in facts.competitors_noted
        if recent(c.on)
    ]
    moves.sort(key=lambda ln: ln.label)

    strengths: list[Line] = []
    weaknesses: list[Line] = []
    for factor in FACTORS:
        score = scores.get(factor.key, 0)
        if score == 0:
            continue
        line = Line(
            _("{factor} ({score})").format(factor=_(factor.label), score=format_support(score))
        )
        (strengths if score > 0 else weaknesses).append(line)
    for q in summarize(scores).questions:
        verdict = Line(
            _("{question} {mark} ({scored}/{factors} scored)").format(
                question=_(q.question.label),
                mark=q.mark.value,
                scored=q.scored,
                factors=q.factors,
            )
        )
        if q.mark is Mark.GOOD:
            strengths.append(verdict)
        elif q.mark is Mark.BAD:
            weaknesses.append(verdict)
    for comp in competitors:
        if comp.weaknesses and comp.differentiator:
            ours = _("{name}: their weaknesses: {weaknesses}; our differentiator: {ours}")
        elif comp.weaknesses:
            ours = _("{name}: their weaknesses: {weaknesses}")
        elif comp.differentiator:
            ours = _("{name}: our differentiator: {ours}")
        else:
            ours = ""
        if ours:
            said = ours.format(name=comp.name, weaknesses=comp.weaknesses, ours=comp.differentiator)
            strengths.append(Line(_("Against"), said))
        if comp.strengths:
            weaknesses.append(
                Line(
                    _("Against"),
                    _("{name}: their strengths: {text}").format(
                        name=comp.name, text=comp.strengths
                    ),
                )
            )
    for item in checklist:
        if item.stage is deal.stage:
            got = answers.get(item.key, Answer.UNANSWERED)
            if got in (Answer.NO, Answer.PARTLY):
                weaknesses.append(
                    Line(_("Checklist ({answer})").format(answer=_(got.label)), item.text)
                )

    open_tasks = [t for t in facts.tasks if t.status is not TaskStatus.DONE]
    open_tasks.sort(key=lambda t: (t.due is None, t.due or date.max, t.title))
    actions = tuple(NextAction(t.title, t.owner, t.due, t.checkpoint) for t in open_tasks)

    return ReviewAgenda(
        title=f"{deal.code} {deal.name} — {today.isoformat()}",
        background=tuple(background),
        decision_chain=tuple(chain),
        moves=tuple(moves),
        strengths=tuple(strengths),
        weaknesses=tuple(weaknesses),
        next_actions=actions,
    )
