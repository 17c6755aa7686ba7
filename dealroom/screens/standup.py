"""The daily standup: walk the deals (or the people) one at a time, see what changed since
the last standup, capture notes and actions, and end with a summary and the minutes."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from dealroom import i18n
from dealroom.export.digest import (
    DealDigest,
    minutes_markdown,
    scope_words,
    scoped,
    walk,
    walked,
)
from dealroom.i18n import N_, _, pgettext
from dealroom.screens.live import LiveScreen, others
from dealroom.screens.standup_forms import action_form, note_form, scope_form
from dealroom.screens.standup_text import captured_text, deal_text, person_text
from dealroom.settings import SPEAKER_SECONDS
from dealroom.store.cash_views import DealCash
from dealroom.store.views import (
    DealRoomView,
    EventView,
    FeedItem,
    NoteView,
    PersonView,
    StandupView,
    TaskView,
)
from dealroom.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from dealroom.store import Store
    from dealroom.store.pages import DealPage


def day_and_time(at: datetime) -> str:
    """When, in local time, with the weekday: ``Sun 22 Nov 09:00``; ``11月22日 周日 09:00``
    in Chinese (the catalog's Babel pattern, in the language's words)."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_datetime

    pattern = pgettext(
        "date pattern (Babel/CLDR): a weekday, day, month and time", "EEE dd MMM HH:mm"
    )
    try:
        locale = Locale.parse(i18n.current())
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse(i18n.SOURCE)
    return format_datetime(at.astimezone().replace(tzinfo=None), pattern, locale=locale)


#: The deals read before the first is shown; the rest are read after, a page at a time.
FIRST_STEPS = 20


class Begun(NamedTuple):
    """The standup's preview: since when it looks, every deal to walk in the walk's order
    (by id), the first of them read, the people, and today."""

    since: datetime
    order: list[int]
    first: list[DealPage]
    people: list[PersonView]
    today: date


class Reread(NamedTuple):
    """The walked deals read again after others changed them."""

    rooms: list[DealRoomView]
    events: list[EventView]
    people: list[PersonView]
    cashes: dict[int, DealCash]


