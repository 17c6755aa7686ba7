"""Stage checklists: what must be done in each LTC stage, and how well it is done.

Each stage carries a template of items (the team may edit it; :data:`DEFAULT_CHECKLISTS`
seeds it from DOMAIN.md §4). In a deal every item is answered *yes*, *partly*, *no* or
not yet. An item may be the stage's **key item**: the milestone condition the seeds name
("at least one key customer speaks up for us"); the milestone holds only when the key item
is answered *yes*.

Item keys are stable slugs: answers are stored against ``(stage, key)``, so the text of an
item can be reworded without losing them. Keys are unique within a stage, and the defaults
are unique across all stages too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from dealroom.domain.model import GATE_GUARDS, STAGES, Gate, Stage
from dealroom.domain.rules import RuleError, check_text
from dealroom.i18n import N_, _


class Answer(StrEnum):
    """How well a checklist item holds in a deal."""

    UNANSWERED = "unanswered"
    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @property
    def label(self) -> str:
        """The answer as the catalog marks it (shown through ``_``)."""
        return _ANSWER_LABELS[self]

    @property
    def mark(self) -> str:
        """One character for narrow views: ``✓`` yes, ``◐`` partly, ``✗`` no, ``·`` open."""
        return _ANSWER_MARKS[self]

    @property
    def answered(self) -> bool:
        return self is not Answer.UNANSWERED


_ANSWER_LABELS: dict[Answer, str] = {
    Answer.UNANSWERED: N_("not answered"),
    Answer.YES: N_("yes"),
    Answer.PARTLY: N_("partly"),
    Answer.NO: N_("no"),
}

_ANSWER_MARKS: dict[Answer, str] = {
    Answer.UNANSWERED: "·",
    Answer.YES: "✓",
    Answer.PARTLY: "◐",
    Answer.NO: "✗",
}

_ANSWER_WORDS: dict[str, Answer] = {
    "y": Answer.YES,
    "yes": Answer.YES,
    "p": Answer.PARTLY,
    "partly": Answer.PARTLY,
    "partial": Answer.PARTLY,
    "n": Answer.NO,
    "no": Answer.NO,
    "?": Answer.UNANSWERED,
    "u": Answer.UNANSWERED,
    "unanswered": Answer.UNANSWERED,
}


def parse_answer(text: str) -> Answer:
    """Read a typed answer: ``y``/``yes``, ``p``/``partly``, ``n``/``no``, ``?``/``unanswered``.

    Case and surrounding blanks do not matter; an empty answer is refused (type ``?`` to
    take an answer back).
    """
    key = text.strip().lower()
    if key in _ANSWER_WORDS:
        return _ANSWER_WORDS[key]
    for answer in Answer:  # the answer's own word in the language spoken (是, 部分, 否)
        if key == _(answer.label).lower():
            return answer
    raise RuleError(
        _("answer {text} is not one of y (yes), p (partly), n (no) or ? (not answered)").format(
            text=repr(text)
        ),
        field="answer",
    )


# --- the template ---------------------------------------------------------------------

ITEM_TEXT_MAX = 200
"""An item is one line on the timeline and the gate screen: at most this many characters."""

ITEM_KEY_MAX = 40
ITEMS_PER_STAGE_MAX = 30
ANSWER_NOTE_MAX = 2_000

_KEY_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One line of a stage's checklist template."""

    stage: Stage
    key: str
    """A stable slug (``pre_champion``): answers refer to it, so rewording keeps them."""
    text: str
    key_item: bool = False
    """The milestone condition of the stage: it holds only when answered yes."""


def check_item_text(text: str) -> str:
    """An item's wording: not empty, one line (runs of blanks become one space), ≤ 200."""
    one = " ".join(text.split())
    return check_text(one, field="checklist item", limit=ITEM_TEXT_MAX)


def check_item_key(key: str) -> str:
    """A key slug: lower-case letters and digits joined by single ``_``, at most 40."""
    if not _KEY_RE.match(key) or len(key) > ITEM_KEY_MAX:
        raise RuleError(
            _(
                "checklist key {key} must be 1-{most} lower-case letters and digits joined by '_'"
            ).format(key=repr(key), most=ITEM_KEY_MAX),
            field="key",
        )
    return key


def check_answer_note(note: str) -> str:
    """The note beside an answer: optional, at most 2,000 characters."""
    return check_text(note, field="note", required=False, limit=ANSWER_NOTE_MAX)


