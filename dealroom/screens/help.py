"""Every key of the screen you came from, with what it does."""

from __future__ import annotations

from typing import ClassVar, NamedTuple, Protocol

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from dealroom.i18n import N_, _

#: Help's sections: the app's keys (``?`` and ``q`` first), then Textual's generic ones
#: (the second's heading is shown, translated where it is shown).
OURS, TEXTUALS = "keys", N_("Textual's own")

#: What Textual's own keys do (the descriptions of its widgets' bindings), marked here so
#: the catalog has them: help shows every key's words through ``_``.
TEXTUAL_KEYS = (
    N_("Quit the app and return to the command prompt."),
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Copy selected text"),
    N_("Press button"),
    N_("Scroll Up"),
    N_("Scroll Down"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Home"),
    N_("Scroll End"),
    N_("Page Up"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    N_("Move cursor left"),
    N_("Move cursor left and select"),
    N_("Move cursor left a word"),
    N_("Move cursor left a word and select"),
    N_("Move cursor right or accept the completion suggestion"),
    N_("Move cursor right and select"),
    N_("Move cursor right a word"),
    N_("Move cursor right a word and select"),
    N_("Delete character left"),
    N_("Select all"),
    N_("Go to start"),
    N_("Go to end"),
    N_("Select line start"),
    N_("Select line end"),
    N_("Delete character right"),
    N_("Submit"),
    N_("Delete left to start of word"),
    N_("Delete all to the left"),
    N_("Delete right to start of word"),
    N_("Delete all to the right"),
    N_("Cut selected text"),
    N_("Paste text from the clipboard"),
    N_("Up"),
    N_("Down"),
    N_("First"),
    N_("Last"),
    N_("Select"),
    N_("Show menu"),
    N_("Dismiss menu"),
)

#: Help's title for each screen, by the screen's class name (without ``Screen``); any other
#: screen is named by its class.
TITLES = {
    "Pipeline": N_("Keys · Pipeline"),
    "DealRoom": N_("Keys · DealRoom"),
    "Standup": N_("Keys · Standup"),
    "PastStandups": N_("Keys · PastStandups"),
    "MyWork": N_("Keys · MyWork"),
    "History": N_("Keys · History"),
    "Reader": N_("Keys · Reader"),
    "Accounts": N_("Keys · Accounts"),
    "Rates": N_("Keys · Rates"),
    "Import": N_("Keys · Import"),
    "Template": N_("Keys · Template"),
    "Checklist": N_("Keys · Checklist"),
    "PowerMap": N_("Keys · PowerMap"),
    "Competitors": N_("Keys · Competitors"),
    "Assessment": N_("Keys · Assessment"),
    "Cash": N_("Keys · Cash"),
    "Form": N_("Keys · Form"),
    "Gate": N_("Keys · Gate"),
    "Conflict": N_("Keys · Conflict"),
    "Confirm": N_("Keys · Confirm"),
    "Info": N_("Keys · Info"),
}


class Explains(Protocol):
    """A screen that says why the rules refuse one of its actions (greyed out)."""

    def refusal(self, action: str) -> str | None: ...


class KeyRow(NamedTuple):
    section: str
    keys: str
    what: str
    ident: str
    #: Why the person at the keyboard may not do it here (empty: they may).
    why: str = ""


def key_rows(screen: Screen[object]) -> list[KeyRow]:
    """A row for every key active on ``screen``: the app's own first (help and quit, then
    the screen's and its lists', each action once with all its keys, ``↓/j``), then the
    generic ones Textual's widgets bring (no id). A key the rules refuse says why."""
    grouped: dict[tuple[int, str], list[str]] = {}
    found: dict[tuple[int, str], tuple[str, str, str]] = {}
    for node, binding, enabled, tooltip in screen.active_bindings.values():
        what = _(tooltip or binding.tooltip or binding.description)
        if not what:
            continue
        keys = binding.key_display or screen.app.get_key_display(binding)
        slot = (id(node), binding.action)
        if slot not in found or (binding.id and not found[slot][1]):  # ours says it best
            why = ""
            if not enabled and hasattr(node, "refusal"):
                explains: Explains = node
                why = explains.refusal(binding.action.split("(")[0]) or ""
            found[slot] = (what, binding.id or "", why)
            grouped.setdefault(slot, [])
        if keys not in grouped[slot]:
            grouped[slot].append(keys)

    def order(slot: tuple[int, str]) -> int:
        ident = found[slot][1]
        return 0 if ident in ("app.help", "app.quit") else 1 if ident else 2

    rows = []
    for slot in sorted(found, key=order):  # a stable sort: each group keeps its order
        what, ident, why = found[slot]
        keys = "/".join(grouped[slot])
        rows.append(KeyRow(OURS if ident else TEXTUALS, keys, what, ident, why))
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
        table.add_column(overflow="fold")  # Chinese has no spaces to wrap at: fold it
        table.add_column(style="dim", no_wrap=True)
        section = OURS
        for row in self.rows:
            if row.section != section:
                section = row.section
                table.add_row(Text(""), Text(_(section), style="bold underline"), Text(""))
            what = Text(row.what)
            if row.why:  # greyed out: the rules' own line says who may
                what.stylize("dim")
                what.append("\n" + _("not yours: {why}").format(why=row.why), style="italic")
            table.add_row(Text(row.keys), what, Text(row.ident))
        with Vertical(classes="dialog help"):
            title = TITLES.get(self.about)
            said = _(title) if title else _("Keys · {screen}").format(screen=self.about)
            yield Label(said, classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Static(table)
            yield Label(
                _("ctrl+p: go to a deal or run an action · escape closes this"),
                classes="field-hint",
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss()
