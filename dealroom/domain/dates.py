"""Dates as people type them: ``2026-12-01``, ``+3d``, ``fri``, ``dec 1``, ``today``; and
in Chinese: ``今天``, ``明天``, ``周五``, ``下周一``, ``3天后``, ``12月1日``."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Literal

from dealroom.domain.rules import RuleError, field_label
from dealroom.i18n import _, ngettext, weekday_day

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
        raise RuleError(_("{field} is empty").format(field=field_label(field)), field=field)
    if (
        said := _chinese(unicodedata.normalize("NFKC", raw), today, toward, text, field)
    ) is not None:
        return said
    if raw in ("today", "tod"):
        return today
    if raw in ("tomorrow", "tom", "tmr"):
        return today + timedelta(days=1)
    if raw == "yesterday":
        return today - timedelta(days=1)
    if m := _OFFSET.match(raw):
        sign = 1 if m.group(1) == "+" else -1
        if sign > 0 and toward == "past":
            raise _in_future(text, field, f"-{m.group(2)}{m.group(3) or 'd'}")
        days = int(m.group(2)) * _UNITS[m.group(3) or "d"]
        return _checked(today + timedelta(days=sign * days), today, text, field)
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
        _("{field} {text} is not a date: use 2026-12-01, +3d, +2w, fri, dec 1 or today").format(
            field=field_label(field), text=repr(text)
        ),
        field=field,
    )


def _in_future(text: str, field: str, instead: str) -> RuleError:
    return RuleError(
        _(
            "{field} {text} is in the future: a day in the past is meant here, "
            "e.g. {instead}, mon or 2026-12-01"
        ).format(field=field_label(field), text=repr(text), instead=instead),
        field=field,
    )


def _checked(day: date, today: date, text: str, field: str) -> date:
    """An offset's day, refused beyond ten years either way."""
    days = (day - today).days
    if abs(days) > FURTHEST_DAYS:
        message = (
            _(
                "{field} {text} is {days} days ahead: an offset reaches ten years at most; "
                "give a date such as 2036-12-01"
            )
            if days > 0
            else _(
                "{field} {text} is {days} days back: an offset reaches ten years at most; "
                "give a date such as 2036-12-01"
            )
        )
        raise RuleError(
            message.format(field=field_label(field), text=repr(text), days=f"{abs(days):,}"),
            field=field,
        )
    return day


# --- in Chinese ---------------------------------------------------------------------------

_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_NUMBERS |= {"八": 8, "九": 9, "十": 10}
_CN_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_CN_DAYS |= {"昨天": -1, "昨日": -1, "前天": -2}
_CN_WEEKDAYS = "一二三四五六日"
_CN_OFFSET = re.compile(
    r"^(\d+|[一二两三四五六七八九十])\s*(天|日|周|星期|个星期|個星期)\s*(后|後|以后|之后|前|以前|之前)$"
)
_CN_WEEKDAY = re.compile(r"^(本|这|這|下|上|下下)?(?:周|週|星期|礼拜|禮拜)([一二三四五六日天])$")
_CN_MONTH_DAY = re.compile(r"^(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?$")


def _chinese(raw: str, today: date, toward: Toward, text: str, field: str) -> date | None:
    """A day said in Chinese (``今天``, ``3天后``, ``周五``, ``下周一``, ``12月1日``); None
    when ``raw`` is not one. ``周五`` alone is the next Friday (or, toward the past, the
    last one), as ``fri`` is; ``本周五`` is this week's, ``下周一`` next week's Monday."""
    if raw in _CN_DAYS:
        return today + timedelta(days=_CN_DAYS[raw])
    if m := _CN_OFFSET.match(raw):
        n = int(m.group(1)) if m.group(1).isdigit() else _CN_NUMBERS[m.group(1)]
        days = n * (1 if m.group(2) in ("天", "日") else 7)
        if "前" in m.group(3):
            return _checked(today - timedelta(days=days), today, text, field)
        if toward == "past":
            raise _in_future(text, field, f"{m.group(1)}{m.group(2)}前")
        return _checked(today + timedelta(days=days), today, text, field)
    if m := _CN_WEEKDAY.match(raw):
        wanted = _CN_WEEKDAYS.index("日" if m.group(2) == "天" else m.group(2))
        monday = today - timedelta(days=today.weekday())
        weeks = {"本": 0, "这": 0, "這": 0, "下": 1, "上": -1, "下下": 2}
        if m.group(1):
            return monday + timedelta(days=7 * weeks[m.group(1)] + wanted)
        if toward == "past":
            return today - timedelta(days=(today.weekday() - wanted) % 7)
        return today + timedelta(days=(wanted - today.weekday()) % 7 or 7)
    if m := _CN_MONTH_DAY.match(raw):
        year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
        try:
            if year:
                return date(int(year), month, day)
            found = date(today.year, month, day)
        except ValueError:
            raise RuleError(
                _("{field} {text} is not a real day").format(
                    field=field_label(field), text=repr(text)
                ),
                field=field,
            ) from None
        if toward == "past":
            return found if found <= today else found.replace(year=today.year - 1)
        return found if found >= today else found.replace(year=today.year + 1)
    return None


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
        raise RuleError(
            _("{field} {text}: unknown month {month}").format(
                field=field_label(field), text=repr(text), month=repr(mon)
            ),
            field=field,
        )
    month = MONTHS.index(mon) + 1
    try:
        if year:
            return date(int(year), month, int(day))
        found = date(today.year, month, int(day))
        if toward == "past":
            return found if found <= today else date(today.year - 1, month, int(day))
        return found if found >= today else date(today.year + 1, month, int(day))
    except ValueError:
        raise RuleError(
            _("{field} {text} is not a real day").format(field=field_label(field), text=repr(text)),
            field=field,
        ) from None


def describe(d: date, today: date) -> str:
    """``Fri 2026-12-04 (in 3 days)``: what a typed date resolved to (``12月4日 周五（3 天后）``
    in Chinese)."""
    delta = (d - today).days
    if delta == 0:
        rel = _("today")
    elif delta == 1:
        rel = _("tomorrow")
    elif delta == -1:
        rel = _("yesterday")
    elif delta > 0:
        rel = ngettext("in {n} day", "in {n} days", delta).format(n=delta)
    else:
        rel = ngettext("{n} day ago", "{n} days ago", -delta).format(n=-delta)
    return _("{day} ({relative})").format(day=weekday_day(d), relative=rel)