def new_item_key(text: str, taken: Iterable[str]) -> str:
    """A fresh key for an item a team adds: a slug of its text, made unique among ``taken``.

    >>> new_item_key("Do we have a coach?", {"do_we_have_a_coach"})
    'do_we_have_a_coach_2'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    base = "_".join(words)[: ITEM_KEY_MAX - 3].strip("_") or "item"
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}_{n}" in used:
        n += 1
    return f"{base}_{n}"


def check_template(stage: Stage, items: Sequence[ChecklistItem]) -> tuple[ChecklistItem, ...]:
    """Check one stage's edited checklist: its items, unique keys, at most one key item.

    Returns the items with their text tidied (see :func:`check_item_text`), in order.
    """
    if len(items) > ITEMS_PER_STAGE_MAX:
        raise RuleError(
            _("{stage} has {n} checklist items: keep it to {most}").format(
                stage=_(stage.label), n=len(items), most=ITEMS_PER_STAGE_MAX
            ),
            field="checklist",
        )
    out: list[ChecklistItem] = []
    seen: set[str] = set()
    for item in items:
        if item.stage is not stage:
            raise RuleError(
                _("item {key} belongs to {stage}, not {other}").format(
                    key=repr(item.key), stage=_(item.stage.label), other=_(stage.label)
                ),
                field="stage",
            )
        key = check_item_key(item.key)
        if key in seen:
            raise RuleError(
                _("{stage} has two items with the key {key}").format(
                    stage=_(stage.label), key=repr(key)
                ),
                field="key",
            )
        seen.add(key)
        out.append(ChecklistItem(stage, key, check_item_text(item.text), item.key_item))
    keys = [i for i in out if i.key_item]
    if len(keys) > 1:
        raise RuleError(
            _("{stage} may have one key item, not {n}: {items}").format(
                stage=_(stage.label), n=len(keys), items=", ".join(repr(i.text) for i in keys)
            ),
            field="key_item",
        )
    return tuple(out)


def _items(
    stage: Stage, *rows: tuple[str, str] | tuple[str, str, bool]
) -> tuple[ChecklistItem, ...]:
    return tuple(
        ChecklistItem(stage, row[0], row[1], len(row) > 2 and bool(row[2])) for row in rows
    )


DEFAULT_CHECKLISTS: dict[Stage, tuple[ChecklistItem, ...]] = {
    # LTC lead criteria: a customer who may buy, and a solution of ours that matches.
    Stage.LEAD: _items(
        Stage.LEAD,
        ("lead_need", N_("We heard the business need or pain point from the customer")),
        ("lead_source", N_("We know who at the customer raised it")),
        ("lead_qualifies", N_("The customer may buy and we have a matching solution"), True),
        ("lead_next_step", N_("The next contact with the customer is planned")),
    ),
    # Technical promotion checklist; an opportunity needs a clear budget and start time.
    Stage.OPPORTUNITY: _items(
        Stage.OPPORTUNITY,
        (
            "opp_needs",
            N_("We know the customer's needs: what they want solved, what they care about"),
        ),
        ("opp_current_system", N_("We know their current network or system and its problems")),
        ("opp_decision_chain", N_("We have a first map of the decision chain")),
        ("opp_competitors", N_("We know the competitors and integrators in play")),
        ("opp_first_solution", N_("Our first solution is differentiated against the main rival")),
        (
            "opp_budget_and_start",
            N_("The customer has a clear budget and a clear start time"),
            True,
        ),
    ),
    # Relationship building and solution confirmation: 80% is decided before the tender.
    Stage.PRE_BID: _items(
        Stage.PRE_BID,
        (
            "pre_briefings",
            N_("Technical briefings held; someone asked to visit a reference site or go deeper"),
        ),
        ("pre_coach", N_("We have a coach inside the customer")),
        ("pre_champion", N_("At least one key customer speaks up for us"), True),
        ("pre_deciders_stand", N_("The key deciders have said or hinted where they stand")),
        ("pre_tender_spec", N_("The tender spec and its scoring rules lean our way")),
        ("pre_partner", N_("The customer backs the partner or integrator we work with")),
    ),
    # Bid and negotiation: the final kick; no milestone item in the seeds.
    Stage.BID: _items(
        Stage.BID,
        ("bid_evaluation_team", N_("We know the evaluation team and have an insider among them")),
        ("bid_rules", N_("We know the evaluation rules and they favour us")),
        ("bid_hard_points", N_("We know the hard points in the decision chain and the way round")),
        (
            "bid_commercial",
            N_("We know the customer's commercial expectations; our pricing is set"),
        ),
        ("bid_floor_price", N_("Our floor price is set and known to as few people as possible")),
        ("bid_who_closes", N_("We know who gives the final yes, and on what terms")),
    ),
    # A quality contract: win and profit, risks under control.
    Stage.CONTRACT: _items(
        Stage.CONTRACT,
        ("con_review", N_("The contract review passed: commercial, legal and delivery terms")),
        ("con_margin", N_("The price keeps the margin we approved")),
        (
            "con_delivery_assumptions",
            N_("FR confirmed the bill of quantities and delivery assumptions"),
        ),
        ("con_handover", N_("FR has the contract/PO and the customer's delivery contacts")),
        ("con_signed", N_("The contract/PO is signed and confirmed by both sides"), True),
    ),
    # A deal ends when the customer has accepted the delivery and paid.
    Stage.DELIVERY: _items(
        Stage.DELIVERY,
        ("del_plan", N_("The delivery plan is agreed with the customer")),
        ("del_risks", N_("Delivery risks are owned, and escalated where beyond the team")),
        ("del_changes", N_("Every contract/PO change went through ATAC")),
        ("del_site_issues", N_("Technical issues found on site are with SR and being closed")),
        (
            "del_accepted",
            N_("The customer has accepted the delivery and signed the certificate"),
            True,
        ),
    ),
    Stage.INVOICE: _items(
        Stage.INVOICE,
        ("inv_certificate", N_("AR has the acceptance certificate from FR")),
        ("inv_issued", N_("The invoice is issued and the customer confirmed receipt")),
        ("inv_no_dispute", N_("No open dispute holds up the payment")),
        ("inv_paid", N_("Payment is received in full"), True),
    ),
    Stage.CLOSED: _items(
        Stage.CLOSED,
        ("clo_satisfaction", N_("The customer satisfaction review is held")),
        ("clo_lessons", N_("What won (or nearly lost) the deal is written down")),
        ("clo_reference", N_("The customer would act as a reference")),
    ),
}


def key_item(items: Iterable[ChecklistItem]) -> ChecklistItem | None:
    """The stage's key item (the milestone condition), if it has one."""
    return next((i for i in items if i.key_item), None)


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    """A deal's answer to one item: what, a note, and who answered (a person handle)."""

    stage: Stage
    key: str
    answer: Answer = Answer.UNANSWERED
    note: str = ""
    by: str | None = None


