"""What the screens of the winning methods share: one deal's methods, read in a worker,
shown as a list with a detail line under it, refreshed when others change the deal.

The checklist, power map, competitors and assessment screens are each a
:class:`MethodsScreen` that says how its rows look and what its keys do.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from dealroom.i18n import _
from dealroom.screens.gateway import Job
from dealroom.screens.live import LiveScreen, others
from dealroom.store.method_views import DealMethodsView
from dealroom.store.views import FeedItem, PersonView
from dealroom.textutil import one_line
from dealroom.widgets.footer import KeysFooter
from dealroom.widgets.vlist import VirtualList

if TYPE_CHECKING:
    from dealroom.store import Store
    from dealroom.store.errors import ConflictError

#: What a one-key change returns: the row as the store wrote it.
T = TypeVar("T")


class MethodsContents(NamedTuple):
    """What a methods screen shows: the deal's methods, the people, and today."""

    methods: DealMethodsView
    people: list[PersonView]
    today: date


def read_methods(code: str) -> Job[MethodsContents]:
    """The database job that reads deal ``code``'s methods (run in a worker)."""

    def read(store: Store) -> MethodsContents:
        return MethodsContents(
            store.methods.deal_methods(code), store.reads.people(), store.today()
        )

    return read


class MethodsScreen(LiveScreen):
    """A title bar, an optional panel, a list, a detail line and the footer."""

    #: What the title bar calls the screen ("Checklist", "Power map", …): marked with
    #: ``N_``, translated where it is shown.
    TITLE = ""
    #: The event-log entities whose changes by others mark rows for a moment.
    ENTITIES: tuple[str, ...] = ()

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.m: DealMethodsView | None = None
        self.people: list[PersonView] = []
        self.today = date.today()
        #: (entity, id) of what others changed, to mark once the reload is in.
        self._changed: set[tuple[str, int | None]] = set()
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Static(
            Text(_("{screen} · {code} · loading…").format(screen=self.title_word, code=self.code)),
            id="title",
            classes="title-bar",
        )
        yield from self.compose_panel()
        yield VirtualList[Any](self.render_row, self.key, empty=_("Loading…"), id="items")
        yield Static(id="detail", classes="detail")
        yield KeysFooter()

    def compose_panel(self) -> ComposeResult:
        """Anything between the title and the list (the power map's gaps)."""
        yield from ()

    def on_mount(self) -> None:
        self.rows_list.focus()
        self.reload()

    @property
    def title_word(self) -> str:
        """What the title bar calls the screen, in the language spoken."""
        return _(self.TITLE) if self.TITLE else ""

    @property
    def rows_list(self) -> VirtualList[Any]:
        return self.query_one("#items", VirtualList)

    # --- data -------------------------------------------------------------------------

    def reload(self) -> None:
        self.app.gateway.run(
            self, read_methods(self.code), self._loaded, group="methods", latest=True
        )

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        """Reload when the news touches this deal, or what all deals share (the checklist
        template, people)."""
        if feed and not any(f.event.deal_code in (self.code, None) for f in feed):
            return
        self._changed |= {
            (f.event.entity, f.event.entity_id)
            for f in others(feed, self.app.actor)
            if f.event.deal_code == self.code and f.event.entity in self.ENTITIES
        }
        self.reload()

    def _loaded(self, result: MethodsContents) -> None:
        self.m, self.people, self.today = result
        d = self.m.deal
        title = Text(f"{self.title_word} · ")
        title.append(one_line(d.code), style="bold")
        title.append(" " + one_line(d.name) + " · ")
        title.append(_("in {stage}").format(stage=_(d.stage.label)))
        self.query_one("#title", Static).update(title)
        first, self._shown = not self._shown, True
        self.rows_list._empty = self.empty_text()
        self.rows_list.set_items(self.rows(self.m), keep=not first)
        if first:
            self.place_cursor()
        self.show_panel()
        self.show_detail()
        changed, self._changed = self._changed, set()
        self.rows_list.flash(
            {k for k in (self.changed_key(e, i) for e, i in changed) if k is not None}
        )

    # --- what a screen says -------------------------------------------------------------

    def rows(self, m: DealMethodsView) -> list[Any]:
        raise NotImplementedError

    def render_row(self, item: Any, width: int) -> Text:
        raise NotImplementedError

    def key(self, item: Any) -> Hashable:
        raise NotImplementedError

    def detail(self, item: Any) -> Text | None:
        """The whole of the item under the cursor, under the list."""
        return None

    def empty_text(self) -> str:
        return _("Nothing here yet.")

    def place_cursor(self) -> None:
        """Where the cursor starts on the first load."""

    def show_panel(self) -> None:
        """Fill the panel from ``self.m``."""

    def changed_key(self, entity: str, entity_id: int | None) -> Hashable | None:
        """The row key of an item others changed (the entity and id of its event)."""
        return (entity, entity_id)

    @on(VirtualList.Highlighted, "#items")
    def show_detail(self) -> None:
        item = self.rows_list.current if self.is_mounted else None
        text = self.detail(item) if item is not None else None
        detail = self.query_one("#detail", Static)
        detail.display = text is not None
        detail.update(text or "")

    # --- writing ------------------------------------------------------------------------

    def write(
        self,
        job: Job[T],
        message: str,
        *,
        what: str,
        yours: Callable[[], str],
        theirs: Callable[[T], str],
        retry: Callable[[int], Job[T]] | None = None,
    ) -> None:
        """Run a one-key change (an answer, a support step). If someone changed the item
        first, the conflict dialog shows both: keep theirs (reload), or keep yours
        (``retry(their version)`` writes over it)."""
        from dealroom.store.errors import ConflictError

        def failed(exc: Exception) -> None:
            if isinstance(exc, ConflictError) and exc.actual is not None:
                self._conflict(exc, what, yours(), theirs, retry, message)
            else:
                self.notify(str(exc), title=_("Not done"), severity="error", markup=False)
                self.reload()

        self.app.gateway.run(self, job, self.done(message), failed=failed)

    def _conflict(
        self,
        exc: ConflictError,
        what: str,
        yours: str,
        theirs: Callable[[T], str],
        retry: Callable[[int], Job[T]] | None,
        message: str,
    ) -> None:
        from dealroom.screens.conflict import ConflictScreen, FieldPair

        # The store's conflict holds the row as it is now: what the write returns.
        now = theirs(cast(T, exc.current)) if exc.current else ""
        pairs = [FieldPair(what, yours, now)]

        def chosen(choice: str | None) -> None:
            if choice == "yours" and retry is not None and exc.actual is not None:
                self.app.gateway.run(self, retry(exc.actual), self.done(message))
            else:
                self.reload()

        self.app.push_screen(ConflictScreen(what, exc.names, pairs), chosen)

    def action_back(self) -> None:
        self.app.pop_screen()
