"""Who is acting: ``--as``, else ``DEALROOM_USER`` (see :mod:`dealroom.settings`), else the
OS login; and who is at the keyboard: the OS login, from the system's user database (not
from ``$USER``, which anyone can set). The store lets the two differ only for an
administrator, and then records both."""

from __future__ import annotations

import os
import pwd


def os_login() -> str:
    """The login name of the user this process runs as."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # no entry for this uid (some containers)
        return f"uid{os.geteuid()}"


def acting_user(explicit: str | None = None, configured: str | None = None) -> str:
    for candidate in (explicit, configured):
        if candidate and candidate.strip():
            return candidate.strip()
    return os_login()
