"""Figures and their targets, and the Markdown table they become (and are read back from).

A :class:`Row` holds every sample of one figure; the table shows the median with the
smallest and largest sample, the target beside it and whether the median meets it. A
figure that could not be measured holds no samples and says why.
"""

from __future__ import annotations

import operator
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"

HEADER = ("#", "Measure", "Median", "Min", "Max", "Runs", "Target", "Result")

_OPS: dict[str, Callable[[float, float], bool]] = {
    "≤": operator.le,
    "<": operator.lt,
    "=": operator.eq,
    "≥": operator.ge,
}


@dataclass(frozen=True)
class Target:
    """``median OP limit`` (or ``low ≤ median ≤ limit``), shown as ``text`` (say
    ``≤ 1.1× bare``)."""

    op: str
    limit: float
    text: str
    #: The lower bound of a ``between`` target.
    low: float = 0.0

    def met(self, value: float) -> bool:
        if self.op == "between":
            return self.low <= value <= self.limit
        return _OPS[self.op](value, self.limit)


def at_most(limit: float, text: str | None = None) -> Target:
    return Target("≤", limit, text or f"≤ {limit:g}")


def between(low: float, high: float, text: str | None = None) -> Target:
    return Target("between", high, text or f"{low:g}–{high:g}", low)


def exactly(limit: float, text: str | None = None) -> Target:
    return Target("=", limit, text or f"= {limit:g}")


@dataclass
class Row:
    group: str
    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    target: Target | None = None
    #: Why there are no samples (the figure could not be measured), or a note for the reader.
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def result(self) -> str:
        if not self.samples:
            return f"not available: {self.note or 'no samples'}"
        if self.target is None:
            return self.note or "—"
        verdict = "met" if self.target.met(self.median) else "**missed**"
        return f"{verdict} ({self.note})" if self.note else verdict


def unavailable(group: str, name: str, unit: str, target: Target | None, why: str) -> Row:
    return Row(group, name, unit, [], target, why)


def ratio(group: str, name: str, values: list[float], bases: list[float], limit: float) -> Row:
    """``values ÷ bases`` run by run (the runs alternate, so each pair saw the same
    machine), with the target ``≤ limit×``."""
    paired = [v / b for v, b in zip(values, bases, strict=True)]
    return Row(group, name, "×", paired, at_most(limit, f"≤ {limit:g}×"))


def fmt(value: float, unit: str) -> str:
    if unit == "×":
        return f"{value:.2f}×"
    if unit in ("count", "B", "errors"):
        return f"{value:,.0f}" + ("" if unit in ("count", "errors") else " B")
    if abs(value) >= 100:
        number = f"{value:,.0f}"
    elif abs(value) >= 10:
        number = f"{value:.1f}"
    else:
        number = f"{value:.2f}"
    return f"{number} {unit}" if unit != "%" else f"{number}%"


def cells(row: Row) -> list[str]:
    if not row.samples:
        figure = low = high = "n/a"
    else:
        figure = fmt(row.median, row.unit)
        low, high = fmt(min(row.samples), row.unit), fmt(max(row.samples), row.unit)
    target = row.target.text if row.target else "—"
    return [row.group, row.name, figure, low, high, str(len(row.samples)), target, row.result]


def table(rows: Sequence[Row], kept: Sequence[ParsedRow] = ()) -> str:
    """The rows, and rows ``kept`` from an earlier table, in the order of their groups."""
    body = [(int(r.group), cells(r)) for r in rows]
    body += [(int(k.cells["#"]), list(k.cells.values())) for k in kept]
    body.sort(key=lambda item: item[0])  # stable: each group keeps its own order
    lines = [_line(HEADER), _line(["---", "---", "---:", "---:", "---:", "---:", "---", "---"])]
    lines += [_line([_escape(c) for c in values]) for _, values in body]
    return "\n".join(lines)


def _line(values: Sequence[str]) -> str:
    return "| " + " | ".join(values) + " |"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- reading a table back (for the test and for merging) -----------------------------------

_NUMBER = re.compile(r"-?[\d,]+(?:\.\d+)?")


@dataclass(frozen=True)
class ParsedRow:
    cells: dict[str, str]

    @property
    def number(self) -> float | None:
        """The median as a number, or None for ``n/a``."""
        match = _NUMBER.search(self.cells["Median"])
        return float(match.group().replace(",", "")) if match else None


def parse(markdown: str) -> list[ParsedRow]:
    """The rows of the benchmark table in ``markdown`` (between the bench markers)."""
    body = markdown.split(START, 1)[1].split(END, 1)[0] if START in markdown else markdown
    lines = [ln for ln in body.splitlines() if ln.startswith("| ")]
    if not lines or _split(lines[0]) != list(HEADER):
        raise ValueError("no benchmark table found")
    return [ParsedRow(dict(zip(HEADER, _split(ln), strict=True))) for ln in lines[2:]]


def _split(line: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [p.strip().replace("\\|", "|") for p in parts]
