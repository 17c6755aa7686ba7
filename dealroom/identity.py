"""Who is acting: ``--as``, else ``DEALROOM_USER`` (see :mod:`dealroom.settings`), else the
OS login name."""

from __future__ import annotations

import getpass
import os


def acting_user(explicit: str | None = None, configured: str | None = None) -> str:
    for candidate in (explicit, configured):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name for this uid (e.g. some containers)
        return f"uid{os.getuid()}"
