"""Showing user text safely and numbers compactly, for the command line and the app alike."""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size

# C0 controls (but tab and newline), DEL and C1 controls: never sent to a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _placeholder(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␀ for NUL, ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def visible(text: str) -> str:
    """Control characters and escape sequences shown as placeholders, never interpreted."""
    return _CONTROL.sub(_placeholder, text)


def one_line(text: str) -> str:
    """For list cells: line breaks and tabs become spaces, controls become placeholders."""
    return visible(" ".join(text.split()))


def money(amount: int, currency: str = "") -> str:
    value = f"{amount:,}"
    return f"{value} {currency}".strip()


def short_money(amount: int) -> str:
    """``1.2M``, ``350k``: for narrow columns."""
    for size, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if abs(amount) >= size:
            scaled = amount / size
            return f"{scaled:.1f}{suffix}" if scaled < 100 else f"{scaled:.0f}{suffix}"
    return str(amount)


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells (CJK counts two), cut with an ellipsis."""
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad
