"""Pipeline files as teams bring them to ``dealroom import``: CSV bytes in any encoding and
delimiter, Excel workbooks with typed cells and formulas, and sample exports in the shapes
of Salesforce, HubSpot, Odoo and a Chinese team's own sheet. Every name and number is
invented.

``csv_bytes`` and ``xlsx_bytes`` build a file's bytes; ``sheet_file`` writes them where a
test wants a path. The samples are tuples, so any test can import and reuse them.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook


@dataclass(frozen=True)
class Formula:
    """A formula cell (``text`` without the ``=``) and, when given, the value Excel saved
    for it the last time it calculated (openpyxl writes none of its own)."""

    text: str
    cached: str | int | float | None = None


#: What a workbook cell may hold in these fixtures.
Cell = str | int | float | bool | datetime | date | time | Formula | None


def csv_bytes(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    """A CSV file as the csv module writes it (cells quoted where they need it, lines
    ending in CRLF, as Excel's), in ``encoding``, with a byte-order mark if ``bom`` (give an
    encoding of one byte order, such as ``utf-16-le``, for a UTF-16 mark)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def xlsx_bytes(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    sheet: str = "Sheet1",
    others: Sequence[tuple[str, Sequence[Sequence[Cell]]]] = (),
) -> bytes:
    """An Excel workbook whose first sheet, ``sheet``, holds ``headers`` and ``rows`` with
    their types (a number is a number cell, a date a date cell, a string is text even when
    it starts with ``=``, a :class:`Formula` a formula); ``others`` are more sheets, each a
    title and its rows (the first being its headers)."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = sheet
    cached: dict[tuple[int, str], str | int | float] = {}
    for index, (title, table) in enumerate([(sheet, [headers, *rows]), *others]):
        worksheet = first if index == 0 else book.create_sheet(title)
        for r, values in enumerate(table, 1):
            for c, value in enumerate(values, 1):
                cell = worksheet.cell(r, c)
                if isinstance(value, Formula):
                    cell.value = f"={value.text}"
                    if value.cached is not None:
                        cached[(index + 1, cell.coordinate)] = value.cached
                else:
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"  # text, never a formula
    out = io.BytesIO()
    book.save(out)
    return _with_cached_values(out.getvalue(), cached)


def _with_cached_values(data: bytes, cached: dict[tuple[int, str], str | int | float]) -> bytes:
    """The workbook ``data`` with the values Excel would have saved for its formulas."""
    for (number, ref), value in cached.items():
        kind = ' t="str"' if isinstance(value, str) else ""
        data = rewrite_part(
            data,
            f"xl/worksheets/sheet{number}.xml",
            rf'<c r="{ref}"( [^>]*)?><f>(.*?)</f><v ?/>'.encode(),
            rf'<c r="{ref}"\1{kind}><f>\2</f><v>{escape(str(value))}</v>'.encode(),
        )
    return data


def rewrite_part(data: bytes, part: str, pattern: bytes, replacement: bytes) -> bytes:
    """The workbook ``data`` with ``pattern`` (a regular expression) replaced in the file
    ``part`` of its ZIP (``xl/worksheets/sheet1.xml`` is the first sheet): for workbooks
    as other programs write them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == part:
                content = re.sub(pattern, replacement, content)
            target.writestr(item, content)
    return out.getvalue()


def sheet_file(folder: Path, name: str, data: bytes) -> Path:
    """``data`` written to ``folder/name``; the path."""
    path = folder / name
    path.write_bytes(data)
    return path


SALESFORCE_HEADERS = (
    "Opportunity ID",
    "Opportunity Name",
    "Account Name",
    "Amount",
    "Amount Currency",
    "Close Date",
    "Stage",
    "Probability (%)",
    "Opportunity Owner",
)
SALESFORCE_ROWS = (
    (
        "0065g00000AbCdEAAZ",
        "Harbor Logistics Fleet Telematics",
        "Harbor Logistics Ltd",
        "1,200,000.00",
        "USD",
        "12/01/2026",
        "Proposal/Price Quote",
        "75",
        "Ana Alves",
    ),
    (
        "0065g00000FgHiJAAZ",
        "Northwind Clinics Patient Portal",
        "Northwind Clinics",
        "85,500.00",
        "EUR",
        "03/15/2027",
        "Qualification",
        "10",
        "Bruno Costa",
    ),
    (
        "0065g00000KlMnOAAZ",
        "Bluefield Energy Grid Analytics",
        "Bluefield Energy, Inc.",
        "430,000.00",
        "USD",
        "09/30/2026",
        "Negotiation/Review",
        "90",
        "Ana Alves",
    ),
)

