"""The user's settings file: ``keymap.toml`` in the user config folder.

::

    # ~/.config/dealroom/keymap.toml
    [keymap]
    "deal.add_task" = "n"          # binding id = keys, comma-separated
    "pipeline.filter" = "slash,f"

Every binding's id is listed by `?` in the app.
"""

from __future__ import annotations

import tomllib
from pathlib import Path


def keymap_path(override: Path | None = None) -> Path:
    """``override`` (``DEALROOM_KEYMAP``, see :mod:`dealroom.settings`), else the file in
    the user config folder."""
    if override is not None:
        return override
    from platformdirs import user_config_path

    return user_config_path("dealroom", appauthor=False) / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The key overrides, and a message if the file could not be used (never raises)."""
    path = path or keymap_path()
    if not path.exists():
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"{path}: {exc}; default keys are in use"
    table = data.get("keymap", {})
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        return {}, f"{path}: [keymap] must map binding ids to key strings; default keys are in use"
    return dict(table), None
