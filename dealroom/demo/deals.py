"""The demo's people, accounts and deals: each deal with its AR, SR and FR leads and a
sponsor, a stage plan, the gate decisions and stage moves that brought it where it is and
how it ended; then its items and, unless it was lost or dropped, its methods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from dealroom.demo import cash, items, methods
from dealroom.demo.builder import Builder, DealSeed
from dealroom.demo.data import (
    ACCOUNTS,
    GATE_NOTES,
    LOSS_REASONS,
    PEOPLE,
    PRODUCT_NAMES,
    PRODUCTS,
    REGIONS,
    SPONSORS,
)
from dealroom.domain import (
    STAGE_GATE,
    STAGES,
    TRIANGLE,
    DealStatus,
    Gate,
    GateDecision,
    Level,
    Role,
    Stage,
)
from dealroom.domain.money import rate_text


def build(b: Builder, deals: int, n_items: int, built: Callable[[int], None]) -> None:
    """Everyone, the accounts, then ``deals`` deals with about ``n_items`` items each;
    ``built`` hears how many deals are built after the accounts (0) and after each deal,
    and may write the rows built so far."""
    _people(b)
    _rates(b)
    accounts = _accounts(b, max(len(ACCOUNTS), deals // 8))
    built(0)
    codes: set[str] = set()
    for i in range(deals):
        _deal(b, i, accounts[i % len(accounts)], codes, n_items)
        built(i + 1)


def _people(b: Builder) -> None:
    start = b.at(60)
    handles = [*PEOPLE, *SPONSORS]
    if b.actor not in {h for h, _ in handles}:
        handles.append((b.actor, b.actor))
    for handle, name in handles:
        b.names[handle] = name
        b.people[handle] = b.record(
            "person",
            {"handle": handle, "name": name, "email": f"{handle}@example.com", "version": 1},
            "person",
            "create",
            start,
            f"added person {name}",
            {"name": [None, name]},
            who=b.actor,  # whoever made the demo: its administrator
        )


#: The demo's exchange rates into its base currency (CNY): currency, rate, days ago.
RATES = (("USD", "7.10", 120), ("EUR", "7.70", 120), ("USD", "7.18", 20))


def _rates(b: Builder) -> None:
    """USD and EUR into CNY, set by whoever made the demo (its administrator); the dollar
    moved three weeks ago."""
    for currency, rate, days in RATES:
        valid_from = b.today - timedelta(days=days)
        text = rate_text(Decimal(rate))
        row = {"currency": currency, "base": "CNY", "rate": text, "valid_from": valid_from}
        summary = f"set 1 {currency} = {text} CNY from {valid_from.isoformat()}"
        rate_id = b.batch.add("exchange_rate", row)
        changes: dict[str, list[object]] = {f"{currency} rate": [None, text]}
        when = b.morning - timedelta(
            days=days
        )  # (not from the generator: the deals stay as they were)
        b.event(None, "rate", rate_id, "create", when, summary, changes, who=b.actor)


def _accounts(b: Builder, count: int) -> list[tuple[int, str, str]]:
    """``count`` accounts, the fixed ones first, then regional branches of them."""
    out = []
    for i in range(count):
        base, prefix, tier = ACCOUNTS[i % len(ACCOUNTS)]
        if i >= len(ACCOUNTS):
            region = REGIONS[(i // len(ACCOUNTS) - 1) % len(REGIONS)]
            n = i // (len(ACCOUNTS) * len(REGIONS))
            base = f"{base} {region}" + (f" {n + 1}" if n else "")
            prefix = f"{prefix}{i // len(ACCOUNTS)}"
            tier = b.rng.choice("SAABBBCCC")
        aid = b.record(
            "account",
            {"name": base, "tier": tier, "version": 1},
            "account",
            "create",
            b.at(59),
            f"added account {base} (tier {tier})",
            {"tier": [None, tier]},
            who=b.actor,
        )
        out.append((aid, base, prefix))
    return out


def _deal(b: Builder, i: int, account: tuple[int, str, str], codes: set[str], n_items: int) -> None:
    rng = b.rng
    acct_id, acct, prefix = account
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
    created = b.at(created_days)
    close = b.today + timedelta(days=rng.randint(-20, 240) - stage.order * 10)
    amount = rng.choice([80, 150, 240, 420, 650, 900, 1200, 2500, 4800, 9000]) * 1000
    amount += rng.randint(0, 99) * 1000
    level = Level.I if amount > 4_000_000 else (Level.II if amount > 900_000 else Level.III)
    override = rng.choice([None] * 6 + [15, 40, 60, 75]) if status is DealStatus.OPEN else None
    reason = rng.choice(LOSS_REASONS) if status in (DealStatus.LOST, DealStatus.DROPPED) else ""
    name = f"{acct} {PRODUCT_NAMES[product]}"
    deal_id = b.batch.add(
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
            "updated_at": b.at(rng.randint(0, 6)),
            "version": 1 + stage.order,
        },
    )
    handles = [h for h, _ in PEOPLE]
    leads = dict(zip(TRIANGLE, rng.sample(handles, 3), strict=True))
    if b.actor in b.people and b.actor not in dict(PEOPLE) and i % 4 == 0:
        leads[rng.choice(TRIANGLE)] = b.actor
    ar = leads[Role.AR]
    b.event(
        deal_id,
        "deal",
        deal_id,
        "create",
        created,
        f"created deal {code} {name!r}",
        {"stage": [None, "lead"], "amount": [None, amount]},
        who=ar,
    )
    sponsor = rng.choice(SPONSORS)[0]
    for role, handle in [*leads.items(), (Role.SPONSOR, sponsor)]:
        b.record(
            "deal_member",
            {"deal_id": deal_id, "person_id": b.people[handle], "role": role.value, "version": 1},
            "member",
            "set",
            created,
            f"made {handle} {role.value} of {code}",
            {role.value: [None, handle]},
            who=ar,
        )
    d = DealSeed(i, deal_id, code, acct, product, stage, status, leads, sponsor)
    _move(b, d, None, Stage.LEAD, created_days, created)
    _timeline(b, d, created_days)
    if status is not DealStatus.OPEN:
        b.event(
            deal_id,
            "deal",
            deal_id,
            "status",
            b.at(rng.randint(1, 10)),
            f"marked {code} {status.value}" + (f": {reason}" if reason else ""),
            {"status": ["open", status.value]},
            who=ar,
        )
    items.seed(b, d, n_items)
    if status is not DealStatus.LOST and status is not DealStatus.DROPPED:
        methods.seed(b, d)
    if status is DealStatus.WON:
        row = b.batch.rows["deal"][-1]
        cash.seed(b, d, row["amount"], row["currency"])


def _timeline(b: Builder, d: DealSeed, created_days: int) -> None:
    """The stage plan, with the gates passed on the way and the moves from stage to stage;
    an open deal may have its next gate deferred or rejected."""
    rng = b.rng
    created = b.today - timedelta(days=created_days)
    planned = created
    day = created_days
    for s in STAGES:
        reached = s.order <= d.stage.order
        actual = b.today - timedelta(days=day) if reached else None
        if actual is not None:  # planned when the deal was worked: on time, early or late
            planned = max(created, actual + timedelta(days=rng.randint(-7, 3)))
        else:  # the plan ahead: each stage a few weeks after the one before
            planned += timedelta(days=rng.randint(10, 30))
        b.batch.add(
            "stage_plan",
            {"deal_id": d.id, "stage": s.value, "planned": planned, "actual": actual, "version": 1},
        )
        gate = STAGE_GATE.get(s)
        if gate and reached:
            _gate(b, d, gate, day + 1, approve=True)
        elif gate and s.order == d.stage.order + 1 and d.status is DealStatus.OPEN:
            pick = rng.random()
            pending = (
                GateDecision.DEFERRED
                if pick < 0.25
                else GateDecision.REJECTED
                if pick < 0.35
                else None
            )
            if pending:
                _gate(b, d, gate, rng.randint(0, 5), decision=pending)
        if reached and s.prev is not None:
            when = b.at(day)
            _move(b, d, s.prev, s, day, when)
            b.event(
                d.id,
                "deal",
                d.id,
                "stage",
                when,
                f"moved {d.code} from {s.prev.label} to {s.label}",
                {"stage": [s.prev.value, s.value]},
                who=d.leads[Role.AR],
            )
        if reached and s is not d.stage:
            day = max(0, day - rng.randint(3, 12))
    if d.stage.order >= Stage.DELIVERY.order and rng.random() < 0.4:
        _gate(b, d, Gate.ATAC, rng.randint(1, 20), approve=True)


def _move(
    b: Builder, d: DealSeed, before: Stage | None, goal: Stage, days_ago: int, when: datetime
) -> None:
    """A forward move on the deal's stage history (the demo's deals never went back)."""
    b.batch.add(
        "stage_move",
        {
            "deal_id": d.id,
            "from_stage": before.value if before else None,
            "to_stage": goal.value,
            "back": False,
            "day": b.today - timedelta(days=days_ago),
            "at": when,
            "actor": d.leads[Role.AR],
            "reason": "",
        },
    )


def _gate(
    b: Builder,
    d: DealSeed,
    gate: Gate,
    days_ago: int,
    *,
    approve: bool = False,
    decision: GateDecision = GateDecision.APPROVED,
) -> None:
    """A sponsor's decision on ``gate``; ``approve`` sometimes defers it first."""
    rng = b.rng
    if approve and rng.random() < 0.2:
        _gate(b, d, gate, days_ago + 3, decision=GateDecision.DEFERRED)
    sponsor = rng.choice(SPONSORS)[0]
    when = b.at(days_ago)
    b.record(
        "gate_decision",
        {
            "deal_id": d.id,
            "gate": gate.value,
            "decision": decision.value,
            "decided_by": sponsor,
            "decided_at": when,
            "note": rng.choice(GATE_NOTES),
        },
        "gate",
        "decide",
        when,
        f"{decision.value} {gate.value} for {d.code}",
        {gate.value: [None, decision.value]},
        who=sponsor,
        version=None,
    )
