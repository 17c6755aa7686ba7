"""User text in Rich's styled lines, made inert (see :mod:`dealroom.textutil`)."""

from __future__ import annotations

from rich.console import ConsoleRenderable, RenderHook
from rich.text import Text

from dealroom.textutil import visible


class InertText(RenderHook):
    """Each text's characters through :func:`visible`, one for one, so its styles stay
    where they were; Rich then adds only its own styling."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        out: list[ConsoleRenderable] = []
        for r in renderables:
            if isinstance(r, Text) and visible(r.plain) != r.plain:
                r = r.copy()
                r.plain = visible(r.plain)
            out.append(r)
        return out
