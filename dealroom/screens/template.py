"""The checklist template every deal answers: a team adds, rewords, orders and removes
items, and marks each stage's key item. Answers are kept against an item's key, so
rewording an item keeps them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from dealroom.domain import STAGES, Stage
from dealroom.i18n import N_, _, pgettext
from dealroom.screens.form import FormField, FormScreen
from dealroom.screens.form_values import FormValues
from dealroom.screens.gateway import Job
from dealroom.screens.host import Administered
from dealroom.screens.live import LiveScreen
from dealroom.store.inputs import ChecklistItemUpdate
from dealroom.store.method_views import ChecklistItemView
from dealroom.store.views import FeedItem
from dealroom.textutil import fit, one_line
from dealroom.widgets.footer import KeysFooter
from dealroom.widgets.vlist import Section, VirtualList

KEY_MARK = "★"
KEY_CHOICES = [(N_("yes: the stage's milestone (one per stage)"), "yes"), (N_("no"), "no")]


def item_fields(item: ChecklistItemView | None, stage: Stage | None) -> list[FormField]:
    """The item's wording first (what one types), then, for a new one, its stage."""
    fields = [
        FormField(
            "text",
            pgettext("a checklist item's wording", "Item"),
            item.text if item else "",
            required=True,
            placeholder=_("what must hold, as a question the team can answer"),
        )
    ]
    if item is None:
        fields.append(
            FormField(
                "stage",
                _("Stage"),
                (stage or Stage.LEAD).value,
                kind="choice",
                required=True,
                choices=[(_(s.label), s.value) for s in STAGES],
            )
        )
    fields.append(
        FormField(
            "key_item",
            _("Key item?"),
            "yes" if item and item.key_item else "no",
            kind="choice",
            required=True,
            choices=[(_(label), value) for label, value in KEY_CHOICES],
            hint=_("the milestone holds only when the key item is answered yes"),
        )
    )
    return fields


