"""Each role's items: tasks, risks and handoffs. Every write goes through the database's
one write path (``store.database``); each says only what changes and how the log words
it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TypedDict, TypeVar, Unpack

from sqlalchemy import select
from sqlmodel import col

from dealroom.domain import (
    TRIANGLE,
    HandoffState,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
    permissions,
    rules,
)
from dealroom.domain.permissions import Seats
from dealroom.domain.rules import RuleError
from dealroom.i18n import _
from dealroom.store.database import Database
from dealroom.store.inputs import HandoffUpdate, RiskUpdate, TaskUpdate, given
from dealroom.store.permit import require, seats
from dealroom.store.rows import HANDOFFS, RISKS, TASKS, by_id
from dealroom.store.tables import Deal, DealMember, Handoff, Person, Risk, Task
from dealroom.store.tx import Diff, Kind, Logged, Tx, V, ident, quote_title
from dealroom.store.views import HandoffView, RiskView, TaskView

TASK = Kind("task", Task, by_id(TASKS, col(Task.id), "task"))
RISK = Kind("risk", Risk, by_id(RISKS, col(Risk.id), "risk"))
HANDOFF = Kind("handoff", Handoff, by_id(HANDOFFS, col(Handoff.id), "handoff"))

_PAST = {"send": "sent", "accept": "accepted", "reject": "rejected", "withdraw": "withdrew"}


#: A task, risk or handoff row.
Item = TypeVar("Item", Task, Risk, Handoff)


def deleted(entity: str, title: str, role: Role) -> Logged:
    """A deletion keeps the item's title and role in the log (the row is gone)."""
    changes: Diff = {"title": (title, None), "role": (role.value, None)}
    return Logged("delete", f"deleted {entity} {quote_title(title)}", changes)


def edited(entity: str, title: str, diff: Diff, changes: Diff, status: object) -> Logged:
    """A change of status alone is worded as the new status; others list the fields."""
    if set(diff) == {"status"}:
        return Logged("status", f"marked {entity} {quote_title(title)} {status}", changes)
    return Logged("update", f"edited {entity} {quote_title(title)} ({', '.join(diff)})", changes)


def readable(tx: Tx, diff: Diff) -> Diff:
    """Owners in the log by handle, not by row id."""
    if "owner_id" not in diff:
        return diff
    out = {k: v for k, v in diff.items() if k != "owner_id"}
    old, new = diff["owner_id"]
    out["owner"] = (tx.handle_of(old), tx.handle_of(new))  # type: ignore[arg-type]
    return out


class TaskDetails(TypedDict, total=False):
    """What a new task may say besides its deal, role and title (each optional)."""

    owner: str | None
    due: date | None
    status: TaskStatus
    stage: Stage | None
    note: str


