"""An Input that never sends control characters to the terminal."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from dealroom.textutil import visible


class SafeInput(Input):
    """Control characters, whether preset, typed or pasted, show as placeholders (␛)."""

    def validate_value(self, value: str) -> str:
        return visible(value)

    def _on_paste(self, event: events.Paste) -> None:
        event.text = visible(event.text)
        super()._on_paste(event)
