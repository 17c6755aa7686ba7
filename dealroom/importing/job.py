"""One import, as the command line and the app run it: read the file, recognise its
columns (or take them from a mapping file), turn the rows into drafts, then ask the store
what importing them would do (the dry run) or import them (``--apply``).

What both show comes from here too: the lines of the preview (:func:`report`), the file
of rejected rows with their reasons (:func:`rejects_csv`), and the mapping the preview
offers to save (:func:`suggested_map`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dealroom.domain.import_rows import (
    AccountDraft,
    DealDraft,
    Drafts,
    Entity,
    ImportMap,
    Layout,
    PersonDraft,
    Problem,
    load_map,
    read_accounts,
    read_deals,
    read_people,
    recognise,
)
from dealroom.i18n import N_, _, ngettext
from dealroom.importing.sheet import Sheet, SheetError, read_sheet
from dealroom.textutil import sheet_cell, sheet_text

if TYPE_CHECKING:
    from dealroom.store.import_directory import RowPlan
    from dealroom.store.store import Store

#: How many created or updated rows the report lists one by one before it counts the rest.
SHOWN = 20


@dataclass(frozen=True, slots=True)
class Job:
    """A file read and understood, ready to preview or import."""

    entity: Entity
    sheet: Sheet
    layout: Layout
    imap: ImportMap | None
    drafts: Drafts[DealDraft] | Drafts[PersonDraft] | Drafts[AccountDraft]


@dataclass(slots=True)
class Outcome:
    """What an import did, or (``applied`` False) would do."""

    applied: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    new_accounts: list[str] = field(default_factory=list)
    new_people: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: How many leads the file names who are nobody on the team.
    unknown: int = 0

    @property
    def bad_lines(self) -> set[int]:
        return {p.line for p in self.problems}


def prepare(
    path: Path,
    entity: Entity,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    mapping: Path | None = None,
) -> Job:
    """Read ``path`` and understand its rows; :class:`SheetError` or
    :class:`~dealroom.domain.rules.RuleError` (one line each) when it cannot be."""
    imap = None
    if mapping is not None:
        try:
            text = mapping.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SheetError(f"cannot read the mapping file {mapping.name}: {exc}") from None
        imap = load_map(text, name=mapping.name)
    return understand(read_sheet(path, encoding=encoding, sheet=sheet), entity, imap)


def understand(sheet: Sheet, entity: Entity, imap: ImportMap | None = None) -> Job:
    """The rows of a sheet already read, as drafts of ``entity``."""
    layout = recognise(sheet.headers, entity, imap)
    rows = [(r.line, tuple(sheet_text(c) for c in r.cells)) for r in sheet.rows]
    drafts: Drafts[DealDraft] | Drafts[PersonDraft] | Drafts[AccountDraft]
    if entity == "people":
        drafts = read_people(layout, rows, imap)
    elif entity == "accounts":
        drafts = read_accounts(layout, rows, imap)
    else:
        drafts = read_deals(layout, rows, imap)
    return Job(entity, sheet, layout, imap, drafts)


def run(
    store: Store,
    job: Job,
    *,
    apply: bool,
    skip_bad: bool = False,
    create_people: bool = False,
    currency: str | None = None,
) -> Outcome:
    """Preview (``apply`` False) or import the job's rows. With problems in the sheet
    and neither ``skip_bad`` nor a dry run, nothing is asked of the store: the outcome
    lists the problems and ``applied`` is False."""
    problems = list(job.drafts.problems)
    if job.layout.missing:
        missing = ", ".join(job.layout.missing)
        problems.insert(0, Problem(1, "", f"no column gives {missing}"))
        return Outcome(applied=False, problems=problems)
    if apply and problems and not skip_bad:
        return Outcome(applied=False, problems=problems)
    outcome = _deals(store, job, apply, skip_bad, create_people, currency)
    outcome.problems = sorted([*problems, *outcome.problems], key=lambda p: p.line)
    return outcome


def _deals(
    store: Store,
    job: Job,
    apply: bool,
    skip_bad: bool,
    create_people: bool,
    currency: str | None,
) -> Outcome:
    from dealroom.store.imports import Source

    rows = job.drafts.rows
    if job.entity == "people":
        people = [r for r in rows if isinstance(r, PersonDraft)]
        plan = store.directory.people(people, apply=apply, skip_bad=skip_bad)
        return _directory(plan, apply)
    if job.entity == "accounts":
        accounts = [r for r in rows if isinstance(r, AccountDraft)]
        plan = store.directory.accounts(accounts, apply=apply, skip_bad=skip_bad)
        return _directory(plan, apply)
    deals = [r for r in rows if isinstance(r, DealDraft)]
    source = Source(
        name=Path(job.sheet.name).name,
        fields=frozenset(job.layout.fields.values()),
        currency=currency or (job.imap.currency if job.imap else None),
        create_people=create_people,
    )
    if apply:
        done = store.imports.apply(deals, source, skip_bad=skip_bad)
    else:
        done = store.imports.preview(deals, source)
    return Outcome(
        applied=apply,
        created=[f"+ {c.code}  {c.name}" for c in done.created],
        updated=[f"~ {c.code}  {_changes(c.changes)}" for c in done.updated],
        unchanged=done.unchanged,
        new_accounts=list(done.new_accounts),
        new_people=[p.handle for p in done.new_people.values()],
        # the store names a field; the user reads the header as the file spells it
        problems=[
            replace(p, column=job.layout.header_of.get(p.column, p.column)) for p in done.problems
        ],
        unknown=len(done.unknown),
    )


def _directory(plan: RowPlan, apply: bool) -> Outcome:
    return Outcome(
        applied=apply,
        created=[f"+ {key}" for key in plan.created],
        updated=[f"~ {key}  {_changes(c)}" for key, c in plan.updated],
        unchanged=plan.unchanged,
        problems=list(plan.problems),
    )


def _changes(changes: dict[str, tuple[object, object]]) -> str:
    def said(value: object) -> str:
        if value is None or value == "":
            return "—"
        return str(getattr(value, "value", value))

    return "; ".join(f"{k} {said(old)} → {said(new)}" for k, (old, new) in changes.items())


def count(n: int, entity: Entity) -> str:
    """``3 deals``, ``1 person``: how many of what the file holds."""
    if entity == "people":
        return ngettext("{n} person", "{n} people", n).format(n=f"{n:,}")
    if entity == "accounts":
        return ngettext("{n} account", "{n} accounts", n).format(n=f"{n:,}")
    return ngettext("{n} deal", "{n} deals", n).format(n=f"{n:,}")


def summary(job: Job, outcome: Outcome) -> str:
    """One line: what was (or would be) created, updated and left as it is."""
    numbers = {
        "created": count(len(outcome.created), job.entity),
        "updated": f"{len(outcome.updated):,}",
        "same": f"{outcome.unchanged:,}",
    }
    if outcome.applied:
        head = _("Created {created}, updated {updated}, {same} already as the file says")
    else:
        head = _("Would create {created}, would update {updated}, {same} already as the file says")
    parts = [head.format(**numbers)]
    if outcome.new_accounts:
        n = len(outcome.new_accounts)
        parts.append(ngettext("{n} new account", "{n} new accounts", n).format(n=f"{n:,}"))
    if outcome.new_people:
        n = len(outcome.new_people)
        said = ngettext("{n} new person: {who}", "{n} new people: {who}", n)
        parts.append(said.format(n=f"{n:,}", who=", ".join(outcome.new_people)))
    return _("{parts}.").format(parts="; ".join(parts))


#: What to do next, as the command line and the app each say it.
NEXT = {
    "cli": {
        "unknown": N_("Add them with `dealroom person add`, or import with --create-people."),
        "ready": N_("Dry run: nothing written. Import with --apply."),
        "bad": N_(
            "Nothing written. Fix the rows and run again, or import the good rows with "
            "--apply --skip-bad FILE (the rejected ones go to FILE, with why)."
        ),
    },
    "app": {
        "unknown": N_("p creates them; or add them first (N on the pipeline)."),
        "ready": N_("Nothing written yet: a imports it."),
        "bad": N_(
            "Nothing written. Fix the rows and preview again (enter), or a imports the "
            "good rows and saves the others, with why, to fix and import."
        ),
    },
}


def report(
    job: Job, outcome: Outcome, *, shown: int = SHOWN, where: Literal["cli", "app"] = "cli"
) -> list[str]:
    """The preview's or the import's lines, as the command prints them and the app
    shows them (``where``: whose keys the next step is told in)."""
    said = NEXT[where]
    lines = [job.sheet.describe()]
    named = ", ".join(f"{job.sheet.headers[i]} → {f}" for i, f in sorted(job.layout.fields.items()))
    lines.append(_("Read as {shape}: {columns}").format(shape=job.layout.shape, columns=named))
    if job.layout.unknown:
        left = ", ".join(job.layout.unknown)
        lines.append(_("Left out (no field): {columns}").format(columns=left))
    if not job.sheet.rows:
        name = Path(job.sheet.name).name
        lines.append(_("{file} has no rows: nothing to import.").format(file=name))
        return lines
    lines.append(summary(job, outcome))
    for group in (outcome.created, outcome.updated):
        lines.extend(f"  {line}" for line in group[:shown])
        if len(group) > shown:
            lines.append("  " + _("… and {n} more").format(n=f"{len(group) - shown:,}"))
    if outcome.problems:
        n, rows = len(outcome.problems), len(outcome.bad_lines)
        head = ngettext("Problems ({n}, on {rows} row):", "Problems ({n}, on {rows} rows):", rows)
        lines.append(head.format(n=f"{n:,}", rows=f"{rows:,}"))
        lines.extend(f"  {p}" for p in outcome.problems)
        if outcome.unknown and not outcome.applied:
            who = ngettext(
                "The file names {n} person nobody on the team is.",
                "The file names {n} people nobody on the team is.",
                outcome.unknown,
            )
            lines.append(who.format(n=f"{outcome.unknown:,}") + " " + _(said["unknown"]))
    if outcome.applied:
        if outcome.problems:
            lines.append(_("The rows with problems were left out."))
    else:
        lines.append(_(said["bad"] if outcome.problems else said["ready"]))
    return lines


def rejects_csv(job: Job, outcome: Outcome) -> str:
    """The rejected rows as a sheet to fix and import again: the file's own columns, as
    they were, and a last column that says why (cells a spreadsheet would run are made
    inert)."""
    why: dict[int, list[str]] = {}
    for p in outcome.problems:
        why.setdefault(p.line, []).append(f"{p.column}: {p.message}" if p.column else p.message)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*job.sheet.headers, "problem"])
    for row in job.sheet.rows:
        if row.line in why:
            cells = list(row.cells) + [""] * (len(job.sheet.headers) - len(row.cells))
            writer.writerow(
                [sheet_cell(c) for c in cells[: len(job.sheet.headers)]]
                + [sheet_cell(f"line {row.line}: " + "; ".join(why[row.line]))]
            )
    return out.getvalue()


def suggested_map(job: Job) -> ImportMap:
    """The mapping the preview offers to save: the columns as they were read this time,
    for a sheet of this shape next time (a mapping file given keeps its stages)."""
    columns = {job.sheet.headers[i]: f for i, f in sorted(job.layout.fields.items())}
    base = job.imap or ImportMap(entity=job.entity)
    return replace(base, columns=columns, entity=job.entity)


__all__ = [
    "Job",
    "Outcome",
    "SheetError",
    "count",
    "prepare",
    "rejects_csv",
    "report",
    "run",
    "suggested_map",
    "summary",
    "understand",
]
