"""The deal room app: wires screens, app-wide keys, the command palette and the database.

The store (SQLAlchemy and SQLModel) is imported and opened in a worker thread, so the
first frame paints before the database layer has loaded; every read and write after
that runs in a worker too (:meth:`DealroomApp.db`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType

from dealroom.palette import DealCommands
from dealroom.screens.pipeline import PipelineScreen

if TYPE_CHECKING:
    from dealroom.store.commands import Store

R = TypeVar("R")


class DealroomApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "dealroom"
    COMMANDS = App.COMMANDS | {DealCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Leave dealroom"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Every key here"),
        Binding("ctrl+p", "command_palette", "Go to", show=False),
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
        #: Deal codes in the pipeline's order, for `[` and `]` in the deal room.
        self.deal_order: list[str] = []
        self._store_ready = threading.Event()
        self._open_error: str | None = None

    def on_mount(self) -> None:
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
        try:
            result = job(self.store)
        except (RuleError, StoreError) as exc:
            self.call_from_thread(failed or self._refused, exc)
            return
        except Exception as exc:  # a bug: say so plainly, keep the app running
            self.log.error("database job failed", exc)
            self.call_from_thread(self._refused, RuntimeError(f"unexpected error: {exc}"))
            return
        if done is not None:
            self.call_from_thread(done, result)

    def _refused(self, exc: Exception) -> None:
        self.notify(str(exc), title="Not done", severity="error", timeout=8, markup=False)

    # --- app-wide actions ---------------------------------------------------------------

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
