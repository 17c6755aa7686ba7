"""The tests' seeds act as ``ana``, who keeps the team: on a new database the login that
made it (its first administrator) makes her an administrator, so that she may add the
people, accounts and checklists the tests need (the deal rules still bind her as a
member)."""

from __future__ import annotations

from typing import Unpack

from dealroom.store import Store, open_store
from dealroom.store.database import Options


def open_seeder(url: str, actor: str = "ana", **options: Unpack[Options]) -> Store:
    """A store acting as ``actor``, an administrator of the database at ``url``."""
    store = open_store(url, actor=actor, **options)
    try:
        if actor not in store.people.administrators():
            store.people.add_administrator(actor)
    except BaseException:
        store.close()
        raise
    return store
