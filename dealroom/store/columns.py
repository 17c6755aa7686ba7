"""Column types the tables share: a domain enum stored as its short string value.

Values are stored as plain strings (checked by the domain), not as native database enums,
so a new stage or status is a code change and not a type migration; reads hand back the
enum member, so no caller converts or keeps a lookup table.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar, cast

from sqlalchemy import String, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


class Choice(TypeDecorator[E]):
    """A ``VARCHAR(length)`` holding ``enum``'s values; reads return members."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum
        self._members = {m.value: m for m in enum}

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        if value is None:
            return None
        return self._members[value]

    @property
    def python_type(self) -> type[E]:
        return self.enum


def table_of(model: type[object]) -> Table:
    """The Core table of a SQLModel table class, for bulk reads that skip the ORM."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]
