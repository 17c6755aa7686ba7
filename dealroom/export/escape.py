"""Markdown that user text cannot break; every export goes through it.

:func:`md` makes user text literal inline text: control characters become visible
placeholders, line breaks become spaces (a table row stays one row), and the characters
that Markdown would read as structure are backslash-escaped, so ``# x``, ``*x*``, ``[x](y)``,
``<script>``, ``a|b`` and a leading ``-`` or ``1.`` stay literal text. :func:`table` lays
out cells already escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from dealroom.textutil import visible

# Characters Markdown may read as structure anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&!])")
_INLINE_CHARS = frozenset("\\`*_[]<>#|~&!")
# At the start of a block: list markers, headings, quotes, thematic breaks, numbered lists.
_LEADING = re.compile(r"^(\s*)(\d*)([-+=>.)])")
_LEADING_MARKS = "-+=>.)"


def md(text: str) -> str:
    """User text as literal Markdown inline text on one line."""
    one = " ".join(visible(text).split())
    # Most cells need no escape: test before substituting (an export has 100,000 cells).
    escaped = one if _INLINE_CHARS.isdisjoint(one) else _INLINE.sub(r"\\\1", one)
    first = escaped[:1]
    if not (first.isdecimal() or first.isspace() or (first and first in _LEADING_MARKS)):
        return escaped
    return _LEADING.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}", escaped)


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    """A GFM table; cells must already be escaped. ``align`` is one of l/r per column."""
    marks = [("---:" if (align[i : i + 1] == "r") else "---") for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines
