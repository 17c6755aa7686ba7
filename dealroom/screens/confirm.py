"""A yes/no question before something that cannot be undone."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label

from dealroom.i18n import N_, _
from dealroom.screens.dialog import FittedDialog


class ConfirmScreen(FittedDialog[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]

    def __init__(self, question: str, verb: str = "") -> None:
        super().__init__()
        self.question = question
        self.verb = verb or _("Yes")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            with VerticalScroll(classes="dialog-scroll"):  # a long title scrolls
                yield Label(Content(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    Content(_("{verb} (y)").format(verb=self.verb)), variant="error", id="yes"
                )
                yield Button(_("Keep it (n)"), id="no")

    def on_mount(self) -> None:
        self.fit_soon()
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
