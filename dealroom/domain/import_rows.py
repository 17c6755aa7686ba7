"""A sheet's rows as drafts of deals, people or accounts, for ``dealroom import``.

The team brings its pipeline as its CRM or its spreadsheet exported it. This module
recognises what the headers are (a Salesforce opportunity report, a HubSpot deals export,
an Odoo CRM export, a Chinese sheet, dealroom's own CSV, or any spreadsheet), reads each
row's cells with :mod:`dealroom.domain.import_values`, and hands back the good rows as
drafts and every problem with its line and the header it is under, as the file names it
(``line 37, Close Date: '31/02/2027' is not a date``). It reads text only: the file
reader gives it the cells, the store writes the drafts.

Where the headers or the stage names are the team's own, a mapping file says what they
mean (:mod:`dealroom.domain.import_map` reads and writes it; its names are here too). It
is TOML::

    # optional: what the file holds (deals, people or accounts); deals if not said
    entity = "deals"
    # optional: the currency of amounts no column and no symbol names (ISO 4217)
    currency = "CNY"
    # optional: 01/02/2026 is 1 February (true) or January 2 (false); if not said, a
    # date with dots is day first and one with slashes month first
    day_first = true

    [columns]
    # "the header in the file" = "the field it fills"
    "Projekt" = "name"
    "Kunde" = "account"

    [stages]
    # "their stage" = lead, opportunity, pre_bid, bid, contract, delivery, invoice,
    # closed, won, lost or dropped
    "Angebot" = "bid"
    "Gewonnen" = "won"

The fields a column may fill: for deals ``source_id`` (the id their CRM gave the deal),
``code``, ``name``, ``account``, ``tier``, ``stage``, ``status``, ``amount``,
``currency``, ``probability``, ``close_date``, ``level``, ``AR``, ``SR``, ``FR``,
``sponsor``; for people ``handle``, ``name``, ``email``; for accounts ``name``, ``tier``.
Headers are matched without regard to case, surrounding quotes and spacing; the mapping
file's columns win over the built-in ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from dealroom.domain.import_map import (
    ACCOUNT_FIELDS,
    DEAL_FIELDS,
    ENTITIES,
    FIELDS,
    LEAD_ROLES,
    PERSON_FIELDS,
    REQUIRED,
    SHAPES,
    Entity,
    ImportMap,
    load_map,
    map_toml,
)
from dealroom.domain.import_values import (
    norm,
    parse_sheet_amount,
    parse_sheet_currency,
    parse_sheet_date,
    parse_sheet_level,
    parse_sheet_probability,
    parse_sheet_stage,
    parse_sheet_status,
    parse_sheet_tier,
    shown,
)
from dealroom.domain.model import DealStatus, Level, Role, Stage, Tier
from dealroom.domain.rules import (
    TITLE_MAX,
    RuleError,
    check_code,
    check_handle,
    check_text,
    whole_amount,
)

#: What the store's columns hold at most (names of accounts and people, e-mails, ids).
NAME_MAX = 200
#: The longest deal code (:data:`~dealroom.domain.rules.CODE_RE`).
CODE_MAX = 40


# --- recognising the headers ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """What each column of a sheet is, as :func:`recognise` made it out."""

    fields: Mapping[int, str]
    """Column index → the field it fills (the first column, if two would fill one)."""
    unknown: tuple[str, ...]
    """Headers nothing maps: their columns are ignored (the preview lists them)."""
    missing: tuple[str, ...]
    """Required fields no column gives."""
    shape: str
    """What the headers look like: Salesforce, HubSpot, Odoo, Chinese sheet, dealroom,
    mapping file or spreadsheet."""
    header_of: Mapping[str, str]
    """Field → its header as the file writes it (for messages)."""


def recognise(
    headers: Sequence[str], entity: Entity = "deals", given: ImportMap | None = None
) -> Layout:
    """Make out what each column is. The mapping file's columns come first, then the
    aliases of the shape that matches the most headers, then the other shapes'."""
    keys = [norm(h) for h in headers]
    tables: dict[str, Mapping[str, str]] = {}
    if given is not None and given.columns:
        tables["mapping file"] = {norm(h): f for h, f in given.columns.items()}
    tables |= SHAPES[entity]
    scores = {shape: sum(1 for k in keys if k and k in table) for shape, table in tables.items()}
    best = max(scores, key=lambda shape: scores[shape])
    shape = best if scores[best] else "spreadsheet"
    first = ["mapping file"] if "mapping file" in tables else []
    order = list(dict.fromkeys([*first, best, *tables]))
    fields: dict[int, str] = {}
    header_of: dict[str, str] = {}
    for name in order:
        for index, key in enumerate(keys):
            found = tables[name].get(key)
            if key and found and index not in fields and found not in header_of:
                fields[index] = found
                header_of[found] = headers[index]
    unknown = tuple(h for i, h in enumerate(headers) if i not in fields)
    return Layout(fields, unknown, _missing(entity, header_of), shape, header_of)