def answers_by_stage(rows: Iterable[ItemAnswer]) -> dict[Stage, dict[str, Answer]]:
    """Stored answers shaped for :func:`timeline_completion` (a later row wins)."""
    out: dict[Stage, dict[str, Answer]] = {}
    for row in rows:
        out.setdefault(row.stage, {})[row.key] = row.answer
    return out


def stage_closed_by(gate: Gate) -> Stage | None:
    """The stage whose checklist a gate decision weighs: the one before the stage it guards
    (ATB closes Pre-bid shaping). ATAC guards no stage and closes none."""
    guarded = GATE_GUARDS.get(gate)
    return guarded.prev if guarded is not None else None


# --- completion -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageCompletion:
    """How far a deal has got through one stage's checklist."""

    stage: Stage
    total: int
    yes: int
    partly: int
    no: int
    key_item: ChecklistItem | None
    key_item_holds: bool | None
    """True when the key item is answered yes; False otherwise; None if the stage has none."""

    @property
    def answered(self) -> int:
        return self.yes + self.partly + self.no

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def percent(self) -> int | None:
        """Yes counts whole, partly half, no and unanswered nothing; rounded down, so 100
        means every item is yes. None for a stage without items."""
        if self.total == 0:
            return None
        return (2 * self.yes + self.partly) * 100 // (2 * self.total)


def stage_completion(
    stage: Stage, items: Iterable[ChecklistItem], answers: Mapping[str, Answer]
) -> StageCompletion:
    """Count a deal's ``answers`` (item key → answer) against the stage's items.

    Items of other stages in ``items`` are skipped; answers to keys the template no longer
    has are ignored; an item without an answer is unanswered.
    """
    mine = [i for i in items if i.stage is stage]
    got = [answers.get(i.key, Answer.UNANSWERED) for i in mine]
    key = key_item(mine)
    holds = None if key is None else answers.get(key.key) is Answer.YES
    return StageCompletion(
        stage=stage,
        total=len(mine),
        yes=got.count(Answer.YES),
        partly=got.count(Answer.PARTLY),
        no=got.count(Answer.NO),
        key_item=key,
        key_item_holds=holds,
    )


def timeline_completion(
    template: Mapping[Stage, Sequence[ChecklistItem]],
    answers: Mapping[Stage, Mapping[str, Answer]],
) -> dict[Stage, StageCompletion]:
    """Every stage's completion, in LTC order (a stage missing from ``template`` has none)."""
    return {
        stage: stage_completion(stage, template.get(stage, ()), answers.get(stage, {}))
        for stage in STAGES
    }
