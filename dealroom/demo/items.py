"""The demo's items of a deal: tasks (some done, blocked or under way), risks (a few
escalated) and handoffs between the roles, each with the events of its life so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from dealroom.demo.builder import Builder, DealSeed
from dealroom.demo.data import HANDOFFS, MITIGATIONS, PEOPLE, REGIONS, REJECT_REASONS, RISKS, TASKS
from dealroom.domain import (
    TRIANGLE,
    DealStatus,
    HandoffState,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
)


def seed(b: Builder, d: DealSeed, n_items: int) -> None:
    """About ``n_items`` items: half of them tasks, a quarter risks, the rest handoffs."""
    budget = max(4, int(n_items * b.rng.uniform(0.6, 1.4)))
    n_tasks, n_risks = budget // 2, max(1, budget // 4)
    n_handoffs = max(1, budget - n_tasks - n_risks - 3)
    used = Titles(numbered=n_items > LOAD_ITEMS)  # no title twice in one deal
    for _ in range(n_tasks):
        _task(b, d, used)
    for _ in range(n_risks):
        _risk(b, d)
    for _ in range(n_handoffs):
        _handoff(b, d, used)


def _fill(b: Builder, template: str, d: DealSeed) -> str:
    return template.format(
        acct=d.account, product=d.product, n=b.rng.randint(2, 9), region=b.rng.choice(REGIONS)
    )


#: Items per deal beyond which a demo deal is a load test: once every template's title is
#: taken, titles are numbered ("(part 2)") so the deal still gets all its items.
LOAD_ITEMS = 100


@dataclass
class Titles:
    """The titles one deal already has."""

    numbered: bool
    used: set[str] = field(default_factory=set)


def _fresh(b: Builder, d: DealSeed, templates: list[str], titles: Titles) -> tuple[str, str] | None:
    """A template and its title the deal does not have yet; None when every one is taken
    (the deal has what a team would give it), unless the deal is a load test."""
    if not templates:
        return None
    for template in b.rng.sample(templates, len(templates)):
        title = _fill(b, template, d)
        if title not in titles.used:
            titles.used.add(title)
            return template, title
    if not titles.numbered:
        return None
    template = b.rng.choice(templates)
    base, part = _fill(b, template, d), 2
    while f"{base} (part {part})" in titles.used:
        part += 1
    titles.used.add(f"{base} (part {part})")
    return template, f"{base} (part {part})"


@cache
def _task_roles(stage: Stage) -> list[Role]:
    """The roles with tasks by ``stage`` (in a Lead, AR's only)."""
    return [r for r in TRIANGLE if TASKS[r][0][1].order <= stage.order]


@cache
def _fitting_tasks(role: Role, stage: Stage) -> dict[str, Stage]:
    """``role``'s task templates that make sense by ``stage``, each with the stage it serves."""
    return {t: s for t, s in TASKS[role] if s.order <= stage.order}


@cache
def _fitting_handoffs(stage: Stage) -> dict[str, tuple[Role, Role, str, Stage]]:
    """The handoffs that make sense by ``stage``, by title template."""
    return {h[2]: h for h in HANDOFFS if h[3].order <= max(stage.order, 1)}


def _task(b: Builder, d: DealSeed, used: Titles) -> None:
    """A task of a role, from the stages the deal has reached (no "chase invoice" in Bid)."""
    rng = b.rng
    role = rng.choice(_task_roles(d.stage))
    fitting = _fitting_tasks(role, d.stage)
    fresh = _fresh(b, d, list(fitting), used)
    if fresh is None:
        return
    template, title = fresh
    done_share = 0.85 if d.status is not DealStatus.OPEN else 0.45
    roll = rng.random()
    status = (
        TaskStatus.DONE
        if roll < done_share
        else TaskStatus.BLOCKED
        if roll < done_share + 0.08
        else TaskStatus.DOING
        if roll < done_share + 0.25
        else TaskStatus.TODO
    )
    created_ago = rng.randint(1, 40)
    created = b.at(created_ago)
    due = b.today + timedelta(days=rng.randint(-created_ago // 2 - 3, 21))
    owner = d.leads[role] if rng.random() < 0.85 else rng.choice(PEOPLE)[0]
    changed_ago = rng.randint(0, created_ago)
    changed = b.at(changed_ago) if status is not TaskStatus.TODO else created
    serves = fitting[template]
    tid = b.record(
        "task",
        {
            "deal_id": d.id,
            "role": role.value,
            "title": title,
            "owner_id": b.people[owner],
            "due": due,
            "status": status.value,
            "stage": serves.value,
            "note": rng.choice(
                ["", "", "Check point: customer confirms in writing", "See shared drive"]
            ),
            "created_at": created,
            "updated_at": changed,
            "status_changed_at": changed,
            "version": 1 if status is TaskStatus.TODO else 2,
        },
        "task",
        "create",
        created,
        f"added {role.value} task {title!r}",
        {"title": [None, title], "status": [None, "todo"]},
        who=d.leads[role],
    )
    if status is not TaskStatus.TODO:
        b.event(
            d.id,
            "task",
            tid,
            "status",
            changed,
            f"marked task {title!r} {status.value}",
            {"status": ["todo", status.value]},
            who=owner,
            version=2,
        )


def _risk(b: Builder, d: DealSeed) -> None:
    rng = b.rng
    role = rng.choice(TRIANGLE)
    title = rng.choice(RISKS[role]).format(region=rng.choice(REGIONS))
    likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
    status = rng.choice(
        [RiskStatus.OPEN, RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.CLOSED]
    )
    if d.status is not DealStatus.OPEN and rng.random() < 0.7:
        status = RiskStatus.CLOSED
    escalated = likelihood * impact >= 12 and rng.random() < 0.4 and status is not RiskStatus.CLOSED
    created = b.at(rng.randint(2, 40))
    esc_at = created + timedelta(days=rng.randint(0, 2)) if escalated else None
    owner = d.leads[role]
    rid = b.record(
        "risk",
        {
            "deal_id": d.id,
            "role": role.value,
            "title": title,
            "likelihood": likelihood,
            "impact": impact,
            "mitigation": rng.choice(MITIGATIONS),
            "owner_id": b.people[owner],
            "status": status.value,
            "escalated": escalated,
            "escalated_at": esc_at,
            "escalated_to_id": b.people[d.sponsor] if escalated else None,
            "created_at": created,
            "updated_at": esc_at or created,
            "version": 2 if escalated else 1,
        },
        "risk",
        "create",
        created,
        f"opened {role.value} risk {title!r} (exposure {likelihood * impact})",
        {"title": [None, title], "exposure": [None, likelihood * impact]},
        who=owner,
    )
    if esc_at:
        b.event(
            d.id,
            "risk",
            rid,
            "escalated",
            esc_at,
            f"escalated risk {title!r} to {b.names[d.sponsor]} (sponsor)",
            {"escalated": [False, True], "escalated_to": [None, d.sponsor]},
            who=owner,
            version=2,
        )


def _handoff(b: Builder, d: DealSeed, used: Titles) -> None:
    """A handoff fitting the deal's stage; one sent is also accepted or rejected, or not yet."""
    rng = b.rng
    fitting = _fitting_handoffs(d.stage)
    fresh = _fresh(b, d, list(fitting), used)
    if fresh is None:
        return
    template, title = fresh
    src, dst, _, _ = fitting[template]
    state = rng.choice(
        [HandoffState.ACCEPTED] * 4
        + [HandoffState.SENT] * 2
        + [HandoffState.DRAFTED, HandoffState.REJECTED]
    )
    if d.status is not DealStatus.OPEN:
        state = HandoffState.ACCEPTED
    created = b.at(rng.randint(1, 30))
    sent = (
        created + timedelta(hours=rng.randint(1, 30)) if state is not HandoffState.DRAFTED else None
    )
    decided = None
    if state in (HandoffState.ACCEPTED, HandoffState.REJECTED) and sent:
        decided = min(sent + timedelta(days=rng.randint(0, 4)), b.morning)
    arrow = f"{src.value} → {dst.value}"
    first = "sent" if sent else "drafted"
    hid = b.record(
        "handoff",
        {
            "deal_id": d.id,
            "from_role": src.value,
            "to_role": dst.value,
            "title": title,
            "note": "",
            "due": b.today + timedelta(days=rng.randint(-5, 14)),
            "state": state.value,
            "reason": rng.choice(REJECT_REASONS) if state is HandoffState.REJECTED else "",
            "sent_at": sent,
            "decided_at": decided,
            "created_at": created,
            "updated_at": decided or sent or created,
            "version": {"drafted": 1, "sent": 2}.get(state.value, 3),
        },
        "handoff",
        "send" if sent else "create",
        sent or created,
        f"{first} handoff {title!r} {arrow}",
        {"state": [None, first], "title": [None, title]},
        who=d.leads[src],
    )
    if decided:
        verb = "accept" if state is HandoffState.ACCEPTED else "reject"
        b.event(
            d.id,
            "handoff",
            hid,
            verb,
            decided,
            f"{verb}ed handoff {title!r} {arrow}",
            {"state": ["sent", state.value]},
            who=d.leads[dst],
            version=3,
        )
