"""Errors the store raises. Each message is written for the person at the keyboard, in the
language spoken."""

from __future__ import annotations

from dealroom.domain.rules import field_label
from dealroom.i18n import _, pgettext


def thing(entity: str) -> str:
    """What a kind of row is called in a message (``task``, ``gate decision``), in the
    language spoken; ``entity`` is its name in the event log (a name not listed here as it
    is)."""
    names = {
        "account": pgettext("thing", "account"),
        "answer": pgettext("thing", "answer"),
        "assessment": pgettext("thing", "assessment"),
        "checklist": pgettext("thing", "checklist"),
        "checklist item": pgettext("thing", "checklist item"),
        "competitor": pgettext("thing", "competitor"),
        "contact": pgettext("thing", "contact"),
        "deal": pgettext("thing", "deal"),
        "gate": pgettext("thing", "gate"),
        "gate decision": pgettext("thing", "gate decision"),
        "handoff": pgettext("thing", "handoff"),
        "invoice": pgettext("thing", "invoice"),
        "member": pgettext("thing", "member"),
        "milestone": pgettext("thing", "milestone"),
        "note": pgettext("thing", "note"),
        "person": pgettext("thing", "person"),
        "plan": pgettext("thing", "plan"),
        "review": pgettext("thing", "review"),
        "risk": pgettext("thing", "risk"),
        "score": pgettext("thing", "score"),
        "standup": pgettext("thing", "standup"),
        "task": pgettext("thing", "task"),
    }
    return names.get(entity, entity)


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
        who = ", ".join(by)
        if actual is None:
            said = (
                _(
                    "{thing} #{id} was deleted by {who} after you opened it: reload to see it, "
                    "then try again"
                )
                if by
                else _(
                    "{thing} #{id} was deleted after you opened it: reload to see it, "
                    "then try again"
                )
            )
        else:
            said = (
                _(
                    "{thing} #{id} was changed ({fields}) by {who} after you opened it: reload "
                    "to see it, then try again"
                )
                if by
                else _(
                    "{thing} #{id} was changed ({fields}) after you opened it: reload to see it, "
                    "then try again"
                )
            )
        fields = ", ".join(field_label(f) for f in changed) if changed else _("its fields")
        super().__init__(said.format(thing=thing(entity), id=entity_id, fields=fields, who=who))
