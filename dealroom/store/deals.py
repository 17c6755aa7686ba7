"""Deal writes: people, accounts, deals, stages, status, members, gates and the timeline.

Each validates through the domain and goes through the database's one write path (one
short transaction, the version check, the event in the same transaction). Updates take
the ``version`` the caller read; if the row changed since, they raise
:class:`~dealroom.store.errors.ConflictError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import (
    DealStatus,
    Gate,
    GateDecision,
    Level,
    Role,
    Stage,
    Tier,
    permissions,
    rules,
)
from dealroom.domain.cash import check_closing
from dealroom.domain.rules import RuleError
from dealroom.i18n import _
from dealroom.store.cash_reads import deal_cash, plan_effect
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError
from dealroom.store.inputs import DealUpdate, given
from dealroom.store.people import account_id
from dealroom.store.permit import require, seats
from dealroom.store.policy import approvers
from dealroom.store.rows import DEALS, GATES, by_id
from dealroom.store.tables import (
    Account,
    Deal,
    DealMember,
    GateRecord,
    Person,
    StageMove,
    StagePlan,
)
from dealroom.store.tx import Diff, Kind, Logged, Tx, deal_by_code, ident, quote_title
from dealroom.store.views import DealView, GateView


def _no_view(_s: Session, _row_id: int) -> None:
    return None


DEAL = Kind(
    "deal",
    Deal,
    by_id(DEALS, col(Deal.id), "deal"),
    by_key=lambda s, code: deal_by_code(s, code, lock=True),
)
GATE = Kind("gate", GateRecord, by_id(GATES, col(GateRecord.id), "gate decision"))
PLAN = Kind("plan", StagePlan, _no_view)
MEMBER = Kind("member", DealMember, _no_view)


class Deals:
    """Writes of deals and what hangs on them."""

    def __init__(self, database: Database) -> None:
        self.database = database

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
                _(
                    "a new deal starts as a Lead or an Opportunity; later stages are reached "
                    "through their gates"
                ),
                field="stage",
            )
        with self.database.write() as tx:
            if tx.session.execute(select(col(Deal.id)).where(col(Deal.code) == code)).first():
                raise RuleError(
                    _("deal code {code} is already taken").format(code=code), field="code"
                )
            row = Deal(
                code=code,
                name=name,
                account_id=account_id(tx, account, tier),
                amount=amount,
                currency=currency,
                close_date=close_date,
                stage=stage,
                probability_override=probability,
                level=level,
                status=DealStatus.OPEN,
                status_reason="",
                created_at=tx.now,
                updated_at=tx.now,
            )
            summary = f"created deal {code} {quote_title(name)}"
            changes = {"stage": (None, stage.value), "amount": (None, amount)}
            tx.insert(DEAL, row, Logged("create", summary, changes))
            today = self.database.today()
            tx.session.add(StagePlan(deal_id=ident(row), stage=stage, actual=today))
            tx.session.add(stage_move(tx, row, None, stage, today))
            for role, handle in (leads or {}).items():
                _set_member(tx, row, role, handle)
            return DEAL.view(tx.session, ident(row))

    def update_deal(self, code: str, update: DealUpdate, *, version: int | None = None) -> DealView:
        """Change a deal's fields. ``probability=None`` clears the manual override."""
        values: dict[str, object] = {}
        for key, value in given(update).items():
            if key == "name":
                values["name"] = rules.check_text(str(value), field="name")
            elif key == "amount":
                values["amount"] = rules.check_amount(int(str(value)))
            elif key == "currency":
                values["currency"] = rules.check_currency(str(value))
            elif key == "level":
                values["level"] = Level(str(value))
            elif key == "probability":
                values["probability_override"] = rules.check_probability(
                    None if value is None else int(str(value))
                )
            elif key != "account":
                values[key] = value

        def change(tx: Tx, row: Deal) -> Logged | None:
            if update.account:
                values["account_id"] = account_id(tx, update.account, None)
            diff = tx.apply(row, values)
            if not diff:
                return None
            changes = _deal_readable(tx, diff)
            summary = f"edited deal {row.code} ({', '.join(changes)})"
            if {"amount", "currency"} & set(diff):
                summary += plan_effect(tx.session, row, self.database.today())
            return Logged("update", summary, changes)

        return self.database.update(DEAL, code, version, change)

    def move_stage(
        self,
        code: str,
        target: Stage | str,
        *,
        reason: str = "",
        version: int | None = None,
    ) -> DealView:
        """Move to ``target`` (a stage, ``"next"`` or ``"prev"``); forward moves need gates,
        a move back needs a reason. The move is added to the deal's stage history; each
        stage keeps the first day the deal entered it."""

        def change(tx: Tx, row: Deal) -> Logged:
            current = row.stage
            if target == "next":
                if current.next is None:
                    raise RuleError(
                        _("{stage} is the last stage").format(stage=_(current.label)),
                        field="stage",
                    )
                goal = current.next
            elif target == "prev":
                if current.prev is None:
                    raise RuleError(
                        _("{stage} is the first stage").format(stage=_(current.label)),
                        field="stage",
                    )
                goal = current.prev
            else:
                goal = target if isinstance(target, Stage) else rules.parse_stage(target)
            gates = GATES.rows(tx.session, col(GateRecord.deal_id) == row.id)
            approved = rules.approved_gates(
                rules.latest_gate_states((g.gate, g.decision) for g in gates)
            )
            require(tx, permissions.move(seats(tx.session, row), tx.actor, "moved between stages"))
            rules.check_stage_move(row.status, current, goal, approved)
            why = rules.check_move_reason(current, goal, reason)
            row.stage = goal
            today = self.database.today()
            first_entries(tx, ident(row), current, goal, today)
            tx.session.add(stage_move(tx, row, current, goal, today, why))
            way = "moved" if goal.order > current.order else "moved back"
            summary = f"{way} {row.code} from {current.label} to {goal.label}"
            changes: Diff = {"stage": (current.value, goal.value)}
            if why:
                summary += f": {why}"
                changes["reason"] = (None, why)
            return Logged("stage", summary, changes)

        return self.database.update(DEAL, code, version, change)

    def plan_stage(self, code: str, stage: Stage, planned: date | None) -> None:
        """Set (or clear) the planned date of one stage on the deal's timeline."""
        with self.database.write() as tx:
            deal = tx.deal(code)
            plan = tx.session.execute(
                select(StagePlan).where(
                    col(StagePlan.deal_id) == deal.id, col(StagePlan.stage) == stage
                )
            ).scalar()
            old = plan.planned if plan is not None else None
            if old == planned:
                return  # nothing to plan: leave no empty row behind
            logged = Logged(
                "update",
                f"planned {stage.label} for {planned or 'no date'}",
                {"planned": (old, planned)},
            )
            if plan is None:
                tx.insert(
                    PLAN, StagePlan(deal_id=ident(deal), stage=stage, planned=planned), logged
                )
            else:
                plan.planned = planned
                tx.changed(PLAN, plan, logged)

    def set_status(
        self, code: str, status: DealStatus, reason: str = "", *, version: int | None = None
    ) -> DealView:
        """Mark a deal won, lost or dropped (lost and dropped need a reason), or reopen it."""

        def change(tx: Tx, row: Deal) -> Logged:
            marked = f"marked {status.value}" if status is not DealStatus.OPEN else "reopened"
            require(tx, permissions.move(seats(tx.session, row), tx.actor, marked))
            why = rules.check_status_change(row.status, status, row.stage, reason)
            diff = tx.apply(row, {"status": status, "status_reason": why})
            summary = f"marked {row.code} {status.value}" + (f": {why}" if why else "")
            return Logged("status", summary, diff)

        return self.database.update(DEAL, code, version, change)

    def set_member(self, code: str, role: Role, handle: str) -> None:
        """Put a person on the deal; AR, SR, FR and the sponsor have one person each, who
        is replaced."""
        with self.database.write() as tx:
            _set_member(tx, tx.deal(code), role, handle)

    def remove_member(self, code: str, role: Role, handle: str | None = None) -> None:
        """Take a person off the deal (for AR, SR, FR or the sponsor, ``handle`` may be
        left out: whoever holds the role)."""
        with self.database.write() as tx:
            deal = tx.deal(code)
            holders = _holders(tx, deal, role)
            if handle is not None:
                person = tx.person(handle)
                holders = [m for m in holders if m.person_id == person.id]
                if not holders:
                    raise NotFoundError(
                        _("{name} is not {role} of {code}").format(
                            name=person.name, role=role.value, code=deal.code
                        )
                    )
            elif not holders:
                raise NotFoundError(
                    _("{code} has no {role}").format(code=deal.code, role=role.long_name.lower())
                )
            for member in holders:
                _remove(tx, deal, member)

    def set_members(
        self, code: str, holders: Mapping[Role, str | None], experts: Sequence[str] | None = None
    ) -> int:
        """The deal's members as a whole, in one change: each role in ``holders`` held by
        that person (``None``: by nobody) and, if given, exactly these ``experts``. Returns
        how many members changed (0: nothing to do)."""
        with self.database.write() as tx:
            deal = tx.deal(code)
            changed = 0
            for role, handle in holders.items():
                if not role.single:
                    raise RuleError(_("experts are given as a list"), field="experts")
                if handle:
                    changed += _set_member(tx, deal, role, handle)
                else:
                    for member in _holders(tx, deal, role):
                        _remove(tx, deal, member)
                        changed += 1
            if experts is not None:
                wanted = {tx.person(h).id: h for h in dict.fromkeys(h.strip() for h in experts)}
                current = _holders(tx, deal, Role.EXPERT)
                for member in current:
                    if member.person_id not in wanted:
                        _remove(tx, deal, member)
                        changed += 1
                have = {m.person_id for m in current}
                for person_id, handle in wanted.items():
                    if person_id not in have:
                        changed += _set_member(tx, deal, Role.EXPERT, handle)
            return changed

    # --- gates -----------------------------------------------------------------------

    def record_gate(
        self, code: str, gate: Gate, decision: GateDecision, note: str = ""
    ) -> GateView:
        """Record a decision at a gate, by the acting person, now."""
        note = rules.check_text(note, field="note", required=False)
        day = self.database.today()

        def build(tx: Tx) -> tuple[GateRecord, Logged]:
            deal = tx.deal(code, lock=True)
            named = approvers(tx.session, gate).get(gate, [])
            require(tx, permissions.gate(seats(tx.session, deal), tx.actor, gate, named))
            rules.check_gate_decision(gate, deal.stage, deal.status)
            if gate is Gate.ATCC and decision is GateDecision.APPROVED:
                unpaid = [i for i in deal_cash(tx.session, deal, day).invoices if i.outstanding]
                owed = sum(i.outstanding for i in unpaid)
                check_closing(deal.code, owed, len(unpaid), deal.currency, note)
            row = GateRecord(
                deal_id=ident(deal),
                gate=gate,
                decision=decision,
                decided_by=self.database.actor,
                decided_at=tx.now,
                note=note,
            )
            summary = f"{decision.value} {gate.value} for {deal.code}" + (
                f": {note}" if note else ""
            )
            before = tx.session.execute(
                select(col(GateRecord.decision))
                .where(col(GateRecord.deal_id) == deal.id, col(GateRecord.gate) == gate)
                .order_by(col(GateRecord.decided_at).desc(), col(GateRecord.id).desc())
                .limit(1)
            ).scalar()
            changes: Diff = {gate.value: (before.value if before else None, decision.value)}
            if note:
                changes["note"] = (None, note)
            return row, Logged("decide", summary, changes)

        return self.database.create(GATE, build)


