"""Competitors on a deal: who they are, how they stand with the customer, and our answer."""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from dealroom.domain.competitors import Competitor
from dealroom.i18n import N_
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.methods import MethodsScreen
from dealroom.store.inputs import CompetitorUpdate
from dealroom.store.method_views import CompetitorView, DealMethodsView
from dealroom.textutil import fit, one_line

#: (field, label, placeholder), in the order the form and the detail show them.
FIELDS = (
    ("name", "Name", ""),
    ("relationship", "Relationship with the customer", "who they know, past work together"),
    ("strengths", "Strengths", ""),
    ("weaknesses", "Weaknesses", ""),
    ("allies", "Allies", "integrators, consultants, insiders on their side"),
    ("differentiator", "Our differentiator", "what sets us apart for this customer"),
)


def competitor_fields(c: CompetitorView | None) -> list[FormField]:
    return [
        FormField(
            name,
            label,
            getattr(c, name) if c else "",
            required=name == "name",
            placeholder=placeholder,
        )
        for name, label, placeholder in FIELDS
    ]


def competitor_values(v: FormValues) -> dict[str, str]:
    return {name: v.text(name) for name, _, _ in FIELDS}


class CompetitorsScreen(MethodsScreen):
    TITLE = "Competitors"
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
        return "No competitors noted: a adds one."

    def render_row(self, c: CompetitorView, width: int) -> Text:
        name_width = min(24, max(10, width // 4))
        rest = max(0, width - name_width - 2)
        text = Text(" ")
        text.append(fit(one_line(c.name), name_width), style="bold")
        text.append(" ")
        parts = [
            ("+", c.strengths, "green"),
            ("−", c.weaknesses, "red"),
            ("us:", c.differentiator, "cyan"),
        ]
        shown = [(sign, value, style) for sign, value, style in parts if value]
        if not shown:
            text.append(fit("(nothing noted yet)", rest), style="dim")
            return text
        each = rest // len(shown)
        for sign, value, style in shown:
            text.append(sign + " ", style=style)
            text.append(fit(one_line(value), max(0, each - len(sign) - 2)))
            text.append(" ")
        return text

    def detail(self, c: CompetitorView) -> Text | None:
        text = Text()
        text.append(c.name, style="bold")
        for name, label, _ in FIELDS[1:]:
            value = getattr(c, name)
            text.append(f"\n{label}: ", style="dim")
            text.append(value or "—")
        return text

    def _competitor(self) -> CompetitorView | None:
        return self.rows_list.current

    def action_add(self) -> None:
        code = self.code

        def submit(v: FormValues) -> Job[CompetitorView]:
            competitor = Competitor(**competitor_values(v))
            return lambda store: store.powermap.add_competitor(code, competitor)

        form = FormScreen(f"New competitor on {code}", competitor_fields(None), submit, self.today)
        self.app.push_screen(form, self.after_form("Competitor noted"))

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
            f"Competitor {one_line(c.name)}", c, competitor_fields, submit, self.today
        )
        self.app.push_screen(form, self.after_form("Saved"))

    def action_delete(self) -> None:
        c = self._competitor()
        if c is None:
            return

        self.remove_after_asking(
            f"Remove competitor “{one_line(c.name)}”?",
            lambda store: store.powermap.delete_competitor(c.id, version=c.version),
            f"Removed {one_line(c.name)}",
        )
