"""The deal room app: wires screens, app-wide keys, the command palette and the database.

The store (SQLAlchemy and SQLModel) is imported and opened in a worker thread, so the
first frame paints before the database layer has loaded; every read and write after
that runs in a worker too (:class:`dealroom.screens.gateway.Gateway`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from dealroom.config import keymap_path, load_keymap
from dealroom.i18n import N_, _
from dealroom.palette import DealPalette, screen_commands
from dealroom.screens.host import RoomApp
from dealroom.screens.live import LiveScreen, visible_screens
from dealroom.screens.pipeline import PipelineScreen
from dealroom.settings import Settings
from dealroom.watching import ChangeWatcher, OthersChanged, tell_others_changes

if TYPE_CHECKING:
    from dealroom.screens.deal_room import DealRoomScreen
    from dealroom.store.snapshot import Key
    from dealroom.store.store import Store
    from dealroom.widgets.role_pane import Item

#: After this many seconds without an answer, say the database is busy.
SLOW_NOTICE = 1.0

#: Textual's own commands in the palette (``App.get_system_commands``), marked here so the
#: catalog has them: they are shown through ``_``.
TEXTUAL_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)

#: How often, in seconds, a running app asks whether anyone changed the database.
WATCH_INTERVAL = 0.5

#: How long a thread holds the GIL while another waits for it. Python's 5 ms default made
#: a worker reading rows (sqlite3 releases the GIL at every step) wait that long per row
#: while the UI thread was busy painting: a 300-item deal took ~0.8 s instead of ~0.3 s.
SWITCH_INTERVAL = 0.0005


class DealroomApp(RoomApp):
    CSS_PATH = "app.tcss"
    TITLE = "dealroom"
    COMMANDS = App.COMMANDS | {DealPalette}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", N_("Quit"), tooltip=N_("Leave dealroom"), id="app.quit"),
        Binding(
            "question_mark",
            "help",
            N_("Help"),
            key_display="?",
            tooltip=N_("Every key here"),
            id="app.help",
        ),
        Binding("ctrl+p", "command_palette", N_("Go to"), show=False, id="app.command_palette"),
    ]

    def __init__(
        self,
        db: str | None,
        actor: str,
        *,
        settings: Settings | None = None,
        today: date | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """``settings`` as the command line read them (else from the environment now)."""
        super().__init__(
            actor,
            settings if settings is not None else Settings.from_env(os.environ),
            slow_notice=SLOW_NOTICE,
        )
        self.db_location = db
        self._today = today
        self._now = now
        self._watcher = ChangeWatcher(self, WATCH_INTERVAL)
        #: The one deal room, kept installed and given each deal opened (see open_deal).
        self._deal_room: DealRoomScreen | None = None
        self._switch_interval = sys.getswitchinterval()
        #: Why the app stopped before it started (acting as someone else without being an
        #: administrator): the command line says it once the terminal is back.
        self.refusal = ""

    @property
    def store(self) -> Store | None:
        """The open store (None until it is open, or when it could not be)."""
        return self.gateway.store

    def database_file(self) -> Path | None:
        from dealroom.store.engine import sqlite_path
        from dealroom.store.location import resolve_url

        return sqlite_path(resolve_url(self.db_location))

    def pipeline_key(self) -> Key | None:
        from dealroom.store.snapshot import key_for

        return key_for(self.db_location, self.actor)

    def today(self) -> date:
        if self._today is not None:
            return self._today
        return (self._now() if self._now else datetime.now()).astimezone().date()

    def on_mount(self) -> None:
        sys.setswitchinterval(SWITCH_INTERVAL)
        path = keymap_path(self.settings.keymap)
        keymap, problem = load_keymap(path)
        if keymap:
            from dealroom.config import keymap_problems
            from dealroom.screens.keys import scopes

            self.set_keymap(keymap)
            wrong = keymap_problems(keymap, scopes(type(self)))
            if wrong:  # said once, at the start
                self.notify(
                    _("{path}: {problems} (? lists every id and its keys)").format(
                        path=path, problems="; ".join(wrong)
                    ),
                    title=_("Keymap"),
                    severity="warning",
                    timeout=12,
                    markup=False,
                )
        if problem:
            self.notify(problem, title=_("Keymap not used"), severity="warning", markup=False)
        self.push_screen(PipelineScreen())
        # After the first frame: importing the store would compete with it for the GIL.
        self.call_after_refresh(
            self.run_worker, self._open_store, thread=True, group="open", exit_on_error=False
        )

    def _open_store(self) -> None:
        from dealroom.domain import RuleError
        from dealroom.store import StoreError, open_store
        from dealroom.store.errors import IdentityError

        options: dict[str, Any] = {}
        if self._today is not None:
            options["today"] = self._today
        if self._now is not None:
            options["now"] = self._now
        try:
            store = open_store(self.db_location, actor=self.actor, **options)
        except IdentityError as exc:  # who acts is not for the app to fix: it stops, and
            self.gateway.opened(None)  # the command line says why, as for any refusal
            self.refusal = str(exc)
            self.call_from_thread(self.exit, return_code=1)
            return
        except (StoreError, RuleError) as exc:
            self.gateway.opened(None)
            self.call_from_thread(self._show_open_error, str(exc))
            return
        except BaseException:
            self.gateway.opened(None)
            raise
        try:
            self.standing = store.reads.standing()
        except StoreError:  # the screens grey nothing out; the store still refuses
            self.standing = None
        self.gateway.opened(store)
        if not store.writable:
            self.call_from_thread(self._show_read_only, store.read_only_reason())
        self._watcher.start(store)

    def _show_open_error(self, message: str) -> None:
        self.notify(
            message,
            title=_("Cannot open the database"),
            severity="error",
            timeout=30,
            markup=False,
        )

    def _show_read_only(self, reason: str) -> None:
        self.notify(
            reason,
            title=_("Read-only: you can look, not change"),
            severity="warning",
            timeout=20,
            markup=False,
        )

    def on_unmount(self) -> None:
        sys.setswitchinterval(self._switch_interval)
        self._watcher.stop()
        if self.store is not None:
            self.store.close()

    # --- changes, as they happen ---------------------------------------------------------

    def on_others_changed(self, message: OthersChanged) -> None:
        if message.problem:
            self.notify(
                _("Others' changes show only when you reload (ctrl+r): {problem}").format(
                    problem=message.problem
                ),
                title=_("Live updates off"),
                severity="warning",
                markup=False,
            )
            return
        tell_others_changes(self, self.actor, message.feed)
        visible = visible_screens(self)
        for screen in self.screen_stack:
            if isinstance(screen, LiveScreen):
                screen.live_changed(message.feed, screen in visible)

    def wrote(self, requester: object) -> None:
        """A job of ``requester`` changed the database. The requester re-reads by itself,
        and so does the screen under a dialog that wrote (a form's result reloads it); the
        other screens re-read now if in view, else when they come back."""
        visible = visible_screens(self)
        spared = {requester}
        if isinstance(requester, ModalScreen) and requester in visible:
            spared.update(visible)
        for screen in self.screen_stack:
            if isinstance(screen, LiveScreen) and screen not in spared:
                screen.live_changed((), screen in visible)

    # --- app-wide actions ---------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):  # Textual's, in our words
            yield command._replace(title=_(command.title), help=_(command.help))
        yield from screen_commands(screen)

    def action_help(self) -> None:
        from dealroom.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def open_deal(
        self, code: str, *, order: Sequence[str] | None = None, focus: Item | None = None
    ) -> None:
        """Show deal ``code``'s room. The first open composes the deal room and installs it;
        later ones read the deal first and push the same screen with it (one query and one
        paint, no compose). A room already on the stack (a deal opened from another
        deal's room) gets a screen of its own."""
        from dealroom.screens.deal_room import DealRoomScreen
        from dealroom.screens.deal_room_base import RoomContents, read_room

        codes = list(order) if order is not None else self._pipeline_order()
        room = self._deal_room
        if room is None:
            room = self._deal_room = DealRoomScreen(code, codes)
            room.focus_on = focus
            self.install_screen(room, name="deal-room")
            self.push_screen(room)
            return
        if room in self.screen_stack:
            another = DealRoomScreen(code, codes)
            another.focus_on = focus
            self.push_screen(another)
            return
        opener = self.screen

        def loaded(contents: RoomContents) -> None:
            if self.screen is opener and room not in self.screen_stack:
                room.focus_on = focus
                room.show_deal(contents, codes)
                self.push_screen(room)

        self.gateway.run(room, read_room(code), loaded, group="room", latest=True)

    def _pipeline_order(self) -> list[str]:
        """The deals as the pipeline shows them now (it is always at the bottom)."""
        for screen in self.screen_stack:
            if isinstance(screen, PipelineScreen):
                return screen.shown_codes()
        return []


def run_app(db: str | None, actor: str, settings: Settings) -> str:
    """Run the app; returns why it refused to start (empty: it ran)."""
    app = DealroomApp(db, actor, settings=settings)
    app.run()
    return app.refusal
