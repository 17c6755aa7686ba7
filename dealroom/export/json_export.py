"""``dealroom export --format json``: deals, their members and items as JSON for a BI tool
or a script, in a versioned schema (``docs/EXPORT_JSON.md``). The schema says its version;
a field is only ever added within a version, never renamed or dropped."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from dealroom.domain.money import minor_places
from dealroom.store.cash_views import DealCash
from dealroom.store.views import DealRoomView, DealView
from dealroom.textutil import json_text

SCHEMA = "dealroom.export"
VERSION = 1


def _day(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _moment(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def deal_core(d: DealView) -> dict[str, Any]:
    """What names a deal and where it stands, as every JSON output starts it."""
    return {
        "code": d.code,
        "name": d.name,
        "account": d.account,
        "tier": d.tier.value,
        "stage": d.stage.value,
        "status": d.status.value,
    }


def deal_json(room: DealRoomView, cash: DealCash | None) -> dict[str, Any]:
    d = room.deal
    out: dict[str, Any] = {
        **deal_core(d),
        "status_reason": d.status_reason,
        "level": d.level.value,
        "amount": d.amount,
        "currency": d.currency,
        "probability": d.probability,
        "probability_set_by_hand": d.probability_override is not None,
        "close_date": _day(d.close_date),
        "created_at": _moment(d.created_at),
        "updated_at": _moment(d.updated_at),
        "version": d.version,
        "members": [
            {"role": m.role.value, "handle": m.handle, "name": m.name} for m in room.members
        ],
        "timeline": [
            {"stage": s.stage.value, "planned": _day(s.planned), "actual": _day(s.actual),
             "gate": s.gate.value if s.gate else None,
             "gate_state": s.gate_state.value if s.gate_state else None}
            for s in room.timeline
        ],
        "gates": [
            {"gate": g.gate.value, "decision": g.decision.value, "decided_by": g.decided_by,
             "decided_at": _moment(g.decided_at), "note": g.note}
            for g in room.gates
        ],
        "tasks": [
            {"id": t.id, "role": t.role.value, "title": t.title, "owner": t.owner,
             "due": _day(t.due), "status": t.status.value,
             "stage": t.stage.value if t.stage else None, "note": t.note,
             "updated_at": _moment(t.updated_at), "version": t.version}
            for t in room.tasks
        ],
        "risks": [
            {"id": r.id, "role": r.role.value, "title": r.title, "likelihood": r.likelihood,
             "impact": r.impact, "exposure": r.exposure, "mitigation": r.mitigation,
             "owner": r.owner, "status": r.status.value, "escalated": r.escalated,
             "updated_at": _moment(r.updated_at), "version": r.version}
            for r in room.risks
        ],
        "handoffs": [
            {"id": h.id, "from": h.from_role.value, "to": h.to_role.value, "title": h.title,
             "note": h.note, "due": _day(h.due), "state": h.state.value, "reason": h.reason,
             "sent_at": _moment(h.sent_at), "decided_at": _moment(h.decided_at),
             "version": h.version}
            for h in room.handoffs
        ],
    }  # fmt: skip
    if cash is not None:
        out["cash"] = {
            "minor_places": minor_places(cash.currency),
            "contract": cash.contract,
            "plan_adds_up": cash.check.adds_up,
            "milestones": [
                {"id": p.milestone.id, "name": p.milestone.name, "share_bp": p.milestone.share_bp,
                 "amount": p.amount, "trigger": p.milestone.trigger.value,
                 "planned": _day(p.milestone.planned), "invoiced": p.invoiced,
                 "due_for_invoicing": p.due}
                for p in cash.plan
            ],
            "invoices": [
                {"number": i.invoice.number, "issued": _day(i.invoice.issued),
                 "due": _day(i.invoice.due), "amount": i.invoice.amount,
                 "outstanding": i.outstanding, "days_overdue": i.days_overdue,
                 "settlements": [{"kind": x.kind.value, "on": _day(x.on), "amount": x.amount,
                                  "reason": x.reason} for x in i.settlements]}
                for i in cash.invoices
            ],
        }  # fmt: skip
    return out


def export_json(
    deals: Iterable[tuple[DealRoomView, DealCash | None]],
    *,
    exported_at: datetime,
    base_currency: str,
    log_head: tuple[int, str] | None,
) -> Iterator[str]:
    """The export as JSON text (indented by one space, user text made inert), a deal at
    a time: the pieces joined are the document ``json_text(..., indent=1)`` makes of the
    whole, while only one deal is ever held."""
    head = json_text(
        {
            "schema": SCHEMA,
            "version": VERSION,
            "exported_at": exported_at.isoformat(),
            "base_currency": base_currency,
            "log_head": {"id": log_head[0], "hash": log_head[1]} if log_head else None,
            "deals": [],
        },
        indent=1,
    )
    opened, empty = head.removesuffix(' "deals": []\n}'), True
    for room, cash in deals:
        deal = json_text(deal_json(room, cash), indent=1).replace("\n", "\n  ")
        yield (opened + ' "deals": [\n  ' if empty else ",\n  ") + deal
        empty = False
    yield head if empty else "\n ]\n}"
