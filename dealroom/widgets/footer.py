"""The footer every screen shows: Textual's, with the app's own keys first.

Textual lists the focused widget's keys, then the screen's, then the app's, and a narrow
terminal cuts from the end: at 80 columns ``? Help`` and ``q Quit`` were the ones lost.
Here they come first, so what is cut is the screen's least-used keys (all listed by ``?``).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from dealroom.i18n import _

#: The app's actions shown first, in this order.
FIRST = ("help", "quit")


def _first(widget: object) -> int:
    action = getattr(widget, "action", None)
    return FIRST.index(action) if action in FIRST else len(FIRST)


class KeysFooter(Footer):
    """The keys cut at the palette's key, not under it: a wide character cut at the edge
    of a key hidden under it blanked one of the palette key's own (``^p   到``)."""

    DEFAULT_CSS = """
    KeysFooter > HorizontalGroup.-keys {
        width: 1fr;
        height: 1;
        overflow: hidden hidden;
    }
    """

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        for key in keys:  # the bindings' words are marked (N_) where declared, said here
            if isinstance(key, FooterKey):
                key.description = _(key.description)
                if isinstance(key.tooltip, str):
                    key.tooltip = _(key.tooltip)
        palette = [w for w in keys if w.has_class("-command-palette")]  # docked right
        rest = [w for w in keys if w not in palette]
        yield from palette
        # (a stable sort: the others keep their order)
        yield HorizontalGroup(*sorted(rest, key=_first), classes="-keys")
