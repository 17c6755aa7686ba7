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

from dealroom.i18n import _, pgettext


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
        return {}, _("{file}: {error}; default keys are in use").format(file=path, error=exc)
    table = data.get("keymap", {})
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        said = _("{file}: [keymap] must map binding ids to key strings; default keys are in use")
        return {}, said.format(file=path)
    return dict(table), None


#: A screen's keys: binding id → the keys it is bound to ("down,j").
Scope = Mapping[str, str]


def keymap_problems(keymap: Mapping[str, str], scopes: Mapping[str, Scope]) -> list[str]:
    """What is wrong with ``keymap`` for the app's screens (``scopes``: screen name → its
    keys, the app's included): ids no screen has, and keys it gives to one action that
    another action of the same screen already has (a collision the defaults do not have:
    a screen's own ``q`` over the app's is by design)."""
    known = {ident for scope in scopes.values() for ident in scope}
    problems = [
        _("no key has the id {id}").format(id=repr(ident)) for ident in keymap if ident not in known
    ]
    joiner = pgettext("between binding ids: a.x and b.y", " and ")
    for name, scope in scopes.items():
        before = _collisions(scope)
        after = _collisions({ident: keymap.get(ident, keys) for ident, keys in scope.items()})
        for key, idents in sorted(after.items()):
            if idents - before.get(key, set()) and idents & set(keymap):
                said = _("{key} is {ids} on the {screen}")
                problems.append(said.format(key=key, ids=joiner.join(sorted(idents)), screen=name))
    return problems


def _collisions(scope: Scope) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for ident, keys in scope.items():
        for key in (k.strip() for k in keys.split(",")):
            if key:
                owners.setdefault(key, set()).add(ident)
    return {key: idents for key, idents in owners.items() if len(idents) > 1}