def _deal_readable(tx: Tx, diff: Diff) -> Diff:
    """The log speaks in ``update_deal``'s names: account by name, probability."""
    out: Diff = {}
    for name, (old, new) in diff.items():
        if name == "account_id":
            found = tx.session.execute(
                select(col(Account.id), col(Account.name)).where(col(Account.id).in_([old, new]))
            )
            names: dict[object, str] = {aid: aname for aid, aname in found}
            out["account"] = (names.get(old), names.get(new))
        elif name == "probability_override":
            out["probability"] = (old, new)
        else:
            out[name] = (old, new)
    return out


def stage_move(
    tx: Tx, deal: Deal, before: Stage | None, goal: Stage, today: date, reason: str = ""
) -> StageMove:
    return StageMove.model_validate(move_values(tx, ident(deal), before, goal, today, reason))


def move_values(
    tx: Tx, deal_id: int, before: Stage | None, goal: Stage, today: date, reason: str = ""
) -> dict[str, object]:
    """A move of the deal between stages (its stage history's row), as column values."""
    back = before is not None and goal.order < before.order
    return {
        "deal_id": deal_id,
        "from_stage": before,
        "to_stage": goal,
        "back": back,
        "day": today,
        "at": tx.now,
        "actor": tx.actor,
        "reason": reason,
    }


