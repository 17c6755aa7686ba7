"""Command-line sub-commands. Nothing here imports Textual (checked by import-linter)."""

from __future__ import annotations

from typing import NamedTuple

from dealroom.i18n import N_


class Command(NamedTuple):
    #: The module of :mod:`dealroom.commands` that registers and runs it.
    module: str
    #: Marked for the catalog (``N_``): shown through ``_``, where the parser is built.
    help: str


#: Every sub-command, in the order ``dealroom --help`` lists them. The command line
#: registers them by name and imports only the module of the one it runs (none for the app).
COMMANDS: dict[str, Command] = {
    "list": Command("listing", N_("the pipeline: one row per deal, with health flags")),
    "show": Command("listing", N_("one deal: header, timeline, and AR/SR/FR items")),
    "log": Command("listing", N_("the event log: who changed what, when")),
    "export": Command("export", N_("deal status as Markdown")),
    "standup": Command("export", N_("the standup digest as Markdown, without the app")),
    "calendar": Command("export", N_("the deals' dates as an iCalendar file for a calendar app")),
    "import": Command(
        "importing", N_("the team's pipeline from a CSV or Excel file: a dry run, then --apply")
    ),
    "deal": Command("manage", N_("add or edit a deal")),
    "person": Command("manage", N_("add or list people")),
    "account": Command(
        "manage", N_("the customers: add, rename or re-tier an account, or list them")
    ),
    "member": Command(
        "manage", N_("who works a deal: set, remove or list its AR/SR/FR, sponsor, experts")
    ),
    "upgrade": Command("manage", N_("bring the database's schema up to this version")),
    "task": Command("items", N_("add a task, or mark one done, started, blocked or reopened")),
    "risk": Command("items", N_("add a risk, escalate it, mitigate, close or reopen it")),
    "handoff": Command("items", N_("send, accept, reject or withdraw a handoff")),
    "stage": Command(
        "items", N_("move a deal to the next or previous LTC stage, or to a named one")
    ),
    "gate": Command("items", N_("record a gate decision (approve, reject, defer)")),
    "rate": Command("cash", N_("the base currency and the exchange rates totals convert at")),
    "plan": Command("cash", N_("a deal's payment plan: milestones that add up to the contract")),
    "invoice": Command("cash", N_("invoices of a won deal, and the payments and credits on them")),
    "receivables": Command(
        "cash", N_("what customers owe, aged by days past due, per customer and AR")
    ),
    "review": Command(
        "review", N_("a deal review's agenda, the deals that need one, or record one")
    ),
    "admin": Command("trust", N_("the team's administrators: list, add or remove a login")),
    "approver": Command("trust", N_("the policy: who is named to decide a gate on every deal")),
    "verify": Command(
        "trust", N_("check the event log's hash chain: name the first event changed")
    ),
    "batch": Command(
        "batch",
        N_("many commands in one process: a JSON line each on standard input, an answer each"),
    ),
    "backup": Command("backup", N_("a consistent copy of the database, while others keep working")),
    "init": Command(
        "shared",
        N_("prepare a database for the team: an SQLite file for an OS group, or PostgreSQL"),
    ),
    "demo": Command("demo", N_("fill an empty database with realistic demo deals")),
    "serve": Command(
        "serve", N_("the app in a browser, for you alone: on 127.0.0.1, behind a token")
    ),
}
