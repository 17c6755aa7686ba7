"""Command-line sub-commands. Nothing here imports Textual (checked by import-linter)."""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    #: The module of :mod:`dealroom.commands` that registers and runs it.
    module: str
    help: str


#: Every sub-command, in the order ``dealroom --help`` lists them. The command line
#: registers them by name and imports only the module of the one it runs (none for the app).
COMMANDS: dict[str, Command] = {
    "list": Command("listing", "the pipeline: one row per deal, with health flags"),
    "show": Command("listing", "one deal: header, timeline, and AR/SR/FR items"),
    "log": Command("listing", "the event log: who changed what, when"),
    "export": Command("export", "deal status as Markdown"),
    "standup": Command("export", "the standup digest as Markdown, without the app"),
    "calendar": Command("export", "the deals' dates as an iCalendar file for a calendar app"),
    "import": Command(
        "importing", "the team's pipeline from a CSV or Excel file: a dry run, then --apply"
    ),
    "deal": Command("manage", "add or edit a deal"),
    "person": Command("manage", "add or list people"),
    "account": Command("manage", "the customers: add, rename or re-tier an account, or list them"),
    "member": Command(
        "manage", "who works a deal: set, remove or list its AR/SR/FR, sponsor, experts"
    ),
    "upgrade": Command("manage", "bring the database's schema up to this version"),
    "task": Command("items", "add a task, or mark one done, started, blocked or reopened"),
    "risk": Command("items", "add a risk, escalate it, mitigate, close or reopen it"),
    "handoff": Command("items", "send, accept, reject or withdraw a handoff"),
    "stage": Command("items", "move a deal to the next or previous LTC stage, or to a named one"),
    "gate": Command("items", "record a gate decision (approve, reject, defer)"),
    "rate": Command("cash", "the base currency and the exchange rates totals convert at"),
    "plan": Command("cash", "a deal's payment plan: milestones that add up to the contract"),
    "invoice": Command("cash", "invoices of a won deal, and the payments and credits on them"),
    "receivables": Command(
        "cash", "what customers owe, aged by days past due, per customer and AR"
    ),
    "review": Command("review", "a deal review's agenda, the deals that need one, or record one"),
    "admin": Command("trust", "the team's administrators: list, add or remove a login"),
    "approver": Command("trust", "the policy: who is named to decide a gate on every deal"),
    "verify": Command("trust", "check the event log's hash chain: name the first event changed"),
    "backup": Command("backup", "a consistent copy of the database, while others keep working"),
    "init": Command(
        "shared", "prepare a database for the team: an SQLite file for an OS group, or PostgreSQL"
    ),
    "demo": Command("demo", "fill an empty database with realistic demo deals"),
}
