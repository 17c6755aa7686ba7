"""The standup's forms: a note, an action (a task for a role), the scope of the walk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dealroom.domain import TRIANGLE, Role
from dealroom.export.digest import scope_words
from dealroom.i18n import _
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.store.views import NoteView, PersonView, TaskView


def note_form(standup_id: int, code: str | None, today: date) -> FormScreen[NoteView]:
    def submit(v: FormValues) -> Job[NoteView]:
        return lambda store: store.standups.add_note(standup_id, v.text("text"), code)

    title = _("Note on {code}").format(code=code) if code else _("Note")
    return FormScreen(title, [FormField("text", _("Note"), required=True)], submit, today)


def action_form(
    standup_id: int, code: str, people: Sequence[PersonView], actor: str, today: date
) -> FormScreen[TaskView]:
    fields = [
        FormField(
            "role",
            _("Role"),
            TRIANGLE[0].value,
            kind="choice",
            required=True,
            choices=[(r.value, r.value) for r in TRIANGLE],
        ),
        FormField("title", _("Action (what, with its check point)"), required=True),
        FormField(
            "owner",
            _("Owner"),
            actor if any(p.handle == actor for p in people) else "",
            kind="choice",
            choices=[(p.name, p.handle) for p in people],
        ),
        FormField("due", _("Due"), "", kind="date"),
    ]

    def submit(v: FormValues) -> Job[TaskView]:
        role = Role(v.text("role"))
        return lambda store: store.standups.add_action(
            standup_id, code, role, v.text("title"), owner=v.choice("owner"), due=v.date("due")
        )

    return FormScreen(_("Action on {code}").format(code=code), fields, submit, today)


def scopes(actor: str, people: Sequence[PersonView]) -> list[str]:
    """The scopes a standup can walk: the team, mine, each role's side, each person's."""
    return [
        "team",
        f"mine:{actor}",
        *(f"role:{r.value}" for r in TRIANGLE),
        *(f"person:{p.handle}" for p in people if p.handle != actor),
    ]


def scope_form(
    current: str, actor: str, people: Sequence[PersonView], today: date
) -> FormScreen[str]:
    """Which deals the standup walks (nothing is written: the screen re-cuts its walk)."""
    names = {p.handle: p.name for p in people}
    field = FormField(
        "scope",
        _("Walk"),
        current,
        kind="choice",
        required=True,
        choices=[(scope_words(s, names), s) for s in scopes(actor, people)],
    )

    def submit(v: FormValues) -> Job[str]:
        chosen = v.text("scope")
        return lambda _store: chosen

    return FormScreen(_("Standup scope"), [field], submit, today)
