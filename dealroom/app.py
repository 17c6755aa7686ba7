"""The deal room app: wires screens, app-wide keys, the command palette and the database.

The store (SQLAlchemy and SQLModel) is imported and opened in a worker thread, so the
first frame paints before the database layer has loaded; every read and write after
that runs in a worker too (:meth:`DealroomApp.db`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from dealroom.config import load_keymap
from dealroom.palette import DealCommands, screen_commands
from dealroom.screens.pipeline import PipelineScreen

if TYPE_CHECKING:
    from dealroom.store.commands import Store
    from dealroom.store.views import PipelineRow

R = TypeVar("R")

#: After this many seconds without an answer, say the database is busy.
SLOW_NOTICE = 1.0


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

    def on_mount(self) -> None:
        keymap, problem = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, title="Keymap not used", severity="warning", markup=False)
        self.push_screen(PipelineScreen())
        self.run_worker(self._open_store, thread=True, group="open", exit_on_error=False)

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
        finally:
            self._store_ready.set()

    def _show_open_error(self, message: str) -> None:
        self.notify(
            message, title="Cannot open the database", severity="error", timeout=30, markup=False
        )

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

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
        from dealroom.screens.deal_room import DealRoomScreen

        self.push_screen(DealRoomScreen(code))


def run_app(db: str | None, actor: str) -> int:
    DealroomApp(db, actor).run()
    return 0
