"""Importing the team's pipeline from the app: pick a CSV or Excel file (typed, or from
the files here), see the preview (what would be created and updated, every problem with
its line), then confirm. The same steps as ``dealroom import`` (:mod:`dealroom.importing.job`),
each in a worker: reading the file is I/O too."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from dealroom.domain.import_rows import Entity, map_toml
from dealroom.files import FileRefused, database_files, save_new
from dealroom.i18n import N_, _, ngettext
from dealroom.importing.job import (
    Job,
    Outcome,
    prepare,
    rejects_csv,
    report,
    run,
    suggested_map,
    summary,
)
from dealroom.screens.confirm import ConfirmScreen
from dealroom.screens.host import Administered, RoomApp
from dealroom.store.imports import IMPORTED
from dealroom.widgets.footer import KeysFooter
from dealroom.widgets.safe_input import SafeInput

if TYPE_CHECKING:
    from dealroom.store import Store

#: The kinds of file the picker lists.
SHEETS = (".csv", ".tsv", ".txt", ".xlsx")
ENTITIES: tuple[Entity, ...] = ("deals", "people", "accounts")
#: What each is called on the screen.
ENTITY_WORDS: dict[Entity, str] = {
    "deals": N_("deals"),
    "people": N_("people"),
    "accounts": N_("accounts"),
}


def sheets_in(folder: Path) -> list[Path]:
    """The folder's sub-folders, then its spreadsheet files, newest first (hidden ones
    left out); the folder above first, where there is one."""
    try:
        entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    except OSError:
        entries = []
    folders = sorted((p for p in entries if p.is_dir()), key=lambda p: p.name.casefold())
    files = [p for p in entries if p.is_file() and p.suffix.lower() in SHEETS]
    files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    up = [folder.parent] if folder.parent != folder else []
    return [*up, *folders, *files]


class SheetPicker(OptionList):
    """The files that can be imported, in one folder at a time: enter on a folder opens
    it, on a file picks it."""

    class Picked(Message):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, folder: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = folder
        self.paths: list[Path] = []

    def on_mount(self) -> None:
        self.show(self.folder)

    def show(self, folder: Path) -> None:
        """List ``folder`` (read in a worker: a folder may be on a slow disk)."""
        self.folder = folder
        self.run_worker(
            lambda: (folder, sheets_in(folder)), thread=True, group="sheets", exclusive=True
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        result = event.worker.result
        if event.state is not WorkerState.SUCCESS or result is None:
            return
        folder, paths = result
        if folder != self.folder:  # a folder left since: its listing is stale
            return
        self.paths = paths
        self.clear_options()
        self.add_options([Option(Content(self._label(p))) for p in paths])
        self.border_title = str(folder)
        files = [i for i, p in enumerate(paths) if p.is_file()]
        if paths:  # the newest sheet, else the first folder: enter picks it
            self.highlighted = files[0] if files else 0

    def _label(self, path: Path) -> str:
        if path == self.folder.parent:
            return "../"
        return path.name + ("/" if path.is_dir() else "")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = self.paths[event.option_index]
        if path.is_dir():
            self.show(path)
        else:
            self.post_message(self.Picked(path))


class ImportScreen(Administered):
    """Pick a file, preview, import."""

    ADMINISTERED: ClassVar[dict[str, str]] = {"apply": IMPORTED}
    app = getters.app(RoomApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="import.back"),
        Binding(
            "a",
            "apply",
            N_("Import"),
            tooltip=N_("Import what the preview shows"),
            id="import.apply",
        ),
        Binding(
            "t",
            "what",
            N_("Deals/people/accounts"),
            tooltip=N_("What the file holds"),
            id="import.what",
        ),
        Binding(
            "p",
            "people",
            N_("Create people"),
            tooltip=N_("Add the leads the file names who are nobody on the team"),
            id="import.people",
        ),
        Binding(
            "m",
            "save_map",
            N_("Save mapping"),
            tooltip=N_("Save the columns as read, to use with --map next time"),
            id="import.save_map",
        ),
        Binding(
            "e", "choose", N_("Other file"), tooltip=N_("Pick another file"), id="import.choose"
        ),
    ]
    DEFAULT_CSS = """
    ImportScreen #import-file { height: 3; }
    ImportScreen #import-file Label { padding: 1 1 0 1; }
    ImportScreen #import-path { width: 1fr; }
    ImportScreen #import-tree { height: 1fr; }
    ImportScreen #import-preview { height: 1fr; display: none; padding: 0 1; }
    ImportScreen.-previewed #import-preview { display: block; }
    ImportScreen.-previewed #import-tree { display: none; }
    """

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder or Path.cwd()
        self.entity: Entity = "deals"
        self.create_people = False
        self.job: Job | None = None
        self.outcome: Outcome | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="import-title", classes="title-bar")
        with Horizontal(id="import-file"):
            yield Label(_("File"))
            yield SafeInput(
                placeholder=_(
                    "a .csv or .xlsx file: type its path and press enter, or tab to pick"
                ),
                id="import-path",
            )
        yield Static(id="import-hint", markup=False)
        yield SheetPicker(self.folder, id="import-tree")
        with VerticalScroll(id="import-preview", can_focus=True):
            yield Static(id="import-report", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self._titles()
        self.query_one("#import-path", SafeInput).focus()

    def _titles(self) -> None:
        what = _(ENTITY_WORDS[self.entity])
        people = _("create people: on") if self.create_people else _("create people: off")
        self.query_one("#import-title", Static).update(
            Content(_("Import · {what} · from a CSV or Excel file").format(what=what))
        )
        hint = _(" t  {what} (deals, people or accounts)   p  {people}   enter  preview")
        self.query_one("#import-hint", Static).update(
            Content(hint.format(what=what, people=people))
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("apply", "save_map") and self.job is None:
            return None
        if action == "apply" and self.outcome is not None and self.outcome.applied:
            return None
        return super().check_action(action, parameters)

    # --- picking and previewing -----------------------------------------------------

    @on(SafeInput.Submitted, "#import-path")
    def _typed(self, event: SafeInput.Submitted) -> None:
        self.preview()

    @on(SheetPicker.Picked)
    def _picked(self, event: SheetPicker.Picked) -> None:
        self.query_one("#import-path", SafeInput).value = str(event.path)
        self.preview()

    def preview(self) -> None:
        raw = self.query_one("#import-path", SafeInput).value.strip()
        if not raw:
            self.notify(_("Type the path of a file, or pick one below."), markup=False)
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        entity, create_people = self.entity, self.create_people

        def job(store: Store) -> tuple[Job, Outcome]:
            read = prepare(path, entity)
            return read, run(store, read, apply=False, create_people=create_people)

        self._show([_("Reading {file}…").format(file=path.name)])
        self.app.gateway.run(
            self, job, self._previewed, failed=self._failed, group="import", latest=True
        )

    def _previewed(self, answer: tuple[Job, Outcome]) -> None:
        self.job, self.outcome = answer
        self._titles()
        self._show(report(*answer, where="app"))
        self.query_one("#import-preview", VerticalScroll).focus()
        self.refresh_bindings()

    def _failed(self, exc: Exception) -> None:
        """The file could not be read: why, where the path is typed (kept, to fix)."""
        self.job = self.outcome = None
        self.remove_class("-previewed")
        self.query_one("#import-hint", Static).update(Content.styled(f" {exc}", "$text-error"))
        self.refresh_bindings()
        self.query_one("#import-path", SafeInput).focus()

    def _show(self, lines: list[str]) -> None:
        self.add_class("-previewed")
        self.query_one("#import-report", Static).update(Content("\n".join(lines)))

    # --- the keys -----------------------------------------------------------------------

    def action_back(self) -> None:
        if self.has_class("-previewed") and not (self.outcome and self.outcome.applied):
            self.action_choose()
            return
        self.app.pop_screen()

    def action_choose(self) -> None:
        self.remove_class("-previewed")
        self.job = self.outcome = None
        self.refresh_bindings()
        self.query_one("#import-path", SafeInput).focus()

    def action_what(self) -> None:
        self.entity = ENTITIES[(ENTITIES.index(self.entity) + 1) % len(ENTITIES)]
        self._titles()
        if self.job is not None:
            self.preview()

    def action_people(self) -> None:
        self.create_people = not self.create_people
        self._titles()
        if self.job is not None:
            self.preview()

    def action_apply(self) -> None:
        job, outcome = self.job, self.outcome
        if job is None or outcome is None:
            return
        good = len(job.drafts.rows)
        if outcome.problems:
            rejects = Path(job.sheet.name).stem + "-rejected.csv"
            question = ngettext(
                "Import the good rows of {file} and leave out {n} with problems? "
                "It goes to {rejects}, with why.",
                "Import the good rows of {file} and leave out {n} with problems? "
                "They go to {rejects}, with why.",
                len(outcome.bad_lines),
            ).format(
                file=Path(job.sheet.name).name, n=f"{len(outcome.bad_lines):,}", rejects=rejects
            )
        else:
            question = ngettext(
                "Import {n} row of {file} as {what}?", "Import {n} rows of {file} as {what}?", good
            ).format(
                n=f"{good:,}", file=Path(job.sheet.name).name, what=_(ENTITY_WORDS[self.entity])
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply(job, bool(outcome.problems))

        self.app.push_screen(ConfirmScreen(question, _("Import")), answered)

    def _apply(self, job: Job, skip_bad: bool) -> None:
        create_people = self.create_people
        folder = self.folder
        protect = database_files(self.app.database_file())

        def work(store: Store) -> tuple[Outcome, str]:
            done = run(store, job, apply=True, skip_bad=skip_bad, create_people=create_people)
            saved = ""
            if done.applied and done.problems:
                name = Path(job.sheet.name).stem + "-rejected.csv"
                try:
                    saved = str(save_new(folder, name, rejects_csv(job, done), protect=protect))
                except (OSError, FileRefused) as exc:
                    saved = _("(could not save the rejected rows: {why})").format(why=exc)
            return done, saved

        def done(answer: tuple[Outcome, str]) -> None:
            self.outcome, saved = answer
            lines = report(job, self.outcome, where="app")
            if saved:
                lines.append(_("Rejected rows: {file}").format(file=saved))
            self._show(lines)
            self.refresh_bindings()
            if self.outcome.applied:
                self.notify(summary(job, self.outcome), markup=False)

        self.app.gateway.run(self, work, done, group="import-apply")

    def action_save_map(self) -> None:
        job = self.job
        if job is None:
            return
        name = Path(job.sheet.name).stem + ".map.toml"
        text = map_toml(suggested_map(job))
        folder = self.folder

        def work(_store: Store) -> str:
            try:
                saved = save_new(folder, name, text)
                return _("Mapping saved to {file}: use it with --map.").format(file=saved)
            except (OSError, FileRefused) as exc:
                return _("Could not save the mapping: {why}").format(why=exc)

        def saved(said: str) -> None:
            self.notify(said, markup=False)

        self.app.gateway.run(self, work, saved, group="import-map")
