"""``dealroom demo`` and ``dealroom --demo``: realistic data to try the deal room on."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from dealroom.commands import COMMANDS
from dealroom.commands.common import CommandError, Context
from dealroom.i18n import _, ngettext


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help=_(COMMANDS["demo"].help),
        description=_(
            "Fill an empty database with demo deals: accounts of every tier, deals in "
            "every LTC stage (some won, lost or dropped), AR/SR/FR members, tasks, risks, "
            "handoffs, gate decisions and weeks of history. Same seed, same data (for the same "
            "day)."
        ),
    )
    p.add_argument("--deals", type=int, default=40, help=_("how many deals (default 40)"))
    p.add_argument("--seed", type=int, default=7, help=_("random seed (default 7)"))
    p.add_argument(
        "--items",
        type=int,
        default=50,
        help=_("about how many tasks, risks and handoffs per deal (default 50)"),
    )
    p.set_defaults(handler=cmd_demo)


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    if args.deals < 1 or args.deals > 100_000:
        raise CommandError(_("--deals must be between 1 and 100000"))
    if args.items < 1 or args.items > 5_000:
        raise CommandError(_("--items must be between 1 and 5000"))
    started = time.perf_counter()
    counts = seed(ctx, deals=args.deals, seed_value=args.seed, items=args.items)
    took = time.perf_counter() - started
    items = counts["task"] + counts["risk"] + counts["handoff"]
    said = ngettext(
        "Seeded {deals} deal, {items} tasks/risks/handoffs and {events} events in {took}s.",
        "Seeded {deals} deals, {items} tasks/risks/handoffs and {events} events in {took}s.",
        counts["deal"],
    )
    print(
        said.format(deals=counts["deal"], items=items, events=counts["event"], took=f"{took:.1f}")
    )
    return 0


def seed(ctx: Context, *, deals: int, seed_value: int, items: int = 50) -> dict[str, int]:
    from dealroom.demo import seed_demo

    with ctx.open(create=True) as store:  # a new database, on purpose
        return seed_demo(
            store.engine,
            deals=deals,
            seed=seed_value,
            today=store.today(),
            actor=store.actor,
            items=items,
        )


def fresh_demo(ctx: Context) -> None:
    """Start ``--demo`` on a new demo database (the previous one is thrown away)."""
    assert ctx.db is not None
    path = Path(ctx.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(_("Seeding demo data into {path} …").format(path=path), file=sys.stderr)
    seed(ctx, deals=40, seed_value=7)
