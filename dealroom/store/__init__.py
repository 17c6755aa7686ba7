"""Persistence: SQLModel tables, the engine, migrations and the one store API.

Importing this package is cheap; SQLAlchemy loads when a store is opened, so a screen can
paint before the database layer has loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from dealroom.store.errors import (
    ConflictError,
    NotFoundError,
    ReadOnlyError,
    SchemaError,
    StoreError,
    UnavailableError,
)

if TYPE_CHECKING:
    from dealroom.store.database import Options
    from dealroom.store.store import Store

__all__ = [
    "ConflictError",
    "NotFoundError",
    "ReadOnlyError",
    "SchemaError",
    "Store",
    "StoreError",
    "UnavailableError",
    "open_store",
]


def open_store(db: str | None = None, *, actor: str, **options: Unpack[Options]) -> Store:
    """Open (and if needed create or upgrade) the database at ``db``, ``$DEALROOM_DB`` or
    the default file, acting as ``actor``."""
    from dealroom.store.location import resolve_url
    from dealroom.store.store import Store

    return Store(resolve_url(db), actor=actor, **options)


def __getattr__(name: str) -> object:
    if name == "Store":
        from dealroom.store.store import Store

        return Store
    raise AttributeError(name)
