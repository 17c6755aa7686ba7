"""The command palette (ctrl+p): "go to deal …" by fuzzy code or name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import Screen

from dealroom.i18n import _
from dealroom.screens.host import RoomApp
from dealroom.textutil import one_line


class DealPalette(Provider):
    """Every deal, by code and name; loaded once per palette opening, in a worker."""

    @property
    def room_app(self) -> RoomApp:
        """The app, as a RoomApp (a Provider's ``app`` is typed as any App)."""
        app = self.app
        assert isinstance(app, RoomApp)
        return app

    async def startup(self) -> None:
        self.deals: list[tuple[str, str]] = []
        try:
            self.deals = await self.room_app.gateway.read(lambda store: store.reads.deal_codes())
        except Exception:  # the palette still offers the screen's own actions
            self.deals = []

    def _open(self, code: str) -> None:
        self.room_app.open_deal(code)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for code, name in self.deals:
            label = _("go to deal {code} {name}").format(code=one_line(code), name=one_line(name))
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, label),
                    partial(self._open, code),
                    help=_("Open its deal room"),
                )

    async def discover(self) -> Hits:
        for code, name in self.deals[:20]:
            label = _("go to deal {code} {name}").format(code=code, name=one_line(name))
            yield DiscoveryHit(
                Content(label), partial(self._open, code), help=_("Open its deal room")
            )


def highlight(matcher: Matcher, label: str) -> Content:
    """The label as literal text with the matched letters marked (Textual's own highlight
    parses the label as markup, which a deal's name must never be)."""
    content = Content(label)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, label)
    for offset in offsets:
        if not label[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def screen_commands(screen: Screen[Any]) -> Iterator[SystemCommand]:
    """The current screen's own actions, so each is reachable by name too."""
    seen: set[str] = set()
    for node, binding, enabled, tooltip in screen.active_bindings.values():
        if not enabled or binding.action in seen or node is screen.app:
            continue
        what = _(tooltip or binding.tooltip or binding.description)
        if not what:
            continue
        seen.add(binding.action)
        keys = binding.key_display or screen.app.get_key_display(binding)
        described = _(binding.description)
        yield SystemCommand(
            _("{action}: {what}").format(action=described, what=what)
            if described != what
            else what,
            _("key: {keys}").format(keys=keys),
            partial(screen.app.call_later, screen.app.run_action, binding.action, node),
        )