class TemplateScreen(Administered, LiveScreen):
    ADMINISTERED: ClassVar[dict[str, str]] = dict.fromkeys(
        ("add", "edit", "key_item", "move", "remove"), "the stage checklists are changed"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", N_("Back"), tooltip=N_("Back to the checklist"), id="template.back"
        ),
        Binding("a", "add", N_("Add"), tooltip=N_("Add an item to the stage"), id="template.add"),
        Binding("enter,e", "edit", N_("Edit"), tooltip=N_("Reword the item"), id="template.edit"),
        Binding(
            "asterisk",
            "key_item",
            N_("Key item"),
            key_display="*",
            tooltip=N_("Make it the stage's key item, or unmark it"),
            id="template.key_item",
        ),
        Binding(
            "K,shift+up",
            "move(-1)",
            N_("Up"),
            key_display="K",
            tooltip=N_("Move up"),
            id="template.up",
        ),
        Binding(
            "J,shift+down",
            "move(1)",
            N_("Down"),
            key_display="J",
            tooltip=N_("Move down"),
            id="template.down",
        ),
        Binding(
            "d,delete",
            "remove",
            N_("Remove"),
            tooltip=N_("Remove the item (asks first)"),
            id="template.remove",
        ),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="template.reload"),
    ]

    def __init__(self, stage: Stage | None = None) -> None:
        super().__init__()
        self.stage = stage
        self.template: dict[Stage, list[ChecklistItemView]] = {}
        self.today = date.today()
        self._first = True
        #: The item to put the cursor on once the next load is in (one just added).
        self._select: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text(_("Checklist template · what every deal answers, stage by stage")),
            id="title",
            classes="title-bar",
        )
        yield VirtualList[ChecklistItemView](
            self._row, lambda i: i.id, empty=_("Loading…"), id="items"
        )
        yield KeysFooter()

    @property
    def rows_list(self) -> VirtualList[ChecklistItemView]:
        return self.query_one("#items", VirtualList)

    def on_mount(self) -> None:
        self.rows_list.focus()
        self.reload()

    def reload(self) -> None:
        self.app.gateway.run(
            self,
            lambda store: (store.methods.checklist_template(), store.today()),
            self._loaded,
            group="template",
            latest=True,
        )

    def refresh_live(self, feed: Sequence[FeedItem]) -> None:
        if not feed or any(f.event.entity == "checklist_item" for f in feed):
            self.reload()

    def _loaded(self, result: tuple[dict[Stage, list[ChecklistItemView]], date]) -> None:
        self.template, self.today = result
        rows: list[ChecklistItemView | Section] = []
        for stage in STAGES:
            items = self.template.get(stage, [])
            heading = _("{stage} ({n})").format(stage=_(stage.label), n=len(items))
            rows.append(Section(heading, stage))
            rows += items
        self.rows_list._empty = _("No stages.")
        self.rows_list.set_items(rows, keep=not self._first)
        if self._first and self.stage is not None:
            first = self.template.get(self.stage)
            if first:
                self.rows_list.select_key(first[0].id)
        self._first = False
        if self._select is not None:
            self.rows_list.select_key(self._select)
            self._select = None

    def _row(self, item: ChecklistItemView, width: int) -> Text:
        """Numbered 1, 2, 3… in the stage as it is now (a removed line leaves no gap)."""
        stage = self.template.get(item.stage, [])
        number = next((i for i, other in enumerate(stage, 1) if other.id == item.id), 0)
        text = Text(f" {number:>2} ", style="dim")
        text.append(KEY_MARK if item.key_item else " ", style="bold yellow")
        text.append(" ")
        text.append(fit(one_line(item.text), max(0, width - 7)))
        return text

    def _item(self) -> ChecklistItemView | None:
        return self.rows_list.current

    def _stage_here(self) -> Stage | None:
        """The stage of the item under the cursor, or of the section above it."""
        for row in reversed(self.rows_list.items[: self.rows_list.cursor + 1]):
            if isinstance(row, Section):
                return row.key  # type: ignore[return-value]
            return row.stage
        return self.stage

    def _after_form(self, message: str) -> Callable[[ChecklistItemView | None], None]:
        """After a form: put the cursor on the item saved, say so and re-read."""

        def after(result: ChecklistItemView | None) -> None:
            if result is not None:
                self._select = result.id
            self.after_form(message)(result)

        return after

    def action_add(self) -> None:
        def submit(v: FormValues) -> Job[ChecklistItemView]:
            stage, key_item = Stage(v.text("stage")), v.choice("key_item") == "yes"
            return lambda store: store.checklists.add_checklist_item(
                stage, v.text("text"), key_item=key_item
            )

        form = FormScreen(
            _("New checklist item"), item_fields(None, self._stage_here()), submit, self.today
        )
        self.app.push_screen(form, self._after_form(_("Item added")))

    def action_edit(self) -> None:
        item = self._item()
        if item is None:
            return

        def submit(v: FormValues) -> Job[ChecklistItemView]:
            key_item = v.choice("key_item") == "yes"
            return lambda store: store.checklists.update_checklist_item(
                item.id,
                ChecklistItemUpdate(text=v.text("text"), key_item=key_item),
                version=v.version,
            )

        form = FormScreen(
            _("{stage} checklist item").format(stage=_(item.stage.label)),
            item_fields(item, item.stage),
            submit,
            self.today,
            version=item.version,
            theirs=lambda now: item_fields(now, now.stage),
        )
        self.app.push_screen(form, self._after_form(_("Item saved")))

    def action_key_item(self) -> None:
        item = self._item()
        if item is None:
            return
        mark = not item.key_item
        stage = _(item.stage.label)
        said = _("{stage}: no key item now").format(stage=stage)
        if mark:
            was = [i for i in self.template.get(item.stage, []) if i.key_item and i.id != item.id]
            if was:  # the mark moves: say from where
                said = _("Key item of {stage}: “{item}”; “{was}” is no longer the key item").format(
                    stage=stage, item=one_line(item.text), was=one_line(was[0].text)
                )
            else:
                said = _("Key item of {stage}: “{item}”").format(
                    stage=stage, item=one_line(item.text)
                )
        self.app.gateway.run(
            self,
            lambda store: store.checklists.update_checklist_item(
                item.id, ChecklistItemUpdate(key_item=mark), version=item.version
            ),
            self.done(said),
        )

    def action_move(self, offset: int) -> None:
        item = self._item()
        if item is None:
            return
        self.app.gateway.run(
            self,
            lambda store: store.checklists.move_checklist_item(
                item.id, offset, version=item.version
            ),
            self.done(_("Moved up") if offset < 0 else _("Moved down")),
        )

    def action_remove(self) -> None:
        item = self._item()
        if item is None:
            return

        self.remove_after_asking(
            _("Remove “{item}” from the {stage} checklist of every deal?").format(
                item=one_line(item.text), stage=_(item.stage.label)
            ),
            lambda store: store.checklists.retire_checklist_item(item.id, version=item.version),
            _("Item removed; the answers given to it are kept"),
            button=_("Remove"),
        )

    def action_back(self) -> None:
        self.app.pop_screen()
