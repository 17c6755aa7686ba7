"""Every key of the screen you came from, with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


def key_rows(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(keys, what, binding id) for the screen's bindings, its focused widget's, the app's."""
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for _node, binding, _enabled, tooltip in screen.active_bindings.values():
        what = tooltip or binding.tooltip or binding.description
        keys = binding.key_display or screen.app.get_key_display(binding)
        if binding.action in seen or not what:
            continue
        seen.add(binding.action)
        rows.append((keys, what, binding.id or ""))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.rows = key_rows(screen)
        self.about = type(screen).__name__.removesuffix("Screen")

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim", no_wrap=True)
        for keys, what, ident in self.rows:
            table.add_row(Text(keys), Text(what), Text(ident))
        with Vertical(classes="dialog help"):
            yield Label(f"Keys · {self.about}", classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Static(table)
            yield Label(
                "ctrl+p: go to a deal or run an action · escape closes this", classes="field-hint"
            )

    def action_close(self) -> None:
        self.dismiss()