class Items:
    """Writes of tasks, risks and handoffs."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- tasks -----------------------------------------------------------------------

    def add_task(
        self, code: str, role: Role, title: str, **details: Unpack[TaskDetails]
    ) -> TaskView:
        return self.database.create(
            TASK, lambda tx: self.task_row(tx, code, role, title, **details)
        )

    def task_row(
        self, tx: Tx, code: str, role: Role, title: str, **details: Unpack[TaskDetails]
    ) -> tuple[Task, Logged]:
        """A new task, validated, and how the log words it (for a write that adds one)."""
        owner = details.get("owner")
        status = details.get("status", TaskStatus.TODO)
        note = details.get("note", "")
        if role not in TRIANGLE:
            raise RuleError(_("a task belongs to AR, SR or FR"), field="role")
        title = rules.check_text(title, field="title")
        deal = tx.deal(code)
        require(tx, permissions.edit_item(seats(tx.session, deal), tx.actor, "task"))
        row = Task(
            deal_id=ident(deal),
            role=role,
            title=title,
            owner_id=tx.owner_id(owner),
            due=details.get("due"),
            status=status,
            stage=details.get("stage") or deal.stage,
            note=note.strip(),
            created_at=tx.now,
            updated_at=tx.now,
            status_changed_at=tx.now,
        )
        changes = {"title": (None, title), "status": (None, status.value)}
        return row, Logged("create", f"added {role.value} task {quote_title(title)}", changes)

    def update_task(
        self, task_id: int, update: TaskUpdate, *, version: int | None = None
    ) -> TaskView:
        values = _item_values(given(update), TaskStatus)

        def change(tx: Tx, row: Task) -> Logged | None:
            _may_edit(tx, row.deal_id, "task")
            diff = tx.apply(row, _with_owner(tx, values))
            if not diff:
                return None
            if "status" in diff:
                row.status_changed_at = tx.now
            return edited("task", row.title, diff, readable(tx, diff), row.status)

        return self.database.update(TASK, task_id, version, change)

    def set_task_status(
        self, task_id: int, status: TaskStatus, *, version: int | None = None
    ) -> TaskView:
        return self.update_task(task_id, TaskUpdate(status=status), version=version)

    def delete_task(self, task_id: int, *, version: int | None = None) -> None:
        self._delete(TASK, task_id, version)

    # --- risks -----------------------------------------------------------------------

    def add_risk(
        self,
        code: str,
        role: Role,
        title: str,
        *,
        likelihood: int = 3,
        impact: int = 3,
        mitigation: str = "",
        owner: str | None = None,
        status: RiskStatus = RiskStatus.OPEN,
        escalated: bool = False,
    ) -> RiskView:
        if role not in TRIANGLE:
            raise RuleError(_("a risk belongs to AR, SR or FR"), field="role")
        title = rules.check_text(title, field="title")
        rules.check_scale(likelihood, field="likelihood")
        rules.check_scale(impact, field="impact")
        exposure = likelihood * impact

        def build(tx: Tx) -> tuple[Risk, Logged]:
            deal = tx.deal(code)
            require(tx, permissions.edit_item(seats(tx.session, deal), tx.actor, "risk"))
            row = Risk(
                deal_id=ident(deal),
                role=role,
                title=title,
                likelihood=likelihood,
                impact=impact,
                mitigation=mitigation.strip(),
                owner_id=tx.owner_id(owner),
                status=status,
                escalated=escalated,
                escalated_at=tx.now if escalated else None,
                escalated_to_id=_sponsor_id(tx, code) if escalated else None,
                created_at=tx.now,
                updated_at=tx.now,
            )
            summary = f"opened {role.value} risk {quote_title(title)} (exposure {exposure})"
            return row, Logged(
                "create", summary, {"title": (None, title), "exposure": (None, exposure)}
            )

        return self.database.create(RISK, build)

    def update_risk(
        self, risk_id: int, update: RiskUpdate, *, version: int | None = None
    ) -> RiskView:
        values = _item_values(given(update), RiskStatus)

        def change(tx: Tx, row: Risk) -> Logged | None:
            _may_edit(tx, row.deal_id, "risk")
            diff = tx.apply(row, _with_owner(tx, values))
            return edited("risk", row.title, diff, readable(tx, diff), row.status) if diff else None

        return self.database.update(RISK, risk_id, version, change)

    def escalate_risk(
        self, risk_id: int, escalated: bool = True, *, version: int | None = None
    ) -> RiskView:
        """Escalate a risk to the sponsor (or take the escalation back)."""

        def change(tx: Tx, row: Risk) -> Logged:
            _may_edit(tx, row.deal_id, "risk")
            if row.escalated == escalated:
                said = (
                    _("risk {title} is already escalated")
                    if escalated
                    else _("risk {title} is not escalated")
                )
                raise RuleError(said.format(title=quote_title(row.title)))
            if escalated and row.status is RiskStatus.CLOSED:
                raise RuleError(_("a closed risk cannot be escalated: reopen it first"))
            sponsor = _sponsor(tx, row.deal_id) if escalated else None
            row.escalated = escalated
            row.escalated_at = tx.now if escalated else None
            row.escalated_to_id = sponsor.id if sponsor else None
            if sponsor is not None:
                changes = {"escalated": (False, True), "escalated_to": (None, sponsor.handle)}
                summary = f"escalated risk {quote_title(row.title)} to {sponsor.name} (sponsor)"
                return Logged("escalated", summary, changes)
            changes = {"escalated": (True, False)}
            return Logged("de-escalated", f"de-escalated risk {quote_title(row.title)}", changes)

        return self.database.update(RISK, risk_id, version, change)

    def delete_risk(self, risk_id: int, *, version: int | None = None) -> None:
        self._delete(RISK, risk_id, version)

    # --- handoffs --------------------------------------------------------------------

    def add_handoff(
        self,
        code: str,
        from_role: Role,
        to_role: Role,
        title: str,
        *,
        note: str = "",
        due: date | None = None,
        send: bool = True,
    ) -> HandoffView:
        """A handoff from one lead role to another; sent at once unless ``send=False``."""
        rules.check_handoff_roles(from_role, to_role)
        title = rules.check_text(title, field="title")
        state = HandoffState.SENT if send else HandoffState.DRAFTED

        def build(tx: Tx) -> tuple[Handoff, Logged]:
            deal = tx.deal(code)
            require(tx, permissions.edit_item(seats(tx.session, deal), tx.actor, "handoff"))
            row = Handoff(
                deal_id=ident(deal),
                from_role=from_role,
                to_role=to_role,
                title=title,
                note=note.strip(),
                due=due,
                state=state,
                reason="",
                sent_at=tx.now if send else None,
                created_at=tx.now,
                updated_at=tx.now,
            )
            verb = "sent" if send else "drafted"
            summary = f"{verb} handoff {quote_title(title)} {from_role.value} → {to_role.value}"
            changes = {"state": (None, state.value), "title": (None, title)}
            return row, Logged("send" if send else "create", summary, changes)

        return self.database.create(HANDOFF, build)

    def update_handoff(
        self, handoff_id: int, update: HandoffUpdate, *, version: int | None = None
    ) -> HandoffView:
        values = given(update)
        if "title" in values:
            values["title"] = rules.check_text(str(values["title"]), field="title")
        for key in ("from_role", "to_role"):
            if key in values:
                values[key] = Role(str(values[key]))

        def change(tx: Tx, row: Handoff) -> Logged | None:
            _may_edit(tx, row.deal_id, "handoff")
            if row.state is HandoffState.ACCEPTED:
                raise RuleError(_("an accepted handoff is final: send a new one instead"))
            rules.check_handoff_roles(
                Role(str(values.get("from_role", row.from_role))),
                Role(str(values.get("to_role", row.to_role))),
            )
            diff = tx.apply(row, values)
            if not diff:
                return None
            summary = f"edited handoff {quote_title(row.title)} ({', '.join(diff)})"
            return Logged("update", summary, diff)

        return self.database.update(HANDOFF, handoff_id, version, change)

    def _move_handoff(
        self, handoff_id: int, action: str, version: int | None, reason: str = ""
    ) -> HandoffView:
        def change(tx: Tx, row: Handoff) -> Logged:
            old = row.state
            new = rules.handoff_transition(old, action, reason)
            seated = _seats(tx, row.deal_id)
            if action in ("accept", "reject"):
                verb = "accepted" if action == "accept" else "rejected"
                require(tx, permissions.handoff(seated, tx.actor, row.to_role, verb))
            else:
                require(tx, permissions.edit_item(seated, tx.actor, "handoff"))
            row.state = new
            if action == "send":
                row.sent_at, row.decided_at, row.reason = tx.now, None, ""
            elif action in ("accept", "reject"):
                row.decided_at = tx.now
                row.reason = reason.strip()
            because = f": {reason.strip()}" if reason.strip() else ""
            summary = (
                f"{_PAST[action]} handoff {quote_title(row.title)} "
                f"{row.from_role.value} → {row.to_role.value}{because}"
            )
            return Logged(action, summary, {"state": (old.value, new.value)})

        return self.database.update(HANDOFF, handoff_id, version, change)

    def send_handoff(self, handoff_id: int, *, version: int | None = None) -> HandoffView:
        return self._move_handoff(handoff_id, "send", version)

    def accept_handoff(self, handoff_id: int, *, version: int | None = None) -> HandoffView:
        return self._move_handoff(handoff_id, "accept", version)

    def reject_handoff(
        self, handoff_id: int, reason: str, *, version: int | None = None
    ) -> HandoffView:
        return self._move_handoff(handoff_id, "reject", version, reason)

    def withdraw_handoff(self, handoff_id: int, *, version: int | None = None) -> HandoffView:
        return self._move_handoff(handoff_id, "withdraw", version)

    def delete_handoff(self, handoff_id: int, *, version: int | None = None) -> None:
        self._delete(HANDOFF, handoff_id, version)

    def _delete(self, kind: Kind[Item, V], item_id: int, version: int | None) -> None:
        """Delete an item of the actor's side, or any as its lead or the sponsor."""
        with self.database.write() as tx:
            row = tx.load(kind, item_id, version)
            role = row.from_role if isinstance(row, Handoff) else row.role
            rule = permissions.delete_item(_seats(tx, row.deal_id), tx.actor, kind.entity, role)
            require(tx, rule)
            tx.remove(kind, row, deleted(kind.entity, row.title, role))


