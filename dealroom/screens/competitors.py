"""Competitors on a deal: who they are, how they stand with the customer, and our answer."""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType

from dealroom.domain.competitors import Competitor
from dealroom.i18n import N_, _
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.methods import MethodsScreen
from dealroom.store.inputs import CompetitorUpdate
from dealroom.store.method_views import CompetitorView, DealMethodsView
from dealroom.textutil import fit, one_line

#: (field, label, placeholder), in the order the form and the detail show them (the
#: label and placeholder marked here, translated where they are shown).
FIELDS = (
    ("name", N_("Name"), ""),
    (
        "relationship",
        N_("Relationship with the customer"),
        N_("who they know, past work together"),
    ),
    ("strengths", N_("Strengths"), ""),
    ("weaknesses", N_("Weaknesses"), ""),
    ("allies", N_("Allies"), N_("integrators, consultants, insiders on their side")),
    ("differentiator", N_("Our differentiator"), N_("what sets us apart for this customer")),
)


def competitor_fields(c: CompetitorView | None) -> list[FormField]:
    return [
        FormField(
            name,
            _(label),
            getattr(c, name) if c else "",
            required=name == "name",
            placeholder=_(placeholder) if placeholder else "",
        )
        for name, label, placeholder in FIELDS
    ]


def competitor_values(v: FormValues) -> dict[str, str]:
    return {name: v.text(name) for name, _label, _hint in FIELDS}


class CompetitorsScreen(MethodsScreen):
    TITLE = N_("Competitors")
    ENTITIES = ("competitor",)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", N_("Back"), tooltip=N_("Back to the deal room"), id="competitors.back"
        ),
        Binding("a", "add", N_("Add"), tooltip=N_("Note a competitor"), id="competitors.add"),
        Binding(
            "enter,e", "edit", N_("Edit"), tooltip=N_("Edit the competitor"), id="competitors.edit"
        ),
        Binding(
            "d,delete",
            "delete",
            N_("Delete"),
            tooltip=N_("Remove the competitor (asks first)"),
            id="competitors.delete",
        ),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="competitors.reload"),
    ]

    def rows(self, m: DealMethodsView) -> list[CompetitorView]:
        return sorted(m.competitors, key=lambda c: c.name.casefold())

    def key(self, c: CompetitorView) -> Hashable:
        return ("competitor", c.id)

    def empty_text(self) -> str:
        return _("No competitors noted: a adds one.")

    def render_row(self, c: CompetitorView, width: int) -> Text:
        name_width = min(24, max(10, width // 4))
        rest = max(0, width - name_width - 2)
        text = Text(" ")
        text.append(fit(one_line(c.name), name_width), style="bold")
        text.append(" ")
        parts = [
            ("+", c.strengths, "green"),
            ("−", c.weaknesses, "red"),
            (_("us:"), c.differentiator, "cyan"),
        ]
        shown = [(sign, value, style) for sign, value, style in parts if value]
        if not shown:
            text.append(fit(_("(nothing noted yet)"), rest), style="dim")
            return text
        each = rest // len(shown)
        for sign, value, style in shown:
            text.append(sign + " ", style=style)
            text.append(fit(one_line(value), max(0, each - cell_len(sign) - 2)))
            text.append(" ")
        return text

    def detail(self, c: CompetitorView) -> Text | None:
        text = Text()
        text.append(c.name, style="bold")
        for name, label, _hint in FIELDS[1:]:
            value = getattr(c, name)
            text.append("\n" + _("{label}: ").format(label=_(label)), style="dim")
            text.append(value or "—")
        return text

    def _competitor(self) -> CompetitorView | None:
        return self.rows_list.current

    def action_add(self) -> None:
        code = self.code

        def submit(v: FormValues) -> Job[CompetitorView]:
            competitor = Competitor(**competitor_values(v))
            return lambda store: store.powermap.add_competitor(code, competitor)

        title = _("New competitor on {code}").format(code=code)
        form = FormScreen(title, competitor_fields(None), submit, self.today)
        self.app.push_screen(form, self.after_form(_("Competitor noted")))

    def action_edit(self) -> None:
        c = self._competitor()
        if c is None:
            return

        def submit(v: FormValues) -> Job[CompetitorView]:
            values = competitor_values(v)
            return lambda store: store.powermap.update_competitor(
                c.id, CompetitorUpdate(**values), version=v.version
            )

        form = FormScreen.edit(
            _("Competitor {name}").format(name=one_line(c.name)),
            c,
            competitor_fields,
            submit,
            self.today,
        )
        self.app.push_screen(form, self.after_form(_("Saved")))

    def action_delete(self) -> None:
        c = self._competitor()
        if c is None:
            return

        self.remove_after_asking(
            _("Remove competitor “{name}”?").format(name=one_line(c.name)),
            lambda store: store.powermap.delete_competitor(c.id, version=c.version),
            _("Removed {name}").format(name=one_line(c.name)),
            button=_("Remove"),
        )
