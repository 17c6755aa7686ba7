"""A deal's history: every change, newest first, with who, when and each field's old and
new value (long text as a word diff). ``r`` narrows it to one role's side, ``k`` to one
kind of change, ``s`` to the changes since a day, ``i`` to the item the cursor was on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
from dealroom.domain.assessment import FACTOR_BY_KEY
from dealroom.domain.history import KINDS, FieldChange, kind_label, value_text
from dealroom.i18n import N_, _, ngettext, pgettext
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.host import RoomApp
from dealroom.store.views import HistoryEntry
from dealroom.textutil import one_line
from dealroom.widgets.footer import KeysFooter
from dealroom.widgets.rows import ITEM_STATES, STATUS_WORDS

if TYPE_CHECKING:
    from dealroom.store import Store

#: What a history can be narrowed to, in the order ``r`` cycles them.
ROLES: tuple[Role | None, ...] = (None, *TRIANGLE)

#: The logged values read as words of the catalog, per field: states and answers.
WORDED = {
    "status": frozenset({*ITEM_STATES, *(str(s) for s in STATUS_WORDS)}),
    "state": frozenset(ITEM_STATES),
    "answer": frozenset({"yes", "partly", "no"}),
}


def factor_said(key: str) -> str:
    """An assessment factor as the log keeps it (``solution_fit``), in the language
    spoken: the key itself in English."""
    words = {
        "project": pgettext("assessment factor key", "project"),
        "customer_business": pgettext("assessment factor key", "customer_business"),
        "finances": pgettext("assessment factor key", "finances"),
        "funding": pgettext("assessment factor key", "funding"),
        "compelling_event": pgettext("assessment factor key", "compelling_event"),
        "decision_criteria": pgettext("assessment factor key", "decision_criteria"),
        "solution_fit": pgettext("assessment factor key", "solution_fit"),
        "sales_resources": pgettext("assessment factor key", "sales_resources"),
        "relationships": pgettext("assessment factor key", "relationships"),
        "unique_value": pgettext("assessment factor key", "unique_value"),
        "internal_support": pgettext("assessment factor key", "internal_support"),
        "executive_trust": pgettext("assessment factor key", "executive_trust"),
        "culture_fit": pgettext("assessment factor key", "culture_fit"),
        "informal_criteria": pgettext("assessment factor key", "informal_criteria"),
        "political_alignment": pgettext("assessment factor key", "political_alignment"),
        "near_term_revenue": pgettext("assessment factor key", "near_term_revenue"),
        "future_revenue": pgettext("assessment factor key", "future_revenue"),
        "margin": pgettext("assessment factor key", "margin"),
        "risk": pgettext("assessment factor key", "risk"),
        "strategic_value": pgettext("assessment factor key", "strategic_value"),
    }
    return words.get(key, key)


def worded(change: FieldChange) -> str | None:
    """``todo → done`` in the language spoken, for a field whose values are states,
    answers or assessment factors; None for any other field (the change says its values
    itself)."""
    if change.field == "factor":
        words: frozenset[str] = frozenset(FACTOR_BY_KEY)
        translate: Callable[[str], str] = factor_said
    else:
        words = WORDED.get(change.field, frozenset())
        translate = _
    if not any(v in words for v in (change.old, change.new)):
        return None

    def said(value: object) -> str:
        return translate(value) if isinstance(value, str) and value in words else value_text(value)

    new = said(change.new)
    return new if change.old is None else f"{said(change.old)} → {new}"


_DIFF_STYLE = {" ": "", "-": "red strike", "+": "green bold"}
_DIFF_MARK = {" ": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}


def change_text(change: FieldChange, indent: int) -> Text:
    """One field's change: ``field: old → new``, or a long text's word diff, its removed
    words marked ``[-…-]`` and added ones ``{+…+}`` (in colour too)."""
    out = Text(" " * indent)
    out.append(_("{label}: ").format(label=change.label), style="dim")
    if not change.long:
        plain = worded(change) or change.short()[len(change.field) + 2 :]
        out.append(one_line(plain))
        return out
    for kind, words in change.diff():
        before, after = _DIFF_MARK[kind]
        out.append(before + one_line(words) + after, style=_DIFF_STYLE[kind])
    return out


def history_text(entries: Sequence[HistoryEntry], today: date) -> Text:
    """The history as lines: a head line per change (when, who, what), then its fields."""
    out = Text()
    if not entries:
        out.append(_("No changes match."), style="dim")
        return out
    for n, entry in enumerate(entries):
        e = entry.event
        local = e.at.astimezone()
        when = (
            _("today {time}").format(time=local.strftime("%H:%M"))
            if local.date() == today
            else local.strftime("%Y-%m-%d %H:%M")
        )
        if n:
            out.append("\n")
        out.append(f"{when}  ", style="dim")
        out.append(one_line(entry.actor_name), style="bold")
        if e.by:  # an administrator acted for them
            out.append(" " + _("(by {name})").format(name=one_line(e.by)), style="dim")
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
            yield Static(Text(_("Loading…"), style="dim"), id="history-body")
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
        parts = [_("History of {code}").format(code=one_line(self.code))]
        if self.item is not None:
            parts.append(f"{kind_label(self.item[0])} #{self.item[1]}")
        parts.append(
            _("role {role}").format(role=self.role.value) if self.role else _("every role")
        )
        parts.append(
            _("only {kind}").format(kind=kind_label(self.kind)) if self.kind else _("every kind")
        )
        if self.since is not None:
            parts.append(_("since {day}").format(day=describe(self.since, self.today)))
        changes = ngettext("{n} change", "{n} changes", self.shown)
        parts.append(changes.format(n=self.shown))
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
            self.notify(_("The cursor was on no item when the history opened."))
            return
        self.item = None if self.item else self.candidate
        self.reload()

    def action_since(self) -> None:
        field = FormField(
            "since",
            _("Since (empty: from the start)"),
            self.since.isoformat() if self.since else "",
            kind="date",
            hint=_("2026-12-01, mon, -7d, yesterday"),
            toward="past",
        )

        def submit(v: FormValues) -> Job[tuple[date | None]]:
            day = v.date("since")
            return lambda _store: (day,)

        form = FormScreen(_("History since"), [field], submit, self.today)
        self.app.push_screen(form, self._since_chosen)

    def _since_chosen(self, chosen: tuple[date | None] | None) -> None:
        if chosen is None or chosen[0] == self.since:  # cancelled, or the same day
            return
        self.since = chosen[0]
        self.reload()

    def action_scroll(self, step: int) -> None:
        scroll = self.query_one("#history-scroll", VerticalScroll)
        scroll.scroll_relative(y=step, animate=False)
