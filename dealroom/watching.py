"""Others' changes, as they happen: a thread that asks the database whether anyone
committed and posts what others did to the app, and the toasts that tell of it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message

from dealroom.i18n import _, ngettext
from dealroom.screens.live import others

if TYPE_CHECKING:
    from dealroom.store.store import Store
    from dealroom.store.views import FeedItem

#: At most this many "who did what" toasts for one batch of others' changes.
TOASTS = 3


class OthersChanged(Message):
    """Someone else committed to the database: what they did, oldest first (or, with
    ``problem``, why live updates are off)."""

    def __init__(self, feed: list[FeedItem], problem: str = "") -> None:
        super().__init__()
        self.feed = feed
        self.problem = problem


class ChangeWatcher:
    """For as long as the app runs (a thread of its own, not a worker): ask the database
    whether anyone committed, and if so post what others did. Our own changes are left
    out: the screen that made one has re-read already (see ``DealroomApp.wrote``)."""

    def __init__(self, app: App[None], interval: float) -> None:
        self.app = app
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, store: Store) -> None:
        self._thread = threading.Thread(
            target=self._watch, args=(store,), name="dealroom-watch", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _watch(self, store: Store) -> None:
        try:
            watcher = store.reads.watcher()
            last = store.reads.last_event_id()
        except Exception as exc:  # the app works without live updates; say so
            self.app.post_message(OthersChanged([], problem=str(exc)))
            return
        try:
            while not self._stop.wait(self.interval):
                try:
                    if not watcher.changed():
                        continue
                    feed = store.reads.feed(last)
                except Exception as exc:
                    self.app.log.warning("watching the database failed", exc)
                    continue
                if not feed:
                    continue
                last = feed[-1].event.id
                own = store.own_event_ids()
                news = [f for f in feed if f.event.id not in own]
                if news:
                    self.app.post_message(OthersChanged(news))  # thread-safe, does not wait
        finally:
            watcher.close()


def tell_others_changes(app: App[None], actor: str, feed: list[FeedItem]) -> None:
    """A toast per change (at most :data:`TOASTS`), and one for each handoff sent to one
    of the acting person's roles."""
    news = others(feed, actor)
    for item in news[:TOASTS]:
        where = f" · {item.event.deal_code}" if item.event.deal_code else ""
        app.notify(f"{item.by} {item.event.summary}{where}", timeout=4, markup=False)
    if len(news) > TOASTS:
        more = len(news) - TOASTS
        said = ngettext("… and {n} more change by others", "… and {n} more changes by others", more)
        app.notify(said.format(n=more), timeout=4, markup=False)
    for item in news:
        if item.handoff_for_me is not None:
            said = _("{who} sent you ({role}) a handoff on {code}: {summary}")
            app.notify(
                said.format(
                    who=item.by,
                    role=item.handoff_for_me.value,
                    code=item.event.deal_code,
                    summary=item.event.summary,
                ),
                title=_("Handoff for you"),
                severity="warning",
                timeout=10,
                markup=False,
            )
