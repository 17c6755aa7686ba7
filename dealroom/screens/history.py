"""A deal's history: every change, newest first, with who, when and each field's old and
new value (long text as a word diff). ``r`` narrows it to one role's side, ``k`` to one
kind of change, ``s`` to the changes since a day, ``i`` to the item the cursor was on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from dealroom.domain import TRIANGLE, Role, describe
from dealroom.domain.history import KINDS, FieldChange
from dealroom.i18n import N_
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.host import RoomApp
from dealroom.store.views import HistoryEntry
from dealroom.textutil import one_line
from dealroom.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from dealroom.store import Store

#: What a history can be narrowed to, in the order ``r`` cycles them.
ROLES: tuple[Role | None, ...] = (None, *TRIANGLE)

_DIFF_STYLE = {" ": "", "-": "red strike", "+": "green bold"}
_DIFF_MARK = {" ": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}


def change_text(change: FieldChange, indent: int) -> Text:
    """One field's change: ``field: old → new``, or a long text's word diff, its removed
    words marked ``[-…-]`` and added ones ``{+…+}`` (in colour too)."""
    out = Text(" " * indent)
    out.append(change.field + ": ", style="dim")
    if not change.long:
        plain = change.short()
        out.append(one_line(plain[len(change.field) + 2 :]))
        return out
    for kind, words in change.diff():
        before, after = _DIFF_MARK[kind]
        out.append(before + one_line(words) + after, style=_DIFF_STYLE[kind])
    return out


def history_text(entries: Sequence[HistoryEntry], today: date) -> Text:
    """The history as lines: a head line per change (when, who, what), then its fields."""
    out = Text()
    if not entries:
        out.append("No changes match.", style="dim")
        return out
    for n, entry in enumerate(entries):
        e = entry.event
        local = e.at.astimezone()
        when = local.strftime("today %H:%M" if local.date() == today else "%Y-%m-%d %H:%M")
        if n:
            out.append("\n")
        out.append(f"{when}  ", style="dim")
        out.append(one_line(entry.actor_name), style="bold")
        if e.by:  # an administrator acted for them
            out.append(f" (by {one_line(e.by)})", style="dim")
        out.append(f"  {entry.item}  ")
        out.append(one_line(e.summary))
        for change in entry.changes:
            out.append("\n")
            out.append_text(change_text(change, 4))
    return out


class HistoryScreen(Screen[None]):
    """The history of one deal, narrowed as the title bar says."""

    app = getters.app(RoomApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="history.back"),
        Binding(
            "r",
            "role",
            N_("Role"),
            tooltip=N_("Only one role's side: all, AR, SR, FR"),
            id="history.role",
        ),
        Binding(
            "t",
            "kind",
            N_("Kind"),
            tooltip=N_("Only one kind of change: task, gate, stage…"),
            id="history.kind",
        ),
        Binding(
            "s",
            "since",
            N_("Since"),
            tooltip=N_("Only the changes since a day"),
            id="history.since",
        ),
        Binding(
            "i",
            "item",
            N_("Item"),
            tooltip=N_("Only the item the cursor was on"),
            id="history.item",
        ),
        Binding("j,down", "scroll(1)", N_("Down"), show=False, id="history.down"),
        Binding("k,up", "scroll(-1)", N_("Up"), show=False, id="history.up"),
    ]
    DEFAULT_CSS = """
    HistoryScreen #history-scroll { height: 1fr; }
    HistoryScreen #history-body { width: 1fr; }
    """

    def __init__(self, code: str, today: date, item: tuple[str, int] | None = None) -> None:
        super().__init__()
        self.code = code
        self.today = today
        #: The item the cursor was on when the history opened (``i`` narrows to it).
        self.candidate = item
        self.item: tuple[str, int] | None = None
        self.role: Role | None = None
        self.kind: str | None = None
        self.since: date | None = None
        self.shown = 0

    def compose(self) -> ComposeResult:
        yield Static(id="history-title", classes="title-bar")
        with VerticalScroll(id="history-scroll"):
            yield Static(Text("Loading…", style="dim"), id="history-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#history-scroll").focus()

    def reload(self) -> None:
        code, role, kind, item = self.code, self.role, self.kind, self.item
        start = (
            datetime.combine(self.since, time()).astimezone(UTC) if self.since is not None else None
        )

        def job(store: Store) -> list[HistoryEntry]:
            return store.reads.history(code, role=role, kind=kind, since=start, item=item)

        self._title()
        self.app.gateway.run(self, job, self._loaded, group="history", latest=True)

    def _loaded(self, entries: list[HistoryEntry]) -> None:
        self.shown = len(entries)
        self._title()
        self.query_one("#history-body", Static).update(history_text(entries, self.today))

    def _title(self) -> None:
        parts = [f"History of {one_line(self.code)}"]
        if self.item is not None:
            parts.append(f"{self.item[0]} #{self.item[1]}")
        parts.append(f"role {self.role.value}" if self.role else "every role")
        parts.append(f"only {self.kind}" if self.kind else "every kind")
        if self.since is not None:
            parts.append(f"since {describe(self.since, self.today)}")
        parts.append(f"{self.shown} change" + ("" if self.shown == 1 else "s"))
        self.query_one("#history-title", Static).update(Content(" · ".join(parts)))

    # --- narrowing --------------------------------------------------------------------

    def action_role(self) -> None:
        self.role = ROLES[(ROLES.index(self.role) + 1) % len(ROLES)]
        self.reload()

    def action_kind(self) -> None:
        kinds: tuple[str | None, ...] = (None, *KINDS)
        self.kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)]
        self.reload()

    def action_item(self) -> None:
        if self.candidate is None:
            self.notify("The cursor was on no item when the history opened.")
            return
        self.item = None if self.item else self.candidate
        self.reload()

    def action_since(self) -> None:
        field = FormField(
            "since",
            "Since (empty: from the start)",
            self.since.isoformat() if self.since else "",
            kind="date",
            hint="2026-12-01, mon, -7d, yesterday",
            toward="past",
        )

        def submit(v: FormValues) -> Job[tuple[date | None]]:
            day = v.date("since")
            return lambda _store: (day,)

        form = FormScreen("History since", [field], submit, self.today)
        self.app.push_screen(form, self._since_chosen)

    def _since_chosen(self, chosen: tuple[date | None] | None) -> None:
        if chosen is None or chosen[0] == self.since:  # cancelled, or the same day
            return
        self.since = chosen[0]
        self.reload()

    def action_scroll(self, step: int) -> None:
        scroll = self.query_one("#history-scroll", VerticalScroll)
        scroll.scroll_relative(y=step, animate=False)
