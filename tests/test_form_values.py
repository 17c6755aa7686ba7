"""A form's values as typed accessors: what a field holds is said where it is read."""

from __future__ import annotations

from datetime import date

import pytest

from dealroom.screens.form_values import FormValues


def test_each_accessor_gives_its_kind_and_empty_as_none_or_blank() -> None:
    v = FormValues(
        {"title": "BoQ v2", "note": None, "owner": "wei", "due": date(2026, 12, 1), "n": 3},
        version=4,
    )
    assert (v.text("title"), v.text("note"), v.choice("owner")) == ("BoQ v2", "", "wei")
    assert (v.date("due"), v.int("n"), v.version) == (date(2026, 12, 1), 3, 4)
    assert FormValues({"owner": None}).choice("owner") is None
    assert FormValues({}).version is None


def test_a_field_read_as_the_wrong_kind_or_missing_is_a_bug_said_plainly() -> None:
    v = FormValues({"due": "fri"})
    with pytest.raises(TypeError, match="'due' holds a str, not date"):
        v.date("due")
    with pytest.raises(KeyError):
        v.text("title")
