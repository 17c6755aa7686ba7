"""A saved form's values, typed by what the field asks for.

A form hands its ``submit`` a :class:`FormValues`: ``v.text("title")``, ``v.date("due")``,
``v.choice("owner")`` and ``v.int("likelihood")`` say what each field holds, so the store
call built from them is checked like any other.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T")


class FormValues:
    """Each field's value as parsed (None: left empty), and the version the form was
    opened on (None: a new item)."""

    def __init__(self, values: Mapping[str, object], version: builtins.int | None = None) -> None:
        self._values = dict(values)
        self.version = version

    def text(self, name: str) -> str:
        """A text field's value, or a choice's; "" when left empty."""
        return self._get(name, str) or ""

    def choice(self, name: str) -> str | None:
        """The value picked; None when none was."""
        return self._get(name, str)

    def date(self, name: str) -> dt.date | None:
        return self._get(name, dt.date)

    def int(self, name: str) -> builtins.int | None:
        """A whole number: an ``int`` field's, or what a field's ``parse`` made of it."""
        return self._get(name, builtins.int)

    def decimal(self, name: str) -> Decimal | None:
        """An exact number: what a field's ``parse`` made of it (a rate)."""
        return self._get(name, Decimal)

    def _get(self, name: str, kind: type[T]) -> T | None:
        value = self._values[name]  # a KeyError names a field the form does not have
        if value is None or isinstance(value, kind):
            return value
        raise TypeError(f"form field {name!r} holds a {type(value).__name__}, not {kind.__name__}")
