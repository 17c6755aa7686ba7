"""Realistic, varied demo data: same seed and same day, same data.

Rows are built in Python and written with bulk inserts in one transaction, so
1,000 deals with about 50 items each take seconds, not minutes. Everything the
rules require holds: gates are approved for every stage a deal has passed, won deals
have reached Contract, lost and dropped deals carry a reason.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from dealroom.demo import methods as demo_methods
from dealroom.demo.data import (
    ACCOUNTS,
    GATE_NOTES,
    HANDOFFS,
    LOSS_REASONS,
    MITIGATIONS,
    PEOPLE,
    PRODUCT_NAMES,
    PRODUCTS,
    REGIONS,
    REJECT_REASONS,
    RISKS,
    SPONSORS,
    TASKS,
)
from dealroom.domain import (
    STAGE_GATE,
    STAGES,
    TRIANGLE,
    DealStatus,
    Gate,
    GateDecision,
    HandoffState,
    Level,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
)
from dealroom.store.engine import writer
from dealroom.store.errors import StoreError
from dealroom.store.tables import (
    Account,
    AssessmentScore,
    ChecklistAnswer,
    CompetitorRecord,
    ContactRecord,
    Deal,
    DealMember,
    DealReview,
    Event,
    GateRecord,
    Handoff,
    Person,
    Risk,
    StagePlan,
    Task,
)


@dataclass
class _Batch:
    """Rows to insert, with ids assigned here so events can point at them."""

    next_id: dict[str, int]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> int:
        new_id = self.next_id[table]
        self.next_id[table] = new_id + 1
        row["id"] = new_id
        self.rows.setdefault(table, []).append(row)
        return new_id


TABLES = {
    "person": Person,
    "account": Account,
    "deal": Deal,
    "deal_member": DealMember,
    "stage_plan": StagePlan,
    "task": Task,
    "risk": Risk,
    "handoff": Handoff,
    "gate_decision": GateRecord,
    "checklist_answer": ChecklistAnswer,
    "contact": ContactRecord,
    "competitor": CompetitorRecord,
    "assessment_score": AssessmentScore,
    "deal_review": DealReview,
    "event": Event,
}


def seed_demo(
    engine: Engine,
    *,
    deals: int = 40,
    seed: int = 7,
    today: date,
    actor: str,
    items: int = 50,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Fill an empty database with ``deals`` demo deals; return the row counts."""
    if deals < 1:
        raise StoreError("--deals must be at least 1")
    with writer(engine).begin() as conn:
        existing = conn.execute(select(func.count()).select_from(Deal)).scalar() or 0
        if existing:
            raise StoreError(
                f"the database already holds {existing} deals: demo data goes into an empty "
                "database (use --db with a new file, or `dealroom --demo`)"
            )
        next_id = {
            name: (conn.execute(select(func.max(model.id))).scalar() or 0) + 1  # type: ignore[attr-defined]
            for name, model in TABLES.items()
        }
        batch = _Batch(next_id)
        _Builder(batch, seed, today, actor).build(deals, items)
        _chronological(batch, next_id["event"])
        for name in TABLES:
            rows = batch.rows.get(name, [])
            table = TABLES[name].__table__  # type: ignore[attr-defined]
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
            if progress:
                progress(f"{name}: {len(rows)}")
        if conn.dialect.name == "postgresql":
            for name in TABLES:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {name}), 1))"
                    )
                )
    return {name: len(batch.rows.get(name, [])) for name in TABLES}


def _chronological(batch: _Batch, first_id: int) -> None:
    """Number the events in time order, as if they had been written as they happened."""
    events = sorted(batch.rows.get("event", []), key=lambda e: (e["at"], e["id"]))
    for offset, row in enumerate(events):
        row["id"] = first_id + offset
    batch.rows["event"] = events


