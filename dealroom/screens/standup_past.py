"""Past standups: the list, newest first, and each one's minutes as kept when it ended."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from dealroom.export.digest import kept_minutes, standup_line
from dealroom.i18n import N_, _
from dealroom.screens.host import RoomApp
from dealroom.store.views import PastStandup, PersonView, StandupView
from dealroom.textutil import one_line
from dealroom.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from dealroom.store import Store


class PastStandupsScreen(Screen[None]):
    """Enter shows a standup's minutes; escape goes back."""

    app = getters.app(RoomApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="past.back"),
    ]
    DEFAULT_CSS = """
    PastStandupsScreen #past-list { height: 9; }
    PastStandupsScreen #past-minutes { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            _("Past standups · enter opens the minutes, to save or copy"), classes="title-bar"
        )
        yield OptionList(id="past-list")
        yield Markdown(id="past-minutes")
        yield KeysFooter()

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
            self.query_one("#past-minutes", Markdown).update(_("No standups yet."))
        options.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._load(int(event.option.id or 0), self._show)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._load(int(event.option.id or 0), self._read)

    def _load(self, standup_id: int, then: Callable[[PastStandup], None]) -> None:
        self.app.gateway.run(
            self,
            lambda store: store.standups.past_standup(standup_id),
            then,
            group="past",
            latest=True,
        )

    def _text(self, past: PastStandup) -> str:
        return kept_minutes(past.record, past.actions, self.names, past.codes)

    def _show(self, past: PastStandup) -> None:
        self.query_one("#past-minutes", Markdown).update(self._text(past))

    def _read(self, past: PastStandup) -> None:
        """The minutes in the reader, to save or copy."""
        from dealroom.screens.reader import ReaderScreen

        day = past.record.started_at.astimezone().date().isoformat()
        name = f"standup-{past.record.id}-{day}.md"
        title = _("Minutes of standup {id}").format(id=past.record.id)
        self.app.push_screen(ReaderScreen(title, name, self._text(past)))
