"""Showing user text safely and numbers compactly, for the command line and the app alike.

The output policy for text that users control (titles, notes, names, handles, paths, the
log): it is data, never instructions to a terminal. :func:`visible` (and :func:`one_line`
for a cell) shows C0 and C1 controls, DEL, escape sequences and bidirectional overrides as
visible placeholders, one character for one, so nothing a member types can move another
member's cursor, set their window title, write their clipboard or make text read in
another order than it is stored. :func:`json_text` keeps the data exact for scripts and
escapes the same characters as JSON escapes. Every surface uses these: the app's rows,
titles and toasts, each line of the command line, Markdown (``dealroom.export.escape``).
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime
from enum import Enum
from typing import TextIO

from rich.cells import cell_len, set_cell_size

from dealroom.i18n import short_amount

# C0 controls (but tab and newline), DEL, C1 controls, the bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069), and lone surrogates (what an
# undecodable byte becomes): never sent to a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# What JSON itself leaves raw (it escapes C0 controls): DEL, C1 controls, the line and
# paragraph separators, the bidirectional overrides and lone surrogates; escaped by
# :func:`json_text`.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _placeholder(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␀ for NUL, ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # a C1 control, a bidirectional override or a lone surrogate


def visible(text: str) -> str:
    """Control characters, escape sequences and bidirectional overrides shown as
    placeholders (one for one), never interpreted; tab and newline kept."""
    return _CONTROL.sub(_placeholder, text)


#: How a cell starts that a spreadsheet would take for a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_cell(value: object) -> str:
    """A value as a safe spreadsheet cell: one a spreadsheet would take for a formula
    (``=HYPERLINK(…)``) gets a leading ``'``, so opening the file never runs it; control
    characters are shown as placeholders."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return visible(text)


def sheet_text(cell: str) -> str:
    """What :func:`sheet_cell` wrote: the leading ``'`` taken off a formula-looking cell,
    so a sheet dealroom wrote reads back as it was."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


class InertStream(io.TextIOBase):
    """A text stream that shows everything written to it through :func:`visible`: the
    command line's standard output and error, so no line it prints, whatever it holds,
    acts on the terminal. ``raw`` is the stream beneath (for Rich, which styles text it
    has made inert itself)."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8")


def json_text(value: object, *, indent: int | None = None) -> str:
    """``value`` as JSON for a terminal or a script: exact (non-ASCII text stays readable),
    with every control, DEL, C1 control and bidirectional override as a ``\\uXXXX``
    escape, so a parser gets the data back and a terminal shows it inert."""
    raw = json.dumps(value, ensure_ascii=False, indent=indent, default=_plain)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", raw)


def _plain(value: object) -> object:
    """Dates and enum members as JSON shows them."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


def one_line(text: str) -> str:
    """For list cells: line breaks and tabs become spaces, controls become placeholders."""
    return visible(" ".join(text.split()))


def money(amount: int, currency: str = "") -> str:
    value = f"{amount:,}"
    return f"{value} {currency}".strip()


def short_money(amount: int) -> str:
    """``1.2M``, ``350k`` (``1,200万`` in Chinese): for narrow columns."""
    return short_amount(amount)


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells (CJK counts two), cut with an ellipsis."""
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad
