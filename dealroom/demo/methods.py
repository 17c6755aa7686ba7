"""The demo's methods that win a deal: checklist answers, power maps (with and without a
coach, a key decider whose support fell), competitors, assessment scores with a history,
and reviews held.

Every part shows somewhere: one deal in three has no coach, one in four a key decider whose
support fell; checklists are answered up to the current stage, and some reviews are held.
The methods have a random generator of their own (per deal), so the rest of the demo data
stays as it was when they came.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from dealroom.demo.builder import Builder, DealSeed
from dealroom.demo.data import COMPETITORS, CUSTOMER_PEOPLE, REVIEW_NOTES, SCORE_NOTES
from dealroom.domain import STAGES, Role, Stage
from dealroom.domain.assessment import FACTORS
from dealroom.domain.checklist import DEFAULT_CHECKLISTS
from dealroom.domain.powermap import DecisionRole, describe_support_change


def seed(b: Builder, d: DealSeed) -> None:
    rng = random.Random(b.seed * 100_003 + d.index)
    _checklists(b, d, rng)
    _power_map(b, d, rng)
    if d.stage.order >= Stage.OPPORTUNITY.order:
        _competitors(b, d, rng)
        _scores(b, d, rng)
    if rng.random() < 0.3:
        _review(b, d, rng)


def _checklists(b: Builder, d: DealSeed, rng: random.Random) -> None:
    """Every stage's checklist up to the current one; a passed stage's key items held."""
    owners = list(d.leads.values())
    for s in STAGES[: d.stage.order + 1]:
        for item in DEFAULT_CHECKLISTS[s]:
            if s is d.stage and rng.random() < 0.45:
                continue
            answer = rng.choices(["yes", "partly", "no"], weights=[6, 3, 1])[0]
            if s is not d.stage and item.key_item:
                answer = "yes"
            who = rng.choice(owners)
            when = b.at(rng.uniform(1, 30), rng)
            b.record(
                "checklist_answer",
                {
                    "deal_id": d.id,
                    "stage": s.value,
                    "key": item.key,
                    "answer": answer,
                    "note": "",
                    "answered_by": who,
                    "answered_at": when,
                    "version": 1,
                },
                "checklist",
                "answer",
                when,
                f"answered {s.label} checklist {item.text[:60]!r}: {answer}",
                {"answer": [None, answer]},
                who=who,
            )


def _power_map(b: Builder, d: DealSeed, rng: random.Random) -> None:
    """Three to six people of the customer, the coach among them unless ``index`` is a
    multiple of three."""
    owners = list(d.leads.values())
    people = rng.sample(CUSTOMER_PEOPLE, rng.randint(3, 6))
    people = [p for p in people if p[2] != "coach"]
    if d.index % 3 != 0:
        people.append(next(p for p in CUSTOMER_PEOPLE if p[2] == "coach"))
    keys = [n for n, p in enumerate(people) if p[2] in ("decision_maker", "approver")]
    falls = keys[0] if d.index % 4 == 1 and keys else None
    for n, (name, title, role, influence) in enumerate(people):
        support = 2 if role == "coach" else rng.choice([-2, -1, 0, 1, 1, 2, 3])
        owner = rng.choice(owners) if rng.random() < 0.8 else None
        last = b.today - timedelta(days=rng.choice([2, 5, 9, 14, 21, 45]))
        created = b.at(rng.uniform(20, 40), rng)
        start = 1 if n == falls else support
        now = -1 if start == 1 else support
        cid = b.record(
            "contact",
            {
                "deal_id": d.id,
                "name": name,
                "title": title,
                "decision_role": role,
                "influence": influence,
                "key_decider": role in ("decision_maker", "approver"),
                "support": now,
                "owner_id": b.people[owner] if owner else None,
                "leaning_to": None,
                "last_contact": None if rng.random() < 0.1 else last,
                "note": "",
                "created_at": created,
                "updated_at": created,
                "version": 1 + (start != now),
            },
            "contact",
            "create",
            created,
            f"added {DecisionRole(role).label} {name} ({title}) to the power map",
            {"name": [None, name], "support": [None, start]},
            who=owner or owners[0],
        )
        if start != now:
            b.event(
                d.id,
                "contact",
                cid,
                "support",
                b.at(rng.uniform(1, 4), rng),
                describe_support_change(f"{name} ({title})", start, now),
                {"support": [start, now]},
                who=owner or owners[0],
                version=2,
            )


def _competitors(b: Builder, d: DealSeed, rng: random.Random) -> None:
    for name, *notes in rng.sample(COMPETITORS, rng.randint(0, 2)):
        when = b.at(rng.uniform(2, 30), rng)
        b.record(
            "competitor",
            {
                "deal_id": d.id,
                "name": name,
                "relationship": notes[0],
                "strengths": notes[1],
                "weaknesses": notes[2],
                "allies": notes[3],
                "differentiator": notes[4],
                "created_at": when,
                "updated_at": when,
                "version": 1,
            },
            "competitor",
            "create",
            when,
            f"noted competitor {name!r}",
            {"name": [None, name]},
            who=d.leads[Role.AR],
        )


def _scores(b: Builder, d: DealSeed, rng: random.Random) -> None:
    """Six to sixteen factors scored, some of them twice (a history)."""
    owners = list(d.leads.values())
    for factor in rng.sample(FACTORS, rng.randint(6, 16)):
        for back in sorted(rng.sample([25, 12, 3], rng.randint(1, 2)), reverse=True):
            when = b.at(back + rng.random(), rng)
            score = rng.choice([-2, -1, 0, 1, 1, 2])
            who = rng.choice(owners)
            b.record(
                "assessment_score",
                {
                    "deal_id": d.id,
                    "factor": factor.key,
                    "score": score,
                    "note": rng.choice(SCORE_NOTES),
                    "scored_by": who,
                    "scored_at": when,
                },
                "assessment",
                "score",
                when,
                f"scored {factor.label} {score:+d}",
                {"score": [None, score]},
                who=who,
                version=None,
            )


def _review(b: Builder, d: DealSeed, rng: random.Random) -> None:
    held = b.today - timedelta(days=rng.randint(8, 30))
    when = datetime.combine(held, time(15, 0), tzinfo=UTC)
    b.record(
        "deal_review",
        {
            "deal_id": d.id,
            "held_on": held,
            "held_by": d.leads[Role.AR],
            "at": when,
            "note": rng.choice(REVIEW_NOTES),
        },
        "review",
        "create",
        when,
        f"held a deal review on {held.isoformat()}",
        {"held_on": [None, held.isoformat()]},
        who=d.leads[Role.AR],
        version=None,
    )
