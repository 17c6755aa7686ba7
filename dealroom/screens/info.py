"""A dialog that shows something and closes on escape: a factor's history, say."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from dealroom.i18n import N_, _
from dealroom.screens.dialog import FittedDialog


class InfoScreen(FittedDialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", N_("Close"), id="info.close"),
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.info_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog info"):
            yield Label(Content(self.info_title), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(self.body, id="info-body")
            yield Label(_("escape closes this"), classes="field-hint", markup=False)

    def on_mount(self) -> None:
        self.fit_soon()

    def action_close(self) -> None:
        self.dismiss()
