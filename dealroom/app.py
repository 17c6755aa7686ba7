"""The deal room app: wires screens, app-wide keys, the command palette and the database.

The store (SQLAlchemy and SQLModel) is imported and opened in a worker thread, so the
first frame paints before the database layer has loaded; every read and write after
that runs in a worker too (:meth:`DealroomApp.db`).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen

from dealroom.config import load_keymap
from dealroom.palette import DealCommands, screen_commands
from dealroom.screens.pipeline import PipelineScreen

if TYPE_CHECKING:
    from dealroom.screens.deal_room import DealRoomScreen
    from dealroom.store.store import Store
    from dealroom.store.views import FeedItem, PipelineRow

R = TypeVar("R")

#: After this many seconds without an answer, say the database is busy.
SLOW_NOTICE = 1.0

#: How often, in seconds, a running app asks whether anyone changed the database.
WATCH_INTERVAL = 0.5

#: At most this many "who did what" toasts for one batch of others' changes.
TOASTS = 3

#: How long a thread holds the GIL while another waits for it. Python's 5 ms default made
#: a worker reading rows (sqlite3 releases the GIL at every step) wait that long per row
#: while the UI thread was busy painting: a 300-item deal took ~0.8 s instead of ~0.3 s.
SWITCH_INTERVAL = 0.0005


class DealroomApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "dealroom"
    COMMANDS = App.COMMANDS | {DealCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Leave dealroom", id="app.quit"),
        Binding(
            "question_mark",
            "help",
            "Help",
            key_display="?",
            tooltip="Every key here",
            id="app.help",
        ),
        Binding("ctrl+p", "command_palette", "Go to", show=False, id="app.command_palette"),
    ]

    def __init__(
        self,
        db: str | None,
        actor: str,
        *,
        today: date | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.db_location = db
        self.actor = actor
        self._today = today
        self._now = now
        self.store: Store | None = None
        #: The pipeline's rows as shown, for `[` and `]` in the deal room.
        self.deal_order: list[PipelineRow] = []
        self._store_ready = threading.Event()
        self._open_error: str | None = None
        self._stop_watching = threading.Event()
        self._watcher: threading.Thread | None = None
        #: The one deal room, kept installed and given each deal opened (see open_deal).
        self._deal_room: DealRoomScreen | None = None
        self._switch_interval = sys.getswitchinterval()

    def on_mount(self) -> None:
        sys.setswitchinterval(SWITCH_INTERVAL)
        keymap, problem = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, title="Keymap not used", severity="warning", markup=False)
        self.push_screen(PipelineScreen())
        # After the first frame: importing the store would compete with it for the GIL.
        self.call_after_refresh(
            self.run_worker, self._open_store, thread=True, group="open", exit_on_error=False
        )

    def _open_store(self) -> None:
        from dealroom.domain import RuleError
        from dealroom.store import StoreError, open_store

        options: dict[str, Any] = {}
        if self._today is not None:
            options["today"] = self._today
        if self._now is not None:
            options["now"] = self._now
        try:
            self.store = open_store(self.db_location, actor=self.actor, **options)
        except (StoreError, RuleError) as exc:
            self._open_error = str(exc)
            self.call_from_thread(self._show_open_error, str(exc))
            return
        finally:
            self._store_ready.set()
        if not self.store.writable:
            self.call_from_thread(self._show_read_only, self.store.read_only_reason())
        # A thread of its own, not a worker: it runs as long as the app does.
        self._watcher = threading.Thread(
            target=self._watch, args=(self.store,), name="dealroom-watch", daemon=True
        )
        self._watcher.start()

    def _show_open_error(self, message: str) -> None:
        self.notify(
            message, title="Cannot open the database", severity="error", timeout=30, markup=False
        )

    def _show_read_only(self, reason: str) -> None:
        self.notify(
            reason,
            title="Read-only: you can look, not change",
            severity="warning",
            timeout=20,
            markup=False,
        )

    def on_unmount(self) -> None:
        sys.setswitchinterval(self._switch_interval)
        self._stop_watching.set()
        if self._watcher is not None:
            self._watcher.join(timeout=2)
        if self.store is not None:
            self.store.close()

    # --- others' changes, as they happen -------------------------------------------------

    def _watch(self, store: Store) -> None:
        """For as long as the app runs: ask the database whether anyone committed, and if
        so hand what they did to the UI."""
        try:
            watcher = store.reads.watcher()
            last = store.reads.last_event_id()
        except Exception as exc:  # the app works without live updates; say so
            self.post_message(self.Changed([], problem=str(exc)))
            return
        try:
            while not self._stop_watching.wait(WATCH_INTERVAL):
                try:
                    if not watcher.changed():
                        continue
                    feed = store.reads.feed(last)
                except Exception as exc:
                    self.log.warning("watching the database failed", exc)
                    continue
                if feed:
                    last = feed[-1].event.id
                    self.post_message(self.Changed(feed))  # thread-safe, does not wait
        finally:
            watcher.close()

    class Changed(Message):
        """Someone committed to the database: what they did, oldest first."""

        def __init__(self, feed: list[FeedItem], problem: str = "") -> None:
            super().__init__()
            self.feed = feed
            self.problem = problem

    def on_dealroom_app_changed(self, message: Changed) -> None:
        if message.problem:
            self.notify(
                f"Others' changes show only when you reload (ctrl+r): {message.problem}",
                title="Live updates off",
                severity="warning",
                markup=False,
            )
            return
        self._changed(message.feed)

    def _changed(self, feed: list[FeedItem]) -> None:
        from dealroom.screens.live import LiveScreen, others

        news = others(feed, self.actor)
        for item in news[:TOASTS]:
            where = f" · {item.event.deal_code}" if item.event.deal_code else ""
            self.notify(f"{item.by} {item.event.summary}{where}", timeout=4, markup=False)
        if len(news) > TOASTS:
            self.notify(
                f"… and {len(news) - TOASTS} more changes by others", timeout=4, markup=False
            )
        for item in news:
            if item.handoff_for_me is not None:
                self.notify(
                    f"{item.by} sent you ({item.handoff_for_me.value}) a handoff on "
                    f"{item.event.deal_code}: {item.event.summary}",
                    title="Handoff for you",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
        visible = self._visible_screens()
        for screen in self.screen_stack:
            if isinstance(screen, LiveScreen):
                screen.live_changed(feed, screen in visible)

    def _visible_screens(self) -> list[Screen[Any]]:
        """The top screen and, under a dialog, the screens it lets show through."""
        from textual.screen import ModalScreen

        out: list[Screen[Any]] = []
        for screen in reversed(self.screen_stack):
            out.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return out

    # --- the database, always off the UI thread ------------------------------------------

    def db(
        self,
        job: Callable[[Store], R],
        done: Callable[[R], object] | None = None,
        *,
        failed: Callable[[Exception], object] | None = None,
        group: str = "db",
        exclusive: bool = False,
    ) -> None:
        """Run ``job(store)`` in a worker; hand its result to ``done`` on the UI thread.

        A refusal (a rule, a conflict, a locked or read-only database) goes to ``failed``
        if given, else it is shown as a notification; nothing reaches the user as a
        traceback.
        """
        self.run_worker(
            lambda: self._db_job(job, done, failed),
            thread=True,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
        )

    def _db_job(
        self,
        job: Callable[[Store], R],
        done: Callable[[R], object] | None,
        failed: Callable[[Exception], object] | None,
    ) -> None:
        from dealroom.domain import RuleError
        from dealroom.store import StoreError

        self._store_ready.wait()
        if self.store is None:
            return
        slow = self.call_from_thread(self.set_timer, SLOW_NOTICE, self._slow)
        try:
            result = job(self.store)
        except (RuleError, StoreError) as exc:
            self.call_from_thread(failed or self._refused, exc)
            return
        except Exception as exc:  # a bug: say so plainly, keep the app running
            self.log.error("database job failed", exc)
            self.call_from_thread(self._refused, RuntimeError(f"unexpected error: {exc}"))
            return
        finally:
            self.call_from_thread(slow.stop)
        if done is not None:
            self.call_from_thread(done, result)

    def _slow(self) -> None:
        self.notify("Waiting for the database (another user may be writing)…", timeout=3)

    def _refused(self, exc: Exception) -> None:
        self.notify(str(exc), title="Not done", severity="error", timeout=8, markup=False)

    # --- app-wide actions ---------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from screen_commands(screen)

    def action_help(self) -> None:
        from dealroom.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def open_deal(self, code: str) -> None:
        """Show deal ``code``'s room. The first open composes the deal room and installs it;
        later ones read the deal first and push the same screen with it (one query and one
        paint, no compose). A room already on the stack (a deal opened from another
        deal's room) gets a screen of its own."""
        from dealroom.screens.deal_room import DealRoomScreen, read_room

        room = self._deal_room
        if room is None:
            room = self._deal_room = DealRoomScreen(code)
            self.install_screen(room, name="deal-room")
            self.push_screen(room)
            return
        if room in self.screen_stack:
            self.push_screen(DealRoomScreen(code))
            return
        opener = self.screen

        def loaded(result: Any) -> None:
            if self.screen is opener and room not in self.screen_stack:
                room.show_deal(result)
                self.push_screen(room)

        self.db(read_room(code), loaded, group=f"room-{code}", exclusive=True)


def run_app(db: str | None, actor: str) -> int:
    DealroomApp(db, actor).run()
    return 0
