"""The baseline for cold start and memory: a bare Textual app (Header, Static, Footer).

``python -m bench.bare`` paints :data:`TEXT` and waits for ``q``; with ``--sqlmodel`` it
also imports SQLModel first (the memory baseline: the UI plus the database layer).
"""

from __future__ import annotations

import sys
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

#: What the benchmark waits for to call the first frame painted.
TEXT = "bare textual app"


class BareApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(TEXT)
        yield Footer()


def main(argv: list[str]) -> int:
    if "--sqlmodel" in argv:
        import sqlmodel  # noqa: F401  (the cost being measured)
    BareApp().run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
