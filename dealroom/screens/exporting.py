"""Saving Markdown from the app: to a file (in a worker) and to the clipboard (OSC 52,
which works over SSH in most terminals)."""

from __future__ import annotations

import os
from pathlib import Path

from dealroom.files import FileRefused, database_files, save_new
from dealroom.i18n import _
from dealroom.screens.host import RoomApp


def export_dir(configured: Path | None) -> Path:
    """``configured`` (``DEALROOM_EXPORT_DIR``), else the current folder if writable, else
    the data folder."""
    if configured is not None:
        return configured
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    from platformdirs import user_data_path

    return user_data_path("dealroom", appauthor=False) / "exports"


def save_markdown(app: RoomApp, filename: str, text: str) -> None:
    """Write ``text`` to ``filename`` in the export folder (as ``NAME-2.md`` … where the
    name is taken: nothing is overwritten, see :func:`dealroom.files.save_new`) and copy
    it to the clipboard."""
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in filename)

    def write() -> None:
        folder = export_dir(app.settings.export_dir)
        try:
            path = save_new(folder, safe, text, protect=database_files(app.database_file()))
        except (OSError, FileRefused) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            app.call_from_thread(
                app.notify,
                _("Could not save {file}: {why}").format(file=folder / safe, why=why),
                severity="error",
                markup=False,
            )
            return
        app.call_from_thread(done, path)

    def done(path: Path) -> None:
        app.copy_to_clipboard(text)
        said = _("Saved {file} and copied it to the clipboard.").format(file=path)
        app.notify(said, timeout=6, markup=False)

    app.run_worker(write, thread=True, group="export", exit_on_error=False)
