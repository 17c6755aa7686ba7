"""The app as its screens know it: who acts, the settings, the database gateway, today,
and how to open a deal.

A screen declares ``app = getters.app(RoomApp)`` and so reaches these, typed, without
importing the app module (which imports the screens). ``dealroom.app.DealroomApp`` is the
one RoomApp that runs; it opens the store and follows others' changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import getters
from textual.app import App
from textual.notifications import SeverityLevel
from textual.screen import Screen

from dealroom.domain.permissions import Standing
from dealroom.screens.gateway import Gateway, JobAnswered
from dealroom.settings import Settings
from dealroom.textutil import visible
from dealroom.widgets.role_pane import Item

if TYPE_CHECKING:
    from dealroom.store.snapshot import Key


class RoomApp(App[None]):
    """What every screen may ask of its app. Subclasses open the store (handing it to
    ``gateway.opened``) and say how a deal is opened."""

    def __init__(self, actor: str, settings: Settings, *, slow_notice: float) -> None:
        """``slow_notice``: seconds without an answer before the database is said busy."""
        super().__init__()
        #: Who acts: every change is recorded under this handle (shown through
        #: ``one_line`` wherever it is shown).
        self.actor = actor
        self.settings = settings
        #: The database: ``gateway.run(requester, job, done)`` runs ``job(store)`` in a
        #: worker and hands its result to ``done`` on the UI thread.
        self.gateway = Gateway(self, slow_notice=slow_notice, wrote=self.wrote)
        #: How the rules see whoever is at the keyboard (None until the store is open): what
        #: the screens grey out. The store has the last word on every change anyway.
        self.standing: Standing | None = None

    def administer(self, what: str) -> str | None:
        """Why the person at the keyboard may not keep ``what`` ("people are added", …):
        administrators do; None when they may, or it is not known yet."""
        return self.standing.administer(what) if self.standing is not None else None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is plain text, its controls shown as placeholders: a toast names
        people, deals, titles and paths, and none of them may act on the terminal."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def on_job_answered(self, message: JobAnswered) -> None:
        self.gateway.answered(message)

    def wrote(self, requester: object) -> None:
        """A job of ``requester`` changed the database: the other screens may show it."""

    def open_deal(
        self, code: str, *, order: Sequence[str] | None = None, focus: Item | None = None
    ) -> None:
        """Show deal ``code``'s room; ``[`` and ``]`` there step through ``order`` (the
        codes in the order the opener shows them; None: the pipeline's); ``focus``: the
        item to put the cursor on, in its pane."""
        raise NotImplementedError

    def pipeline_key(self) -> Key | None:
        """Where the pipeline as last read is kept (``store.snapshot``), for the first
        paint before the database layer has loaded; None: nothing is kept."""
        return None

    def database_file(self) -> Path | None:
        """The SQLite file the app works on (None for PostgreSQL): no save may replace it."""
        return None

    def today(self) -> date:
        """The acting person's calendar day, until the store says otherwise."""
        return date.today()


class Administered(Screen[None]):
    """A screen some of whose actions only an administrator takes: they are greyed out for
    everyone else, and the help says why. ``ADMINISTERED``: action → what it keeps
    ("people are added")."""

    ADMINISTERED: ClassVar[dict[str, str]] = {}
    app = getters.app(RoomApp)

    def refusal(self, action: str) -> str | None:
        what = self.ADMINISTERED.get(action)
        return self.app.administer(what) if what else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if self.refusal(action) is not None else True
