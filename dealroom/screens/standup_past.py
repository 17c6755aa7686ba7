"""Past standups: the list, newest first, and each one's minutes as kept when it ended."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from dealroom.export.digest import kept_minutes, standup_line
from dealroom.screens.host import RoomApp
from dealroom.store.views import PastStandup, PersonView, StandupView
from dealroom.textutil import one_line

if TYPE_CHECKING:
    from dealroom.store import Store


class PastStandupsScreen(Screen[None]):
    """Enter shows a standup's minutes; escape goes back."""

    app = getters.app(RoomApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="past.back"),
    ]
    DEFAULT_CSS = """
    PastStandupsScreen #past-list { height: 9; }
    PastStandupsScreen #past-minutes { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("Past standups · enter reads the minutes", classes="title-bar")
        yield OptionList(id="past-list")
        yield Markdown(id="past-minutes")
        yield Footer()

    def on_mount(self) -> None:
        def load(store: Store) -> tuple[list[StandupView], list[PersonView]]:
            return store.standups.past(), store.reads.people()

        self.app.gateway.run(self, load, self._listed)

    def _listed(self, result: tuple[list[StandupView], list[PersonView]]) -> None:
        past, people = result
        self.names = {p.handle: p.name for p in people}
        options = self.query_one("#past-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(Content(one_line(standup_line(s, self.names))), id=str(s.id)) for s in past
        )
        if past:
            options.highlighted = 0
        else:
            self.query_one("#past-minutes", Markdown).update("No standups yet.")
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        standup_id = int(event.option.id or 0)
        self.app.gateway.run(
            self,
            lambda store: store.standups.past_standup(standup_id),
            self._show,
            group="past",
            latest=True,
        )

    def _show(self, past: PastStandup) -> None:
        text = kept_minutes(past.record, past.actions, self.names, past.codes)
        self.query_one("#past-minutes", Markdown).update(text)
