"""The daily standup: walk the deals (or the people) one at a time, see what changed since
the last standup, capture notes and actions, and end with a summary and the minutes."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from dealroom.domain import TRIANGLE
from dealroom.export.digest import DealDigest, RoleDigest, minutes_markdown, waiting_days, walk
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.live import LiveScreen, others
from dealroom.store.views import EventView, FeedItem, PersonView, StandupView, TaskView
from dealroom.textutil import one_line

if TYPE_CHECKING:
    from dealroom.app import DealroomApp


def speaker_seconds() -> int:
    """Each speaker's time: ``DEALROOM_SPEAKER_MINUTES`` (default 2)."""
    try:
        return max(10, int(float(os.environ.get("DEALROOM_SPEAKER_MINUTES", "2")) * 60))
    except ValueError:
        return 120


def role_text(r: RoleDigest, today: date, names: dict[str, str], who: str = "") -> Text:
    out = Text()
    out.append(f"{r.role.value} · {one_line(r.lead or 'no lead')}{who}\n", style="bold underline")
    lines = 0
    for e in r.changes:
        out.append("  ~ ", style="cyan")
        out.append(f"{one_line(names.get(e.actor, e.actor))}: {one_line(e.summary)}\n")
        lines += 1
    for t in r.due:
        late = t.due is not None and t.due < today
        out.append("  ! " if late else "  • ", style="bold red" if late else "yellow")
        out.append(
            f"{'overdue' if late else 'due today'}: {one_line(t.title)} "
            f"({one_line(t.owner_name or 'no owner')}, {t.due})\n"
        )
        lines += 1
    for t in r.blocked:
        out.append("  # ", style="bold yellow")
        out.append(f"blocked: {one_line(t.title)} ({one_line(t.owner_name or 'no owner')})\n")
        lines += 1
    for h in r.waiting:
        out.append("  ⇄ ", style="cyan")
        out.append(
            f"waiting: {h.from_role.value} → {h.to_role.value} {one_line(h.title)} "
            f"({waiting_days(h, today)}d)\n"
        )
        lines += 1
    for k in r.top_risks:
        out.append("  ⇑ " if k.escalated else "  ▲ ", style="bold red" if k.exposure >= 15 else "")
        out.append(f"risk {k.exposure}: {one_line(k.title)}\n")
        lines += 1
    if not lines:
        out.append("  nothing to report\n", style="dim")
    return out


def deal_text(d: DealDigest, today: date, names: dict[str, str]) -> Text:
    deal = d.room.deal
    out = Text()
    out.append(f"{one_line(deal.code)}  {one_line(deal.name)}\n", style="bold")
    out.append(
        f"{one_line(deal.account)} · {deal.stage.label} · {deal.probability}% · "
        f"close {deal.close_date or '—'}\n\n",
        style="dim",
    )
    if d.deal_changes:
        out.append("Deal\n", style="bold underline")
        for e in d.deal_changes:
            out.append("  ~ ", style="cyan")
            out.append(f"{one_line(names.get(e.actor, e.actor))}: {one_line(e.summary)}\n")
        out.append("\n")
    for r in d.roles:
        out.append_text(role_text(r, today, names))
        out.append("\n")
    return out


