"""Where the database is: ``--db``, ``$DEALROOM_DB`` or the default file. Nothing here
loads SQLAlchemy, so a command can find its file before the database layer has loaded."""

from __future__ import annotations

import os
from pathlib import Path


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("dealroom", appauthor=False) / "dealroom.db"


def demo_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("dealroom", appauthor=False) / "demo.db"


def database_file(value: str | None) -> Path | None:
    """The SQLite file that ``--db`` or ``DEALROOM_DB`` names as a path, or the default
    file when neither is given; None when a URL is given."""
    raw = value or os.environ.get("DEALROOM_DB") or ""
    if not raw:
        return default_db_path()
    if "://" in raw:
        return None
    return Path(raw).expanduser().resolve()


def resolve_url(value: str | None) -> str:
    """``--db`` or ``DEALROOM_DB``: a file path or an SQLAlchemy URL; default the data dir."""
    path = database_file(value)
    if path is not None:
        if not (value or os.environ.get("DEALROOM_DB")):
            path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    raw = value or os.environ.get("DEALROOM_DB") or ""
    for plain in ("postgresql://", "postgres://"):
        if raw.startswith(plain):
            return "postgresql+psycopg://" + raw[len(plain) :]
    return raw
