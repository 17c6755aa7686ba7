"""A virtual list: only the rows on screen are ever rendered.

Textual's DataTable measures every row when rows are added, which blocks the UI for over
a second at 10,000 rows. This list renders a row only when it scrolls into view (Line
API), so its cost does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dealroom.i18n import N_, _

T = TypeVar("T")


_NULL = Style()


#: On the focused cursor row, nothing faint or slanted: the row must read at a glance.
_PLAIN = Style(dim=False, italic=False)


def _no_bare_segments(strip: Strip) -> Strip:
    """Give every segment a style: applying a null style leaves ``None`` in place, and
    Textual's monochrome filter (``NO_COLOR``) fails on a segment without one."""
    if all(seg.style is not None for seg in strip):
        return strip
    return Strip(
        [Segment(t, _NULL if s is None and not c else s, c) for t, s, c in strip],
        strip.cell_length,
    )


@dataclass(frozen=True, slots=True)
class Section:
    """A heading row inside a list; the cursor passes over it."""

    title: str
    key: Hashable = None


Row = Text | list[Segment]


class VirtualList(ScrollView, Generic[T], can_focus=True):
    """Rows of any kind, drawn by ``render_row(item, width)`` as a Text or as segments
    (segments are cheaper for long lists).

    ``key(item)`` names an item across reloads, so the cursor stays on the same item when
    the data is refreshed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", N_("Down"), show=False, id="list.down"),
        Binding("up,k", "cursor_up", N_("Up"), show=False, id="list.up"),
        Binding("pagedown,ctrl+d", "page_down", N_("Page down"), show=False, id="list.page_down"),
        Binding("pageup,ctrl+u", "page_up", N_("Page up"), show=False, id="list.page_up"),
        Binding("home", "first", N_("First"), show=False, id="list.first"),
        Binding("end", "last", N_("Last"), show=False, id="list.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vlist--cursor",
        "vlist--section",
        "vlist--empty",
        "vlist--changed",
    }

    DEFAULT_CSS = """
    VirtualList {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
    }
    VirtualList > .vlist--cursor { background: $boost; }
    VirtualList:focus > .vlist--cursor { background: $accent; color: #000000; text-style: bold; }
    VirtualList > .vlist--section { color: $text-muted; text-style: bold underline; }
    VirtualList > .vlist--empty { color: $text-muted; text-style: italic; }
    VirtualList > .vlist--changed { background: $warning 30%; }
    """

    #: No repaint of the whole list: :meth:`watch_cursor` refreshes the two rows that change.
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Highlighted(Message):
        def __init__(self, vlist: VirtualList[Any], item: Any) -> None:
            super().__init__()
            self.vlist = vlist
            self.item = item

        @property
        def control(self) -> VirtualList[Any]:
            return self.vlist

    class Selected(Message):
        def __init__(self, vlist: VirtualList[Any], item: Any) -> None:
            super().__init__()
            self.vlist = vlist
            self.item = item

        @property
        def control(self) -> VirtualList[Any]:
            return self.vlist

    def __init__(
        self,
        render_row: Callable[[T, int], Row],
        key: Callable[[T], Hashable],
        *,
        empty: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._render_row = render_row
        self._key = key
        self._items: list[T | Section] = []
        #: What an empty list says (by default "Nothing here.").
        self._empty = empty if empty is not None else _("Nothing here.")
        #: Rendered rows by item key (not position, so a filter or reload that keeps an
        #: item reuses its row), each with the item it was drawn from: a reload brings new
        #: items, and a row is reused only for the very item it shows.
        self._cache: LRUCache[tuple[Hashable, int, bool, bool, bool], tuple[object, Strip]] = (
            LRUCache(1024)
        )
        self._styles: tuple[Style, Style, Style, Style] | None = None
        #: Keys of rows someone else just changed, marked for a moment.
        self._flashed: set[Hashable] = set()

    # --- data ---------------------------------------------------------------------------

    @property
    def items(self) -> Sequence[T | Section]:
        return self._items

    @property
    def current(self) -> T | None:
        """The item under the cursor (never a section)."""
        if 0 <= self.cursor < len(self._items):
            item = self._items[self.cursor]
            if not isinstance(item, Section):
                return item
        return None

    def set_items(self, items: Sequence[T | Section], *, keep: bool = True) -> None:
        """Replace the rows; the cursor stays on the same item (by key) where it can, or
        without ``keep`` starts at the top."""
        old = self.current
        old_key = self._key(old) if (keep and old is not None) else None
        old_offset = self.cursor - round(self.scroll_y)
        self._items = list(items)
        self.virtual_size = Size(self.size.width or 1, len(self._items))
        target = 0
        if old_key is not None:
            for i, item in enumerate(self._items):
                if not isinstance(item, Section) and self._key(item) == old_key:
                    target = i
                    break
            else:
                target = min(self.cursor, max(0, len(self._items) - 1))
        target = self._nearest_selectable(target, 1)
        if keep and old_key is not None:
            # Keep the row where it was on screen, so a refresh does not jump.
            self.scroll_to(y=max(0, target - old_offset), animate=False, immediate=True)
        elif not keep:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = target
        self.refresh()

    def select_key(self, key: Hashable) -> bool:
        for i, item in enumerate(self._items):
            if not isinstance(item, Section) and self._key(item) == key:
                self.cursor = i
                return True
        return False

    def flash(self, keys: set[Hashable], seconds: float = 3.0) -> None:
        """Mark the rows with these keys for ``seconds`` (someone else changed them)."""
        if not keys:
            return
        self._flashed |= keys
        self._cache.clear()
        self.refresh()
        self.set_timer(seconds, lambda: self._unflash(keys))

    def _unflash(self, keys: set[Hashable]) -> None:
        self._flashed -= keys
        self._cache.clear()
        self.refresh()

    @property
    def flashed(self) -> set[Hashable]:
        return set(self._flashed)

    # --- cursor ---------------------------------------------------------------------------

    def _selectable(self, index: int) -> bool:
        return 0 <= index < len(self._items) and not isinstance(self._items[index], Section)

    def _nearest_selectable(self, index: int, step: int) -> int:
        if not self._items:
            return 0
        index = max(0, min(index, len(self._items) - 1))
        for direction in (step, -step):
            i = index
            while 0 <= i < len(self._items):
                if self._selectable(i):
                    return i
                i += direction
        return index

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, max(0, len(self._items) - 1)))

    def watch_cursor(self, old: int, new: int) -> None:
        # Only the two rows change (the cache keys on "selected"); scrolling repaints the rest.
        top = round(self.scroll_y)
        for row in (old, new):
            self.refresh(Region(0, row - top, self.size.width, 1))
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)
        self.post_message(self.Highlighted(self, self.current))

    def _move(self, delta: int) -> None:
        if not self._items:
            return
        step = 1 if delta > 0 else -1
        target = max(0, min(self.cursor + delta, len(self._items) - 1))
        while 0 <= target < len(self._items) and not self._selectable(target):
            target += step
        if self._selectable(target):
            self.cursor = target

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self._move(-max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.cursor = self._nearest_selectable(0, 1)

    def action_last(self) -> None:
        self.cursor = self._nearest_selectable(len(self._items) - 1, -1)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    async def on_click(self, event: events.Click) -> None:
        index = event.y + round(self.scroll_y)
        if self._selectable(index):
            if index == self.cursor and event.chain > 1:
                self.action_select()
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(event.size.width, len(self._items))

    # --- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        # Rows as wide as what shows: a vertical scrollbar takes the last columns.
        width = max(1, self.size.width - self.scrollbar_size_vertical)
        index = y + round(self.scroll_y)
        if not self._items:  # the empty text, a line per row
            lines = self._empty.split("\n")
            if y < len(lines):
                style = self.get_component_rich_style("vlist--empty")
                text = Text(lines[y], style=style, end="")
                strip = Strip([*text.render(self.app.console)]).apply_style(self.rich_style)
                strip = strip.adjust_cell_length(width, self.rich_style).crop(0, width)
                return _no_bare_segments(strip)
            return Strip.blank(width, self.rich_style)
        if index >= len(self._items):
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        item = self._items[index]
        if isinstance(item, Section):
            key: Hashable = (Section, item.key, item.title)
            marked = False
        else:
            key = self._key(item)
            marked = bool(self._flashed) and key in self._flashed
        cache_key = (key, width, selected, self.has_focus, marked)
        hit = self._cache.get(cache_key)
        if hit is not None and hit[0] is item:
            return hit[1]
        base, cursor, section, changed = self._row_styles()
        if isinstance(item, Section):
            row: Row = Text(item.title, style=section)
        else:
            row = self._render_row(item, width)
        segments = list(row.render(self.app.console)) if isinstance(row, Text) else row
        strip = Strip(segments)
        if selected and self.has_focus:  # one colour on one background, over the row's own:
            # a flag's red on the cursor's orange is unreadable; its symbol still says it
            strip = Strip(
                [Segment(text, style + cursor if style else cursor) for text, style, _ in strip]
            ).adjust_cell_length(width, cursor)
        elif selected:  # under the row's own styles, over the list's background
            strip = strip.adjust_cell_length(width).apply_style(cursor)
        elif marked:
            strip = strip.adjust_cell_length(width).apply_style(changed)
        strip = _no_bare_segments(strip.apply_style(base).adjust_cell_length(width, base))
        self._cache[cache_key] = (item, strip)
        return strip

    def _row_styles(self) -> tuple[Style, Style, Style, Style]:
        """Looked up once, not per row: the base, cursor, section and changed styles."""
        if self._styles is None:
            self._styles = (
                self.rich_style,
                self.get_component_rich_style("vlist--cursor", partial=True)
                + (_PLAIN if self.has_focus else Style()),
                self.get_component_rich_style("vlist--section"),
                self.get_component_rich_style("vlist--changed", partial=True),
            )
        return self._styles

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._cache.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self._styles = None  # the cursor looks different with focus
        super()._on_focus(event)

    def _on_blur(self, event: events.Blur) -> None:
        self._styles = None
        super()._on_blur(event)
