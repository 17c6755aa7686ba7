"""A won deal's payment plan, invoices and payments: some paid, some part paid, some
overdue. Drawn from a generator of its own, so the rest of the demo stays as it was."""

from __future__ import annotations

import random
from datetime import timedelta

from dealroom.demo.builder import Builder, DealSeed
from dealroom.domain import Role, Stage
from dealroom.domain.cash import PlanLine, Trigger, milestone_amounts, share_text
from dealroom.domain.money import minor_places, minor_to_text

#: The plan every won demo deal gets: share (basis points), name, trigger.
PLAN = (
    (3000, "30% on signature", Trigger.SIGNATURE),
    (6000, "60% on acceptance", Trigger.ACCEPTANCE),
    (1000, "10% after warranty", Trigger.DATE),
)


def seed(b: Builder, d: DealSeed, amount: int, currency: str) -> None:
    rng = random.Random(f"{b.seed}-cash-{d.index}")
    ar = d.leads[Role.AR]
    contract = amount * 10 ** minor_places(currency)
    amounts = milestone_amounts(contract, [PlanLine(share, None) for share, _, _ in PLAN])
    ids = []
    for position, ((share, name, trigger), _) in enumerate(zip(PLAN, amounts, strict=True)):
        planned = b.today + timedelta(days=180) if trigger is Trigger.DATE else None
        ids.append(
            b.record(
                "milestone",
                {"deal_id": d.id, "position": position, "name": name, "share_bp": share,
                 "amount": None, "trigger": trigger.value, "planned": planned, "version": 1},
                "milestone",
                "create",
                b.at(95, rng),
                f"added milestone {name!r} ({share_text(share)}) to the payment plan of {d.code}",
                {"milestone": [None, name]},
                who=ar,
            )
        )  # fmt: skip
    bills = [(0, rng.randint(50, 90))]  # the signature invoice, days ago
    if d.stage.order >= Stage.INVOICE.order:
        bills.append((1, rng.randint(20, 50)))  # accepted: the acceptance invoice
    for n, (which, days) in enumerate(bills, 1):
        value = amounts[which]
        issued = b.today - timedelta(days=days)
        due = issued + timedelta(days=30)
        number = f"{d.code}-{n}"
        money = f"{minor_to_text(value, currency)} {currency}"
        invoice_id = b.record(
            "invoice",
            {"deal_id": d.id, "milestone_id": ids[which], "number": number, "issued": issued,
             "due": due, "amount": value, "note": "", "version": 1},
            "invoice",
            "create",
            b.at(days, rng),
            f"invoiced {number} for {PLAN[which][1]!r}: {money}, due {due.isoformat()}",
            {"amount": [None, value], "due": [None, due.isoformat()]},
            who=ar,
        )  # fmt: skip
        paid = rng.choice([value, value, value // 2, 0])  # in full, in part, not yet
        if paid:
            on = issued + timedelta(days=rng.randint(10, 40))
            if on > b.today:
                continue
            b.batch.add(
                "settlement",
                {"invoice_id": invoice_id, "kind": "payment", "on": on, "amount": paid,
                 "reason": ""},
            )  # fmt: skip
            b.event(  # (the store logs a payment against its invoice)
                d.id,
                "payment",
                invoice_id,
                "payment",
                b.at((b.today - on).days, rng),
                f"received {minor_to_text(paid, currency)} {currency} on invoice {number}",
                {"payment": [None, paid]},
                who=ar,
                version=None,
            )
