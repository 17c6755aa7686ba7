"""Writes of each role's items: tasks, risks and handoffs (same rules as deal writes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dealroom.domain import (
    TRIANGLE,
    HandoffState,
    RiskStatus,
    Role,
    Stage,
    TaskStatus,
    rules,
)
from dealroom.domain.rules import RuleError
from dealroom.store.base import ident, quote_title, unknown_fields
from dealroom.store.queries import (
    _H,
    _R,
    _T,
    Queries,
    handoff_rows,
    risk_rows,
    task_rows,
)
from dealroom.store.tables import (
    Handoff,
    Person,
    Risk,
    Task,
)
from dealroom.store.views import (
    HandoffView,
    RiskView,
    TaskView,
)

TASK_FIELDS = ("title", "owner", "due", "status", "stage", "note", "role")
RISK_FIELDS = ("title", "likelihood", "impact", "mitigation", "owner", "status", "role")
HANDOFF_FIELDS = ("title", "note", "due", "from_role", "to_role")


class ItemCommands(Queries):
    """Writes of tasks, risks and handoffs."""

    # --- tasks -----------------------------------------------------------------------

    def add_task(
        self,
        code: str,
        role: Role,
        title: str,
        *,
        owner: str | None = None,
        due: date | None = None,
        status: TaskStatus = TaskStatus.TODO,
        stage: Stage | None = None,
        note: str = "",
    ) -> TaskView:
        with self._write() as s:
            return self._add_task(
                s, code, role, title, owner=owner, due=due, status=status, stage=stage, note=note
            )

    def _add_task(
        self,
        s: Session,
        code: str,
        role: Role,
        title: str,
        *,
        owner: str | None = None,
        due: date | None = None,
        status: TaskStatus = TaskStatus.TODO,
        stage: Stage | None = None,
        note: str = "",
    ) -> TaskView:
        """``add_task`` inside a transaction the caller holds."""
        if role not in TRIANGLE:
            raise RuleError("a task belongs to AR, SR or FR", field="role")
        title = rules.check_text(title, field="title")
        deal = self._deal_by_code(s, code)
        now = self.now()
        row = Task(
            deal_id=ident(deal),
            role=role.value,
            title=title,
            owner_id=self._owner_id(s, owner),  # type: ignore[arg-type]
            due=due,
            status=status.value,
            stage=(stage or Stage(deal.stage)).value,
            note=note.strip(),
            created_at=now,
            updated_at=now,
            status_changed_at=now,
        )
        s.add(row)
        s.flush()
        self._log(
            s,
            deal_id=ident(deal),
            entity="task",
            entity_id=row.id,
            action="create",
            version=row.version,
            changes={"title": (None, title), "status": (None, status.value)},
            summary=f"added {role.value} task {quote_title(title)}",
        )
        return task_rows(s, _T.id == row.id)[0]

    def update_task(self, task_id: int, *, version: int | None = None, **changes: Any) -> TaskView:
        unknown_fields(changes, TASK_FIELDS, "task")
        with self._write() as s:
            row = self._load(s, Task, task_id, "task")
            self._check_version(s, "task", row, version, lambda: task_rows(s, _T.id == task_id)[0])
            values = self._task_values(s, changes)
            diff = self._apply(row, values)
            if diff:
                row.updated_at = self.now()
                if "status" in diff:
                    row.status_changed_at = row.updated_at
                s.flush()
                action = "status" if set(diff) == {"status"} else "update"
                what = (
                    f"marked task {quote_title(row.title)} {row.status}"
                    if action == "status"
                    else f"edited task {quote_title(row.title)} ({', '.join(diff)})"
                )
                self._log(
                    s,
                    deal_id=row.deal_id,
                    entity="task",
                    entity_id=row.id,
                    action=action,
                    version=row.version,
                    changes=self._readable(s, diff),
                    summary=what,
                )
            return task_rows(s, _T.id == task_id)[0]

    def _task_values(self, s: Session, changes: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "title":
                values["title"] = rules.check_text(value, field="title")
            elif key == "owner":
                values["owner_id"] = self._owner_id(s, value)
            elif key == "status":
                values["status"] = rules.parse_choice(TaskStatus, str(value), field="status").value
            elif key == "stage":
                values["stage"] = Stage(value).value if value else None
            elif key == "role":
                values["role"] = rules.parse_lead_role(str(value)).value
            elif key == "note":
                values["note"] = str(value).strip()
            else:
                values[key] = value
        return values

    def _readable(
        self, s: Session, diff: dict[str, tuple[object, object]]
    ) -> dict[str, tuple[object, object]]:
        """Owners in the log by handle, not by row id."""
        if "owner_id" not in diff:
            return diff
        out = {k: v for k, v in diff.items() if k != "owner_id"}
        handles = []
        for pid in diff["owner_id"]:
            person = s.get(Person, pid) if pid is not None else None
            handles.append(person.handle if person else None)
        out["owner"] = (handles[0], handles[1])
        return out

    def set_task_status(
        self, task_id: int, status: TaskStatus, *, version: int | None = None
    ) -> TaskView:
        return self.update_task(task_id, version=version, status=status)

    def delete_task(self, task_id: int, *, version: int | None = None) -> None:
        self._delete(Task, "task", task_id, version)

    def _delete(self, model: Any, entity: str, row_id: int, version: int | None) -> None:
        reads: dict[str, tuple[Callable[..., list[Any]], Any]] = {
            "task": (task_rows, _T),
            "risk": (risk_rows, _R),
            "handoff": (handoff_rows, _H),
        }
        read, cols = reads[entity]
        with self._write() as s:
            row = self._load(s, model, row_id, entity)
            self._check_version(s, entity, row, version, lambda: read(s, cols.id == row_id)[0])
            title = row.title
            s.delete(row)
            s.flush()
            self._log(
                s,
                deal_id=row.deal_id,
                entity=entity,
                entity_id=row_id,
                action="delete",
                changes={"title": (title, None)},
                summary=f"deleted {entity} {quote_title(title)}",
            )

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
            raise RuleError("a risk belongs to AR, SR or FR", field="role")
        title = rules.check_text(title, field="title")
        rules.check_scale(likelihood, field="likelihood")
        rules.check_scale(impact, field="impact")
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            now = self.now()
            row = Risk(
                deal_id=ident(deal),
                role=role.value,
                title=title,
                likelihood=likelihood,  # type: ignore[arg-type]
                impact=impact,
                mitigation=mitigation.strip(),
                owner_id=self._owner_id(s, owner),
                status=status.value,
                escalated=escalated,
                escalated_at=now if escalated else None,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                deal_id=ident(deal),
                entity="risk",
                entity_id=row.id,
                action="create",
                version=row.version,
                changes={"title": (None, title), "exposure": (None, likelihood * impact)},
                summary=f"opened {role.value} risk {quote_title(title)} "
                f"(exposure {likelihood * impact})",
            )
            return risk_rows(s, _R.id == row.id)[0]

    def update_risk(self, risk_id: int, *, version: int | None = None, **changes: Any) -> RiskView:
        unknown_fields(changes, RISK_FIELDS, "risk")
        with self._write() as s:
            row = self._load(s, Risk, risk_id, "risk")
            self._check_version(s, "risk", row, version, lambda: risk_rows(s, _R.id == risk_id)[0])
            values: dict[str, Any] = {}
            for key, value in changes.items():
                if key in ("likelihood", "impact"):
                    values[key] = rules.check_scale(int(value), field=key)
                elif key == "title":
                    values["title"] = rules.check_text(value, field="title")
                elif key == "owner":
                    values["owner_id"] = self._owner_id(s, value)
                elif key == "status":
                    values["status"] = rules.parse_choice(
                        RiskStatus, str(value), field="status"
                    ).value
                elif key == "role":
                    values["role"] = rules.parse_lead_role(str(value)).value
                else:
                    values[key] = str(value).strip()
            diff = self._apply(row, values)
            if diff:
                row.updated_at = self.now()
                s.flush()
                if set(diff) == {"status"}:
                    action, what = "status", f"marked risk {quote_title(row.title)} {row.status}"
                else:
                    action, what = (
                        "update",
                        f"edited risk {quote_title(row.title)} ({', '.join(diff)})",
                    )
                self._log(
                    s,
                    deal_id=row.deal_id,
                    entity="risk",
                    entity_id=row.id,
                    action=action,
                    version=row.version,
                    changes=self._readable(s, diff),
                    summary=what,
                )
            return risk_rows(s, _R.id == risk_id)[0]

    def escalate_risk(
        self, risk_id: int, escalated: bool = True, *, version: int | None = None
    ) -> RiskView:
        """Escalate a risk to the sponsor (or take the escalation back)."""
        with self._write() as s:
            row = self._load(s, Risk, risk_id, "risk")
            self._check_version(s, "risk", row, version, lambda: risk_rows(s, _R.id == risk_id)[0])
            if row.escalated == escalated:
                state = "already escalated" if escalated else "not escalated"
                raise RuleError(f"risk {quote_title(row.title)} is {state}")
            if escalated and row.status == RiskStatus.CLOSED.value:
                raise RuleError("a closed risk cannot be escalated: reopen it first")
            now = self.now()
            row.escalated = escalated
            row.escalated_at = now if escalated else None
            row.updated_at = now
            s.flush()
            verb = "escalated" if escalated else "de-escalated"
            self._log(
                s,
                deal_id=row.deal_id,
                entity="risk",
                entity_id=row.id,
                action=verb[:16],
                version=row.version,
                changes={"escalated": (not escalated, escalated)},
                summary=f"{verb} risk {quote_title(row.title)}",
            )
            return risk_rows(s, _R.id == risk_id)[0]

    def delete_risk(self, risk_id: int, *, version: int | None = None) -> None:
        self._delete(Risk, "risk", risk_id, version)

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
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            now = self.now()
            state = HandoffState.SENT if send else HandoffState.DRAFTED
            row = Handoff(
                deal_id=ident(deal),
                from_role=from_role.value,
                to_role=to_role.value,
                title=title,  # type: ignore[arg-type]
                note=note.strip(),
                due=due,
                state=state.value,
                reason="",
                sent_at=now if send else None,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            verb = "sent" if send else "drafted"
            self._log(
                s,
                deal_id=ident(deal),
                entity="handoff",
                entity_id=row.id,
                action="send" if send else "create",
                version=row.version,
                changes={"state": (None, state.value), "title": (None, title)},
                summary=f"{verb} handoff {quote_title(title)} {from_role.value} → {to_role.value}",
            )
            return handoff_rows(s, _H.id == row.id)[0]

    def update_handoff(
        self, handoff_id: int, *, version: int | None = None, **changes: Any
    ) -> HandoffView:
        unknown_fields(changes, HANDOFF_FIELDS, "handoff")
        with self._write() as s:
            row = self._load(s, Handoff, handoff_id, "handoff")
            self._check_version(
                s, "handoff", row, version, lambda: handoff_rows(s, _H.id == handoff_id)[0]
            )
            if row.state == HandoffState.ACCEPTED.value:
                raise RuleError("an accepted handoff is final: send a new one instead")
            values = dict(changes)
            if "title" in values:
                values["title"] = rules.check_text(values["title"], field="title")
            for key in ("from_role", "to_role"):
                if key in values:
                    values[key] = Role(values[key]).value
            rules.check_handoff_roles(
                Role(values.get("from_role", row.from_role)),
                Role(values.get("to_role", row.to_role)),
            )
            diff = self._apply(row, values)
            if diff:
                row.updated_at = self.now()
                s.flush()
                self._log(
                    s,
                    deal_id=row.deal_id,
                    entity="handoff",
                    entity_id=row.id,
                    action="update",
                    version=row.version,
                    changes=diff,
                    summary=f"edited handoff {quote_title(row.title)} ({', '.join(diff)})",
                )
            return handoff_rows(s, _H.id == handoff_id)[0]

    def _move_handoff(
        self, handoff_id: int, action: str, version: int | None, reason: str = ""
    ) -> HandoffView:
        with self._write() as s:
            row = self._load(s, Handoff, handoff_id, "handoff")
            self._check_version(
                s, "handoff", row, version, lambda: handoff_rows(s, _H.id == handoff_id)[0]
            )
            old = HandoffState(row.state)
            new = rules.handoff_transition(old, action, reason)
            now = self.now()
            row.state = new.value
            row.updated_at = now
            if action == "send":
                row.sent_at, row.decided_at, row.reason = now, None, ""
            elif action in ("accept", "reject"):
                row.decided_at = now
                row.reason = reason.strip()
            s.flush()
            past = {
                "send": "sent",
                "accept": "accepted",
                "reject": "rejected",
                "withdraw": "withdrew",
            }[action]
            because = f": {reason.strip()}" if reason.strip() else ""
            self._log(
                s,
                deal_id=row.deal_id,
                entity="handoff",
                entity_id=row.id,
                action=action,
                version=row.version,
                changes={"state": (old.value, new.value)},
                summary=f"{past} handoff {quote_title(row.title)} "
                f"{row.from_role} → {row.to_role}{because}",
            )
            return handoff_rows(s, _H.id == handoff_id)[0]

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
        self._delete(Handoff, "handoff", handoff_id, version)
