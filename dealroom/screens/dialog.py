"""Dialogs that fit the terminal: whatever their content, the buttons stay on screen.

A dialog's long part (a form's fields, a long question, a comparison) sits in a scrolling
container of class ``dialog-scroll``; it gets the rows the title, the buttons and the
border leave, so at 80×24 the content scrolls inside and the buttons stay visible."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class FittedDialog(ModalScreen[T]):
    #: The most rows the scrolling part takes, however tall the terminal.
    SCROLL_MAX = 30

    def fit_soon(self) -> None:
        """Fit once the dialog is laid out (call from ``on_mount``)."""
        self.call_after_refresh(self.fit_dialog)

    def on_resize(self) -> None:
        self.fit_soon()

    def fit_dialog(self) -> None:
        dialogs = self.query(".dialog")
        if not dialogs:
            return
        dialog = dialogs.first()
        body = dialog.query(".dialog-scroll").first()
        rest = sum(
            w.outer_size.height + w.styles.margin.height
            for w in dialog.children
            if w is not body and w.display
        )
        room = self.size.height - rest - dialog.styles.gutter.height
        body.styles.max_height = max(3, min(self.SCROLL_MAX, room))
