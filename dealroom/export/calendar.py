"""``dealroom calendar``: the team's dates as an iCalendar file (RFC 5545, written with the
``icalendar`` package) for a calendar app to subscribe to or import.

Each date is an all-day event with a UID that stays the same for as long as the item
exists, so importing the file again updates the events instead of adding copies:

- an open task's due day, and a sent handoff's due day;
- each stage's planned day not reached yet, with the gate that opens it ("ATC review");
- each invoice's due day while something on it is outstanding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from icalendar import Calendar, Event

from dealroom.domain import STAGE_INFO, HandoffState
from dealroom.domain.money import minor_to_text
from dealroom.i18n import _
from dealroom.store.cash_views import DealCash
from dealroom.store.views import DealRoomView
from dealroom.textutil import visible

#: Names the product in every UID, so two tools' events never collide.
DOMAIN = "dealroom"


def _event(uid: str, day: date, summary: str, description: str, stamp: datetime) -> Event:
    """User text through :func:`visible`: the file's only control characters are the
    line ends the format has (so it may go to a terminal as it is)."""
    e = Event()
    e.add("uid", f"{uid}@{DOMAIN}")
    e.add("dtstamp", stamp)
    e.add("dtstart", day)
    e.add("summary", visible(summary).replace("\t", " "))
    if description:
        e.add("description", visible(description).replace("\t", " "))
    e.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
    return e


def calendar(
    rooms: Sequence[DealRoomView], cashes: Mapping[int, DealCash], stamp: datetime
) -> bytes:
    """The dates of ``rooms`` (and their invoices) as one iCalendar file."""
    cal = Calendar()
    cal.add("prodid", "-//dealroom//deal dates//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "dealroom")
    for room in rooms:
        d = room.deal
        where = f"{d.code} · {d.account}"
        for t in room.tasks:
            if t.due is not None and not t.done:
                said = (
                    _("{role} task: {title} ({owner})")
                    if t.owner_name
                    else _("{role} task: {title}")
                )
                what = said.format(role=t.role.value, title=t.title, owner=t.owner_name)
                summary = f"[{d.code}] {what}"
                cal.add_component(_event(f"task-{t.id}", t.due, summary, where, stamp))
        for h in room.handoffs:
            if h.due is not None and h.state is HandoffState.SENT:
                what = _("handoff {route}: {title}").format(
                    route=f"{h.from_role.value} → {h.to_role.value}", title=h.title
                )
                summary = f"[{d.code}] {what}"
                cal.add_component(_event(f"handoff-{h.id}", h.due, summary, where, stamp))
        for s in room.timeline:
            if s.planned is not None and not s.reached:
                stage = _(STAGE_INFO[s.stage].label)
                what = (
                    _("planned: {stage} ({gate} review)").format(stage=stage, gate=s.gate.value)
                    if s.gate is not None
                    else _("planned: {stage}").format(stage=stage)
                )
                summary = f"[{d.code}] {what}"
                uid = f"stage-{d.id}-{s.stage.value}"
                cal.add_component(_event(uid, s.planned, summary, where, stamp))
        cash = cashes.get(d.id)
        for i in cash.invoices if cash is not None else []:
            if i.outstanding:
                owed = f"{minor_to_text(i.outstanding, i.invoice.currency)} {i.invoice.currency}"
                what = _("invoice {number} due: {amount} outstanding").format(
                    number=i.invoice.number, amount=owed
                )
                summary = f"[{d.code}] {what}"
                uid = f"invoice-{i.invoice.id}"
                cal.add_component(_event(uid, i.invoice.due, summary, where, stamp))
    return cal.to_ical()
