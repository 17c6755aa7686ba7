"""A report read in the app: the deal report, the review agenda, the pipeline, a standup's
minutes, in Textual's Markdown viewer. ``s`` saves it as a file (and copies it), ``c``
copies it only: over SSH the clipboard reaches the member's own machine (OSC 52), where a
file saved on the host would not."""

from __future__ import annotations

from typing import ClassVar

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import MarkdownViewer, Static

from dealroom.i18n import N_, _
from dealroom.screens.exporting import save_markdown
from dealroom.screens.host import RoomApp
from dealroom.textutil import one_line
from dealroom.widgets.footer import KeysFooter


class ReaderScreen(Screen[None]):
    """One Markdown report, scrolled with the arrows, ``j``/``k`` and page keys."""

    app = getters.app(RoomApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", N_("Back"), id="reader.back"),
        Binding(
            "s", "save", N_("Save"), tooltip=N_("Save as a file (and copy it)"), id="reader.save"
        ),
        Binding("c", "copy", N_("Copy"), tooltip=N_("Copy to the clipboard"), id="reader.copy"),
        Binding(
            "t",
            "contents",
            N_("Contents"),
            tooltip=N_("Show or hide the table of contents"),
            id="reader.contents",
        ),
        Binding("j", "scroll(1)", N_("Down"), show=False, id="reader.down"),
        Binding("k", "scroll(-1)", N_("Up"), show=False, id="reader.up"),
    ]
    DEFAULT_CSS = "ReaderScreen MarkdownViewer { height: 1fr; }"

    def __init__(self, title: str, filename: str, text: str) -> None:
        super().__init__()
        self.report_title = title
        self.filename = filename
        self.text = text

    def compose(self) -> ComposeResult:
        heading = _("{title} · s saves {file} · c copies").format(
            title=one_line(self.report_title), file=self.filename
        )
        yield Static(Content(heading), classes="title-bar")
        yield MarkdownViewer(self.text, show_table_of_contents=False, open_links=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(MarkdownViewer).focus()

    def action_save(self) -> None:
        save_markdown(self.app, self.filename, self.text)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(_("Copied to the clipboard."), timeout=3)

    def action_contents(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def action_scroll(self, step: int) -> None:
        self.query_one(MarkdownViewer).scroll_relative(y=step, animate=False)