class StandupScreen(LiveScreen, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,space", "step(1)", "Next", id="standup.next"),
        Binding("p", "step(-1)", "Previous", id="standup.previous"),
        Binding(
            "enter",
            "open",
            "Open deal",
            tooltip="Open the deal room; escape comes back",
            id="standup.open",
        ),
        Binding(
            "a", "action", "Action", tooltip="Add an action: a task for a role", id="standup.action"
        ),
        Binding("o", "note", "Note", tooltip="Add a note to the standup", id="standup.note"),
        Binding(
            "v",
            "toggle_view",
            "Deals/people",
            tooltip="Walk deals or people",
            id="standup.toggle_view",
        ),
        Binding(
            "f",
            "finish",
            "Finish",
            tooltip="End the standup and show the summary",
            id="standup.finish",
        ),
        Binding(
            "m",
            "minutes",
            "Save minutes",
            tooltip="Save the minutes as Markdown",
            id="standup.minutes",
        ),
        Binding(
            "escape",
            "leave",
            "Leave",
            tooltip="Finish (if running) and go back",
            id="standup.leave",
        ),
    ]

    def __init__(self, since: datetime | None = None) -> None:
        super().__init__()
        self.since = since
        self.record: StandupView | None = None
        self.digests: list[DealDigest] = []
        self.names: dict[str, str] = {}
        self.people: list[PersonView] = []
        self.today = date.today()
        self.index = 0
        self.by_person = False
        self.finished = False
        self.actions: list[TaskView] = []
        self.step_started = time.monotonic()
        self.limit = speaker_seconds()

    @property
    def dr(self) -> DealroomApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Standup · starting…", id="title", classes="title-bar")
        with VerticalScroll(id="standup-body"):
            yield Static(id="step")
            yield Markdown(id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#summary", Markdown).display = False
        self.set_interval(1, self._tick)
        since = self.since

        def begin(s: Any) -> tuple[StandupView, list[Any], list[EventView], list[PersonView], date]:
            record = s.standups.start_standup(since)
            mine = [r.deal.code for r in s.reads.pipeline(mine=True)]
            rooms = s.reads.deal_rooms(mine) if mine else s.reads.deal_rooms()
            return record, rooms, s.reads.events(since=record.since), s.reads.people(), s.today()

        self.dr.db(begin, self._begun, group="standup")

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        """Others' changes to the deals being walked: re-read them, keep the walk's order
        and place, and leave the speaker's timer running."""
        codes = [d.code for d in self.digests]
        news = others(feed, self.dr.actor)
        if self.record is None or (feed and not any(f.event.deal_code in codes for f in news)):
            return
        since = self.record.since

        def load(s: Any) -> tuple[list[Any], list[EventView], list[PersonView]]:
            return s.reads.deal_rooms(codes), s.reads.events(since=since), s.reads.people()

        self.dr.db(load, self._reloaded, group="standup-live", exclusive=True)

    def _reloaded(self, result: tuple[list[Any], list[EventView], list[PersonView]]) -> None:
        rooms, events, self.people = result
        self.names = {p.handle: p.name for p in self.people}
        fresh = {d.code: d for d in walk(rooms, events, self.today)}
        self.digests = [fresh.get(d.code, d) for d in self.digests]
        if not self.finished:
            self._show(new_step=False)

    def _begun(
        self, result: tuple[StandupView, list[Any], list[EventView], list[PersonView], date]
    ) -> None:
        self.record, rooms, events, self.people, self.today = result
        self.names = {p.handle: p.name for p in self.people}
        self.digests = walk(rooms, events, self.today)
        self.index = 0
        self._show()

    # --- walking --------------------------------------------------------------------------

    def _steps(self) -> list[Any]:
        if not self.by_person:
            return self.digests
        return sorted({r.lead for d in self.digests for r in d.roles if r.lead}, key=str.casefold)

    def _show(self, *, new_step: bool = True) -> None:
        steps = self._steps()
        step = self.query_one("#step", Static)
        if not steps:
            step.update(Text("No open deals to walk. Press f to finish.", style="dim"))
            self._title()
            return
        self.index = max(0, min(self.index, len(steps) - 1))
        current = steps[self.index]
        if isinstance(current, DealDigest):
            step.update(deal_text(current, self.today, self.names))
            self._mark_covered(current.code)
        else:
            step.update(self._person_text(current))
        if new_step:
            self.step_started = time.monotonic()
            self.query_one("#standup-body").scroll_home(animate=False)
        self._title()

    def _person_text(self, name: str) -> Text:
        out = Text()
        out.append(f"{one_line(name)}\n\n", style="bold")
        for d in self.digests:
            for r in d.roles:
                if r.lead == name:
                    out.append(f"{one_line(d.code)} ", style="bold")
                    out.append_text(role_text(r, self.today, self.names))
                    out.append("\n")
        return out

    def _mark_covered(self, code: str) -> None:
        if self.record is not None and code not in self.record.deals:
            sid = self.record.id
            self.dr.db(lambda s: s.standups.cover(sid, code), self._recorded, group="standup")

    def _recorded(self, record: StandupView) -> None:
        self.record = record

    def _title(self) -> None:
        steps = self._steps()
        what = "person" if self.by_person else "deal"
        elapsed = int(time.monotonic() - self.step_started)
        text = Text(f"Standup · {what} {min(self.index + 1, len(steps))} of {len(steps)}")
        if self.record is not None:
            text.append(f" · since {self.record.since.astimezone():%a %d %b %H:%M}")
        if self.finished:
            text.append(" · finished")
        else:
            over = elapsed > self.limit
            text.append(" · ")
            text.append(
                f"{elapsed // 60}:{elapsed % 60:02d} of {self.limit // 60}:"
                f"{self.limit % 60:02d}" + (" · over time" if over else ""),
                style="bold reverse red" if over else "",
            )
        self.query_one("#title", Static).update(text)

    def _tick(self) -> None:
        if not self.finished:
            self._title()

    def current_deal(self) -> DealDigest | None:
        steps = self._steps()
        if steps and not self.by_person and not self.finished:
            return steps[min(self.index, len(steps) - 1)]
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
            self.dr.open_deal(d.code)

    # --- capture --------------------------------------------------------------------------

    def action_note(self) -> None:
        if self.record is None:
            return
        sid = self.record.id
        d = self.current_deal()
        code = d.code if d else None
        where = f" on {code}" if code else ""

        def submit(v: dict[str, Any]) -> Any:
            return lambda s: s.standups.add_note(sid, v["text"], code)

        form = FormScreen(
            f"Note{where}", [FormField("text", "Note", required=True)], submit, self.today
        )

        def saved(note: object) -> None:
            if note is not None:
                self._saved("Note saved")

        self.app.push_screen(form, saved)

    def action_action(self) -> None:
        d = self.current_deal()
        if self.record is None or d is None:
            self.notify("Actions are added while walking deals.", timeout=3)
            return
        sid, code = self.record.id, d.code
        fields = [
            FormField(
                "role",
                "Role",
                TRIANGLE[0].value,
                kind="choice",
                required=True,
                choices=[(r.value, r.value) for r in TRIANGLE],
            ),
            FormField("title", "Action (what, with its check point)", required=True),
            FormField(
                "owner",
                "Owner",
                self.dr.actor if self.dr.actor in self.names else "",
                kind="choice",
                choices=[(p.name, p.handle) for p in self.people],
            ),
            FormField("due", "Due", "", kind="date"),
        ]

        def submit(v: dict[str, Any]) -> Any:
            from dealroom.domain import Role

            return lambda s: s.standups.add_action(
                sid, code, Role(v["role"]), v["title"], owner=v["owner"], due=v["due"]
            )

        def added(task: TaskView | None) -> None:
            if task is not None:
                self.actions.append(task)
                self._saved("Action added")

        self.app.push_screen(FormScreen(f"Action on {code}", fields, submit, self.today), added)

    def _saved(self, message: str) -> None:
        self.notify(message, timeout=3)

    # --- the end --------------------------------------------------------------------------

    def action_finish(self) -> None:
        if self.record is None or self.finished:
            return
        sid = self.record.id
        self.dr.db(lambda s: s.standups.end_standup(sid), self._finished, group="standup")

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
        from dealroom.screens.exporting import save_markdown

        save_markdown(self.dr, f"standup-{self.today.isoformat()}.md", self.minutes())

    def action_leave(self) -> None:
        if self.finished or self.record is None:
            self.app.pop_screen()
        else:
            self.action_finish()
