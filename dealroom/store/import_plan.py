"""What an import of deals would do, worked out against the database as it is: which rows
are new deals, which update a deal already here (found by its source id, its code, or its
account and name), what each changes, and what the database refuses (a person nobody
knows, a code another deal has). The dry run stops here; ``--apply`` writes the plan
(:mod:`dealroom.store.imports`).

Reads are a fixed number of statements however long the file is: everyone, every account,
every deal code, and the matched deals and their leads in chunks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import DealStatus, Role, Tier, rules
from dealroom.domain.import_rows import DealDraft, Problem
from dealroom.i18n import N_, _
from dealroom.store.tables import Account, Deal, DealMember, Person

#: How many keys one ``IN (…)`` carries: well under SQLite's and PostgreSQL's limits.
CHUNK = 500
#: The lead roles a sheet can name.
LEADS = (Role.AR, Role.SR, Role.FR, Role.SPONSOR)


@dataclass(frozen=True, slots=True)
class NewPerson:
    """Someone a sheet names whom nobody on the team is: created with ``--create-people``."""

    handle: str
    name: str
    email: str


@dataclass(slots=True)
class DealChange:
    """One deal the import creates or updates, and what it changes (``{field: (old,
    new)}``; a new deal's old values are None)."""

    line: int
    code: str
    name: str
    action: Literal["create", "update"]
    changes: dict[str, tuple[object, object]]
    draft: DealDraft
    #: The deal already here (None for a new one).
    deal: Deal | None = None
    #: The leads as they will be: role → person key (a handle, or a new person's handle).
    leads: dict[Role, str] = field(default_factory=dict)


@dataclass(slots=True)
class DealPlan:
    """What the import would do: the deals it creates and updates, how many rows are
    already as the file says, the accounts and people it adds, and every problem."""

    created: list[DealChange] = field(default_factory=list)
    updated: list[DealChange] = field(default_factory=list)
    unchanged: int = 0
    new_accounts: dict[str, Tier] = field(default_factory=dict)
    new_people: dict[str, NewPerson] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: The lines the database refused (besides those the sheet's own checks refused).
    refused: set[int] = field(default_factory=set)
    #: The leads the sheet names who are nobody on the team (not to be created).
    unknown: set[str] = field(default_factory=set)
    #: The people and accounts the plan refers to, by key → id (new ones are added later).
    people: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    #: Each matched deal's leads now: deal id → role → (member row, handle).
    members: dict[int, dict[Role, list[tuple[DealMember, str]]]] = field(default_factory=dict)


K = TypeVar("K", str, int)


def chunks(values: Sequence[K]) -> Iterator[Sequence[K]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class People:
    """Everyone on the team, found the ways a sheet names them: handle, e-mail or name."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(
            select(col(Person.id), col(Person.handle), col(Person.name), col(Person.email))
        ).all()
        self.handles: dict[str, str] = {}
        self.ids: dict[str, int] = {}
        self._by: dict[str, set[str]] = {}
        for pid, handle, name, email in rows:
            self.ids[handle] = int(pid or 0)
            self.handles[handle.casefold()] = handle
            for key in (email, name):
                if key and key.strip():
                    self._by.setdefault(key.strip().casefold(), set()).add(handle)

    def find(self, named: str) -> str | list[str] | None:
        """The handle ``named`` refers to; a list when it could be several; None: nobody."""
        key = named.strip().casefold()
        if key in self.handles:
            return self.handles[key]
        found = sorted(self._by.get(key, ()))
        if len(found) == 1:
            return found[0]
        return found or None


def new_person(named: str, taken: Iterable[str]) -> NewPerson:
    """A person made from how a sheet names them: an e-mail gives the handle (its local
    part) and the address; a name gives the handle (its words joined by dots)."""
    text = " ".join(named.split())
    if "@" in text and " " not in text:
        base, email, name = text.split("@", 1)[0].lower(), text, text.split("@", 1)[0]
    else:
        base, email, name = ".".join(text.lower().split()), "", text
    base = rules.check_handle(base[: rules.HANDLE_MAX], what=N_("a handle made from a name"))
    handle, n, used = base, 1, {t.casefold() for t in taken}
    while handle.casefold() in used:
        n += 1
        handle = f"{base[: rules.HANDLE_MAX - len(str(n))]}{n}"
    return NewPerson(handle, name, email)


_WORD = re.compile(r"[A-Za-z0-9]+")


class Codes:
    """The deal codes taken, and new ones for deals a sheet gives no code: its source id
    where that reads as a code (``P-2026-001``: at most 16 characters, letters and
    digits), else its account's first word and the next free number (``ACME-3``;
    ``DEAL-…`` for an account without Latin letters)."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)
        self._next: dict[str, int] = {}

    def new(self, account: str, source_id: str | None = None) -> str:
        if source_id and len(source_id) <= 16 and re.search(r"[A-Za-z]", source_id):
            try:
                code = rules.check_code(source_id)
            except rules.RuleError:
                code = ""
            if code and re.search(r"\d", code) and code not in self.taken:
                self.taken.add(code)
                return code
        words = _WORD.findall(account)
        prefix = (words[0].upper()[:20] if words else "DEAL").strip("-") or "DEAL"
        n = self._next.get(prefix, 1)
        while f"{prefix}-{n}" in self.taken:
            n += 1
        self._next[prefix] = n + 1
        code = f"{prefix}-{n}"
        self.taken.add(code)
        return code


def override(draft: DealDraft) -> int | None:
    """The draft's probability as an override of its stage's: none where it is the same
    (a sheet, dealroom's own among them, gives the probability either way)."""
    default = rules.probability(draft.stage, None, draft.status)
    return None if draft.probability == default else draft.probability


def deal_changes(
    draft: DealDraft, deal: Deal, account: str, fields: frozenset[str], currency: str
) -> dict[str, tuple[object, object]]:
    """What the draft changes on a deal already here: only the fields the sheet has."""
    wanted: dict[str, tuple[object, object]] = {
        "name": (deal.name, draft.name),
        "account": (account, draft.account.strip()),
        "amount": (deal.amount, draft.amount),
        "currency": (deal.currency, draft.currency or currency),
        "close_date": (deal.close_date, draft.close_date),
        "probability": (deal.probability_override, override(draft)),
        "stage": (deal.stage, draft.stage),
        "status": (deal.status, draft.status),
        "level": (deal.level, draft.level or deal.level),
    }
    present = set(fields) | ({"currency"} if "amount" in fields else set())
    if "stage" in fields:
        present.add("status")
    return {
        name: (old, new) for name, (old, new) in wanted.items() if name in present and old != new
    }


def _existing(session: Session, drafts: Sequence[DealDraft]) -> tuple[list[Deal], list[str]]:
    """The deals the drafts may be: by source id, by code, or by name (and then account);
    and every deal code (new codes must not take one)."""
    found: dict[int, Deal] = {}
    sources = [d.source_id for d in drafts if d.source_id]
    codes = [d.code for d in drafts if d.code]
    names = [d.name for d in drafts if not d.source_id and not d.code]
    for column, values in (
        (col(Deal.source_id), sources),
        (col(Deal.code), codes),
        (col(Deal.name), names),
    ):
        for part in chunks(sorted(set(values))):
            for deal in session.execute(select(Deal).where(column.in_(part))).scalars():
                found[int(deal.id or 0)] = deal
    all_codes = list(session.execute(select(col(Deal.code))).scalars())
    return list(found.values()), all_codes


def plan_deals(
    session: Session,
    drafts: Sequence[DealDraft],
    *,
    fields: frozenset[str],
    currency: str,
    create_people: bool,
) -> DealPlan:
    """What importing ``drafts`` would do (``fields``: the deal fields the sheet has;
    ``currency``: the currency of amounts the sheet does not give one for)."""
    plan = DealPlan()
    people = People(session)
    plan.people = dict(people.ids)
    accounts = {
        name: (int(aid or 0), tier)
        for aid, name, tier in session.execute(
            select(col(Account.id), col(Account.name), col(Account.tier))
        ).all()
    }
    plan.accounts = {name: aid for name, (aid, _t) in accounts.items()}
    account_names = {aid: name for name, (aid, _t) in accounts.items()}
    deals, codes = _existing(session, drafts)
    codes_taken = Codes(codes)
    by_source = {d.source_id: d for d in deals if d.source_id}
    by_code = {d.code: d for d in deals}
    by_name: dict[tuple[str, str], Deal] = {}
    for d in deals:
        by_name.setdefault((account_names.get(d.account_id, ""), d.name), d)
    _load_members(session, plan, [int(d.id or 0) for d in deals])
    claimed: dict[int, int] = {}
    named: dict[tuple[str, str], int] = {}  # rows without an id, by account and name
    for draft in drafts:
        problems = len(plan.problems)
        leads = _leads(draft, people, plan, create_people)
        deal = _match(draft, by_source, by_code, by_name, plan)
        key = (draft.account.strip(), draft.name)
        if not (draft.source_id or draft.code) and key in named:
            plan.problems.append(
                Problem(
                    draft.line,
                    "",
                    _(
                        "repeats the account and name of line {line}: give each deal a "
                        "source id or a code to tell them apart"
                    ).format(line=named[key]),
                )
            )
        elif deal is not None and deal.id in claimed:
            plan.problems.append(
                Problem(
                    draft.line,
                    "",
                    _("is the same deal as line {line}").format(line=claimed[int(deal.id)]),
                )
            )
        if not (draft.source_id or draft.code):
            named.setdefault(key, draft.line)
        if len(plan.problems) > problems:
            plan.refused.add(draft.line)
            continue
        account = draft.account.strip()
        if account not in accounts and account not in plan.new_accounts:
            plan.new_accounts[account] = draft.tier or Tier.C
        if deal is None:
            code = draft.code or codes_taken.new(account, draft.source_id)
            codes_taken.taken.add(code)
            plan.created.append(_created(draft, code, leads, currency))
            continue
        claimed[int(deal.id or 0)] = draft.line
        changes = deal_changes(
            draft, deal, account_names.get(deal.account_id, ""), fields, currency
        )
        current = plan.members.get(int(deal.id or 0), {})
        for role, handle in leads.items():
            now = [h for _m, h in current.get(role, [])]
            if now != [handle]:
                changes[role.value] = (", ".join(now) or None, handle)
        if draft.source_id and deal.source_id != draft.source_id:
            changes["source_id"] = (deal.source_id, draft.source_id)
        if changes:
            plan.updated.append(
                DealChange(draft.line, deal.code, draft.name, "update", changes, draft, deal, leads)
            )
        else:
            plan.unchanged += 1
    return plan


def _created(draft: DealDraft, code: str, leads: Mapping[Role, str], currency: str) -> DealChange:
    changes: dict[str, tuple[object, object]] = {
        "stage": (None, draft.stage.value),
        "amount": (None, draft.amount),
        "currency": (None, draft.currency or currency),
    }
    if draft.status is not DealStatus.OPEN:
        changes["status"] = (None, draft.status.value)
    if draft.source_id:
        changes["source_id"] = (None, draft.source_id)
    return DealChange(draft.line, code, draft.name, "create", changes, draft, None, dict(leads))


def _match(
    draft: DealDraft,
    by_source: Mapping[str, Deal],
    by_code: Mapping[str, Deal],
    by_name: Mapping[tuple[str, str], Deal],
    plan: DealPlan,
) -> Deal | None:
    """The deal already here that the draft is, if any; a problem when its code belongs
    to another deal."""
    if draft.source_id and draft.source_id in by_source:
        return by_source[draft.source_id]
    if draft.code and draft.code in by_code:
        deal = by_code[draft.code]
        if draft.source_id and deal.source_id and deal.source_id != draft.source_id:
            plan.problems.append(
                Problem(
                    draft.line,
                    "",
                    _("code {code} is another deal's (source id {id})").format(
                        code=draft.code, id=deal.source_id
                    ),
                )
            )
            return None
        return deal
    if draft.source_id or draft.code:
        return None
    return by_name.get((draft.account.strip(), draft.name))


def _leads(
    draft: DealDraft, people: People, plan: DealPlan, create_people: bool
) -> dict[Role, str]:
    """The draft's leads as handles; a problem for each person nobody is (unless they
    are to be created) or who could be several people."""
    out: dict[Role, str] = {}
    for role in LEADS:
        named = draft.leads.get(role)
        if not named:
            continue
        found = people.find(named)
        if isinstance(found, str):
            out[role] = found
        elif found:
            plan.problems.append(
                Problem(
                    draft.line,
                    role.value,
                    _("{name} could be {people}").format(name=repr(named), people=", ".join(found)),
                )
            )
        elif (key := named.strip().casefold()) in plan.new_people:
            out[role] = plan.new_people[key].handle
        elif create_people:
            try:
                taken = [*people.ids, *(p.handle for p in plan.new_people.values())]
                person = new_person(named, taken)
            except rules.RuleError as exc:
                plan.problems.append(Problem(draft.line, role.value, str(exc)))
                continue
            plan.new_people[key] = person
            out[role] = person.handle
        else:
            plan.problems.append(
                Problem(
                    draft.line,
                    role.value,
                    _("{name} is nobody on the team").format(name=repr(named)),
                )
            )
            plan.unknown.add(named.strip())
    return out


def _load_members(session: Session, plan: DealPlan, deal_ids: Sequence[int]) -> None:
    handles = {pid: handle for handle, pid in plan.people.items()}
    for start in range(0, len(deal_ids), CHUNK):
        part = deal_ids[start : start + CHUNK]
        rows = session.execute(
            select(DealMember)
            .where(col(DealMember.deal_id).in_(part), col(DealMember.role).in_(LEADS))
            .order_by(col(DealMember.id))
        ).scalars()
        for m in rows:
            plan.members.setdefault(m.deal_id, {}).setdefault(m.role, []).append(
                (m, handles.get(m.person_id, "?"))
            )