def _missing(entity: Entity, given: Mapping[str, str]) -> tuple[str, ...]:
    out = []
    for name in REQUIRED[entity]:
        if not any(one in given for one in name.split(" or ")):
            out.append(name)
    return tuple(out)


# --- rows as drafts ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row (or one cell of it) cannot be imported as it is."""

    line: int
    column: str
    """The header as in the file; "" for a problem of the whole row."""
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class DealDraft:
    """A deal as a row of the sheet gives it, checked, not yet in the deal room."""

    line: int
    source_id: str | None
    code: str | None
    name: str
    account: str
    tier: Tier | None
    stage: Stage
    status: DealStatus
    amount: int
    """Whole units of the currency (a fraction rounded half to even)."""
    currency: str | None
    """None: no column and no symbol said; the caller applies the map's or its default."""
    probability: int | None
    close_date: date | None
    level: Level | None
    leads: Mapping[Role, str]
    """AR/SR/FR/sponsor → the person as the file names them (handle, e-mail or name)."""


@dataclass(frozen=True, slots=True)
class PersonDraft:
    """A member of the team as a row gives them."""

    line: int
    handle: str | None
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class AccountDraft:
    """A customer as a row gives it."""

    line: int
    name: str
    tier: Tier | None


T = TypeVar("T")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Drafts(Generic[T]):
    """What a sheet's rows came to: the good ones, and every problem in file order."""

    rows: tuple[T, ...]
    problems: tuple[Problem, ...]
    bad: Mapping[int, tuple[str, ...]]
    """Line → that row's cells, for each row refused (``--skip-bad`` writes them out)."""


class _Row:
    """One row being read: its cells by field, and the problems found in it."""

    def __init__(self, layout: Layout, line: int, cells: Sequence[str]) -> None:
        self.layout = layout
        self.line = line
        self.cells = {f: cells[i] if i < len(cells) else "" for i, f in layout.fields.items()}
        self.column = {f: i for i, f in layout.fields.items()}
        self.found: list[tuple[int, Problem]] = []

    @property
    def problems(self) -> list[Problem]:
        """The row's problems, in the order of its columns (the whole row's last)."""
        return [p for _, p in sorted(self.found, key=lambda found: found[0])]

    def text(self, name: str) -> str:
        return self.cells.get(name, "").strip()

    def problem(self, name: str, message: str) -> None:
        header = self.layout.header_of.get(name, "")
        where = self.column.get(name, len(self.column))
        self.found.append((where, Problem(self.line, header, message)))

    def take(self, name: str, parse: Callable[[str], V], *, required: bool = False) -> V | None:
        """The field parsed; None when its cell is empty (a problem if ``required``) or
        holds what ``parse`` refuses (a problem naming the column)."""
        text = self.text(name)
        if not text and not required:
            return None
        try:
            return parse(text)
        except RuleError as exc:
            self.problem(name, str(exc))
            return None


def _read(
    layout: Layout, rows: Iterable[tuple[int, Sequence[str]]], draft: Callable[[_Row], T | None]
) -> Drafts[T]:
    good: list[T] = []
    problems: list[Problem] = []
    bad: dict[int, tuple[str, ...]] = {}
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        row = _Row(layout, line, cells)
        made = draft(row)
        if row.problems or made is None:
            problems += row.problems
            bad[line] = tuple(cells)
        else:
            good.append(made)
    return Drafts(tuple(good), tuple(problems), bad)


def _name(limit: int, what: str = "name") -> Callable[[str], str]:
    return lambda text: check_text(text, field=what, limit=limit)