class StandupScreen(LiveScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,space", "step(1)", N_("Next"), id="standup.next"),
        Binding("p", "step(-1)", N_("Previous"), id="standup.previous"),
        Binding(
            "enter",
            "open",
            N_("Open deal"),
            tooltip=N_("Open the deal room; escape comes back"),
            id="standup.open",
        ),
        Binding(
            "a",
            "action",
            N_("Action"),
            tooltip=N_("Add an action: a task for a role"),
            id="standup.action",
        ),
        Binding(
            "o", "note", N_("Note"), tooltip=N_("Add a note to the standup"), id="standup.note"
        ),
        Binding(
            "c",
            "scope",
            N_("Scope"),
            tooltip=N_("Walk the team's deals, mine, one role's side, or one person's deals"),
            id="standup.scope",
        ),
        Binding(
            "l", "past", N_("Past"), tooltip=N_("Read past standups' minutes"), id="standup.past"
        ),
        Binding(
            "v",
            "toggle_view",
            N_("Deals/people"),
            tooltip=N_("Walk deals or people"),
            id="standup.toggle_view",
        ),
        Binding(
            "s",
            "start",
            N_("Start"),
            tooltip=N_("Start the standup: from here it is recorded (so does a note or an action)"),
            id="standup.start",
        ),
        Binding(
            "f",
            "finish",
            N_("Finish"),
            tooltip=N_("End the standup and show the summary"),
            id="standup.finish",
        ),
        Binding(
            "m",
            "minutes",
            N_("Save minutes"),
            tooltip=N_("The minutes as Markdown: read, save, copy"),
            id="standup.minutes",
        ),
        Binding(
            "escape",
            "leave",
            N_("Leave"),
            tooltip=N_("Finish (if started) and go back; a preview records nothing"),
            id="standup.leave",
        ),
    ]

    def __init__(self, since: datetime | None = None) -> None:
        super().__init__()
        self.since = since
        #: None until the standup is started: until then the screen is a preview.
        self.record: StandupView | None = None
        #: Since when the standup looks (the last finished standup, by default).
        self.since_at: datetime | None = since
        #: Every deal in play, and those the scope walks.
        self.all_digests: list[DealDigest] = []
        self.digests: list[DealDigest] = []
        #: The deals to walk not read yet (by id, in the walk's order), of how many.
        self._unread: list[int] = []
        self._walk_total = 0
        self.scope = "team"
        self.names: dict[str, str] = {}
        self.people: list[PersonView] = []
        self.today = date.today()
        self.index = 0
        self.by_person = False
        self.finished = False
        self.actions: list[TaskView] = []
        #: The notes taken in this standup, shown on their deal's step.
        self.notes: list[NoteView] = []
        self.step_started = time.monotonic()
        #: Each speaker's time in seconds (``DEALROOM_SPEAKER_MINUTES``).
        self.limit = SPEAKER_SECONDS

    def compose(self) -> ComposeResult:
        yield Static(_("Standup · starting…"), id="title", classes="title-bar")
        with VerticalScroll(id="standup-body"):
            yield Static(id="step")
            yield Markdown(id="summary")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.limit = self.app.settings.speaker_seconds
        self.query_one("#summary", Markdown).display = False
        self.set_interval(1, self._tick)
        since = self.since

        def begin(store: Store) -> Begun:
            start = since or store.standups.default_since()
            today = store.today()
            order = store.pages.standup_order(today=today)  # the team's deals, not the chair's
            first = store.pages.deals(ids=order[:FIRST_STEPS], today=today, since=start)
            return Begun(
                start, order, [d for page in first for d in page], store.reads.people(), today
            )

        self.app.gateway.run(self, begin, self._begun, group="standup")

    def _read_more(self) -> None:
        """The next page of the deals to walk, while the first are shown."""
        from dealroom.store.rooms import PAGE  # (the store is open: no import cost now)

        if not self._unread:
            return
        chunk, since, today = self._unread[:PAGE], self.since_at, self.today

        def job(store: Store) -> list[DealPage]:
            return [
                d for page in store.pages.deals(ids=chunk, today=today, since=since) for d in page
            ]

        def read(deals: list[DealPage]) -> None:
            nothing_shown = not self._steps()
            self._unread = self._unread[len(chunk) :]
            self.all_digests += walked(((d.room, d.events, d.cash) for d in deals), self.today)
            self.digests = scoped(self.all_digests, self.scope)
            if nothing_shown or self.by_person:  # a first step, or the people grew
                self._show(new_step=False)
            else:
                self._title()
            self._read_more()

        self.app.gateway.run(self, job, read, group="standup-more", patient=True)

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        """Others' changes to the deals being walked: re-read them, keep the walk's order
        and place, and leave the speaker's timer running."""
        codes = [d.code for d in self.all_digests]
        news = others(feed, self.app.actor)
        if not self.all_digests or (feed and not any(f.event.deal_code in codes for f in news)):
            return
        since = self.since_at

        def load(store: Store) -> Reread:
            rooms = store.reads.deal_rooms(codes)
            cashes = store.cash.of_deals([r.deal for r in rooms], today=store.today())
            return Reread(rooms, store.reads.events(since=since), store.reads.people(), cashes)

        self.app.gateway.run(self, load, self._reloaded, group="standup-live", latest=True)

    def _reloaded(self, result: Reread) -> None:
        rooms, events, self.people, cashes = result
        self.names = {p.handle: p.name for p in self.people}
        fresh = {d.code: d for d in walk(rooms, events, self.today, cashes)}
        self.all_digests = [fresh.get(d.code, d) for d in self.all_digests]
        self.digests = scoped(self.all_digests, self.scope)
        if not self.finished:
            self._show(new_step=False)

    def _begun(self, result: Begun) -> None:
        self.since_at, order, first, self.people, self.today = result
        self.names = {p.handle: p.name for p in self.people}
        self.all_digests = list(walked(((d.room, d.events, d.cash) for d in first), self.today))
        self._unread, self._walk_total = order[len(first) :], len(order)
        self.digests = scoped(self.all_digests, self.scope)
        self.index = 0
        self._show()
        self._read_more()

    # --- walking --------------------------------------------------------------------------

    def _steps(self) -> list[DealDigest] | list[str]:
        """The deals to walk, or the people (the roles' leads) by name."""
        if not self.by_person:
            return self.digests
        return sorted({r.lead for d in self.digests for r in d.roles if r.lead}, key=str.casefold)

    def _show(self, *, new_step: bool = True) -> None:
        steps = self._steps()
        step = self.query_one("#step", Static)
        if not steps:
            said = (
                _("Loading deals…")
                if self._unread
                else _("No open deals to walk. Press f to finish.")
            )
            step.update(Text(said, style="dim"))
            self._title()
            return
        self.index = max(0, min(self.index, len(steps) - 1))
        current = steps[self.index]
        if isinstance(current, DealDigest):
            text = deal_text(current, self.today, self.names)
            text.append_text(captured_text(current, self.notes, self.actions, self.names))
            step.update(text)
            self._mark_covered(current.code)
        else:
            step.update(person_text(current, self.digests, self.today, self.names))
        if new_step:
            self.step_started = time.monotonic()
            self.query_one("#standup-body").scroll_home(animate=False)
        self._title()

    def _mark_covered(self, code: str) -> None:
        if self.record is not None and code not in self.record.deals:
            sid = self.record.id
            self.app.gateway.run(
                self, lambda store: store.standups.cover(sid, code), self._recorded, group="standup"
            )

    def _recorded(self, record: StandupView) -> None:
        self.record = record

    def action_start(self, then: Callable[[], None] | None = None) -> None:
        """Start the standup (record it, from the preview's ``since``), then ``then``."""
        if self.record is not None or self.finished:
            if then is not None:
                then()
            return
        since, scope = self.since_at, self.scope

        def started(record: StandupView) -> None:
            self.record = record
            if record.run_by != self.app.actor:
                who = self.names.get(record.run_by, record.run_by)
                self.notify(
                    _("Joined standup #{id}, started by {who} at {time}").format(
                        id=record.id, who=who, time=f"{record.started_at.astimezone():%H:%M}"
                    ),
                    timeout=5,
                )
            d = self.current_deal()
            if d is not None:
                self._mark_covered(d.code)
            self._title()
            if then is not None:
                then()

        self.app.gateway.run(
            self,
            lambda store: store.standups.start_standup(since, scope),
            started,
            group="standup",
        )

    def _title(self) -> None:
        """What matters first, so a narrow terminal keeps it: preview or the speaker's
        time, then where the walk is, its scope and since when."""
        steps = self._steps()
        elapsed = int(time.monotonic() - self.step_started)
        text = Text(_("Standup #{id}").format(id=self.record.id) if self.record else _("Standup"))
        if self.record is None and not self.finished:
            text.append(" ")
            text.append(_("preview: s starts it"), style="bold")
        elif self.finished:
            text.append(" · " + _("finished"))
        else:
            over = elapsed > self.limit
            spent = f"{elapsed // 60}:{elapsed % 60:02d}"
            limit = f"{self.limit // 60}:{self.limit % 60:02d}"
            text.append(" · ")
            text.append(
                (_("{spent} of {limit} over time") if over else _("{spent} of {limit}")).format(
                    spent=spent, limit=limit
                ),
                style="bold reverse red" if over else "",
            )
        at, count = min(self.index + 1, len(steps)), len(steps)
        if self._unread and not self.by_person and self.scope.partition(":")[0] in ("team", "role"):
            count = self._walk_total  # every deal in play is walked, read or not yet
        where = _("person {at} of {n}") if self.by_person else _("deal {at} of {n}")
        text.append(" · " + where.format(at=at, n=count))
        if self._unread:
            text.append(" · " + _("reading the rest…"))
        text.append(" · " + scope_words(self.scope, self.names))
        if self.since_at is not None:
            text.append(" · " + _("since {time}").format(time=day_and_time(self.since_at)))
        self.query_one("#title", Static).update(text)

    def _tick(self) -> None:
        if not self.finished:
            self._title()

    def current_deal(self) -> DealDigest | None:
        if self.digests and not self.by_person and not self.finished:
            return self.digests[min(self.index, len(self.digests) - 1)]
        return None

    def action_step(self, delta: int) -> None:
        if self.finished:
            return
        self.index += delta
        self._show()

    def action_toggle_view(self) -> None:
        self.by_person = not self.by_person
        self.index = 0
        self._show()

    def action_open(self) -> None:
        d = self.current_deal()
        if d is not None:
            self.app.open_deal(d.code)

    # --- capture --------------------------------------------------------------------------

    def action_note(self) -> None:
        if self.record is None:
            self.action_start(self.action_note)
            return
        d = self.current_deal()

        def saved(note: NoteView | None) -> None:
            if note is not None:
                self.notes.append(note)
                self._show(new_step=False)
                self._saved(_("Note saved"))

        self.app.push_screen(note_form(self.record.id, d.code if d else None, self.today), saved)

    def action_action(self) -> None:
        d = self.current_deal()
        if d is None:
            self.notify(_("Actions are added while walking deals."), timeout=3)
            return
        if self.record is None:
            self.action_start(self.action_action)
            return

        def added(task: TaskView | None) -> None:
            if task is not None:
                self.actions.append(task)
                self._show(new_step=False)
                self._saved(_("Action added"))

        form = action_form(self.record.id, d.code, self.people, self.app.actor, self.today)
        self.app.push_screen(form, added)

    def action_scope(self) -> None:
        """Walk the team's deals, mine, one role's side, or one person's deals."""

        def chosen(scope: str | None) -> None:
            if scope is not None and scope != self.scope:
                self.scope = scope
                self.digests = scoped(self.all_digests, scope)
                self.index = 0
                self._show()

        self.app.push_screen(
            scope_form(self.scope, self.app.actor, self.people, self.today), chosen
        )

    def action_past(self) -> None:
        from dealroom.screens.standup_past import PastStandupsScreen

        self.app.push_screen(PastStandupsScreen())

    def _saved(self, message: str) -> None:
        self.notify(message, timeout=3)

    # --- the end --------------------------------------------------------------------------

    def action_finish(self) -> None:
        if self.record is None or self.finished:
            return
        if self._unread:  # the minutes count every deal in play: they must all be read
            self.notify(_("Still reading the deals to walk: finish in a moment."), timeout=3)
            return
        sid = self.record.id
        digests, actions, today, names = self.digests, list(self.actions), self.today, self.names

        def minutes(record: StandupView) -> str:
            return minutes_markdown(record, digests, actions, today=today, names=names)

        self.app.gateway.run(
            self,
            lambda store: store.standups.end_standup(sid, minutes),
            self._finished,
            group="standup",
        )

    def _finished(self, record: StandupView) -> None:
        self.record = record
        self.finished = True
        self.query_one("#step", Static).display = False
        summary = self.query_one("#summary", Markdown)
        summary.display = True
        summary.update(self.minutes())
        self._title()

    def minutes(self) -> str:
        assert self.record is not None
        return minutes_markdown(
            self.record, self.digests, self.actions, today=self.today, names=self.names
        )

    def action_minutes(self) -> None:
        if self.record is None:
            return
        from dealroom.screens.reader import ReaderScreen

        name = f"standup-{self.record.id}-{self.today.isoformat()}.md"
        text = self.record.minutes or self.minutes()
        title = _("Minutes of standup {id}").format(id=self.record.id)
        self.app.push_screen(ReaderScreen(title, name, text))

    def action_leave(self) -> None:
        if self.finished or self.record is None:
            self.app.pop_screen()
        else:
            self.action_finish()
