"""Reading a team's pipeline file as it is: a CSV or an Excel workbook becomes headers and
rows of text, whatever spreadsheet, CRM export or operating system made it.

A CSV's encoding is a byte-order mark's if it has one, else UTF-8 when the bytes are valid
UTF-8, else what charset-normalizer finds (a Chinese file from Excel on Windows reads as
GB18030, the superset of GBK and GB2312; a Western one as Windows-1252); ``encoding=``
names it instead. Its delimiter (comma, semicolon or tab) is sniffed from the first lines,
or taken from Excel's ``sep=`` hint. Cells keep their text exactly (quoted line breaks too)
and each row knows the line it starts on in a text editor, so the import can point a user
at the line to fix. A workbook is read with openpyxl for the values Excel last saved:
formulas are never evaluated here, and numbers and dates become plain text.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from dealroom.domain.rules import RuleError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook


class SheetError(RuleError):
    """The file cannot be read as a sheet; str() is one line for the user, naming the file."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of values: ``line`` is where it starts (the physical line of a CSV, which a
    quoted line break makes span more; the row number of a workbook)."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sheet:
    """A file read as a table: its headers, its non-empty rows, and how it was read."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    encoding: str
    delimiter: str
    detected: bool
    sheet: str = ""  # the workbook's sheet that was read ("" for a CSV)
    header_line: int = 1  # where the headers are (after a ``sep=`` line or blank lines)

    def describe(self) -> str:
        """One line saying how the file was read, for the user to check."""
        count = f"{len(self.rows):,} row{'' if len(self.rows) == 1 else 's'}"
        if self.encoding == "xlsx":
            return f"{self.name}: Excel sheet '{self.sheet}', {count}"
        label = _ENCODING_LABELS.get(self.encoding) or _encoding_label(self.encoding)
        if not self.detected:
            label += " (as given)"
        elif self.encoding not in _ENCODING_LABELS:
            label += " (detected)"  # a guess from the bytes, not a certainty
        split = _DELIMITER_LABELS.get(self.delimiter) or f"'{self.delimiter}'"
        return f"{self.name}: {label}, {split}-separated, {count}"


#: Encodings that are certain (a byte-order mark, or valid UTF-8), as users know them.
_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
}
_DELIMITER_LABELS = {",": "comma", ";": "semicolon", "\t": "tab"}

_ZIP = b"PK\x03\x04"  # an .xlsx (and any Office Open XML file) is a ZIP archive
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls, or a password-protected workbook
_BOMS = (  # the UTF-32 marks first: UTF-32 LE begins like UTF-16 LE
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: What the detector may call a Chinese file; GB18030 reads all of them (and more).
_GB_FAMILY = {"gbk", "gb2312", "cp936", "gb18030", "euc-cn", "hz"}
#: Among guesses the detector finds equally likely, what Excel writes on Chinese and on
#: Western Windows: a short file's bytes fit several code pages.
_PREFERRED = ("gb18030", "cp1252")
_TIE = 0.01  # how close the detector's "chaos" of two guesses counts as equal
_DELIMITERS = ",;\t"
_SEP_HINT = re.compile(r'"?sep=(.)"?[,;\t ]*[\r\n]*', re.IGNORECASE)  # Excel's hint
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_MARKUP = re.compile(r"\s*<(!doctype html|html|table|\?xml)", re.IGNORECASE)
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 16_384
_CELL_LIMIT = 10 * 1024 * 1024  # the longest cell a CSV may hold, in characters


def read_sheet(path: Path, *, encoding: str | None = None, sheet: str | None = None) -> Sheet:
    """Read the file at ``path`` (a CSV or an .xlsx, told apart by its content)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SheetError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise SheetError(f"{path} is a folder: name the file to import") from None
    except PermissionError:
        raise SheetError(f"{path} cannot be read: permission denied") from None
    except OSError as exc:
        raise SheetError(f"{path} cannot be read: {exc.strerror or exc}") from None
    return read_sheet_bytes(data, str(path), encoding=encoding, sheet=sheet)


def read_sheet_bytes(
    data: bytes, name: str, *, encoding: str | None = None, sheet: str | None = None
) -> Sheet:
    """Read a file's bytes; ``name`` is how messages and :meth:`Sheet.describe` call it."""
    if not data.strip():
        raise SheetError(f"{name} is empty")
    if data.startswith(_ZIP):
        return _read_workbook(data, name, sheet)
    if data.startswith(_OLE):
        raise SheetError(
            f"{name} is an old Excel (.xls) or a password-protected workbook: "
            "open it in Excel and save it as .xlsx or CSV (without a password)"
        )
    if sheet is not None:
        raise SheetError(f"{name} is a CSV file, not an Excel workbook: it has no sheets")
    text, used = _decode(data, name, encoding)
    return _read_csv(text, name, used, detected=encoding is None)


# --- CSV ------------------------------------------------------------------------------


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """The file's text and the encoding it was read in (see the module)."""
    if encoding is not None:
        try:
            used = codecs.lookup(encoding).name
        except LookupError:
            raise SheetError(f"{name}: {encoding!r} is not an encoding dealroom knows") from None
        return _checked(_strict(data, name, used), name), used
    for bom, used in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, name, used), name), used
    if b"\x00" not in data:  # NUL is valid UTF-8, but in a CSV it means UTF-16 or binary
        try:
            return _checked(data.decode("utf-8"), name), "utf-8"
        except UnicodeDecodeError:
            pass
    used = _detect(data, name)
    try:
        return _checked(data.decode(used), name), used
    except UnicodeDecodeError:
        raise _not_text(name) from None


def _detect(data: bytes, name: str) -> str:
    """The encoding charset-normalizer finds likeliest (see ``_PREFERRED``)."""
    from charset_normalizer import from_bytes  # only for a file that is not UTF-8

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise _not_text(name)
    likely = [_codec(m.encoding) for m in matches if m.chaos <= best.chaos + _TIE]
    return next((e for e in _PREFERRED if e in likely), _codec(best.encoding))


def _codec(name: str) -> str:
    used = codecs.lookup(name).name
    return "gb18030" if used in _GB_FAMILY else used


