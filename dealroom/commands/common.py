"""What every command needs: who acts, which database, and how to report an error."""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dealroom.i18n import N_, _
from dealroom.identity import acting_user
from dealroom.settings import Settings
from dealroom.textutil import one_line

if TYPE_CHECKING:
    from rich.console import Console

    from dealroom.domain.dates import Toward
    from dealroom.store.store import Store


class CommandError(Exception):
    """A command-line mistake the parser could not catch; the message is for the user."""


class UsageError(CommandError):
    """Arguments that do not go together (exit status 2, as argparse's own usage errors)."""


@dataclass
class Context:
    db: str | None
    actor: str
    demo: bool = False
    settings: Settings = field(default_factory=Settings)
    #: A store opened once for many commands (``dealroom batch``): :meth:`open` lends it,
    #: and its owner closes it. None: each command opens and closes its own.
    store: Store | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace, settings: Settings) -> Context:
        """``--db`` else ``DEALROOM_DB`` (resolved here, so the store need not look), and
        ``--as`` else ``DEALROOM_USER``."""
        if args.demo and args.db:
            raise UsageError(_("--demo uses its own database: leave out --db"))
        db = args.db or settings.db
        if args.demo:
            from dealroom.store.location import demo_db_path

            db = str(demo_db_path())
        actor = acting_user(args.actor, settings.user)
        return cls(db=db, actor=actor, demo=args.demo, settings=settings)

    def db_file(self) -> Path | None:
        """The SQLite database file the command works on (None for PostgreSQL)."""
        from dealroom.store.engine import sqlite_path
        from dealroom.store.location import resolve_url

        return sqlite_path(resolve_url(self.db))

    def open(self, *, create: bool = False) -> AbstractContextManager[Store]:
        """The store, for a ``with`` block that closes it; ``create``: the command makes a
        new database on purpose, so an empty (0-byte) file is taken as new rather than
        refused. With :attr:`store` set, that store, left open after the block."""
        if self.store is not None:
            return nullcontext(self.store)
        from dealroom.store import open_store

        return open_store(self.db, actor=self.actor, create=create)


def fail(message: str, code: int = 1) -> int:
    print(_("dealroom: error: {message}").format(message=one_line(message)), file=sys.stderr)
    return code


#: The states of deals, tasks, risks, handoffs and gate decisions as a line says them (the
#: stored value is the key; what is not here is shown as it is).
STATE_WORDS = {
    "open": N_("open"),
    "won": N_("won"),
    "lost": N_("lost"),
    "dropped": N_("dropped"),
    "todo": N_("todo"),
    "doing": N_("doing"),
    "blocked": N_("blocked"),
    "done": N_("done"),
    "mitigating": N_("mitigating"),
    "closed": N_("closed"),
    "escalated": N_("escalated"),
    "drafted": N_("drafted"),
    "sent": N_("sent"),
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
    "approved": N_("approved"),
    "deferred": N_("deferred"),
}


def state_word(state: object) -> str:
    """A stored state (``blocked``, ``won``, a :class:`~enum.StrEnum` member) in the
    language spoken."""
    value = str(state)
    return _(STATE_WORDS[value]) if value in STATE_WORDS else value


def console() -> Console:
    """Rich, for styled lines: it writes beneath the command line's inert standard output
    (so its own styling reaches the terminal) and makes every text inert itself."""
    from rich.console import Console

    from dealroom.commands.inert import InertText

    # Piped into a file or a chat bot, rows stay whole instead of folding at 80 columns.
    width = None if sys.stdout.isatty() else 200
    out = Console(
        file=getattr(sys.stdout, "raw", sys.stdout), highlight=False, soft_wrap=False, width=width
    )
    out.push_render_hook(InertText())
    return out


def parse_day(text: str | None, today: date, field: str, *, toward: Toward = "next") -> date | None:
    from dealroom.domain import parse_date

    if text is None:
        return None
    if text.strip().lower() in ("", "none", "-"):
        return None
    return parse_date(text, today, field=field, toward=toward)
