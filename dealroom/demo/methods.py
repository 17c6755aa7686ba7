"""Demo data for the methods that win a deal: checklist answers, power maps (with and
without a coach, a key decider whose support fell), competitors, assessment scores with a
history, and reviews held. Called by the demo builder for each deal it makes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from dealroom.demo.data import COMPETITORS, CUSTOMER_PEOPLE, REVIEW_NOTES, SCORE_NOTES
from dealroom.domain import STAGES, Role, Stage
from dealroom.domain.assessment import FACTORS
from dealroom.domain.checklist import DEFAULT_CHECKLISTS
from dealroom.domain.powermap import DecisionRole, describe_support_change

if TYPE_CHECKING:
    from dealroom.demo import _Builder


def seed(builder: _Builder, i: int, deal_id: int, stage: Stage, leads: dict[Role, str]) -> None:
    """Every part shows somewhere: deals with and without a coach (one in three has
    none), a key decider whose support fell (one in four), competitors, scores with a
    history, checklists answered up to the current stage, and some reviews held."""
    # A generator of its own, so the rest of the demo data stays as it was.
    rng = random.Random(builder.seed * 100_003 + i)

    def at(days_ago: float) -> datetime:
        return builder.noon - timedelta(days=days_ago, minutes=rng.randint(0, 480))

    owners = list(leads.values())
    for s in STAGES[: stage.order + 1]:
        for item in DEFAULT_CHECKLISTS[s]:
            if s is stage and rng.random() < 0.45:
                continue
            answer = rng.choices(["yes", "partly", "no"], weights=[6, 3, 1])[0]
            if s is not stage and item.key_item:
                answer = "yes"  # a passed milestone held
            who = rng.choice(owners)
            when = at(rng.uniform(1, 30))
            aid = builder.b.add(
                "checklist_answer",
                {"deal_id": deal_id, "stage": s.value, "key": item.key, "answer": answer,
                 "note": "", "answered_by": who, "answered_at": when, "version": 1},
            )  # fmt: skip
            builder.event(deal_id, "checklist", aid, "answer", when,
                       f"answered {s.label} checklist {item.text[:60]!r}: {answer}",
                       {"answer": [None, answer]}, who=who)  # fmt: skip
    people = rng.sample(CUSTOMER_PEOPLE, rng.randint(3, 6))
    has_coach = i % 3 != 0
    people = [p for p in people if p[2] != "coach"]
    if has_coach:
        people.append(next(p for p in CUSTOMER_PEOPLE if p[2] == "coach"))
    keys = [n for n, p in enumerate(people) if p[2] in ("decision_maker", "approver")]
    falls = keys[0] if i % 4 == 1 and keys else None
    for n, (name, title, role, influence) in enumerate(people):
        key = role in ("decision_maker", "approver")
        support = 2 if role == "coach" else rng.choice([-2, -1, 0, 1, 1, 2, 3])
        owner = rng.choice(owners) if rng.random() < 0.8 else None
        last = builder.today - timedelta(days=rng.choice([2, 5, 9, 14, 21, 45]))
        created = at(rng.uniform(20, 40))
        start = 1 if n == falls else support
        now = -1 if start == 1 else support
        cid = builder.b.add(
            "contact",
            {"deal_id": deal_id, "name": name, "title": title, "decision_role": role,
             "influence": influence, "key_decider": key, "support": now,
             "owner_id": builder.people[owner] if owner else None, "leaning_to": None,
             "last_contact": None if rng.random() < 0.1 else last, "note": "",
             "created_at": created, "updated_at": created, "version": 1 + (start != now)},
        )  # fmt: skip
        label = DecisionRole(role).label
        builder.event(deal_id, "contact", cid, "create", created,
                   f"added {label} {name} ({title}) to the power map",
                   {"name": [None, name], "support": [None, start]},
                   who=owner or owners[0])  # fmt: skip
        if start != now:
            fell = describe_support_change(f"{name} ({title})", start, now)
            when = at(rng.uniform(1, 4))
            by = owner or owners[0]
            builder.event(deal_id, "contact", cid, "support", when, fell,
                       {"support": [start, now]}, who=by, version=2)  # fmt: skip
    if stage.order >= Stage.OPPORTUNITY.order:
        for name, *notes in rng.sample(COMPETITORS, rng.randint(0, 2)):
            when = at(rng.uniform(2, 30))
            cid = builder.b.add(
                "competitor",
                {"deal_id": deal_id, "name": name, "relationship": notes[0],
                 "strengths": notes[1], "weaknesses": notes[2], "allies": notes[3],
                 "differentiator": notes[4], "created_at": when, "updated_at": when,
                 "version": 1},
            )  # fmt: skip
            builder.event(deal_id, "competitor", cid, "create", when,
                       f"noted competitor {name!r}", {"name": [None, name]},
                       who=leads[Role.AR])  # fmt: skip
        for factor in rng.sample(FACTORS, rng.randint(6, 16)):
            for back in sorted(rng.sample([25, 12, 3], rng.randint(1, 2)), reverse=True):
                when = at(back + rng.random())
                score = rng.choice([-2, -1, 0, 1, 1, 2])
                who = rng.choice(owners)
                sid = builder.b.add(
                    "assessment_score",
                    {"deal_id": deal_id, "factor": factor.key, "score": score,
                     "note": rng.choice(SCORE_NOTES), "scored_by": who, "scored_at": when},
                )  # fmt: skip
                builder.event(deal_id, "assessment", sid, "score", when,
                           f"scored {factor.label} {score:+d}",
                           {"score": [None, score]}, who=who, version=None)  # fmt: skip
    if rng.random() < 0.3:
        held = builder.today - timedelta(days=rng.randint(8, 30))
        when = datetime.combine(held, time(15, 0), tzinfo=UTC)
        rid = builder.b.add(
            "deal_review",
            {"deal_id": deal_id, "held_on": held, "held_by": leads[Role.AR], "at": when,
             "note": rng.choice(REVIEW_NOTES)},
        )  # fmt: skip
        builder.event(deal_id, "review", rid, "create", when,
                   f"held a deal review on {held.isoformat()}",
                   {"held_on": [None, held.isoformat()]}, who=leads[Role.AR],
                   version=None)  # fmt: skip
