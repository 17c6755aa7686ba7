"""Screens that show the database and follow others' changes while open.

The app asks the database twice a second whether anyone committed (see
:mod:`dealroom.store.watch`); when someone did, it hands the news to every screen on the
stack. A screen in view refreshes at once, keeping its cursor and scroll; one covered by
another screen only notes that it is stale and refreshes when it comes back. A form open
over a screen is a screen of its own: what is typed there is never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from textual import getters
from textual.app import App
from textual.events import ScreenResume
from textual.screen import ModalScreen, Screen

from dealroom.i18n import _
from dealroom.screens.gateway import Job
from dealroom.screens.host import RoomApp
from dealroom.store.views import FeedItem

#: A changed item's key in the deal room's lists (see ``widgets.role_pane.item_key``).
ITEM_KIND = {"task": "TaskView", "risk": "RiskView", "handoff": "HandoffView"}


def others(feed: Sequence[FeedItem], actor: str) -> list[FeedItem]:
    """The news in ``feed``: what someone other than ``actor`` did."""
    return [f for f in feed if f.event.actor != actor]


def item_keys(feed: Sequence[FeedItem], code: str) -> set[Hashable]:
    """Keys of the tasks, risks and handoffs of deal ``code`` that ``feed`` touched."""
    return {
        (ITEM_KIND[f.event.entity], f.event.entity_id)
        for f in feed
        if f.event.deal_code == code and f.event.entity in ITEM_KIND
    }


def visible_screens(app: App[Any]) -> list[Screen[Any]]:
    """The top screen and, under a dialog, the screens it lets show through."""
    out: list[Screen[Any]] = []
    for screen in reversed(app.screen_stack):
        out.append(screen)
        if not isinstance(screen, ModalScreen):
            break
    return out


class LiveScreen(Screen[None]):
    """A screen of the database: ``refresh_live(feed)`` re-reads what it shows."""

    app = getters.app(RoomApp)
    stale: bool = False

    def live_changed(self, feed: Sequence[FeedItem], visible: bool) -> None:
        if visible:
            self.refresh_live(feed)
        else:
            self.stale = True

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        """Read what the screen shows again."""
        raise NotImplementedError

    def action_reload(self) -> None:
        self.reload()

    def done(self, message: str) -> Callable[[object], None]:
        """After a change of ours: say so (if there is something to say) and re-read."""

        def after(_result: object) -> None:
            if message:
                self.notify(message, timeout=3, markup=False)
            self.reload()

        return after

    def remove_after_asking(
        self, question: str, job: Job[None], message: str, button: str | None = None
    ) -> None:
        """Ask ``question`` (``button``, by default Remove / Cancel); if confirmed, run
        ``job``, say ``message`` and re-read."""
        from dealroom.screens.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.gateway.run(self, job, self.done(message))

        self.app.push_screen(ConfirmScreen(question, button or _("Remove")), confirmed)

    def after_form(self, message: str) -> Callable[[object | None], None]:
        """After a form: if it saved, say so and re-read."""

        def after(result: object | None) -> None:
            if result is not None:
                self.done(message)(result)

        return after

    def on_screen_resume(self, event: ScreenResume) -> None:
        if self.stale:
            self.stale = False
            self.refresh_live(())
