"""``dealroom export --format csv``: a deals sheet, one row per deal, that a spreadsheet
opens and the import will read back as it is.

A cell that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading ``'``, so opening the file
never runs ``=HYPERLINK(…)``; control characters are shown as placeholders."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from dealroom.domain import Role
from dealroom.store.views import DealRoomView
from dealroom.textutil import sheet_cell

#: The sheet's columns, in order.
COLUMNS = (
    "code", "name", "account", "tier", "stage", "status", "amount", "currency",
    "probability", "close_date", "level", "AR", "SR", "FR", "sponsor",
)  # fmt: skip


def deals_csv(rooms: Iterable[DealRoomView]) -> Iterator[str]:
    """The sheet, a row at a time (the rows joined are the file)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for room in rooms:
        d = room.deal
        leads = {role: ", ".join(m.handle for m in room.members if m.role is role) for role in Role}
        writer.writerow(
            sheet_cell(v)
            for v in (
                d.code, d.name, d.account, d.tier.value, d.stage.value, d.status.value,
                d.amount, d.currency, d.probability,
                d.close_date.isoformat() if d.close_date else "", d.level.value,
                leads[Role.AR], leads[Role.SR], leads[Role.FR], leads[Role.SPONSOR],
            )
        )  # fmt: skip
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()
