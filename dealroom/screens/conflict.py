"""When a save meets someone else's newer change: both versions, field by field.

Nothing is overwritten silently and nothing typed is lost: the person chooses to keep
their colleague's version, keep their own (saving over it), or go back to the form with
what they typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, Static

from dealroom.i18n import N_, _
from dealroom.screens.dialog import FittedDialog
from dealroom.textutil import one_line

Choice = Literal["theirs", "yours", "edit"]


@dataclass(frozen=True, slots=True)
class FieldPair:
    label: str
    yours: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.yours != self.theirs


def comparison(pairs: list[FieldPair], who: str) -> Table:
    table = Table(box=None, pad_edge=False, expand=True)
    table.add_column(_("Field"), style="bold", no_wrap=True)
    # Chinese has no spaces to wrap at: a long value folds rather than being cut short
    table.add_column(_("Yours"), ratio=1, overflow="fold")
    table.add_column(who, ratio=1, overflow="fold")
    for p in pairs:
        mark = "bold" if p.differs else "dim"
        table.add_row(
            Text(("≠ " if p.differs else "  ") + p.label),
            Text(p.yours or "—", style=mark),
            Text(p.theirs or "—", style=mark),
        )
    return table


class ConflictScreen(FittedDialog[Choice]):
    """``t`` keep theirs, ``y`` keep yours, ``e`` (or escape) edit again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "choose('theirs')", N_("Keep theirs"), id="conflict.theirs"),
        Binding("y", "choose('yours')", N_("Keep yours"), id="conflict.yours"),
        Binding("e,escape", "choose('edit')", N_("Edit again"), id="conflict.edit"),
    ]

    def __init__(self, what: str, by: list[str], pairs: list[FieldPair] | None) -> None:
        """``pairs`` is None when the item was deleted meanwhile."""
        super().__init__()
        self.what = what
        self.by = one_line(", ".join(by)) or _("someone")
        self.pairs = pairs

    def compose(self) -> ComposeResult:
        deleted = self.pairs is None
        said = (
            _("{what} was deleted by {who} after you opened it")
            if deleted
            else _("{what} was changed by {who} after you opened it")
        )
        with Vertical(id="conflict", classes="dialog"):
            yield Label(Content(said.format(what=self.what, who=self.by)), classes="dialog-title")
            with VerticalScroll(id="pairs", classes="dialog-scroll"):
                if self.pairs is not None:
                    theirs = _("{who} (now saved)").format(who=self.by)
                    yield Static(comparison(self.pairs, theirs))
                else:
                    yield Static(Content(_("There is nothing left to save your changes into.")))
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    Content(_("Discard mine (t)") if deleted else _("Keep theirs (t)")), id="theirs"
                )
                if not deleted:
                    yield Button(Content(_("Keep mine (y)")), variant="warning", id="yours")
                yield Button(Content(_("Edit again (e)")), variant="primary", id="edit")

    def on_mount(self) -> None:
        self.fit_soon()
        self.query_one("#edit", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("theirs", "yours", "edit"):
            self.action_choose(event.button.id)

    def action_choose(self, choice: str) -> None:
        if choice == "yours" and self.pairs is None:
            return
        self.dismiss(choice)  # type: ignore[arg-type]
