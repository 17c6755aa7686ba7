"""An Input that never sends control characters to the terminal, and keeps typed-ahead
keys in order."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from dealroom.textutil import visible


class SafeInput(Input):
    """Control characters, whether preset, typed or pasted, show as placeholders (␛).

    Textual inserts a printable key at once but runs the Input's own bound keys (arrows,
    home/end, backspace, …) only after the key has bubbled up to the app, so keys that
    arrive in one burst (typed ahead over SSH, pasted by a terminal macro) were applied
    out of order: `end` then `x` inserted the `x` first, over the selected text. Here the
    Input's own bindings run where the key arrives, in order (Textual issue #6605).
    """

    def validate_value(self, value: str) -> str:
        return visible(value)

    def _on_paste(self, event: events.Paste) -> None:
        event.text = visible(event.text)
        super()._on_paste(event)

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority:
                    event.stop()
                    event.prevent_default()
                    await self.run_action(binding.action)
                    return
        await super()._on_key(event)