HUBSPOT_HEADERS = (
    "Record ID",
    "Deal Name",
    "Associated Company",
    "Amount",
    "Deal Stage",
    "Close Date",
    "Deal owner",
)
HUBSPOT_ROWS = (
    (
        "18293746501",
        "Maple Street Bakeries POS rollout",
        "Maple Street Bakeries",
        "24000",
        "Contract Sent",
        "2026-12-01 00:00",
        "Carla Dias",
    ),
    (
        "18293746502",
        "Orchid Hotels guest Wi-Fi",
        "Orchid Hotels Group",
        "157500.5",
        "Appointment Scheduled",
        "2027-02-28 00:00",
        "Diego Rocha",
    ),
    (
        "18293746503",
        "Quarry Tools warehouse scanners",
        "Quarry Tools",
        "",
        "Closed Won",
        "2026-06-30 00:00",
        "Carla Dias",
    ),
)

ODOO_HEADERS = (
    "ID",
    "Opportunity",
    "Customer",
    "Expected Revenue",
    "Currency",
    "Expected Closing",
    "Stage",
    "Salesperson",
)
ODOO_ROWS = (
    (
        "__export__.crm_lead_42_1a2b3c4d",
        "Solar roofs for Lumen Schools",
        "Lumen Schools",
        "96000.00",
        "EUR",
        "2026-11-20",
        "Proposition",
        "Elena Faria",
    ),
    (
        "__export__.crm_lead_43_5e6f7a8b",
        "Cold chain sensors",
        "Fjord Seafood AS",
        "310000.00",
        "NOK",
        "2027-01-15",
        "Qualified",
        "Filipe Gomes",
    ),
)

CHINESE_HEADERS = (
    "项目编号",
    "项目名称",
    "客户名称",
    "金额",
    "币种",
    "预计签约日期",
    "阶段",
    "客户经理",
    "方案经理",
    "交付经理",
)
#: The yuan sign is the full-width ￥ Chinese input methods type (GBK has no ¥ U+00A5,
#: GB18030 has both), so the sample encodes in GBK as well as in GB18030.
CHINESE_ROWS = (
    (
        "P-2026-001",
        "华东智慧园区二期",
        "东方海岳科技有限公司",
        "120万",
        "CNY",
        "2026年12月1日",
        "投标",
        "张伟",
        "李娜",
        "王强",
    ),
    (
        "P-2026-002",
        "西南数据中心扩容",
        "蜀山云计算股份公司",
        "￥1,200,000",
        "CNY",
        "2026/12/1",
        "标前引导",
        "刘洋",
        "陈静",
        "杨帆",
    ),
    (
        "P-2026-003",
        "北方电网调度系统",
        "燕山能源集团",
        "3,500,000.00",
        "CNY",
        "2027-03-31",
        "合同谈判",
        "赵敏",
        "孙磊",
        "周婷",
    ),
)

#: A cell longer than csv's default field limit allows for most files' cells.
LONG_CELL = ("Call notes, follow-up; " * 5_000)[:100_000]

#: Cells that must come through as the text they are: formulas and formula-like text
#: (never evaluated), markup, a line break, a very long cell, a right-to-left override.
HOSTILE_CELLS = (
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-3",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
    "first line\nsecond line",
    LONG_CELL,
    "<b>bold</b>",
    "[red]markup[/]",
    "invoice\u202efdp.exe",
    "  spaces kept  ",
)

#: The start of a PNG image (its signature and header chunk).
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
    b"\x00\x00\x00\x1f\xf3\xffa" + bytes(range(256))
)
#: Bytes of no kind at all, the same every run.
RANDOM_BYTES = random.Random(20260501).randbytes(4096)
#: The start of an old binary Excel workbook (.xls), an OLE compound file.
XLS_BYTES = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
#: UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" writes it.
UTF8_BOM = codecs.BOM_UTF8