class _Builder:
    def __init__(self, batch: _Batch, seed: int, today: date, actor: str) -> None:
        self.b = batch
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.actor = actor
        self.noon = datetime.combine(today, time(9, 0), tzinfo=UTC)
        self.people: dict[str, int] = {}

    # --- helpers -----------------------------------------------------------------------

    def at(self, days_ago: float) -> datetime:
        return self.noon - timedelta(days=days_ago, minutes=self.rng.randint(0, 480))

    def event(
        self,
        deal_id: int | None,
        entity: str,
        entity_id: int | None,
        action: str,
        when: datetime,
        summary: str,
        changes: dict[str, list[Any]],
        who: str | None = None,
        version: int | None = 1,
    ) -> None:
        self.b.add(
            "event",
            {
                "at": when,
                "actor": who or self.rng.choice(list(self.people)),
                "deal_id": deal_id,
                "entity": entity,
                "entity_id": entity_id,
                "entity_version": version,
                "action": action,
                "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
                "summary": summary,
            },
        )

    def fill(self, template: str, acct: str, product: str) -> str:
        return template.format(
            acct=acct, product=product, n=self.rng.randint(2, 9), region=self.rng.choice(REGIONS)
        )

    # --- the build -----------------------------------------------------------------------

    def build(self, deals: int, items: int) -> None:
        start = self.at(60)
        handles = [*PEOPLE, *SPONSORS]
        if self.actor not in {h for h, _ in handles}:
            handles.append((self.actor, self.actor))
        for handle, name in handles:
            pid = self.b.add(
                "person",
                {"handle": handle, "name": name, "email": f"{handle}@example.com", "version": 1},
            )
            self.people[handle] = pid
            self.event(
                None,
                "person",
                pid,
                "create",
                start,
                f"added person {name}",
                {"name": [None, name]},
                who=handles[0][0],
            )
        accounts = self.accounts(max(len(ACCOUNTS), deals // 8))
        codes: set[str] = set()
        for i in range(deals):
            acct_id, acct_name, prefix = accounts[i % len(accounts)]
            self.deal(i, acct_id, acct_name, prefix, codes, items)

    def accounts(self, count: int) -> list[tuple[int, str, str]]:
        out = []
        for i in range(count):
            base, prefix, tier = ACCOUNTS[i % len(ACCOUNTS)]
            if i >= len(ACCOUNTS):
                region = REGIONS[(i // len(ACCOUNTS) - 1) % len(REGIONS)]
                n = i // (len(ACCOUNTS) * len(REGIONS))
                base = f"{base} {region}" + (f" {n + 1}" if n else "")
                prefix = f"{prefix}{i // len(ACCOUNTS)}"
                tier = self.rng.choice("SAABBBCCC")
            aid = self.b.add("account", {"name": base, "tier": tier, "version": 1})
            self.event(
                None,
                "account",
                aid,
                "create",
                self.at(59),
                f"added account {base} (tier {tier})",
                {"tier": [None, tier]},
                who="sam",
            )
            out.append((aid, base, prefix))
        return out

    def deal(
        self, i: int, acct_id: int, acct: str, prefix: str, codes: set[str], items: int
    ) -> None:
        rng = self.rng
        product = PRODUCTS[(i * 7 + rng.randint(0, 3)) % len(PRODUCTS)]
        code = f"{prefix}-{product}"
        n = 2
        while code in codes:
            code = f"{prefix}-{product}{n}"
            n += 1
        codes.add(code)
        # Spread over every stage; a share ends won (from Contract on), lost or dropped.
        stage = STAGES[rng.choices(range(8), weights=[12, 18, 16, 16, 10, 12, 8, 8])[0]]
        status = DealStatus.OPEN
        roll = rng.random()
        if stage.order > Stage.CONTRACT.order or (stage is Stage.CONTRACT and roll < 0.5):
            status = DealStatus.WON  # past Contract the contract is signed
        elif stage.order < Stage.CONTRACT.order and roll < 0.12:
            status = DealStatus.LOST
        elif stage.order < Stage.CONTRACT.order and roll < 0.18:
            status = DealStatus.DROPPED
        created_days = rng.randint(20, 50) + stage.order * 4
        created = self.at(created_days)
        close = self.today + timedelta(days=rng.randint(-20, 240) - stage.order * 10)
        amount = rng.choice([80, 150, 240, 420, 650, 900, 1200, 2500, 4800, 9000]) * 1000
        amount += rng.randint(0, 99) * 1000
        level = Level.I if amount > 4_000_000 else (Level.II if amount > 900_000 else Level.III)
        override = rng.choice([None] * 6 + [15, 40, 60, 75]) if status is DealStatus.OPEN else None
        reason = rng.choice(LOSS_REASONS) if status in (DealStatus.LOST, DealStatus.DROPPED) else ""
        name = f"{acct} {PRODUCT_NAMES[product]}"
        deal_id = self.b.add(
            "deal",
            {
                "code": code,
                "name": name,
                "account_id": acct_id,
                "amount": amount,
                "currency": rng.choice(["CNY", "CNY", "EUR", "USD"]),
                "close_date": close,
                "stage": stage.value,
                "probability_override": override,
                "level": level.value,
                "status": status.value,
                "status_reason": reason,
                "created_at": created,
                "updated_at": self.at(rng.randint(0, 6)),
                "version": 1 + stage.order,
            },
        )
        handles = [h for h, _ in PEOPLE]
        leads = dict(zip(TRIANGLE, rng.sample(handles, 3), strict=True))
        if self.actor in self.people and self.actor not in dict(PEOPLE) and i % 4 == 0:
            leads[rng.choice(TRIANGLE)] = self.actor
        ar = leads[Role.AR]
        self.event(
            deal_id,
            "deal",
            deal_id,
            "create",
            created,
            f"created deal {code} {name!r}",
            {"stage": [None, "lead"], "amount": [None, amount]},
            who=ar,
        )
        for role, handle in [*leads.items(), (Role.SPONSOR, rng.choice(SPONSORS)[0])]:
            mid = self.b.add(
                "deal_member",
                {
                    "deal_id": deal_id,
                    "person_id": self.people[handle],
                    "role": role.value,
                    "version": 1,
                },
            )
            self.event(
                deal_id,
                "member",
                mid,
                "set",
                created,
                f"made {handle} {role.value} of {code}",
                {role.value: [None, handle]},
                who=ar,
            )
        self.timeline(deal_id, code, stage, status, created_days, ar)
        if status is not DealStatus.OPEN:
            self.event(
                deal_id,
                "deal",
                deal_id,
                "status",
                self.at(rng.randint(1, 10)),
                f"marked {code} {status.value}" + (f": {reason}" if reason else ""),
                {"status": ["open", status.value]},
                who=ar,
            )
        budget = max(4, int(items * rng.uniform(0.6, 1.4)))
        n_tasks, n_risks = budget // 2, max(1, budget // 4)
        n_handoffs = max(1, budget - n_tasks - n_risks - 3)
        for _ in range(n_tasks):
            self.task(deal_id, stage, status, acct, product, leads)
        for _ in range(n_risks):
            self.risk(deal_id, status, leads)
        for _ in range(n_handoffs):
            self.handoff(deal_id, stage, status, acct, product, leads)
        if status is not DealStatus.LOST and status is not DealStatus.DROPPED:
            demo_methods.seed(self, i, deal_id, stage, leads)

    def timeline(
        self, deal_id: int, code: str, stage: Stage, status: DealStatus, created_days: int, ar: str
    ) -> None:
        rng = self.rng
        planned = self.today - timedelta(days=created_days)
        day = created_days
        for s in STAGES:
            planned += timedelta(days=rng.randint(10, 30))
            reached = s.order <= stage.order
            actual = self.today - timedelta(days=day) if reached else None
            self.b.add(
                "stage_plan",
                {
                    "deal_id": deal_id,
                    "stage": s.value,
                    "planned": planned,
                    "actual": actual,
                    "version": 1,
                },
            )
            gate = STAGE_GATE.get(s)
            if gate and reached:
                self.gate(deal_id, code, gate, day + 1, approve=True)
            elif gate and s.order == stage.order + 1 and status is DealStatus.OPEN:
                pick = rng.random()
                if pick < 0.25:
                    self.gate(
                        deal_id, code, gate, rng.randint(0, 5), decision=GateDecision.DEFERRED
                    )
                elif pick < 0.35:
                    self.gate(
                        deal_id, code, gate, rng.randint(0, 5), decision=GateDecision.REJECTED
                    )
            if reached and s is not Stage.LEAD:
                self.event(
                    deal_id,
                    "deal",
                    deal_id,
                    "stage",
                    self.at(day),
                    f"moved {code} from {s.prev.label if s.prev else ''} to {s.label}",
                    {"stage": [s.prev.value if s.prev else None, s.value]},
                    who=ar,
                )
            if reached and s is not stage:
                day = max(0, day - rng.randint(3, 12))
        if stage.order >= Stage.DELIVERY.order and rng.random() < 0.4:
            self.gate(deal_id, code, Gate.ATAC, rng.randint(1, 20), approve=True)

    def gate(
        self,
        deal_id: int,
        code: str,
        gate: Gate,
        days_ago: int,
        *,
        approve: bool = False,
        decision: GateDecision = GateDecision.APPROVED,
    ) -> None:
        rng = self.rng
        if approve and rng.random() < 0.2:  # a deferral before the approval
            self.gate(deal_id, code, gate, days_ago + 3, decision=GateDecision.DEFERRED)
        sponsor = rng.choice(SPONSORS)[0]
        when = self.at(days_ago)
        note = rng.choice(GATE_NOTES)
        gid = self.b.add(
            "gate_decision",
            {
                "deal_id": deal_id,
                "gate": gate.value,
                "decision": decision.value,
                "decided_by": sponsor,
                "decided_at": when,
                "note": note,
            },
        )
        self.event(
            deal_id,
            "gate",
            gid,
            "decide",
            when,
            f"{decision.value} {gate.value} for {code}",
            {gate.value: [None, decision.value]},
            who=sponsor,
            version=None,
        )

    def task(
        self,
        deal_id: int,
        stage: Stage,
        status: DealStatus,
        acct: str,
        product: str,
        leads: dict[Role, str],
    ) -> None:
        rng = self.rng
        role = rng.choice(TRIANGLE)
        title = self.fill(rng.choice(TASKS[role]), acct, product)
        done_share = 0.85 if status is not DealStatus.OPEN else 0.45
        roll = rng.random()
        t_status = (
            TaskStatus.DONE
            if roll < done_share
            else TaskStatus.BLOCKED
            if roll < done_share + 0.08
            else TaskStatus.DOING
            if roll < done_share + 0.25
            else TaskStatus.TODO
        )
        created_ago = rng.randint(1, 40)
        created = self.at(created_ago)
        due = self.today + timedelta(days=rng.randint(-created_ago // 2 - 3, 21))
        owner = leads[role] if rng.random() < 0.85 else rng.choice(PEOPLE)[0]
        changed_ago = rng.randint(0, created_ago)
        changed = self.at(changed_ago) if t_status is not TaskStatus.TODO else created
        serves = STAGES[rng.randint(max(0, stage.order - 2), stage.order)]
        tid = self.b.add(
            "task",
            {
                "deal_id": deal_id,
                "role": role.value,
                "title": title,
                "owner_id": self.people[owner],
                "due": due,
                "status": t_status.value,
                "stage": serves.value,
                "note": rng.choice(
                    ["", "", "Check point: customer confirms in writing", "See shared drive"]
                ),
                "created_at": created,
                "updated_at": changed,
                "status_changed_at": changed,
                "version": 1 if t_status is TaskStatus.TODO else 2,
            },
        )
        self.event(
            deal_id,
            "task",
            tid,
            "create",
            created,
            f"added {role.value} task {title!r}",
            {"title": [None, title], "status": [None, "todo"]},
            who=leads[role],
        )
        if t_status is not TaskStatus.TODO:
            self.event(
                deal_id,
                "task",
                tid,
                "status",
                changed,
                f"marked task {title!r} {t_status.value}",
                {"status": ["todo", t_status.value]},
                who=owner,
                version=2,
            )

    def risk(self, deal_id: int, status: DealStatus, leads: dict[Role, str]) -> None:
        rng = self.rng
        role = rng.choice(TRIANGLE)
        title = rng.choice(RISKS[role]).format(region=rng.choice(REGIONS))
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        r_status = rng.choice(
            [RiskStatus.OPEN, RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.CLOSED]
        )
        if status is not DealStatus.OPEN and rng.random() < 0.7:
            r_status = RiskStatus.CLOSED
        escalated = (
            likelihood * impact >= 12 and rng.random() < 0.4 and r_status is not RiskStatus.CLOSED
        )
        created = self.at(rng.randint(2, 40))
        esc_at = created + timedelta(days=rng.randint(0, 2)) if escalated else None
        rid = self.b.add(
            "risk",
            {
                "deal_id": deal_id,
                "role": role.value,
                "title": title,
                "likelihood": likelihood,
                "impact": impact,
                "mitigation": rng.choice(MITIGATIONS),
                "owner_id": self.people[leads[role]],
                "status": r_status.value,
                "escalated": escalated,
                "escalated_at": esc_at,
                "created_at": created,
                "updated_at": esc_at or created,
                "version": 2 if escalated else 1,
            },
        )
        self.event(
            deal_id,
            "risk",
            rid,
            "create",
            created,
            f"opened {role.value} risk {title!r} (exposure {likelihood * impact})",
            {"title": [None, title], "exposure": [None, likelihood * impact]},
            who=leads[role],
        )
        if esc_at:
            self.event(
                deal_id,
                "risk",
                rid,
                "escalated",
                esc_at,
                f"escalated risk {title!r}",
                {"escalated": [False, True]},
                who=leads[role],
                version=2,
            )

    def handoff(
        self,
        deal_id: int,
        stage: Stage,
        status: DealStatus,
        acct: str,
        product: str,
        leads: dict[Role, str],
    ) -> None:
        rng = self.rng
        fitting = [h for h in HANDOFFS if h[3].order <= max(stage.order, 1)] or HANDOFFS[:1]
        src, dst, template, _ = rng.choice(fitting)
        title = self.fill(template, acct, product)
        state = rng.choice(
            [HandoffState.ACCEPTED] * 4
            + [HandoffState.SENT] * 2
            + [HandoffState.DRAFTED, HandoffState.REJECTED]
        )
        if status is not DealStatus.OPEN:
            state = HandoffState.ACCEPTED
        created_ago = rng.randint(1, 30)
        created = self.at(created_ago)
        sent = (
            created + timedelta(hours=rng.randint(1, 30))
            if state is not HandoffState.DRAFTED
            else None
        )
        decided = None
        if state in (HandoffState.ACCEPTED, HandoffState.REJECTED) and sent:
            decided = min(sent + timedelta(days=rng.randint(0, 4)), self.noon)
        hid = self.b.add(
            "handoff",
            {
                "deal_id": deal_id,
                "from_role": src.value,
                "to_role": dst.value,
                "title": title,
                "note": "",
                "due": self.today + timedelta(days=rng.randint(-5, 14)),
                "state": state.value,
                "reason": rng.choice(REJECT_REASONS) if state is HandoffState.REJECTED else "",
                "sent_at": sent,
                "decided_at": decided,
                "created_at": created,
                "updated_at": decided or sent or created,
                "version": {"drafted": 1, "sent": 2}.get(state.value, 3),
            },
        )
        arrow = f"{src.value} → {dst.value}"
        if sent is None:
            self.event(
                deal_id,
                "handoff",
                hid,
                "create",
                created,
                f"drafted handoff {title!r} {arrow}",
                {"state": [None, "drafted"], "title": [None, title]},
                who=leads[src],
            )
            return
        self.event(
            deal_id,
            "handoff",
            hid,
            "send",
            sent,
            f"sent handoff {title!r} {arrow}",
            {"state": [None, "sent"], "title": [None, title]},
            who=leads[src],
        )
        if decided:
            verb = "accept" if state is HandoffState.ACCEPTED else "reject"
            self.event(
                deal_id,
                "handoff",
                hid,
                verb,
                decided,
                f"{verb}ed handoff {title!r} {arrow}",
                {"state": ["sent", state.value]},
                who=leads[dst],
                version=3,
            )
