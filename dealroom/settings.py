"""What the environment says, read once at start-up and handed down from there.

The command line builds :class:`Settings` from ``os.environ`` before anything else and
passes it on: to each command, to the app, and through the app to its screens. Nothing
else in dealroom reads the environment (the store's own ``DEALROOM_DB`` fallback is only
for callers that bring no location of their own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: A standup speaker's time when ``DEALROOM_SPEAKER_MINUTES`` is unset or not a number.
SPEAKER_SECONDS = 120

#: The shortest speaker's time ``DEALROOM_SPEAKER_MINUTES`` can set.
MIN_SPEAKER_SECONDS = 10


@dataclass(frozen=True)
class Settings:
    #: ``DEALROOM_DB``: the database file or URL when ``--db`` is not given.
    db: str | None = None
    #: ``DEALROOM_USER``: who acts when ``--as`` is not given.
    user: str | None = None
    #: ``DEALROOM_KEYMAP``: the keymap file, in place of the one in the config folder.
    keymap: Path | None = None
    #: ``DEALROOM_EXPORT_DIR``: where the app saves Markdown.
    export_dir: Path | None = None
    #: ``DEALROOM_SPEAKER_MINUTES`` (default 2), in seconds.
    speaker_seconds: int = SPEAKER_SECONDS
    #: ``NO_COLOR``: command output without colour even on a terminal.
    no_color: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return cls(
            db=environ.get("DEALROOM_DB") or None,
            user=environ.get("DEALROOM_USER"),
            keymap=_path(environ.get("DEALROOM_KEYMAP")),
            export_dir=_path(environ.get("DEALROOM_EXPORT_DIR")),
            speaker_seconds=_speaker_seconds(environ.get("DEALROOM_SPEAKER_MINUTES", "2")),
            no_color=bool(environ.get("NO_COLOR")),
        )


def _path(value: str | None) -> Path | None:
    return Path(value).expanduser() if value else None


def _speaker_seconds(minutes: str) -> int:
    try:
        return max(MIN_SPEAKER_SECONDS, int(float(minutes) * 60))
    except (ValueError, OverflowError):  # "two", "nan", "inf"
        return SPEAKER_SECONDS