def first_entries(tx: Tx, deal_id: int, current: Stage, goal: Stage, today: date) -> None:
    """A forward move dates each stage it enters for the first time; a stage entered
    before keeps its first day, and a move back dates nothing."""
    if goal.order < current.order:
        return
    plans = {
        p.stage: p
        for p in tx.session.execute(
            select(StagePlan).where(col(StagePlan.deal_id) == deal_id)
        ).scalars()
    }
    for stage in rules.STAGES[current.order + 1 : goal.order + 1]:
        plan = plans.get(stage)
        if plan is None:
            tx.session.add(StagePlan(deal_id=deal_id, stage=stage, actual=today))
        elif plan.actual is None:
            plan.actual = today


def _holders(tx: Tx, deal: Deal, role: Role) -> list[DealMember]:
    return list(
        tx.session.execute(
            select(DealMember)
            .where(col(DealMember.deal_id) == deal.id, col(DealMember.role) == role)
            .order_by(col(DealMember.id))
        ).scalars()
    )


def _remove(tx: Tx, deal: Deal, member: DealMember) -> None:
    person = tx.session.get(Person, member.person_id)
    assert person is not None
    role = member.role
    summary = f"removed {person.name} as {role.value} of {deal.code}"
    tx.remove(MEMBER, member, Logged("remove", summary, {role.value: (person.handle, None)}))


def _set_member(tx: Tx, deal: Deal, role: Role, handle: str) -> int:
    """Make ``handle`` ``role`` of the deal (replacing whoever holds a one-person role);
    returns 1 if that changed anything, else 0."""
    person = tx.person(handle)
    existing = _holders(tx, deal, role)
    if any(m.person_id == person.id for m in existing) and (not role.single or len(existing) == 1):
        return 0
    old = None
    if role.single:
        others = [m for m in existing if m.person_id != person.id]
        if len(others) < len(existing) or len(others) > 1:
            for holder in others:  # a database from before may hold several sponsors
                _remove(tx, deal, holder)
            if len(others) < len(existing):
                return 1
        elif others:
            old = tx.session.get(Person, others[0].person_id)
            tx.session.delete(others[0])
            tx.session.flush()
    was = f" instead of {old.name}" if old else ""
    tx.insert(
        MEMBER,
        DealMember(deal_id=ident(deal), person_id=ident(person), role=role),
        Logged(
            "set",
            f"made {person.name} {role.value} of {deal.code}{was}",
            {role.value: (old.handle if old else None, person.handle)},
        ),
    )
    return 1
