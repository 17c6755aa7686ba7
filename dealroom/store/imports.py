"""Importing the team's pipeline: a dry run that says what an import would do, and the
import itself, in one transaction: every row, or (``skip_bad``) every good row, or
nothing.

What it writes goes through the same steps as any change: the rules (an administrator
imports: an import adds accounts and people and changes many deals at once), the text
limits, the version of each deal it updates, and the event log (each deal created or
updated is logged as an import by whoever ran it, with what changed). The statements do
not grow with the rows beyond fixed-size batches: rows are added together and the log's
events chained and written together (:meth:`Tx.append`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, delete, select, update
from sqlmodel import col

from dealroom.domain import DealStatus, Level, Role
from dealroom.domain.import_rows import DealDraft
from dealroom.domain.rules import RuleError, check_text
from dealroom.i18n import _, ngettext
from dealroom.store.cash_reads import plan_effect
from dealroom.store.database import Database
from dealroom.store.deals import first_entries, move_values
from dealroom.store.errors import WriteRaceError
from dealroom.store.import_plan import DealChange, DealPlan, chunks, override, plan_deals
from dealroom.store.money import base_currency
from dealroom.store.permit import require_admin
from dealroom.store.tables import (
    Account,
    Deal,
    DealMember,
    Milestone,
    Person,
    StageMove,
    StagePlan,
)
from dealroom.store.tx import Entry, Logged, Tx, check_text_columns, ident, quote_title

#: What an administrator-only import is called in a refusal.
IMPORTED = "deals are imported"


class ImportRefused(RuleError):
    """The import would write rows the database refuses; nothing was written."""

    def __init__(self, plan: DealPlan) -> None:
        self.plan = plan
        count = len(plan.refused)
        first = plan.problems[0] if plan.problems else None
        if first:
            said = ngettext(
                "{n} row refused, nothing imported (first: {first})",
                "{n} rows refused, nothing imported (first: {first})",
                count,
            )
        else:
            said = ngettext(
                "{n} row refused, nothing imported", "{n} rows refused, nothing imported", count
            )
        super().__init__(said.format(n=count, first=first))


@dataclass(frozen=True, slots=True)
class Source:
    """Where the rows come from, as the log names it, and how they read."""

    name: str
    #: The deal fields the sheet has a column for: an update touches only those.
    fields: frozenset[str]
    #: The currency of amounts the sheet gives none for (None: the base currency).
    currency: str | None = None
    create_people: bool = False


class Imports:
    """Dry runs and imports of deals."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def preview(self, drafts: Sequence[DealDraft], source: Source) -> DealPlan:
        """What importing ``drafts`` would do; writes nothing."""
        with self.database.read() as s:
            return plan_deals(
                s,
                drafts,
                fields=source.fields,
                currency=source.currency or base_currency(s),
                create_people=source.create_people,
            )

    def apply(
        self, drafts: Sequence[DealDraft], source: Source, *, skip_bad: bool = False
    ) -> DealPlan:
        """Import ``drafts`` in one transaction. A row the database refuses (a person
        nobody is, a code another deal has) fails the whole import
        (:class:`ImportRefused`) unless ``skip_bad``: then the other rows are written and
        the plan's ``refused`` lines say which were not."""
        with self.database.write() as tx:
            require_admin(tx, IMPORTED)
            plan = plan_deals(
                tx.session,
                drafts,
                fields=source.fields,
                currency=source.currency or base_currency(tx.session),
                create_people=source.create_people,
            )
            if plan.refused and not skip_bad:
                raise ImportRefused(plan)
            _write(tx, plan, source.name, self.database)
            return plan


def _write(tx: Tx, plan: DealPlan, source: str, database: Database) -> None:
    entries: list[Entry] = []
    origin = check_text(source, field="file", limit=200)
    _add_people(tx, plan, entries)
    _add_accounts(tx, plan, entries)
    today = database.today()
    _create(tx, plan, entries, origin, today)
    _update(tx, plan, entries, origin, today)
    tx.append(entries)


