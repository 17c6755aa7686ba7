"""A modal form, validated field by field.

An invalid value is named next to its field and nothing typed is lost: the form stays
open with every value as typed until the store has accepted the change. Date fields show
what a short form (``+3d``, ``fri``, ``dec 1``) resolved to as you type.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol, TypeVar, cast

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static

from dealroom.domain import RuleError, describe, parse_date
from dealroom.domain.dates import Toward
from dealroom.i18n import N_, _, pgettext
from dealroom.screens.dialog import FittedDialog
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.host import RoomApp
from dealroom.textutil import one_line, visible
from dealroom.widgets.safe_input import SafeInput

if TYPE_CHECKING:
    from dealroom.store.errors import ConflictError

Kind = Literal["text", "date", "choice", "int"]

#: Below this many rows, fields are drawn without borders (one row each).
COMPACT_BELOW = 32
#: What a save returns: the row as the store wrote it (a TaskView, say).
T = TypeVar("T")


@dataclass
class FormField:
    name: str
    label: str
    value: str = ""
    kind: Kind = "text"
    choices: Sequence[tuple[str, str]] = ()
    required: bool = False
    hint: str = ""
    parse: Callable[[str], object] | None = None
    placeholder: str = ""
    #: For a date: whether "fri" means the next Friday (a due date) or the last one.
    toward: Toward = "next"


#: What saving a form does: the database job its values make.
Submit = Callable[[FormValues], Job[T]]


class Versioned(Protocol):
    """A row as read, with the version an edit of it is checked against."""

    @property
    def version(self) -> int: ...


#: A row that an edit form lays out as fields.
V = TypeVar("V", bound=Versioned)


class FormScreen(FittedDialog[T]):
    """Fields in a column; ``ctrl+s`` (or enter on the last field) saves, escape cancels.
    It closes with the saved row, or None when cancelled."""

    app = getters.app(RoomApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel"), priority=True),
        # Priority, so focus moves before the keys typed after it are handed to a field
        # (over a slow link, "title<tab>+2d" can arrive in one read).
        Binding("tab", "app.focus_next", N_("Next field"), show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", N_("Previous field"), show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        submit: Submit[T],
        today: date,
        *,
        version: int | None = None,
        theirs: Callable[[T], Sequence[FormField]] | None = None,
    ) -> None:
        """An edit form passes the ``version`` it was opened on (handed to ``submit`` as
        ``values.version``) and ``theirs``, which lays out a newer row as fields, so a
        conflicting save can show both versions."""
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.submit = submit
        self.today = today
        self.saving = False
        self.version = version
        self.theirs = theirs

    @classmethod
    def edit(
        cls,
        title: str,
        row: V,
        layout: Callable[[V], Sequence[FormField]],
        submit: Submit[V],
        today: date,
    ) -> FormScreen[V]:
        """A form that edits ``row``: its fields laid out by ``layout``, saved against the
        version it was read at; a newer row met on saving is laid out the same way."""
        return FormScreen(title, layout(row), submit, today, version=row.version, theirs=layout)

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="dialog"):
            yield Label(Content(self.form_title), classes="dialog-title")
            yield from self.compose_intro()
            with VerticalScroll(id="form-fields", classes="dialog-scroll"):
                for f in self.fields:
                    yield Label(
                        Content(f.label + (" *" if f.required else "")), classes="field-label"
                    )
                    if f.kind == "choice":
                        yield Select(
                            [(Content(one_line(label)), value) for label, value in f.choices],
                            value=f.value if f.value else Select.NULL,
                            prompt=pgettext("an empty choice field", "Select"),
                            allow_blank=not f.required,
                            id=f"f-{f.name}",
                            compact=self.compact,
                        )
                    else:
                        yield SafeInput(
                            value=f.value,
                            placeholder=f.placeholder,
                            id=f"f-{f.name}",
                            compact=self.compact,
                        )
                    hint = Static(Content(f.hint), id=f"h-{f.name}", classes="field-hint")
                    hint.display = bool(f.hint) or f.kind == "date"
                    yield hint
                    yield self._error_line(f"e-{f.name}")
            yield self._error_line("form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(_("Save (ctrl+s)")), variant="primary", id="save")
                yield Button(Content(_("Cancel (esc)")), id="cancel")

    @property
    def compact(self) -> bool:
        """Fields without borders on a short terminal, so more of them show at once."""
        return self.app.size.height < COMPACT_BELOW

    @staticmethod
    def _error_line(name: str) -> Static:
        line = Static("", id=name, classes="field-error")
        line.display = False  # takes no room until there is something to say
        return line

    def compose_intro(self) -> ComposeResult:
        """What a form shows above its fields (the gate decision's facts)."""
        yield from ()

    def on_mount(self) -> None:
        self.fit_soon()
        for f in self.fields:
            if f.kind == "date" and f.value:
                self._date_hint(f, f.value)
        first = self.query(f"#f-{self.fields[0].name}").first() if self.fields else None
        if first is not None:
            first.focus()

    # --- values ------------------------------------------------------------------------

    def raw(self, name: str) -> str:
        widget = self.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            value = widget.value
            return "" if value is Select.NULL or value is None else str(value)
        assert isinstance(widget, Input)
        return widget.value

    def _parse(self, f: FormField) -> object:
        text = self.raw(f.name)
        if not text.strip():
            if f.required:
                raise RuleError(
                    _("{field} is required").format(field=f.label.lower()), field=f.name
                )
            return None
        if f.kind == "date":
            return parse_date(text, self.today, field=f.label.lower(), toward=f.toward)
        if f.kind == "int":
            try:
                return int(text.strip())
            except ValueError:
                raise RuleError(
                    _("{field} must be a whole number").format(field=f.label.lower()),
                    field=f.name,
                ) from None
        if f.parse is not None:
            return f.parse(text)
        return text

    def set_error(self, name: str | None, message: str) -> None:
        target = f"#e-{name}" if name and self.query(f"#e-{name}") else "#form-error"
        line = self.query_one(target, Static)
        line.update(Content(visible(message)))
        line.display = True
        if target != "#form-error":
            self.query_one("#form-fields", VerticalScroll).scroll_to_widget(line)
        self.fit_soon()

    def clear_errors(self) -> None:
        for widget in self.query(".field-error"):
            assert isinstance(widget, Static)
            widget.update("")
            widget.display = False

    # --- live hints --------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "")[2:]
        f = next((f for f in self.fields if f.name == name), None)
        if f is not None and f.kind == "date":
            self._date_hint(f, event.value)

    def _date_hint(self, f: FormField, text: str) -> None:
        hint = self.query_one(f"#h-{f.name}", Static)
        if not text.strip():
            hint.update(Content(f.hint or _("ISO 2026-12-01, +3d, +2w, fri, dec 1, today")))
            return
        try:
            day = parse_date(text, self.today, toward=f.toward)
            hint.update(Content("→ " + describe(day, self.today)))
        except RuleError:
            hint.update(Content(_("not a date yet: 2026-12-01, +3d, fri, dec 1")))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = [w for w in self.query("#form-fields Input, #form-fields Select")]
        if event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    # --- save and cancel ----------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save once the focused field has taken every key typed before this one: keys
        reach a field through its own queue, so a fast "text, ctrl+s" would otherwise
        save the field without its last characters."""
        (self.focused or self).call_later(self._save)

    def _save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        values: dict[str, object] = {}
        ok = True
        for f in self.fields:
            try:
                values[f.name] = self._parse(f)
            except RuleError as exc:
                self.set_error(f.name, str(exc))
                ok = False
        if not ok:
            return
        try:
            job = self.submit(FormValues(values, self.version))
        except RuleError as exc:
            self.set_error(exc.field, str(exc))
            return
        self.saving = True
        self.app.gateway.run(self, job, self._saved, failed=self._failed)

    def _saved(self, result: T) -> None:
        self.saving = False
        self.dismiss(result)

    def _failed(self, exc: Exception) -> None:
        from dealroom.store.errors import ConflictError, NotFoundError

        self.saving = False
        if self.theirs is not None and self.version is not None:
            if isinstance(exc, NotFoundError):  # deleted meanwhile
                exc = ConflictError("item", 0, self.version, None, [], [], None)
            if isinstance(exc, ConflictError):
                self._conflict(exc)
                return
        self.set_error(getattr(exc, "field", None), str(exc))

    # --- someone saved first -------------------------------------------------------------

    def shown(self, f: FormField, value: str) -> str:
        """A field's value as the person reads it: a choice by its label."""
        labels = dict((v, label) for label, v in f.choices)
        return one_line(labels.get(value, value) if f.kind == "choice" else value)

    def _conflict(self, exc: ConflictError) -> None:
        from dealroom.screens.conflict import ConflictScreen, FieldPair

        pairs = None
        if exc.current is not None and self.theirs is not None:
            # The store's conflict holds the row as it is now: what the save returns.
            now = {f.name: f.value for f in self.theirs(cast(T, exc.current))}
            pairs = [
                FieldPair(f.label, self.shown(f, self.raw(f.name)), self.shown(f, now[f.name]))
                for f in self.fields
                if f.name in now
            ]
        self.app.push_screen(
            ConflictScreen(self.form_title, exc.names, pairs), lambda c: self._resolved(c, exc)
        )

    def _resolved(self, choice: str | None, exc: ConflictError) -> None:
        who = ", ".join(exc.names) or _("someone")
        if choice == "theirs":
            self.notify(
                _("Kept the version {who} saved; yours is discarded.").format(who=who),
                markup=False,
            )
            self.dismiss(None)
            return
        if exc.actual is not None:
            self.version = exc.actual  # the next save goes over their version
        if choice == "yours":
            self.action_save()
            return
        said = (
            _(
                "{who} changed this after you opened it. Saving now replaces their version; "
                "escape discards yours."
            )
            if exc.actual is not None
            else _("{who} deleted this after you opened it: escape to leave.")
        )
        self.set_error(None, said.format(who=who))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Escape closes an open choice list first; only then the form."""
        for select in self.query(Select):
            if select.expanded:
                select.expanded = False
                select.focus()
                return
        self.dismiss(None)
