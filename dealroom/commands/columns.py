"""Plain aligned columns for long lists.

Rich's Table measures and wraps every cell, which takes about a second for a thousand
rows; a list needs only padding and an ellipsis, with wide (CJK) characters counted as
two cells.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from dealroom.textutil import fit

BOLD, DIM, RED, YELLOW, RESET = "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[33m", "\x1b[0m"


@dataclass(frozen=True)
class Column:
    title: str
    flexible: bool = False  # gives way when the line is too long
    right: bool = False
    max_width: int = 0


def use_color(no_color: bool) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set (``Settings.no_color``)."""
    return sys.stdout.isatty() and not no_color


def layout(columns: Sequence[Column], rows: Sequence[Sequence[str]], total: int) -> list[int]:
    """Column widths: each as wide as its content, flexible ones shrunk to fit ``total``."""
    widths = []
    for i, col in enumerate(columns):
        natural = max([cell_len(col.title), *(cell_len(r[i]) for r in rows)])
        widths.append(min(natural, col.max_width) if col.max_width else natural)
    gaps = 2 * (len(columns) - 1)
    excess = sum(widths) + gaps - total
    flexible = [i for i, c in enumerate(columns) if c.flexible]
    while excess > 0 and flexible:
        widest = max(flexible, key=lambda i: widths[i])
        if widths[widest] <= max(6, cell_len(columns[widest].title)):
            break
        widths[widest] -= 1
        excess -= 1
    return widths


def render(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    styles: Sequence[Sequence[str]] | None = None,
    total: int = 200,
    *,
    color: bool = False,
) -> str:
    """The table as text; ``styles`` holds an ANSI prefix per cell (used only with
    ``color``, see :func:`use_color`)."""
    widths = layout(columns, rows, total)
    head = "  ".join(fit(c.title, w, c.right) for c, w in zip(columns, widths, strict=True))
    lines = [f"{BOLD}{head.rstrip()}{RESET}" if color else head.rstrip()]
    for r, row in enumerate(rows):
        cells = []
        for i, (col, w) in enumerate(zip(columns, widths, strict=True)):
            cell = fit(row[i], w, col.right)
            style = styles[r][i] if (styles and color) else ""
            cells.append(f"{style}{cell}{RESET}" if style else cell)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