def _strict(data: bytes, name: str, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise SheetError(
            f"{name}, line {line}: not {_encoding_label(encoding)} text "
            f"(byte {data[exc.start]:#04x}); is that the file's encoding?"
        ) from None
    except (UnicodeError, LookupError) as exc:  # a codec that is not for text (rot13)
        raise SheetError(f"{name}: cannot read it as {encoding!r} ({exc})") from None


def _checked(text: str, name: str) -> str:
    """``text`` without a leading byte-order mark, refused when it is not a table's text."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise SheetError(f"{name} is empty")
    sample = text[:65_536]
    if "\x00" in text or len(_CONTROLS.findall(sample)) * 20 > len(sample):
        raise _not_text(name)
    if _MARKUP.match(sample):
        raise SheetError(
            f"{name} is a web page or XML saved as a spreadsheet: "
            "open it in Excel and save it as .xlsx or CSV"
        )
    return text


def _not_text(name: str) -> SheetError:
    return SheetError(f"{name} is not a text or Excel file")


def _encoding_label(encoding: str) -> str:
    if encoding.startswith("cp125"):
        return f"Windows-{encoding[2:]}"
    return encoding.upper()


def _read_csv(text: str, name: str, encoding: str, *, detected: bool) -> Sheet:
    source = io.StringIO(text, newline="")
    hint = _SEP_HINT.fullmatch(source.readline())
    if hint and hint.group(1) not in '"\r':  # a quote or line end cannot separate cells
        delimiter, skipped = hint.group(1), 1
    else:
        source.seek(0)
        delimiter, skipped = _delimiter(text), 0
    if csv.field_size_limit() < _CELL_LIMIT:  # module-wide; only ever raised, once
        csv.field_size_limit(_CELL_LIMIT)
    records = _records(source, delimiter, name, skipped)
    header = next(records, None)
    if header is None:
        raise SheetError(f"{name} is empty")
    return Sheet(
        name=name,
        headers=_headers(header.cells),
        rows=tuple(records),
        encoding=encoding,
        delimiter=delimiter,
        detected=detected,
        header_line=header.line,
    )


def _records(source: io.StringIO, delimiter: str, name: str, skipped: int) -> Iterator[SheetRow]:
    """The non-empty records in ``source``, each with the physical line it starts on,
    ``skipped`` lines having been read before ``source``."""
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    consumed = 0
    while True:
        start = skipped + consumed + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _unreadable(name, start, str(exc)) from None
        consumed = reader.line_num
        if any(cell.strip() for cell in cells):
            yield SheetRow(start, tuple(cells))


def _unreadable(name: str, line: int, problem: str) -> SheetError:
    if "end of data" in problem:
        problem = "a quoted cell that starts here is never closed"
    elif "field limit" in problem:
        problem = f"a cell longer than {_CELL_LIMIT:,} characters"
    else:
        problem = f"{problem} (a quote inside a quoted cell must be doubled)"
    return SheetError(f"{name}, line {line}: cannot read this row: {problem}")


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: what ``csv.Sniffer`` finds in the first lines, unless the
    header line lacks it; else the one the header line holds most of (comma by default)."""
    lines = list(itertools.islice(io.StringIO(text, newline=""), _SAMPLE_LINES))
    header = next((line for line in lines if line.strip()), "")
    counts = {d: header.count(d) for d in _DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff("".join(lines)[:_SAMPLE_CHARS], _DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed in counts and (counts[sniffed] or not any(counts.values())):
        return sniffed
    return max(_DELIMITERS, key=counts.__getitem__)  # the first of equals: a comma


def _headers(cells: Iterable[str]) -> tuple[str, ...]:
    return tuple(cell.replace("\ufeff", "").strip() for cell in cells)


# --- Excel ----------------------------------------------------------------------------


def _read_workbook(data: bytes, name: str, wanted: str | None) -> Sheet:
    import openpyxl  # only for a workbook: the command line and the app start without it

    with warnings.catch_warnings():  # openpyxl warns of styles and extensions it skips
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # a damaged or another kind of ZIP: openpyxl raises many kinds
            raise SheetError(
                f"{name} is a ZIP file but not an Excel workbook: save it as .xlsx or CSV"
            ) from None
        try:
            title = _pick_sheet(name, book, wanted)
            worksheet = book[title]
            worksheet.reset_dimensions()  # trust the rows, not the size its writer noted
            rows = [
                SheetRow(number, _trimmed(_cell_text(value) for value in values))
                for number, values in enumerate(worksheet.iter_rows(values_only=True), 1)
            ]
        except SheetError:
            raise
        except Exception:  # damaged XML inside the ZIP
            raise SheetError(f"{name} is a damaged Excel workbook: save it again") from None
        finally:
            book.close()
    filled = [row for row in rows if any(cell.strip() for cell in row.cells)]
    if not filled:
        raise SheetError(f"{name}: sheet '{title}' is empty")
    return Sheet(
        name=name,
        headers=_headers(filled[0].cells),
        rows=tuple(filled[1:]),
        encoding="xlsx",
        delimiter="",
        detected=False,
        sheet=title,
        header_line=filled[0].line,
    )


def _pick_sheet(name: str, book: Workbook, wanted: str | None) -> str:
    """The title of the sheet ``wanted`` (Excel's names ignore case), else of the first
    visible sheet that is a table (not a chart)."""
    tables = [ws.title for ws in book.worksheets]
    if wanted is None:
        visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
        if not tables:
            raise SheetError(f"{name} has no sheet with a table")
        return (visible or tables)[0]
    found = [title for title in book.sheetnames if title == wanted] or [
        title for title in book.sheetnames if title.casefold() == wanted.strip().casefold()
    ]
    if not found:
        names = ", ".join(f"'{title}'" for title in book.sheetnames)
        raise SheetError(f"{name} has no sheet '{wanted}'; its sheets: {names}")
    if found[0] not in tables:
        raise SheetError(f"{name}: sheet '{found[0]}' is a chart, not a table")
    return found[0]


def _trimmed(cells: Iterable[str]) -> tuple[str, ...]:
    """A workbook row's values without the empty cells after its last value (a workbook
    pads rows to the width of its widest)."""
    values = list(cells)
    while values and values[-1] == "":
        values.pop()
    return tuple(values)


def _cell_text(value: object) -> str:
    """A workbook cell's value as the text a user would type for it: numbers exact and
    never in scientific notation, a date without a midnight time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == 0 or value != value or value in (float("inf"), float("-inf")):
            return "0" if value == 0 else str(value)
        digits = format(Decimal(repr(value)), "f")
        return digits.rstrip("0").rstrip(".") if "." in digits else digits
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)  # text, an error such as #N/A, a duration
