"""``dealroom import deals|people|accounts FILE``: the team's pipeline from a CSV or Excel
file. A dry run unless ``--apply``; ``--apply`` imports every row in one transaction or
nothing; ``--skip-bad FILE`` imports the good rows and writes the rejected ones, with why,
to FILE."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dealroom.commands import COMMANDS
from dealroom.commands.common import Context, UsageError, console, fail
from dealroom.i18n import _, ngettext

DESCRIPTION = """\
Bring the team's existing pipeline in from a CSV or Excel (.xlsx) file: a Salesforce
opportunity report, a HubSpot or Odoo deals export, a Chinese team's own sheet (项目名称,
客户名称, 金额, 阶段, 客户经理 …) or dealroom's own `export --format csv`. The columns
are recognised without configuration; anything else is mapped with --map. The encoding
(UTF-8, GB18030, UTF-16 …) and the separator are detected and said.

Without --apply this is a dry run: it prints what would be created and updated and
every problem with its line and column, and writes nothing. With --apply every row is
imported in one transaction, or nothing is. A deal keeps its source id (Opportunity ID,
Record ID, or the column mapped to source_id): importing the same file again changes
nothing; next week's file updates what changed, logged as an import by you. Importing
is an administrator's job."""

EPILOG = """\
examples:
  dealroom import deals pipeline.csv                  see what would happen
  dealroom import deals pipeline.csv --apply          import it
  dealroom import deals export.xlsx --map crm.toml --apply --skip-bad rejected.csv
  dealroom import deals 项目.csv --encoding gb18030 --create-people --apply"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help=COMMANDS["import"].help,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("entity", choices=["deals", "people", "accounts"], help="what the file holds")
    p.add_argument("file", metavar="FILE", help="a .csv, .tsv, .txt or .xlsx file")
    p.add_argument("--apply", action="store_true", help="write it (default: a dry run)")
    p.add_argument(
        "--skip-bad",
        metavar="FILE",
        help="with --apply: import the good rows; the rejected ones, with why, go to FILE",
    )
    p.add_argument("--map", metavar="MAP", help="a mapping file (TOML): columns and stage names")
    p.add_argument("--save-map", metavar="MAP", help="write the mapping as read to MAP")
    p.add_argument("--encoding", help="the file's encoding, e.g. gb18030 (default: detected)")
    p.add_argument("--sheet", help="which sheet of an Excel file (default: the first)")
    p.add_argument(
        "--currency", help="the currency of amounts the file gives none for (default: the base)"
    )
    p.add_argument(
        "--create-people",
        action="store_true",
        help="add the leads the file names who are nobody on the team (default: refuse)",
    )
    p.set_defaults(handler=cmd_import)


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    from dealroom.domain.import_rows import map_toml
    from dealroom.importing.job import prepare, rejects_csv, report, run, suggested_map

    if args.skip_bad and not args.apply:
        raise UsageError("--skip-bad goes with --apply")
    if args.create_people and args.entity != "deals":
        raise UsageError("--create-people goes with importing deals")
    job = prepare(
        Path(args.file),
        args.entity,
        encoding=args.encoding,
        sheet=args.sheet,
        mapping=Path(args.map) if args.map else None,
    )
    if args.save_map:
        Path(args.save_map).write_text(map_toml(suggested_map(job)), encoding="utf-8")
    with ctx.open() as store:
        outcome = run(
            store,
            job,
            apply=args.apply,
            skip_bad=bool(args.skip_bad),
            create_people=args.create_people,
            currency=args.currency,
        )
    out = console()
    for line in report(job, outcome):
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    if args.save_map:
        out.print(_("Mapping written to {file}.").format(file=args.save_map), markup=False)
    bad = len(outcome.bad_lines)
    if args.skip_bad and outcome.applied and outcome.problems:
        Path(args.skip_bad).write_text(rejects_csv(job, outcome), encoding="utf-8-sig")
        said = ngettext(
            "{n} rejected row written to {file}.", "{n} rejected rows written to {file}.", bad
        )
        out.print(said.format(n=f"{bad:,}", file=args.skip_bad), markup=False)
    if outcome.problems and not outcome.applied:
        if args.apply:
            said = ngettext(
                "{n} row with problems, nothing imported",
                "{n} rows with problems, nothing imported",
                bad,
            )
        else:
            said = ngettext("{n} row with problems", "{n} rows with problems", bad)
        return fail(said.format(n=f"{bad:,}"))
    return 0
