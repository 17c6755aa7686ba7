"""Dates as people type them, resolved against a fixed today (Monday 2026-11-23)."""

from __future__ import annotations

from datetime import date

import pytest

from dealroom.domain import RuleError, describe, parse_date

TODAY = date(2026, 11, 23)


def test_fixed_today_is_a_monday() -> None:
    # The weekday cases below rely on it.
    assert TODAY.weekday() == 0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2025-01-31", date(2025, 1, 31)),
        ("+3d", date(2026, 11, 26)),
        ("+3", date(2026, 11, 26)),
        ("+3 d", date(2026, 11, 26)),
        ("-1d", date(2026, 11, 22)),
        ("+2w", date(2026, 12, 7)),
        ("-1w", date(2026, 11, 16)),
        ("+0d", TODAY),
        ("today", TODAY),
        ("TODAY", TODAY),
        ("  today  ", TODAY),
        ("tomorrow", date(2026, 11, 24)),
        ("tom", date(2026, 11, 24)),
        ("yesterday", date(2026, 11, 22)),
    ],
)
def test_iso_dates_offsets_and_words(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tue", date(2026, 11, 24)),
        ("fri", date(2026, 11, 27)),
        ("Fri", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ("sun", date(2026, 11, 29)),
        ("mon", date(2026, 11, 30)),
        ("monday", date(2026, 11, 30)),
    ],
)
def test_weekday_means_the_next_one_never_today(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


def test_weekday_from_another_day_of_the_week() -> None:
    thursday = date(2026, 11, 26)
    assert parse_date("fri", thursday) == date(2026, 11, 27)
    assert parse_date("wed", thursday) == date(2026, 12, 2)
    assert parse_date("thu", thursday) == date(2026, 12, 3)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("dec 1", date(2026, 12, 1)),
        ("Dec 1", date(2026, 12, 1)),
        ("december 1", date(2026, 12, 1)),
        ("dec. 1", date(2026, 12, 1)),
        ("1 dec", date(2026, 12, 1)),
        ("1 December", date(2026, 12, 1)),
        ("nov 23", TODAY),
        ("nov 1", date(2027, 11, 1)),
        ("1 nov", date(2027, 11, 1)),
        ("jan 15", date(2027, 1, 15)),
        ("dec 1 2027", date(2027, 12, 1)),
        ("dec 1, 2027", date(2027, 12, 1)),
        ("1 dec 2025", date(2025, 12, 1)),
    ],
)
def test_month_day_means_the_next_one_unless_a_year_is_given(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["feb 30", "30 feb", "apr 31", "feb 29 2027"])
def test_impossible_days_are_refused(typed: str) -> None:
    with pytest.raises(RuleError, match="not a real day"):
        parse_date(typed, TODAY)


def test_unknown_month_is_named() -> None:
    with pytest.raises(RuleError, match="unknown month 'foo'"):
        parse_date("foo 3", TODAY)


@pytest.mark.parametrize(
    "typed", ["soon", "next week", "2026-13-01", "+3x", "monkey", "fr", "++3d", "12/01/2026"]
)
def test_garbage_is_refused_with_the_accepted_forms(typed: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_date(typed, TODAY, field="due")
    message = str(err.value)
    assert repr(typed) in message
    for form in ("2026-12-01", "+3d", "+2w", "fri", "dec 1", "today"):
        assert form in message
    assert err.value.field == "due"


@pytest.mark.parametrize("typed", ["", "   "])
def test_empty_input_is_refused(typed: str) -> None:
    with pytest.raises(RuleError, match="due is empty"):
        parse_date(typed, TODAY, field="due")


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (TODAY, "Mon 2026-11-23 (today)"),
        (date(2026, 11, 24), "Tue 2026-11-24 (tomorrow)"),
        (date(2026, 11, 22), "Sun 2026-11-22 (yesterday)"),
        (date(2026, 11, 27), "Fri 2026-11-27 (in 4 days)"),
        (date(2026, 11, 13), "Fri 2026-11-13 (10 days ago)"),
    ],
)
def test_describe_says_what_a_date_resolved_to(day: date, text: str) -> None:
    assert describe(day, TODAY) == text


def test_describe_round_trips_what_was_typed() -> None:
    assert describe(parse_date("fri", TODAY), TODAY) == "Fri 2026-11-27 (in 4 days)"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mon", TODAY),  # today is a Monday: since today
        ("fri", date(2026, 11, 20)),
        ("sunday", date(2026, 11, 22)),
        ("tue", date(2026, 11, 17)),
        ("nov 30", date(2025, 11, 30)),
        ("nov 20", date(2026, 11, 20)),
        ("23 nov", TODAY),
        ("dec 1", date(2025, 12, 1)),
        ("-7d", date(2026, 11, 16)),
        ("-2w", date(2026, 11, 9)),
        ("yesterday", date(2026, 11, 22)),
        ("2026-11-01", date(2026, 11, 1)),
    ],
)
def test_a_day_since_which_means_the_last_one(typed: str, expected: date) -> None:
    """``--since mon`` and ``--since "nov 30"`` are the last Monday and 30 November."""
    assert parse_date(typed, TODAY, toward="past") == expected


def test_a_day_since_which_is_never_an_offset_into_the_future() -> None:
    with pytest.raises(RuleError, match=r"'\+3d' is in the future: .* e\.g\. -3d"):
        parse_date("+3d", TODAY, field="--since", toward="past")