class _Repeats:
    """Ids a file must not give twice (a deal's source id, its code)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], int] = {}

    def check(self, row: _Row, name: str, value: str | None) -> None:
        if value is None:
            return
        first = self.seen.setdefault((name, value), row.line)
        if first != row.line:
            header = row.layout.header_of.get(name, name)
            row.problem(name, f"repeats {header} {shown(value)} of line {first}")


def read_deals(
    layout: Layout, rows: Iterable[tuple[int, Sequence[str]]], imap: ImportMap | None = None
) -> Drafts[DealDraft]:
    """The deals a sheet's rows give. An empty stage is Lead (open); a status column
    overrides the status the stage implies, and a deal it says is won sits at Contract at
    the least (a deal is won when its contract is signed)."""
    imap = imap or ImportMap()
    repeats = _Repeats()

    def draft(row: _Row) -> DealDraft | None:
        source_id = row.take("source_id", _name(NAME_MAX, "source id"))
        code = row.take("code", _code)
        repeats.check(row, "source_id", source_id)
        repeats.check(row, "code", code)
        name = row.take("name", _name(TITLE_MAX), required=True)
        account = row.take("account", _name(NAME_MAX, "account"), required=True)
        staged = row.take("stage", lambda t: parse_sheet_stage(t, imap.stages))
        stage, status = staged or (Stage.LEAD, DealStatus.OPEN)
        status = row.take("status", parse_sheet_status) or status
        if status is DealStatus.WON and stage.order < Stage.CONTRACT.order:
            stage = Stage.CONTRACT
        currency = row.take("currency", parse_sheet_currency)
        amount, said = row.take("amount", lambda t: _amount(t, currency, row)) or (0, None)
        probability = row.take("probability", parse_sheet_probability)
        close = row.take("close_date", lambda t: parse_sheet_date(t, day_first=imap.day_first))
        tier = row.take("tier", parse_sheet_tier)
        level = row.take("level", parse_sheet_level)
        leads = {LEAD_ROLES[f]: t for f in LEAD_ROLES if (t := row.take(f, _name(NAME_MAX, f)))}
        if name is None or account is None:
            return None
        return DealDraft(
            line=row.line, source_id=source_id, code=code, name=name, account=account,
            tier=tier, stage=stage, status=status, amount=amount, currency=currency or said,
            probability=probability, close_date=close, level=level, leads=leads,
        )  # fmt: skip

    return _read(layout, rows, draft)


def _code(text: str) -> str:
    """A deal code (:func:`~dealroom.domain.rules.check_code`), quoted short if long."""
    if len(text) > CODE_MAX:
        raise RuleError(f"deal code {shown(text)} is longer than {CODE_MAX} characters")
    return check_code(text)


def _amount(text: str, currency: str | None, row: _Row) -> tuple[int, str | None]:
    """Whole units and the currency the cell says; a symbol whose currency is not the
    row's currency column's is refused."""
    value, said = parse_sheet_amount(text, currency=currency)
    if currency and said and said != currency:
        header = row.layout.header_of.get("currency", "currency")
        raise RuleError(f"{shown(text)} is in {said} but {header} says {currency}")
    return whole_amount(value), said


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(text: str) -> str:
    if len(text) > NAME_MAX or not _EMAIL.fullmatch(text):
        raise RuleError(f"{shown(text)} is not an e-mail address", field="email")
    return text


def read_people(
    layout: Layout, rows: Iterable[tuple[int, Sequence[str]]], imap: ImportMap | None = None
) -> Drafts[PersonDraft]:
    """The team's people a sheet's rows give; a missing handle is the e-mail's local part
    (lower-cased), checked as any handle."""

    def draft(row: _Row) -> PersonDraft | None:
        name = row.take("name", _name(NAME_MAX), required=True)
        email = row.take("email", _email)
        handle = row.take("handle", check_handle)
        if handle is None and email is not None and not row.text("handle"):
            local = email.split("@")[0].lower()
            try:
                handle = check_handle(local)
            except RuleError as exc:
                row.problem("email", f"gives no handle: {exc}")
        elif handle is None and not row.text("handle") and not row.text("email"):
            row.problem("", "a person needs a handle or an e-mail")
        if name is None or handle is None:
            return None
        return PersonDraft(row.line, handle, name, email or "")

    return _read(layout, rows, draft)


def read_accounts(
    layout: Layout, rows: Iterable[tuple[int, Sequence[str]]], imap: ImportMap | None = None
) -> Drafts[AccountDraft]:
    """The customers a sheet's rows give."""

    def draft(row: _Row) -> AccountDraft | None:
        name = row.take("name", _name(NAME_MAX), required=True)
        tier = row.take("tier", parse_sheet_tier)
        return None if name is None else AccountDraft(row.line, name, tier)

    return _read(layout, rows, draft)


__all__ = [
    "ACCOUNT_FIELDS",
    "DEAL_FIELDS",
    "ENTITIES",
    "FIELDS",
    "LEAD_ROLES",
    "PERSON_FIELDS",
    "REQUIRED",
    "SHAPES",
    "AccountDraft",
    "DealDraft",
    "Drafts",
    "Entity",
    "ImportMap",
    "Layout",
    "PersonDraft",
    "Problem",
    "load_map",
    "map_toml",
    "read_accounts",
    "read_deals",
    "read_people",
    "recognise",
]