def _add_people(tx: Tx, plan: DealPlan, entries: list[Entry]) -> None:
    rows: list[dict[str, object]] = [
        {"handle": p.handle, "name": p.name, "email": p.email} for p in plan.new_people.values()
    ]
    tx.insert_many(Person, rows)
    for row in rows:
        plan.people[str(row["handle"])] = int(str(row["id"]))
        logged = Logged(
            "create", f"added person {row['name']} (imported)", {"name": (None, row["name"])}
        )
        entries.append(Entry("person", int(str(row["id"])), logged, None, 1))


def _add_accounts(tx: Tx, plan: DealPlan, entries: list[Entry]) -> None:
    rows: list[dict[str, object]] = [
        {"name": name, "tier": tier} for name, tier in plan.new_accounts.items()
    ]
    tx.insert_many(Account, rows)
    for row, (name, tier) in zip(rows, plan.new_accounts.items(), strict=True):
        plan.accounts[name] = int(str(row["id"]))
        logged = Logged(
            "create", f"added account {name} (tier {tier.value})", {"tier": (None, tier.value)}
        )
        entries.append(Entry("account", int(str(row["id"])), logged, None, 1))


def _create(tx: Tx, plan: DealPlan, entries: list[Entry], origin: str, today: date) -> None:
    """The new deals, and with each its stage (entered today, in its stage history) and
    its leads: a batch per table, whatever their number."""
    deals: list[dict[str, object]] = []
    for change in plan.created:
        d = change.draft
        deals.append(
            {
                "code": change.code,
                "name": d.name,
                "account_id": plan.accounts[d.account.strip()],
                "amount": d.amount,
                "currency": str(change.changes["currency"][1]),
                "close_date": d.close_date,
                "stage": d.stage,
                "probability_override": override(d),
                "level": d.level or Level.III,
                "status": d.status,
                "status_reason": _why(d.status, origin),
                "created_at": tx.now,
                "updated_at": tx.now,
                "source_id": d.source_id,
            }
        )
    tx.insert_many(Deal, deals)
    plans: list[dict[str, object]] = []
    moves: list[dict[str, object]] = []
    members: list[dict[str, object]] = []
    made: list[tuple[str, str, Role]] = []
    for change, row in zip(plan.created, deals, strict=True):
        deal_id, stage = int(str(row["id"])), change.draft.stage
        summary = f"imported deal {change.code} {quote_title(change.name)} from {origin}"
        entries.append(
            Entry("deal", deal_id, Logged("create", summary, dict(change.changes)), deal_id, 1)
        )
        plans.append({"deal_id": deal_id, "stage": stage, "actual": today})
        moves.append(move_values(tx, deal_id, None, stage, today, f"imported from {origin}"))
        for role, handle in change.leads.items():
            members.append({"deal_id": deal_id, "person_id": plan.people[handle], "role": role})
            made.append((handle, change.code, role))
    tx.insert_many(StagePlan, plans)
    tx.insert_many(StageMove, moves)
    tx.insert_many(DealMember, members)
    for m, (handle, code, role) in zip(members, made, strict=True):
        logged = Logged(
            "set", f"made {handle} {role.value} of {code}", {role.value: (None, handle)}
        )
        deal_id = int(str(m["deal_id"]))
        entries.append(Entry("member", int(str(m["id"])), logged, deal_id, 1))


def _update(tx: Tx, plan: DealPlan, entries: list[Entry], origin: str, today: date) -> None:
    """Change the deals already here: one UPDATE per set of changed fields (each checked
    against the version read and bumping it), their replaced leads deleted and added
    together, their stage history extended."""
    if not plan.updated:
        return
    rows = [c.deal for c in plan.updated if c.deal is not None]
    for kept in rows:  # changed here, written below in batches: never one UPDATE per flush
        tx.session.expunge(kept)
    ids = [ident(r) for r in rows]
    planned: set[int] = set()
    for part in chunks(ids):
        found = select(col(Milestone.deal_id)).where(col(Milestone.deal_id).in_(part))
        planned.update(int(i) for i in tx.session.execute(found.distinct()).scalars())
    batches: dict[tuple[str, ...], list[dict[str, object]]] = {}
    moves: list[dict[str, object]] = []
    members: list[dict[str, object]] = []
    gone: list[int] = []
    news: list[tuple[DealChange, Role]] = []
    for change in plan.updated:
        row = change.deal
        assert row is not None
        before, version = row.stage, row.version
        values = _apply(row, change, plan, origin)
        check_text_columns(row, new=True)
        values |= {"updated_at": tx.now, "version": version + 1}
        batches.setdefault(tuple(sorted(values)), []).append(
            {"b_id": row.id, "b_version": version, **values}
        )
        row.version = version + 1
        if row.stage is not before:
            first_entries(tx, ident(row), before, row.stage, today)
            moves.append(
                move_values(tx, ident(row), before, row.stage, today, f"imported from {origin}")
            )
        for role in (r for r in Role if r.value in change.changes):
            gone += [ident(m) for m, _h in plan.members.get(ident(row), {}).get(role, [])]
            person_id = plan.people[change.leads[role]]
            members.append({"deal_id": ident(row), "person_id": person_id, "role": role})
            news.append((change, role))
    _write_updates(tx, batches)
    for part in chunks(gone):
        tx.session.execute(delete(DealMember).where(col(DealMember.id).in_(part)))
    tx.insert_many(StageMove, moves)
    tx.insert_many(DealMember, members)
    for change in plan.updated:
        row = change.deal
        assert row is not None
        summary = f"imported changes to {row.code} from {origin} ({', '.join(change.changes)})"
        if {"amount", "currency"} & set(change.changes) and ident(row) in planned:
            summary += plan_effect(tx.session, row, today)
        logged = Logged("update", summary, change.changes)
        entries.append(Entry("deal", ident(row), logged, ident(row), row.version))
    for m, (change, role) in zip(members, news, strict=True):
        old, new = change.changes[role.value]
        was = f" instead of {old}" if old else ""
        logged = Logged(
            "set", f"made {new} {role.value} of {change.code}{was}", {role.value: (old, new)}
        )
        deal_id = int(str(m["deal_id"]))
        entries.append(Entry("member", int(str(m["id"])), logged, deal_id, 1))


def _write_updates(tx: Tx, batches: dict[tuple[str, ...], list[dict[str, object]]]) -> None:
    """One executemany per set of changed columns; each row only if still at the version
    read (the log's lock makes that certain; checked all the same)."""
    table = Deal.__table__  # type: ignore[attr-defined]
    for names, params in batches.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values({name: bindparam(name) for name in names})
        )
        done = tx.session.execute(stmt, params)
        if done.rowcount != len(params):  # type: ignore[attr-defined]
            raise WriteRaceError(
                _("someone changed these deals at the same moment: import again to see")
            )


def _apply(row: Deal, change: DealChange, plan: DealPlan, origin: str) -> dict[str, object]:
    """Set the change's fields on the (detached) row; return them as columns."""
    values: dict[str, object] = {}
    for name, (_old, new) in change.changes.items():
        if name == "account":
            values["account_id"] = plan.accounts[str(new)]
        elif name == "probability":
            values["probability_override"] = new
        elif name == "status":
            values["status"] = DealStatus(str(new))
            values["status_reason"] = _why(DealStatus(str(new)), origin)
        elif name in ("name", "amount", "currency", "close_date", "stage", "level", "source_id"):
            values[name] = new
    for name, value in values.items():
        setattr(row, name, value)
    return values


def _why(status: DealStatus, origin: str) -> str:
    return "" if status is DealStatus.OPEN else f"imported as {status.value} from {origin}"
