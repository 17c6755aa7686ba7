"""Importing the team and its customers: people (matched by handle or e-mail) and
accounts (matched by name), from a sheet. Like the deals' import: a dry run, then all or
(``skip_bad``) the good rows in one transaction, each change in the event log; an
administrator's job."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import Tier, rules
from dealroom.domain.import_rows import AccountDraft, PersonDraft, Problem
from dealroom.i18n import _, ngettext
from dealroom.store.database import Database
from dealroom.store.permit import require_admin
from dealroom.store.tables import Account, Person
from dealroom.store.tx import Entry, Logged, Tx, check_text_columns, ident

#: What an administrator-only import is called in a refusal.
IMPORTED = "people and accounts are imported"


@dataclass(slots=True)
class RowPlan:
    """What an import of people or accounts would do."""

    #: The keys (handle, account name) created, and of those updated what changed.
    created: list[str] = field(default_factory=list)
    updated: list[tuple[str, dict[str, tuple[object, object]]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    refused: set[int] = field(default_factory=set)


class DirectoryRefused(rules.RuleError):
    def __init__(self, plan: RowPlan) -> None:
        self.plan = plan
        count = len(plan.refused)
        super().__init__(
            ngettext(
                "{n} row refused, nothing imported (first: {first})",
                "{n} rows refused, nothing imported (first: {first})",
                count,
            ).format(n=count, first=plan.problems[0])
        )


class Directory:
    """Dry runs and imports of people and accounts."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def people(
        self, drafts: Sequence[PersonDraft], *, apply: bool, skip_bad: bool = False
    ) -> RowPlan:
        return self._run("person", partial(_plan_people, drafts=drafts), apply, skip_bad)

    def accounts(
        self, drafts: Sequence[AccountDraft], *, apply: bool, skip_bad: bool = False
    ) -> RowPlan:
        return self._run("account", partial(_plan_accounts, drafts=drafts), apply, skip_bad)

    def _run(
        self,
        entity: str,
        planned: Callable[[Session], tuple[RowPlan, Sequence[Person | Account]]],
        apply: bool,
        skip_bad: bool,
    ) -> RowPlan:
        """The plan (``apply`` False: read only), or the plan written in one
        transaction: all of it, or (``skip_bad``) the rows it does not refuse."""
        if not apply:
            with self.database.read() as s:
                return planned(s)[0]
        with self.database.write() as tx:
            require_admin(tx, IMPORTED)
            plan, rows = planned(tx.session)
            if plan.refused and not skip_bad:
                raise DirectoryRefused(plan)
            _write(tx, entity, rows, plan)
            return plan


def _plan_people(s: Session, drafts: Sequence[PersonDraft]) -> tuple[RowPlan, list[Person]]:
    plan = RowPlan()
    everyone = list(s.execute(select(Person)).scalars())
    by_handle = {p.handle.casefold(): p for p in everyone}
    by_email = {p.email.casefold(): p for p in everyone if p.email}
    new: dict[str, Person] = {}
    for d in drafts:
        handle = d.handle or ""
        found = by_handle.get(handle.casefold()) or (
            by_email.get(d.email.casefold()) if d.email else None
        )
        if found is None and handle.casefold() in new:
            plan.problems.append(
                Problem(d.line, "", _("repeats the person {handle}").format(handle=repr(handle)))
            )
            plan.refused.add(d.line)
            continue
        if found is None:
            if not handle:
                plan.problems.append(
                    Problem(d.line, "", _("a new person needs a handle or an e-mail"))
                )
                plan.refused.add(d.line)
                continue
            new[handle.casefold()] = Person(handle=handle, name=d.name, email=d.email)
            plan.created.append(handle)
            continue
        changes: dict[str, tuple[object, object]] = {
            k: (getattr(found, k), v)
            for k, v in (("name", d.name), ("email", d.email))
            if v and getattr(found, k) != v
        }
        if changes:
            plan.updated.append((found.handle, changes))
        else:
            plan.unchanged += 1
    return plan, list(new.values())


def _plan_accounts(s: Session, drafts: Sequence[AccountDraft]) -> tuple[RowPlan, list[Account]]:
    plan = RowPlan()
    existing = {a.name: a for a in s.execute(select(Account)).scalars()}
    new: dict[str, Account] = {}
    for d in drafts:
        name = d.name.strip()
        found = existing.get(name)
        if found is None and name in new:
            plan.problems.append(
                Problem(d.line, "", _("repeats the account {name}").format(name=repr(name)))
            )
            plan.refused.add(d.line)
        elif found is None:
            new[name] = Account(name=name, tier=d.tier or Tier.C)
            plan.created.append(name)
        elif d.tier is not None and d.tier is not found.tier:
            plan.updated.append((name, {"tier": (found.tier, d.tier)}))
        else:
            plan.unchanged += 1
    return plan, list(new.values())


def _added(row: Person | Account) -> str:
    if isinstance(row, Person):
        return f"added person {row.name} (imported)"
    return f"added account {row.name} (tier {row.tier.value})"


def _write(tx: Tx, entity: str, rows: Sequence[Person | Account], plan: RowPlan) -> None:
    """Add the new rows, change the matched ones (bumping their versions), and log each."""
    if rows:
        values = [r.model_dump(exclude={"id"}) for r in rows]
        tx.insert_many(type(rows[0]), values)
        for row, added in zip(rows, values, strict=True):
            row.id = int(added["id"])
    entries = [Entry(entity, ident(r), Logged("create", _added(r), {}), None, 1) for r in rows]
    changed = dict(plan.updated)
    if changed:
        keys = list(changed)
        found: list[Person | Account] = []
        if entity == "person":
            found += tx.session.execute(
                select(Person).where(col(Person.handle).in_(keys))
            ).scalars()
        else:
            found += tx.session.execute(
                select(Account).where(col(Account.name).in_(keys))
            ).scalars()
        for row in found:
            name = row.handle if isinstance(row, Person) else row.name
            for k, (_old, new) in changed[name].items():
                setattr(row, k, new)
            check_text_columns(row, new=False)
        tx.session.flush()
        for row in found:
            name = row.handle if isinstance(row, Person) else row.name
            summary = f"imported changes to {entity} {name} ({', '.join(changed[name])})"
            logged = Logged("update", summary, changed[name])
            entries.append(Entry(entity, ident(row), logged, None, row.version))
    tx.append(entries)
