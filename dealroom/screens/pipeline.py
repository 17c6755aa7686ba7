"""The pipeline: every active deal, a funnel strip, filtering as you type."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key, Resize
from textual.widgets import Input, Static

from dealroom.domain import Stage, rules
from dealroom.domain.cashflow import CashForecast
from dealroom.domain.forecast import Forecast
from dealroom.i18n import N_, _, ngettext
from dealroom.screens.live import others
from dealroom.screens.setup import WELCOME, SetupActions
from dealroom.store.views import FeedItem, PipelineRow
from dealroom.textutil import one_line
from dealroom.widgets.footer import KeysFooter
from dealroom.widgets.forecast import ForecastPanel
from dealroom.widgets.funnel import Funnel
from dealroom.widgets.rows import PipelineLayout, pipeline_row
from dealroom.widgets.safe_input import SafeInput
from dealroom.widgets.vlist import VirtualList

if TYPE_CHECKING:
    from dealroom.store import Store
    from dealroom.store.snapshot import Snapshot

SORTS: list[tuple[str, Callable[[PipelineRow], Any]]] = [
    (N_("stage"), lambda r: (-r.deal.stage.order, r.deal.close_date or date.max, r.deal.code)),
    (N_("close date"), lambda r: (r.deal.close_date or date.max, r.deal.code)),
    # in the base currency; a deal with no rate after the rest
    (N_("weighted"), lambda r: (r.base_weighted is None, -(r.base_weighted or 0), r.deal.code)),
    (N_("amount"), lambda r: (r.base_amount is None, -(r.base_amount or 0), r.deal.code)),
    (
        N_("health"),
        lambda r: (
            -(r.overdue_tasks + r.blocked_tasks + r.high_risks + r.waiting_handoffs),
            r.deal.code,
        ),
    ),
    (N_("code"), lambda r: r.deal.code),
    (N_("account"), lambda r: (r.deal.account.casefold(), r.deal.code)),
]


#: Rows read first, before the rest: more than the tallest terminal shows.
FIRST_SCREENFUL = 100
#: Seconds between keeping the pipeline read for the next start: a busy team's changes
#: reload it every few seconds.
KEEP_EVERY = 60.0
#: The most deals the app keeps for its next start, and the largest kept file it paints
#: from (~330 bytes a deal). Beyond, decoding the kept rows at the start competes with the
#: first frame for the interpreter and takes longer than reading the first screenful
#: (100,000 deals: 3.6 s against 1.0 s to data on screen); ``dealroom list`` keeps any.
KEEP_DEALS = 12_000
KEEP_BYTES = 4_000_000


def haystack(row: PipelineRow) -> str:
    """What the filter looks in: code, name, account and the leads' names."""
    d = row.deal
    return " ".join((d.code, d.name, d.account, *row.leads.values())).casefold()


def ordered(
    rows: Sequence[PipelineRow], sort_index: int, reverse: bool
) -> list[tuple[PipelineRow, str]]:
    """The rows in a sort order, each with what the filter looks in."""
    key = SORTS[sort_index][1]
    return [(r, haystack(r)) for r in sorted(rows, key=key, reverse=reverse)]


@dataclass(frozen=True)
class PreparedPipeline:
    """A pipeline load, prepared in its worker: at 10,000 deals sorting, the filter's
    haystacks and the funnel take ~100 ms that the UI thread would otherwise spend."""

    rows: list[PipelineRow]
    today: date
    sort: tuple[int, bool]
    ordered: list[tuple[PipelineRow, str]]
    funnel: dict[Stage, rules.StageFigures]


def prepare(
    rows: list[PipelineRow], today: date, sort_index: int, reverse: bool
) -> PreparedPipeline:
    funnel = rules.funnel((r.deal.stage, r.base_weighted) for r in rows)
    return PreparedPipeline(
        rows, today, (sort_index, reverse), ordered(rows, sort_index, reverse), funnel
    )


