"""Dates as people type them: ``2026-12-01``, ``+3d``, ``fri``, ``dec 1``, ``today``."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from dealroom.domain.rules import RuleError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_UNITS = {"d": 1, "w": 7}
_OFFSET = re.compile(r"^([+-])(\d+)\s*([dw]?)$")
#: How far ``+3d`` may reach: ten years, either way.
FURTHEST_DAYS = 3660
_MONTH_DAY = re.compile(r"^([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s+([a-z]{3})[a-z]*\.?(?:\s+(\d{4}))?$")


#: Which way a weekday or a month-day without a year resolves: a due date means the next
#: one, ``--since`` the last one.
Toward = Literal["next", "past"]


def parse_date(text: str, today: date, *, field: str = "date", toward: Toward = "next") -> date:
    """Resolve what was typed against ``today``. A weekday or a month-day means the next
    one (``toward="next"``: a due date) or the last one, today included (``"past"``: a day
    things happened since); ``+3d`` points into the future, so it is refused for a past
    date, where ``-3d`` is what is meant."""
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise RuleError(f"{field} is empty", field=field)
    if raw in ("today", "tod"):
        return today
    if raw in ("tomorrow", "tom", "tmr"):
        return today + timedelta(days=1)
    if raw == "yesterday":
        return today - timedelta(days=1)
    if m := _OFFSET.match(raw):
        sign = 1 if m.group(1) == "+" else -1
        if sign > 0 and toward == "past":
            raise RuleError(
                f"{field} {text!r} is in the future: a day in the past is meant here, "
                f"e.g. -{m.group(2)}{m.group(3) or 'd'}, mon or 2026-12-01",
                field=field,
            )
        days = int(m.group(2)) * _UNITS[m.group(3) or "d"]
        if days > FURTHEST_DAYS:
            raise RuleError(
                f"{field} {text!r} is {days:,} days {'ahead' if sign > 0 else 'back'}: "
                "an offset reaches ten years at most; give a date such as 2036-12-01",
                field=field,
            )
        return today + timedelta(days=sign * days)
    if raw[:3] in WEEKDAYS and (len(raw) == 3 or _full_weekday(raw)):
        if toward == "past":
            return today - timedelta(days=(today.weekday() - WEEKDAYS.index(raw[:3])) % 7)
        ahead = (WEEKDAYS.index(raw[:3]) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if parts := month_day_parts(raw):
        return _month_day(*parts, today, text, field, toward)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    raise RuleError(
        f"{field} {text!r} is not a date: use 2026-12-01, +3d, +2w, fri, dec 1 or today",
        field=field,
    )


def month_day_parts(raw: str) -> tuple[str, str, str | None] | None:
    """The month name, day and year (if any) of ``dec 1``, ``december 1, 2026`` or
    ``1 dec 2026``, written lower-case with single spaces; None for any other form. The
    month is its first three letters, not checked against :data:`MONTHS`."""
    if m := _MONTH_DAY.match(raw):
        return m.group(1), m.group(2), m.group(3)
    if m := _DAY_MONTH.match(raw):
        return m.group(2), m.group(1), m.group(3)
    return None


def _full_weekday(raw: str) -> bool:
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return raw in names


def _month_day(
    mon: str, day: str, year: str | None, today: date, text: str, field: str, toward: Toward
) -> date:
    if mon not in MONTHS:
        raise RuleError(f"{field} {text!r}: unknown month {mon!r}", field=field)
    month = MONTHS.index(mon) + 1
    try:
        if year:
            return date(int(year), month, int(day))
        found = date(today.year, month, int(day))
        if toward == "past":
            return found if found <= today else date(today.year - 1, month, int(day))
        return found if found >= today else date(today.year + 1, month, int(day))
    except ValueError:
        raise RuleError(f"{field} {text!r} is not a real day", field=field) from None


def describe(d: date, today: date) -> str:
    """``Fri 2026-12-04 (in 3 days)``: what a typed date resolved to."""
    delta = (d - today).days
    if delta == 0:
        rel = "today"
    elif delta == 1:
        rel = "tomorrow"
    elif delta == -1:
        rel = "yesterday"
    elif delta > 0:
        rel = f"in {delta} days"
    else:
        rel = f"{-delta} days ago"
    return f"{d.strftime('%a')} {d.isoformat()} ({rel})"
