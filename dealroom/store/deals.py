"""Deal writes: people, accounts, deals, stages, status, members, gates and the timeline.

Each validates through the domain, runs in one short transaction, and appends its event to
the log in that same transaction. Updates take the ``version`` the caller read; if the row
changed since, they raise :class:`~dealroom.store.errors.ConflictError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import (
    TRIANGLE,
    DealStatus,
    Gate,
    GateDecision,
    Level,
    Role,
    Stage,
    Tier,
    rules,
)
from dealroom.domain.rules import RuleError
from dealroom.store.base import ident, quote_title, unknown_fields
from dealroom.store.errors import NotFoundError
from dealroom.store.queries import (
    _D,
    Queries,
    deal_rows,
    gate_rows,
)
from dealroom.store.tables import (
    Account,
    Deal,
    DealMember,
    GateRecord,
    Person,
    StagePlan,
)
from dealroom.store.views import (
    AccountView,
    DealView,
    GateView,
    PersonView,
)

#: Fields of a deal that ``update_deal`` may change.
DEAL_FIELDS = ("name", "account", "amount", "currency", "close_date", "level", "probability")


class DealCommands(Queries):
    """Writes of deals and what hangs on them."""

    # --- people and accounts -------------------------------------------------------

    def add_person(self, handle: str, name: str, email: str = "") -> PersonView:
        handle = rules.check_text(handle, field="handle", limit=64)
        if any(c.isspace() for c in handle):
            raise RuleError("a handle is one word, such as a login name", field="handle")
        name = rules.check_text(name, field="name", limit=200)
        with self._write() as s:
            if s.execute(select(col(Person.id)).where(col(Person.handle) == handle)).first():
                raise RuleError(f"person {handle!r} already exists", field="handle")
            row = Person(handle=handle, name=name, email=email.strip())
            s.add(row)
            s.flush()
            assert row.id is not None
            self._log(
                s,
                entity="person",
                entity_id=row.id,
                action="create",
                version=row.version,
                summary=f"added person {name}",
                changes={"name": (None, name)},
            )
            return PersonView(row.id, row.handle, row.name, row.email, row.version)

    def add_account(self, name: str, tier: Tier = Tier.C) -> AccountView:
        with self._write() as s:
            row = self._new_account(s, name, tier)
            return AccountView(row.id, row.name, Tier(row.tier), row.version)  # type: ignore[arg-type]

    def _new_account(self, s: Session, name: str, tier: Tier) -> Account:
        name = rules.check_text(name, field="account", limit=200)
        if s.execute(select(col(Account.id)).where(col(Account.name) == name)).first():
            raise RuleError(f"account {name!r} already exists", field="account")
        row = Account(name=name, tier=tier.value)
        s.add(row)
        s.flush()
        self._log(
            s,
            entity="account",
            entity_id=row.id,
            action="create",
            version=row.version,
            summary=f"added account {name} (tier {tier.value})",
            changes={"tier": (None, tier.value)},
        )
        return row

    def _account_id(self, s: Session, name: str, tier: Tier | None) -> int:
        found = s.execute(select(col(Account.id)).where(col(Account.name) == name.strip())).scalar()
        if found is not None:
            return int(found)
        row = self._new_account(s, name, tier or Tier.C)
        assert row.id is not None
        return row.id

    def set_account_tier(self, name: str, tier: Tier, *, version: int | None = None) -> AccountView:
        with self._write() as s:
            found = s.execute(select(Account).where(col(Account.name) == name.strip())).scalar()
            if found is None:
                raise NotFoundError(f"no account {name.strip()!r}")
            self._check_version(s, "account", found, version)
            diff = self._apply(found, {"tier": tier.value})
            s.flush()
            if diff:
                self._log(
                    s,
                    entity="account",
                    entity_id=found.id,
                    action="update",
                    version=found.version,
                    changes=diff,
                    summary=f"set tier of {found.name} to {tier.value}",
                )
            return AccountView(found.id, found.name, Tier(found.tier), found.version)  # type: ignore[arg-type]

    # --- deals -----------------------------------------------------------------------

    def create_deal(
        self,
        code: str,
        name: str,
        account: str,
        *,
        amount: int = 0,
        currency: str = "CNY",
        close_date: date | None = None,
        stage: Stage = Stage.LEAD,
        level: Level = Level.III,
        probability: int | None = None,
        tier: Tier | None = None,
        leads: Mapping[Role, str] | None = None,
    ) -> DealView:
        """A new deal; its account is created (tier ``tier`` or C) if it does not exist."""
        code = rules.check_code(code)
        name = rules.check_text(name, field="name")
        amount = rules.check_amount(amount)
        currency = rules.check_currency(currency)
        rules.check_probability(probability)
        if stage not in (Stage.LEAD, Stage.OPPORTUNITY):
            raise RuleError(
                "a new deal starts as a Lead or an Opportunity; later stages are reached "
                "through their gates",
                field="stage",
            )
        with self._write() as s:
            if s.execute(select(col(Deal.id)).where(col(Deal.code) == code)).first():
                raise RuleError(f"deal code {code} is already taken", field="code")
            now = self.now()
            row = Deal(
                code=code,
                name=name,
                account_id=self._account_id(s, account, tier),
                amount=amount,
                currency=currency,
                close_date=close_date,
                stage=stage.value,
                probability_override=probability,
                level=level.value,
                status=DealStatus.OPEN.value,
                status_reason="",
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            s.add(StagePlan(deal_id=row.id, stage=stage.value, actual=self.today()))
            self._log(
                s,
                deal_id=row.id,
                entity="deal",
                entity_id=row.id,
                action="create",
                version=row.version,
                summary=f"created deal {code} {quote_title(name)}",
                changes={"stage": (None, stage.value), "amount": (None, amount)},
            )
            for role, handle in (leads or {}).items():
                self._set_member(s, row, role, handle)
            return deal_rows(s, _D.id == row.id)[0]

    def update_deal(self, code: str, *, version: int | None = None, **changes: Any) -> DealView:
        """Change a deal's fields. ``probability=None`` clears the manual override."""
        unknown_fields(changes, DEAL_FIELDS, "deal")
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "name":
                values["name"] = rules.check_text(value, field="name")
            elif key == "amount":
                values["amount"] = rules.check_amount(int(value))
            elif key == "currency":
                values["currency"] = rules.check_currency(value)
            elif key == "close_date":
                values["close_date"] = value
            elif key == "level":
                values["level"] = Level(value).value
            elif key == "probability":
                values["probability_override"] = rules.check_probability(value)
        with self._write() as s:
            row = self._deal_by_code(s, code, lock=True)
            self._check_version(s, "deal", row, version, lambda: deal_rows(s, _D.id == row.id)[0])
            if "account" in changes:
                values["account_id"] = self._account_id(s, changes["account"], None)
            diff = self._apply(row, values)
            if diff:
                row.updated_at = self.now()
                s.flush()
                readable = self._deal_readable(s, diff)
                self._log(
                    s,
                    deal_id=row.id,
                    entity="deal",
                    entity_id=row.id,
                    action="update",
                    version=row.version,
                    changes=readable,
                    summary=f"edited deal {row.code} ({', '.join(readable)})",
                )
            return deal_rows(s, _D.id == row.id)[0]

    def _deal_readable(
        self, s: Session, diff: dict[str, tuple[object, object]]
    ) -> dict[str, tuple[object, object]]:
        """The log speaks in ``update_deal``'s names: account by name, probability."""
        out: dict[str, tuple[object, object]] = {}
        for name, (old, new) in diff.items():
            if name == "account_id":
                found = s.execute(
                    select(col(Account.id), col(Account.name)).where(
                        col(Account.id).in_([old, new])
                    )
                )
                names: dict[object, str] = {aid: aname for aid, aname in found}
                out["account"] = (names.get(old), names.get(new))
            elif name == "probability_override":
                out["probability"] = (old, new)
            else:
                out[name] = (old, new)
        return out

    def move_stage(self, code: str, target: Stage | str, *, version: int | None = None) -> DealView:
        """Move to ``target`` (a stage, ``"next"`` or ``"prev"``); forward moves need gates."""
        with self._write() as s:
            row = self._deal_by_code(s, code, lock=True)
            self._check_version(s, "deal", row, version, lambda: deal_rows(s, _D.id == row.id)[0])
            current = Stage(row.stage)
            if target == "next":
                if current.next is None:
                    raise RuleError(f"{current.label} is the last stage", field="stage")
                goal = current.next
            elif target == "prev":
                if current.prev is None:
                    raise RuleError(f"{current.label} is the first stage", field="stage")
                goal = current.prev
            else:
                goal = target if isinstance(target, Stage) else rules.parse_stage(target)
            gates = gate_rows(s, col(GateRecord.deal_id) == row.id)  # type: ignore[arg-type]
            approved = rules.approved_gates(
                rules.latest_gate_states((g.gate, g.decision) for g in gates)
            )
            rules.check_stage_move(DealStatus(row.status), current, goal, approved)
            row.stage = goal.value
            row.updated_at = self.now()
            self._mark_timeline(s, row.id, current, goal)  # type: ignore[arg-type]
            s.flush()
            way = "moved" if goal.order > current.order else "moved back"
            self._log(
                s,
                deal_id=row.id,
                entity="deal",
                entity_id=row.id,
                action="stage",
                version=row.version,
                changes={"stage": (current.value, goal.value)},
                summary=f"{way} {row.code} from {current.label} to {goal.label}",
            )
            return deal_rows(s, _D.id == row.id)[0]

    def _mark_timeline(self, s: Session, deal_id: int, current: Stage, goal: Stage) -> None:
        """Entering a stage dates it; moving back un-reaches the stages after the goal."""
        plans = {
            p.stage: p
            for p in s.execute(select(StagePlan).where(col(StagePlan.deal_id) == deal_id)).scalars()
        }
        today = self.today()
        if goal.order > current.order:
            for stage in rules.STAGES[current.order + 1 : goal.order + 1]:
                plan = plans.get(stage.value)
                if plan is None:
                    s.add(StagePlan(deal_id=deal_id, stage=stage.value, actual=today))
                else:
                    plan.actual = today
        else:
            for stage in rules.STAGES[goal.order + 1 :]:
                plan = plans.get(stage.value)
                if plan is not None and plan.actual is not None:
                    plan.actual = None

    def plan_stage(self, code: str, stage: Stage, planned: date | None) -> None:
        """Set (or clear) the planned date of one stage on the deal's timeline."""
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            plan = s.execute(
                select(StagePlan).where(
                    col(StagePlan.deal_id) == deal.id, col(StagePlan.stage) == stage.value
                )
            ).scalar()
            if plan is None:
                plan = StagePlan(deal_id=ident(deal), stage=stage.value)
                s.add(plan)
            old = plan.planned
            if old == planned:
                if plan.id is None:
                    s.expunge(plan)  # nothing to plan: leave no empty row behind
                return
            plan.planned = planned
            s.flush()
            self._log(
                s,
                deal_id=ident(deal),
                entity="plan",
                entity_id=plan.id,
                action="update",
                version=plan.version,
                changes={"planned": (old, planned)},
                summary=f"planned {stage.label} for {planned or 'no date'}",
            )

    def set_status(
        self, code: str, status: DealStatus, reason: str = "", *, version: int | None = None
    ) -> DealView:
        """Mark a deal won, lost or dropped (lost and dropped need a reason), or reopen it."""
        with self._write() as s:
            row = self._deal_by_code(s, code, lock=True)
            self._check_version(s, "deal", row, version, lambda: deal_rows(s, _D.id == row.id)[0])
            reason = rules.check_status_change(
                DealStatus(row.status), status, Stage(row.stage), reason
            )
            diff = self._apply(row, {"status": status.value, "status_reason": reason})
            row.updated_at = self.now()
            s.flush()
            self._log(
                s,
                deal_id=row.id,
                entity="deal",
                entity_id=row.id,
                action="status",
                version=row.version,
                changes=diff,
                summary=f"marked {row.code} {status.value}" + (f": {reason}" if reason else ""),
            )
            return deal_rows(s, _D.id == row.id)[0]

    def set_member(self, code: str, role: Role, handle: str) -> None:
        """Put a person on the deal; a lead role (AR/SR/FR) has one person, who is replaced."""
        with self._write() as s:
            self._set_member(s, self._deal_by_code(s, code), role, handle)

    def _set_member(self, s: Session, deal: Deal, role: Role, handle: str) -> None:
        person = self._person_by_handle(s, handle)
        existing = (
            s.execute(
                select(DealMember).where(
                    col(DealMember.deal_id) == deal.id, col(DealMember.role) == role.value
                )
            )
            .scalars()
            .all()
        )
        if any(m.person_id == person.id for m in existing):
            return
        old = None
        if role in TRIANGLE and existing:
            holder = existing[0]
            old = s.get(Person, holder.person_id)
            s.delete(holder)
            s.flush()
        member = DealMember(deal_id=ident(deal), person_id=person.id, role=role.value)  # type: ignore[arg-type]
        s.add(member)
        s.flush()
        was = f" instead of {old.name}" if old else ""
        self._log(
            s,
            deal_id=ident(deal),
            entity="member",
            entity_id=member.id,
            action="set",
            version=member.version,
            changes={role.value: (old.handle if old else None, person.handle)},
            summary=f"made {person.name} {role.value} of {deal.code}{was}",
        )

    def remove_member(self, code: str, role: Role, handle: str) -> None:
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            person = self._person_by_handle(s, handle)
            member = s.execute(
                select(DealMember).where(
                    col(DealMember.deal_id) == deal.id,
                    col(DealMember.role) == role.value,
                    col(DealMember.person_id) == person.id,
                )
            ).scalar()
            if member is None:
                raise NotFoundError(f"{person.name} is not {role.value} of {deal.code}")
            s.delete(member)
            self._log(
                s,
                deal_id=ident(deal),
                entity="member",
                entity_id=member.id,
                action="remove",
                changes={role.value: (person.handle, None)},
                summary=f"removed {person.name} as {role.value} of {deal.code}",
            )

    # --- gates -----------------------------------------------------------------------

    def record_gate(
        self, code: str, gate: Gate, decision: GateDecision, note: str = ""
    ) -> GateView:
        """Record a decision at a gate, by the acting person, now."""
        note = rules.check_text(note, field="note", required=False)
        with self._write() as s:
            deal = self._deal_by_code(s, code, lock=True)
            rules.check_gate_decision(gate, Stage(deal.stage), DealStatus(deal.status))
            row = GateRecord(
                deal_id=ident(deal),
                gate=gate.value,
                decision=decision.value,  # type: ignore[arg-type]
                decided_by=self.actor,
                decided_at=self.now(),
                note=note,
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                deal_id=ident(deal),
                entity="gate",
                entity_id=row.id,
                action="decide",
                changes={gate.value: (None, decision.value)},
                summary=f"{decision.value} {gate.value} for {deal.code}"
                + (f": {note}" if note else ""),
            )
            return gate_rows(s, col(GateRecord.id) == row.id)[0]  # type: ignore[arg-type]
