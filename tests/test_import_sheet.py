"""``dealroom import`` reads a team's file as they have it: CSV in UTF-8 (with or without
a BOM), GB18030/GBK, Windows-1252 or Excel's UTF-16 "Unicode text"; comma, semicolon or
tab; quoted line breaks and very long cells; Excel workbooks with typed cells and formulas
it never evaluates; and it refuses, in one line naming the file, what is no table."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sheets import (
    CHINESE_HEADERS,
    CHINESE_ROWS,
    HOSTILE_CELLS,
    HUBSPOT_HEADERS,
    HUBSPOT_ROWS,
    LONG_CELL,
    ODOO_HEADERS,
    ODOO_ROWS,
    PNG_BYTES,
    RANDOM_BYTES,
    SALESFORCE_HEADERS,
    SALESFORCE_ROWS,
    UTF8_BOM,
    XLS_BYTES,
    Cell,
    Formula,
    csv_bytes,
    rewrite_part,
    sheet_file,
    xlsx_bytes,
)

from dealroom.importing.sheet import Sheet, SheetError, SheetRow, read_sheet, read_sheet_bytes

WESTERN_HEADERS = ("Client", "Ville", "Montant")
WESTERN_ROWS = (
    ("Société Générale Équipements", "Besançon", "1.200,00"),
    ("Müller & Söhne GmbH", "Zürich", "3.400,50"),
    ("Café Noël", "São Paulo", "99,00"),
)


def cells(sheet: Sheet) -> list[tuple[str, ...]]:
    return [row.cells for row in sheet.rows]


def lines(sheet: Sheet) -> list[int]:
    return [row.line for row in sheet.rows]


def refused(data: bytes, name: str = "x.csv", **options: str) -> str:
    with pytest.raises(SheetError) as caught:
        read_sheet_bytes(data, name, **options)
    message = str(caught.value)
    assert "\n" not in message and name in message
    return message


# --- encodings ------------------------------------------------------------------------


def test_utf8_as_salesforce_exports_it() -> None:
    sheet = read_sheet_bytes(csv_bytes(SALESFORCE_HEADERS, SALESFORCE_ROWS), "pipeline.csv")
    assert sheet.headers == SALESFORCE_HEADERS
    assert cells(sheet) == list(SALESFORCE_ROWS)
    assert lines(sheet) == [2, 3, 4]
    assert (sheet.encoding, sheet.delimiter, sheet.detected) == ("utf-8", ",", True)
    assert sheet.describe() == "pipeline.csv: UTF-8, comma-separated, 3 rows"


def test_a_utf8_bom_never_sticks_to_the_first_header() -> None:
    data = csv_bytes(HUBSPOT_HEADERS, HUBSPOT_ROWS, bom=True)
    assert data.startswith(UTF8_BOM)
    sheet = read_sheet_bytes(data, "hubspot.csv")
    assert sheet.headers[0] == "Record ID"
    assert cells(sheet) == list(HUBSPOT_ROWS)
    assert sheet.encoding == "utf-8-sig"
    assert sheet.describe() == "hubspot.csv: UTF-8 with BOM, comma-separated, 3 rows"


def test_headers_are_stripped_but_cells_are_not() -> None:
    data = b'\xef\xbb\xbf \xef\xbb\xbfName , Amount\n  Acme  ," 1,200 "\n'
    sheet = read_sheet_bytes(data, "x.csv")
    assert sheet.headers == ("Name", "Amount")
    assert cells(sheet) == [("  Acme  ", " 1,200 ")]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_a_chinese_sheet_from_excel_on_windows_reads_as_gb18030(encoding: str) -> None:
    data = csv_bytes(CHINESE_HEADERS, CHINESE_ROWS, encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    sheet = read_sheet_bytes(data, "项目.csv")
    assert sheet.headers == CHINESE_HEADERS
    assert cells(sheet) == list(CHINESE_ROWS)
    assert sheet.encoding == "gb18030"
    assert sheet.describe() == "项目.csv: GB18030 (detected), comma-separated, 3 rows"


def test_gb18030_holds_what_gbk_cannot() -> None:
    rows = [("P-1", "海岳", "¥1,200,000")]
    sheet = read_sheet_bytes(csv_bytes(("编号", "客户", "金额"), rows, encoding="gb18030"), "x")
    assert cells(sheet) == rows


def test_a_short_chinese_file_is_not_taken_for_korean() -> None:
    # charset-normalizer's own first guess for these few GBK bytes is cp949
    sheet = read_sheet_bytes(csv_bytes(CHINESE_HEADERS[:2], (), encoding="gbk"), "x.csv")
    assert (sheet.headers, sheet.encoding) == (CHINESE_HEADERS[:2], "gb18030")


def test_a_western_excel_csv_reads_as_windows_1252() -> None:
    data = csv_bytes(WESTERN_HEADERS, WESTERN_ROWS, encoding="cp1252", delimiter=";")
    sheet = read_sheet_bytes(data, "clients.csv")
    assert cells(sheet) == list(WESTERN_ROWS)
    assert (sheet.encoding, sheet.delimiter) == ("cp1252", ";")
    assert sheet.describe() == ("clients.csv: Windows-1252 (detected), semicolon-separated, 3 rows")


def test_excel_unicode_text_is_utf16_with_a_bom_and_tabs() -> None:
    data = csv_bytes(
        SALESFORCE_HEADERS, SALESFORCE_ROWS, encoding="utf-16-le", delimiter="\t", bom=True
    )
    assert data.startswith(b"\xff\xfe")
    sheet = read_sheet_bytes(data, "report.txt")
    assert sheet.headers == SALESFORCE_HEADERS
    assert cells(sheet) == list(SALESFORCE_ROWS)
    assert (sheet.encoding, sheet.delimiter) == ("utf-16", "\t")
    assert sheet.describe() == "report.txt: UTF-16, tab-separated, 3 rows"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_detected(encoding: str) -> None:
    sheet = read_sheet_bytes(csv_bytes(ODOO_HEADERS, ODOO_ROWS, encoding=encoding), "x.csv")
    assert cells(sheet) == list(ODOO_ROWS)
    assert sheet.encoding == encoding
    assert "(detected)" in sheet.describe()


def test_utf32_with_a_bom() -> None:
    sheet = read_sheet_bytes(csv_bytes(CHINESE_HEADERS, CHINESE_ROWS, encoding="utf-32"), "x")
    assert (sheet.headers, cells(sheet), sheet.encoding) == (
        CHINESE_HEADERS,
        list(CHINESE_ROWS),
        "utf-32",
    )


def test_a_given_encoding_is_used_as_given() -> None:
    data = csv_bytes(WESTERN_HEADERS, WESTERN_ROWS, encoding="cp1252")
    sheet = read_sheet_bytes(data, "clients.csv", encoding="cp1252")
    assert cells(sheet) == list(WESTERN_ROWS)
    assert (sheet.encoding, sheet.detected) == ("cp1252", False)
    assert sheet.describe() == "clients.csv: Windows-1252 (as given), comma-separated, 3 rows"
    # UTF-8 read as Latin-1 because the user says so: mojibake, not a guess
    mojibake = read_sheet_bytes(csv_bytes(WESTERN_HEADERS, WESTERN_ROWS), "x", encoding="latin-1")
    assert mojibake.rows[0].cells[0] == "SociÃ©tÃ© GÃ©nÃ©rale Ã\x89quipements"
    assert mojibake.encoding == "iso8859-1"


def test_a_wrong_encoding_names_the_line_it_fails_on() -> None:
    data = csv_bytes(WESTERN_HEADERS, WESTERN_ROWS[1:], encoding="cp1252")
    message = refused(data, "clients.csv", encoding="utf-8")
    assert message.startswith("clients.csv, line 2: not UTF-8 text (byte 0xfc)")
    chinese = csv_bytes(CHINESE_HEADERS, CHINESE_ROWS, encoding="gb18030")
    assert ", line 1: not UTF-8 text" in refused(chinese, encoding="utf-8")


def test_an_unknown_encoding_is_refused() -> None:
    message = refused(b"a,b\n1,2\n", encoding="klingon-8")
    assert message == "x.csv: 'klingon-8' is not an encoding dealroom knows"


# --- delimiters -----------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_is_found(delimiter: str) -> None:
    rows = [*SALESFORCE_ROWS, ("0065g00000PqRsTAAZ", "Semi;colon, comma\ttab", "", "1.200,00")]
    sheet = read_sheet_bytes(csv_bytes(SALESFORCE_HEADERS, rows, delimiter=delimiter), "x.csv")
    assert sheet.delimiter == delimiter
    assert sheet.headers == SALESFORCE_HEADERS
    assert cells(sheet) == [tuple(row) for row in rows]


def test_semicolons_with_decimal_commas_unquoted() -> None:
    data = "Deal;Amount;Probability\nAcme;1200,50;0,75\nGlobex;99,5;0,1\nInitech;7,25;0,3\n"
    sheet = read_sheet_bytes(data.encode(), "x.csv")
    assert sheet.delimiter == ";"
    assert cells(sheet)[0] == ("Acme", "1200,50", "0,75")


def test_the_header_line_decides_where_the_sniffer_guesses_wrong() -> None:
    # every data line holds exactly one comma and one tab; the header only tabs
    data = "Deal\tNotes\nAcme\ta, b\nGlobex\tc, d\n"
    sheet = read_sheet_bytes(data.encode(), "x.tsv")
    assert (sheet.delimiter, cells(sheet)[0]) == ("\t", ("Acme", "a, b"))


def test_a_single_column_is_comma_separated() -> None:
    sheet = read_sheet_bytes(b"Account Name\nHarbor Logistics Ltd\nNorthwind Clinics\n", "x")
    assert (sheet.delimiter, sheet.headers, len(sheet.rows)) == (",", ("Account Name",), 2)


def test_excel_sep_hint_is_honoured_and_skipped() -> None:
    data = b"sep=;\r\n" + csv_bytes(WESTERN_HEADERS, WESTERN_ROWS, delimiter=";")
    sheet = read_sheet_bytes(data, "x.csv")
    assert sheet.headers == WESTERN_HEADERS
    assert sheet.delimiter == ";"
    assert cells(sheet) == list(WESTERN_ROWS)
    assert (sheet.header_line, lines(sheet)) == (2, [3, 4, 5])  # as in a text editor
    piped = read_sheet_bytes(b'"sep=|"\nDeal|Amount\nAcme|1,200\n', "x.csv")
    assert (piped.delimiter, cells(piped)) == ("|", [("Acme", "1,200")])
    padded = read_sheet_bytes(b"SEP=,,,\r\nDeal,Amount\r\nAcme,1\r\n", "x.csv")
    assert (padded.headers, cells(padded)) == (("Deal", "Amount"), [("Acme", "1")])


# --- cells and lines ------------------------------------------------------------------


def test_quoted_line_breaks_are_kept_and_later_lines_move_on() -> None:
    rows = [
        ("A-1", "line one\nline two\nline three", "10"),
        ("A-2", "windows\r\nbreak", "20"),
        ("A-3", "plain", "30"),
    ]
    sheet = read_sheet_bytes(csv_bytes(("ID", "Notes", "Amount"), rows), "x.csv")
    assert cells(sheet) == rows
    assert lines(sheet) == [2, 5, 7]


def test_empty_rows_are_dropped_and_do_not_shift_the_lines() -> None:
    data = b"\n\nDeal,Amount\n\nAcme,1\n,\n  ,\t\nGlobex,2\n"
    sheet = read_sheet_bytes(data, "x.csv")
    assert sheet.header_line == 3
    assert cells(sheet) == [("Acme", "1"), ("Globex", "2")]
    assert lines(sheet) == [5, 8]


def test_old_mac_line_ends() -> None:
    sheet = read_sheet_bytes(b"Deal,Amount\rAcme,1\rGlobex,2\r", "x.csv")
    assert (cells(sheet), lines(sheet)) == ([("Acme", "1"), ("Globex", "2")], [2, 3])


def test_hostile_cells_come_through_as_text() -> None:
    headers = tuple(f"H{n}" for n in range(len(HOSTILE_CELLS)))
    sheet = read_sheet_bytes(csv_bytes(headers, [HOSTILE_CELLS]), "x.csv")
    assert cells(sheet) == [HOSTILE_CELLS]
    workbook = read_sheet_bytes(xlsx_bytes(headers, [HOSTILE_CELLS]), "x.xlsx")
    # a workbook cell holds 32,767 characters at the most (Excel's limit; openpyxl cuts)
    assert cells(workbook) == [tuple(cell[:32_767] for cell in HOSTILE_CELLS)]


def test_cells_longer_than_csvs_default_limit() -> None:
    huge = LONG_CELL * 3  # 300,000 characters: more than csv allows by default
    rows = [("A-1", LONG_CELL), ("A-2", huge), ("A-3", "short")]
    sheet = read_sheet_bytes(csv_bytes(("ID", "Notes"), rows), "x.csv")
    assert cells(sheet) == rows
    assert csv.field_size_limit() >= 10 * 1024 * 1024


def test_an_unclosed_quote_names_the_line_it_opens_on() -> None:
    data = b'Deal,Notes\nAcme,fine\nGlobex,"27"" screen\nInitech,x\n'
    assert refused(data) == (
        "x.csv, line 3: cannot read this row: a quoted cell that starts here is never closed"
    )


def test_a_stray_quote_after_a_quoted_cell_names_its_line() -> None:
    message = refused(b'Deal,Notes\nAcme,ok\nGlobex,"27" screen"\n')
    assert message.startswith("x.csv, line 3: cannot read this row")


def test_only_headers_is_a_sheet_without_rows() -> None:
    sheet = read_sheet_bytes(b"Deal,Amount\r\n", "x.csv")
    assert (sheet.headers, sheet.rows) == (("Deal", "Amount"), ())
    assert sheet.describe() == "x.csv: UTF-8, comma-separated, 0 rows"
    assert read_sheet_bytes(xlsx_bytes(["Deal"], []), "x.xlsx").rows == ()


# --- Excel ----------------------------------------------------------------------------


#: Excel-typed cells and the text the import reads them as.
TYPED: list[tuple[Cell, str]] = [
    (date(2026, 12, 1), "2026-12-01"),
    (datetime(2026, 12, 1, 14, 30), "2026-12-01T14:30:00"),
    (time(9, 30), "09:30:00"),
    (1200000, "1200000"),
    (1200000.5, "1200000.5"),
    (0.1, "0.1"),
    (3.0, "3"),
    (1e16, "10000000000000000"),
    (12345678901234567890, "12345678901234570000"),  # saved as 1.234567890123457e+19
    (123456789012, "123456789012"),
    (-0.0, "0"),
    (True, "TRUE"),
    (None, ""),
    ("text", "text"),
]


def test_xlsx_typed_cells_become_plain_text() -> None:
    headers = [f"C{n}" for n in range(len(TYPED))]
    row = [value for value, _ in TYPED]
    sheet = read_sheet_bytes(xlsx_bytes(headers, [row], sheet="Opportunities"), "deals.xlsx")
    assert cells(sheet) == [tuple(text for _, text in TYPED)]
    assert (sheet.encoding, sheet.delimiter, sheet.detected) == ("xlsx", "", False)
    assert sheet.describe() == "deals.xlsx: Excel sheet 'Opportunities', 1 row"


def test_xlsx_formulas_are_never_evaluated() -> None:
    link = '=HYPERLINK("http://evil.example","click")'
    row: list[Cell] = [
        link,  # text that looks like a formula stays text
        Formula("1+2"),  # never calculated: no saved value, so empty
        Formula("1+2", 3),  # the value Excel saved
        Formula('HYPERLINK("http://evil.example","click")', "click"),
    ]
    sheet = read_sheet_bytes(xlsx_bytes(["A", "B", "C", "D"], [row]), "x.xlsx")
    assert cells(sheet) == [(link, "", "3", "click")]


def test_xlsx_rows_keep_their_numbers_and_lose_trailing_empties() -> None:
    rows: list[list[Cell]] = [["Acme", 1, None], [None, None, None], [None, "2", None, None]]
    sheet = read_sheet_bytes(xlsx_bytes(["Deal", "Amount", ""], rows), "x.xlsx")
    assert sheet.headers == ("Deal", "Amount")
    assert [(row.line, row.cells) for row in sheet.rows] == [(2, ("Acme", "1")), (4, ("", "2"))]


def test_xlsx_rows_beyond_the_size_its_writer_noted_are_read() -> None:
    data = xlsx_bytes(list(ODOO_HEADERS), ODOO_ROWS)
    understated = rewrite_part(
        data, "xl/worksheets/sheet1.xml", rb'<dimension ref="[^"]*"', b'<dimension ref="A1"'
    )
    assert understated != data
    sheet = read_sheet_bytes(understated, "odoo.xlsx")
    assert (sheet.headers, cells(sheet)) == (ODOO_HEADERS, list(ODOO_ROWS))


def test_sheet_picks_a_sheet_by_name() -> None:
    data = xlsx_bytes(
        ["Notes"],
        [["see the other sheet"]],
        sheet="Read me",
        others=[("Opportunities", [list(ODOO_HEADERS), *ODOO_ROWS])],
    )
    assert read_sheet_bytes(data, "x.xlsx").headers == ("Notes",)
    for name in ("Opportunities", "opportunities"):
        sheet = read_sheet_bytes(data, "x.xlsx", sheet=name)
        assert (sheet.sheet, sheet.headers, cells(sheet)) == (
            "Opportunities",
            ODOO_HEADERS,
            list(ODOO_ROWS),
        )
    assert refused(data, "x.xlsx", sheet="Deals") == (
        "x.xlsx has no sheet 'Deals'; its sheets: 'Read me', 'Opportunities'"
    )


def test_an_empty_worksheet_is_refused() -> None:
    assert refused(xlsx_bytes([], []), "x.xlsx") == "x.xlsx: sheet 'Sheet1' is empty"


def test_a_workbook_is_known_by_its_content_not_its_name(tmp_path: Path) -> None:
    path = sheet_file(tmp_path, "export.csv", xlsx_bytes(list(HUBSPOT_HEADERS), HUBSPOT_ROWS))
    sheet = read_sheet(path)
    assert (sheet.name, sheet.encoding, sheet.headers) == (str(path), "xlsx", HUBSPOT_HEADERS)
    text = sheet_file(tmp_path, "export.xlsx", csv_bytes(HUBSPOT_HEADERS, HUBSPOT_ROWS))
    assert read_sheet(text).encoding == "utf-8"


def test_sheet_on_a_csv_is_refused() -> None:
    message = refused(b"Deal\nAcme\n", sheet="Deals")
    assert message == "x.csv is a CSV file, not an Excel workbook: it has no sheets"


# --- what is no table -----------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b" \r\n\t\n", UTF8_BOM, UTF8_BOM + b"\n", b"\xff\xfe"])
def test_an_empty_file(data: bytes) -> None:
    assert refused(data) == "x.csv is empty"


@pytest.mark.parametrize(
    "data",
    [PNG_BYTES, RANDOM_BYTES, b"Deal,Amount\nAcme,1\x00\x00\x00\x00\n", b"\x01\x02\x03" * 300],
    ids=["png", "random", "nul", "controls"],
)
def test_binary_named_csv_is_not_a_text_file(data: bytes) -> None:
    assert refused(data) == "x.csv is not a text or Excel file"


def test_an_old_xls_is_refused_with_what_to_do() -> None:
    message = refused(XLS_BYTES, "pipeline.xls")
    assert message.startswith("pipeline.xls is an old Excel (.xls)")
    assert "save it as .xlsx or CSV" in message


def test_a_web_page_saved_as_xls_is_refused() -> None:
    page = b"<html><body><table><tr><td>Deal</td></tr></table></body></html>"
    assert "is a web page" in refused(page, "report.xls")


def test_a_zip_that_is_no_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "is a ZIP file but not an Excel workbook" in refused(out.getvalue(), "x.xlsx")


def test_a_file_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match="does not exist"):
        read_sheet(tmp_path / "missing.csv")
    with pytest.raises(SheetError, match="is a folder"):
        read_sheet(tmp_path)


def test_rows_are_plain_values() -> None:
    row = SheetRow(2, ("a",))
    assert row == SheetRow(2, ("a",)) and hash(row) == hash(SheetRow(2, ("a",)))
    with pytest.raises(AttributeError):
        row.line = 3  # type: ignore[misc]
