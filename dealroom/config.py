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
from collections.abc import Mapping
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


#: A screen's keys: binding id → the keys it is bound to ("down,j").
Scope = Mapping[str, str]


def keymap_problems(keymap: Mapping[str, str], scopes: Mapping[str, Scope]) -> list[str]:
    """What is wrong with ``keymap`` for the app's screens (``scopes``: screen name → its
    keys, the app's included): ids no screen has, and keys it gives to one action that
    another action of the same screen already has (a collision the defaults do not have:
    a screen's own ``q`` over the app's is by design)."""
    known = {ident for scope in scopes.values() for ident in scope}
    problems = [f"no key has the id {ident!r}" for ident in keymap if ident not in known]
    for name, scope in scopes.items():
        before = _collisions(scope)
        after = _collisions({ident: keymap.get(ident, keys) for ident, keys in scope.items()})
        for key, idents in sorted(after.items()):
            if idents - before.get(key, set()) and idents & set(keymap):
                problems.append(f"{key} is {' and '.join(sorted(idents))} on the {name}")
    return problems


def _collisions(scope: Scope) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for ident, keys in scope.items():
        for key in (k.strip() for k in keys.split(",")):
            if key:
                owners.setdefault(key, set()).add(ident)
    return {key: idents for key, idents in owners.items() if len(idents) > 1}
