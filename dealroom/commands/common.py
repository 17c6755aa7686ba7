"""What every command needs: who acts, which database, and how to report an error."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from dealroom.identity import acting_user

if TYPE_CHECKING:
    from rich.console import Console

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

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        if args.demo and args.db:
            raise CommandError("--demo uses its own database: leave out --db")
        db = args.db
        if args.demo:
            from dealroom.store.engine import demo_db_path

            db = str(demo_db_path())
        return cls(db=db, actor=acting_user(args.actor), demo=args.demo)

    def open(self) -> Store:
        from dealroom.store import open_store

        return open_store(self.db, actor=self.actor)


def fail(message: str, code: int = 1) -> int:
    print(f"dealroom: error: {message}", file=sys.stderr)
    return code


def console() -> Console:
    from rich.console import Console

    # Piped into a file or a chat bot, rows stay whole instead of folding at 80 columns.
    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, soft_wrap=False, width=width)


def parse_day(text: str | None, today: date, field: str) -> date | None:
    from dealroom.domain import parse_date

    if text is None:
        return None
    if text.strip().lower() in ("", "none", "-"):
        return None
    return parse_date(text, today, field=field)
