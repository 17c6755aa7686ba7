"""Errors the store raises. Each message is written for the person at the keyboard."""

from __future__ import annotations


class StoreError(Exception):
    """The database could not do what was asked; the message says why."""


class NotFoundError(StoreError):
    pass


class IdentityError(StoreError):
    """Acting as someone else without being an administrator (refused: exit status 1)."""


class UnavailableError(StoreError):
    """The database cannot be opened, reached or written just now (permissions, a lock, a
    server that is down): not a problem with what was asked, so trying again may work."""


class ReadOnlyError(UnavailableError):
    pass


class SchemaError(UnavailableError):
    """The database's schema is not the one this version of dealroom expects (or the file
    is not a dealroom database): it cannot be opened as it is."""


class WriteRaceError(StoreError):
    """Two writers updated the same row at the same moment and this one lost: nothing was
    written, and reading the row again and retrying is safe."""


class ConflictError(StoreError):
    """Someone changed the row after the caller read it.

    ``changed`` lists the fields changed since ``expected`` (from the event log), ``by``
    who changed them (handles; ``names`` the same people by name), and ``current`` holds
    the row as it is now, so a form can show both versions side by side.
    """

    def __init__(
        self,
        entity: str,
        entity_id: int,
        expected: int,
        actual: int | None,
        changed: list[str],
        by: list[str],
        current: object | None,
        names: list[str] | None = None,
    ) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.expected = expected
        self.actual = actual
        self.changed = changed
        self.by = by
        #: The same people by name, as the app shows them ("Wei Zhang", not "wei").
        self.names = names if names is not None else list(by)
        self.current = current
        if actual is None:
            what = f"{entity} #{entity_id} was deleted"
        else:
            fields = ", ".join(changed) if changed else "its fields"
            what = f"{entity} #{entity_id} was changed ({fields})"
        who = f" by {', '.join(by)}" if by else ""
        super().__init__(f"{what}{who} after you opened it: reload to see it, then try again")