def _item_values(
    changes: Mapping[str, object], statuses: type[TaskStatus] | type[RiskStatus]
) -> dict[str, object]:
    """A task's or a risk's changes, validated (the owner stays a handle: see
    :func:`_with_owner`)."""
    values: dict[str, object] = {}
    for key, value in changes.items():
        if key == "title":
            values["title"] = rules.check_text(str(value), field="title")
        elif key in ("likelihood", "impact"):
            values[key] = rules.check_scale(int(str(value)), field=key)
        elif key == "status":
            values["status"] = rules.parse_choice(statuses, str(value), field="status")
        elif key == "stage":
            values["stage"] = Stage(str(value)) if value else None
        elif key == "role":
            values["role"] = rules.parse_lead_role(str(value))
        elif key in ("note", "mitigation"):
            values[key] = str(value).strip()
        else:
            values[key] = value
    return values


def _with_owner(tx: Tx, values: Mapping[str, object]) -> dict[str, object]:
    out = dict(values)
    if "owner" in out:
        owner = out.pop("owner")
        out["owner_id"] = tx.owner_id(owner if isinstance(owner, str) else None)
    return out


def _sponsor(tx: Tx, deal_id: int) -> Person:
    """The deal's sponsor, who receives its escalations; a deal without one cannot escalate."""
    found = tx.session.execute(
        select(Person)
        .join(DealMember, col(DealMember.person_id) == col(Person.id))
        .where(col(DealMember.deal_id) == deal_id, col(DealMember.role) == Role.SPONSOR)
        .order_by(col(DealMember.id))
    ).scalar()
    if found is None:
        code = tx.session.execute(select(col(Deal.code)).where(col(Deal.id) == deal_id)).scalar()
        raise RuleError(
            _(
                "{code} has no sponsor to escalate to: make someone its sponsor first "
                "(`m` in the deal room, or dealroom member set {code} sponsor HANDLE)"
            ).format(code=code)
        )
    return found


def _sponsor_id(tx: Tx, code: str) -> int:
    return ident(_sponsor(tx, ident(tx.deal(code))))


def _seats(tx: Tx, deal_id: int) -> Seats:
    deal = tx.session.get(Deal, deal_id)
    assert deal is not None  # an item's deal cannot go while the item stays
    return seats(tx.session, deal)


def _may_edit(tx: Tx, deal_id: int, kind: str) -> None:
    require(tx, permissions.edit_item(_seats(tx, deal_id), tx.actor, kind))