class PipelineScreen(SetupActions):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", N_("Open"), tooltip=N_("Open the deal room"), id="pipeline.open"),
        Binding(
            "slash",
            "filter",
            N_("Filter"),
            key_display="/",
            tooltip=N_("Filter as you type"),
            id="pipeline.filter",
        ),
        Binding("o", "sort", N_("Sort"), tooltip=N_("Sort by the next column"), id="pipeline.sort"),
        Binding(
            "O",
            "reverse",
            N_("Reverse"),
            show=False,
            tooltip=N_("Reverse the order"),
            id="pipeline.reverse",
        ),
        Binding(
            "u", "mine", N_("My deals"), tooltip=N_("Only deals you are on"), id="pipeline.mine"
        ),
        Binding(
            "s",
            "standup",
            N_("Standup"),
            tooltip=N_("Run the daily standup"),
            id="pipeline.standup",
        ),
        Binding(
            "m",
            "export",
            N_("Export"),
            tooltip=N_("The deals shown as a Markdown report: read, save, copy"),
            id="pipeline.export",
        ),
        Binding(
            "c",
            "closed",
            N_("Lost too"),
            show=False,
            tooltip=N_("Show lost and dropped deals"),
            id="pipeline.closed",
        ),
        Binding(
            "w",
            "my_work",
            N_("My work"),
            tooltip=N_("Your open items across deals"),
            id="pipeline.my_work",
        ),
        Binding(
            "F",
            "forecast",
            N_("Forecast"),
            tooltip=N_("Forecast in place of the funnel: 3 months, the year, per person and tier"),
            id="pipeline.forecast",
        ),
        Binding("n", "new_deal", N_("New deal"), tooltip=N_("A new deal"), id="pipeline.new_deal"),
        Binding(
            "N",
            "new_person",
            N_("New person"),
            show=False,
            tooltip=N_("A new member of the team"),
            id="pipeline.new_person",
        ),
        Binding(
            "A",
            "accounts",
            N_("Accounts"),
            show=False,
            tooltip=N_("The customers' accounts: add one, rename one, change its tier"),
            id="pipeline.accounts",
        ),
        Binding(
            "dollar_sign",
            "rates",
            N_("Rates"),
            key_display="$",
            show=False,
            tooltip=N_("The base currency and the exchange rates totals convert at"),
            id="pipeline.rates",
        ),
        Binding(
            "I",
            "import_file",
            N_("Import"),
            show=False,
            tooltip=N_("Deals, people or accounts from a CSV or Excel file: preview, then import"),
            id="pipeline.import",
        ),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="pipeline.reload"),
        Binding(
            "escape", "clear_filter", N_("Clear filter"), show=False, id="pipeline.clear_filter"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[PipelineRow] = []
        self.today = date.today()
        #: The rows in the current sort order, each with what the filter looks in.
        self._ordered: list[tuple[PipelineRow, str]] = []
        #: The rows shown: sorted and filtered.
        self._shown: list[PipelineRow] = []
        self.sort_index = 0
        self.reverse = False
        self.mine = False
        self.closed = False
        self.query_text = ""
        self._filter_pending = False
        self.loaded = False
        #: While only the first screenful is in: how many deals there are in all.
        self._total: int | None = None
        #: Whether the forecast shows in place of the funnel.
        self.forecast = False
        self._forecasts: tuple[Forecast, dict[str, str], CashForecast] | None = None
        #: Deals someone else changed, to mark once the reload is in.
        self._changed: set[Hashable] = set()
        #: The pipeline as last read (``store.snapshot``), while it is shown unchecked.
        self._kept: Snapshot | None = None
        #: When the pipeline read was last kept for the next start (``monotonic``).
        self._kept_at = -KEEP_EVERY

    def compose(self) -> ComposeResult:
        yield Static(id="title", classes="title-bar")
        yield Funnel(id="funnel")
        yield ForecastPanel(id="forecast")
        yield SafeInput(placeholder=_("filter: code, name, account or person"), id="filter")
        yield Static(id="columns", classes="column-head")
        yield VirtualList[PipelineRow](
            self._row_text, lambda r: r.deal.code, empty=_("Loading deals…"), id="deals"
        )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.today = self.app.today()
        self.query_one("#filter", Input).display = False
        self.query_one(ForecastPanel).display = False
        self._title()
        self.query_one("#deals").focus()
        # After the first frame, which it would otherwise compete with for the interpreter.
        self.call_after_refresh(
            self.run_worker, self._read_kept, thread=True, group="kept", exit_on_error=False
        )
        self.reload()

    # --- data -----------------------------------------------------------------------------

    def _read_kept(self) -> None:
        """In a thread, before the store has loaded: the pipeline as last read, shown at
        once if the event log's head is still the one it was read at."""
        key, today = self.app.pipeline_key(), self.app.today()
        if key is None:
            return
        from dealroom.store import snapshot

        found = snapshot.load(key, today, max_bytes=KEEP_BYTES)
        if found is not None:
            prepared = prepare(found.rows, today, 0, False)
            self.app.call_from_thread(self._show_kept, found, prepared)

    def _show_kept(self, found: Snapshot, prepared: PreparedPipeline) -> None:
        if self.loaded or self.mine or self.closed:
            return  # read already, or no longer what is asked for
        self._kept = found
        self._loaded(prepared)

    def reload(self) -> None:
        """Read the pipeline in a worker. The first time, in the first sort, the first
        screenful is read and shown first (at 100,000 deals the whole set takes seconds),
        then the rest; unless the pipeline kept from the last read is shown already and
        the event log's head is still the one it was read at."""
        mine, closed, sort_index, reverse = self.mine, self.closed, self.sort_index, self.reverse
        key = None
        now = monotonic()
        if not (mine or closed) and now - self._kept_at >= KEEP_EVERY:
            key, self._kept_at = self.app.pipeline_key(), now

        def everything(store: Store) -> PreparedPipeline:
            at, rows = store.reads.pipeline_at(mine=mine, include_closed=closed)
            today = store.today()
            if key is not None and len(rows) <= KEEP_DEALS:
                from dealroom.store import snapshot

                snapshot.save(key, today, at, rows)
            return prepare(rows, today, sort_index, reverse)

        def read_all() -> None:
            # Long at scale, but never waiting on a writer: no "database busy" notice.
            self.app.gateway.run(
                self, everything, self._loaded, group="pipeline", latest=True, patient=True
            )

        if self.loaded or mine or closed or (sort_index, reverse) != (0, False):
            read_all()
            return

        def head(store: Store) -> tuple[PreparedPipeline, int] | None:
            kept = self._kept  # set on the UI thread, if shown before the store opened
            if kept is not None and store.reads.log_head() == kept.head:
                return None  # what is shown is what the database holds
            rows = store.reads.pipeline(first=FIRST_SCREENFUL)
            return prepare(rows, store.today(), 0, False), store.reads.deal_count()

        def shown(result: tuple[PreparedPipeline, int] | None) -> None:
            self._kept = None  # checked: from now on, changes are read as they come
            if result is None:
                return
            self._first(*result)
            read_all()

        self.app.gateway.run(self, head, shown, group="pipeline", latest=True)

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        self._changed |= {
            f.event.deal_code for f in others(feed, self.app.actor) if f.event.deal_code
        }
        self.reload()
        if self.forecast:
            self._load_forecast()

    def action_forecast(self) -> None:
        """Show the forecast (in the base currency) in place of the funnel, or the funnel
        again."""
        self.forecast = not self.forecast
        self.query_one(ForecastPanel).display = self.forecast
        self.query_one(Funnel).display = not self.forecast
        if self.forecast:
            self._show_forecast()
            self._load_forecast()

    def _show_forecast(self) -> None:
        if self._forecasts is None or not self.forecast:
            return
        forecast, names, cash = self._forecasts
        self.query_one(ForecastPanel).show(forecast, names, cash)

    def _load_forecast(self) -> None:
        def job(store: Store) -> tuple[Forecast, dict[str, str], CashForecast]:
            names = {p.handle: p.name for p in store.reads.people()}
            return store.methods.forecast(), names, store.cash.forecast()

        def loaded(result: tuple[Forecast, dict[str, str], CashForecast]) -> None:
            self._forecasts = result
            self._show_forecast()

        self.app.gateway.run(self, job, loaded, group="forecast", latest=True)

    def _first(self, result: PreparedPipeline, total: int) -> None:
        """The first screenful, while the rest is read (no funnel yet: it needs all)."""
        if self.loaded:
            return
        self.rows, self.today, self._total = result.rows, result.today, total
        if result.sort == (self.sort_index, self.reverse):
            self._ordered = result.ordered
        else:
            self._order()
        self._show()

    def _loaded(self, result: PreparedPipeline) -> None:
        self.rows, self.today, self._total = result.rows, result.today, None
        if result.sort == (self.sort_index, self.reverse):
            self._ordered = result.ordered
        else:  # the sort changed while the rows were read
            self._order()
        self.loaded = True
        self.query_one(Funnel).show(result.funnel)
        self._show()
        changed, self._changed = self._changed, set()
        self.query_one("#deals", VirtualList).flash(changed)

    def _order(self) -> None:
        """Sort once per load or sort change; a keystroke in the filter only filters."""
        self._ordered = ordered(self.rows, self.sort_index, self.reverse)

    def _show(self) -> None:
        needle = self.query_text.casefold().strip()
        if needle:
            rows = [r for r, k in self._ordered if needle in k]
        else:
            rows = [r for r, _ in self._ordered]
        vlist = self.query_one("#deals", VirtualList)
        if not rows:
            vlist._empty = (
                _("No deal matches {filter}.").format(filter=repr(self.query_text))
                if needle
                else _("No deals you are on.")
                if self.mine
                else _(WELCOME)
            )
        vlist.set_items(rows)
        self.call_after_refresh(self._sync_header)
        self._shown = rows
        self._title(len(rows))

    def shown_codes(self) -> list[str]:
        """The codes of the deals shown, in their order: ``[`` and ``]`` in a deal room
        opened from here step through them."""
        return [row.deal.code for row in self._shown]

    def _title(self, shown: int | None = None) -> None:
        name = _(SORTS[self.sort_index][0]) + (" ↑" if self.reverse else "")
        parts = [_("Pipeline · {who}").format(who=one_line(self.app.actor))]
        if shown is not None:
            n = len(self.rows) if self._total is None else self._total
            said = ngettext("{shown} of {n} deal", "{shown} of {n} deals", n)
            parts.append(said.format(shown=shown, n=n))
            if self._total is not None:
                parts.append(_("reading the rest…"))
        parts.append(_("sorted by {sort}").format(sort=name))
        if self.rows:  # what the funnel, the forecast and the sorts add up in
            parts.append(_("in {currency}").format(currency=self.rows[0].base))
        if self.mine:
            parts.append(_("my deals"))
        if self.closed:
            parts.append(_("with lost/dropped"))
        if self.query_text:
            parts.append(_("filter “{filter}”").format(filter=one_line(self.query_text)))
        # One line high whatever it says: no layout needed.
        self.query_one("#title", Static).update(Text(" · ".join(parts)), layout=False)

    def _row_text(self, row: PipelineRow, width: int) -> list[Segment]:
        return pipeline_row(row, PipelineLayout(width), self.today)

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self._sync_header)

    def _sync_header(self) -> None:
        """Column titles as wide as the rows below them (a scrollbar takes some width)."""
        deals = self.query_one("#deals", VirtualList)
        width = deals.size.width - deals.scrollbar_size_vertical  # as the rows are laid out
        if width > 0 and width != getattr(self, "_header_width", None):
            self._header_width = width
            self.query_one("#columns", Static).update(PipelineLayout(width).header(), layout=False)

    # --- actions --------------------------------------------------------------------------

    def action_open(self) -> None:
        row = self.query_one("#deals", VirtualList).current
        if row is not None:
            self.app.open_deal(row.deal.code, order=self.shown_codes())

    @on(VirtualList.Selected, "#deals")
    def _selected(self, event: VirtualList.Selected) -> None:
        self.app.open_deal(event.item.deal.code, order=self.shown_codes())

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        # Focused now, not after the keys already queued: over SSH ``/NORD`` arrives in
        # one read, and its letters are the filter's, not the pipeline's own keys.
        self.set_focus(box)

    def on_key(self, event: Key) -> None:
        """Keys typed right after ``/`` are the filter's. Over SSH ``/nord`` arrives in one
        read, and its letters are on their way to the list before ``/`` has opened the
        filter: so ``/`` opens it here, as it passes, and a letter that reaches the screen
        while the filter has the focus is put in the filter, not taken for one of the
        pipeline's own keys (``n`` a new deal, ``o`` the sort)."""
        box = self.query_one("#filter", Input)
        if self.focused is box:
            if event.is_printable and event.character:
                event.stop()
                event.prevent_default()
                box.insert_text_at_cursor(event.character)
        elif self._opens_filter(event.key):
            event.stop()
            event.prevent_default()
            self.action_filter()

    def _opens_filter(self, key: str) -> bool:
        """Whether ``key`` is the filter's here, as the user's keymap binds it."""
        for namespace, bindings in self._binding_chain:  # the keymap applied
            if namespace is self:
                return any(b.action == "filter" for b in bindings.key_to_bindings.get(key, ()))
        return False

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if not self._filter_pending:  # keys typed or pasted in a burst filter once
            self._filter_pending = True
            self.call_later(self._apply_filter)

    def _apply_filter(self) -> None:
        self._filter_pending = False
        self._show()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        deals = self.query_one("#deals", VirtualList)
        if self.focused is deals:  # a second enter typed ahead: it was meant for the list
            self.action_open()
            return
        self.set_focus(deals)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value or box.display:
            box.value = ""
            box.display = False
            self.query_one("#deals").focus()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self._order()
        self._show()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._order()
        self._show()

    def action_mine(self) -> None:
        self.mine = not self.mine
        self.reload()

    def action_closed(self) -> None:
        self.closed = not self.closed
        self.reload()

    def action_standup(self) -> None:
        from dealroom.screens.standup import StandupScreen

        self.app.push_screen(StandupScreen())

    def action_export(self) -> None:
        codes = self.shown_codes()
        if not codes:
            self.notify(_("No deals shown to export."), timeout=3)
            return

        def build(store: Store) -> tuple[str, date]:
            from dealroom.export.report import status_report

            today = store.today()  # what `dealroom export CODE…` writes, with the funnel
            return status_report(store, codes, today=today, summary=True), today

        def read(result: tuple[str, date]) -> None:
            from dealroom.screens.reader import ReaderScreen

            text, today = result
            name = f"pipeline-{today.isoformat()}.md"
            said = ngettext("{n} deal", "{n} deals", len(codes)).format(n=len(codes))
            self.app.push_screen(ReaderScreen(said, name, text))

        self.app.gateway.run(self, build, read, group="export")

    def action_my_work(self) -> None:
        from dealroom.screens.my_work import MyWorkScreen

        self.app.push_screen(MyWorkScreen())
