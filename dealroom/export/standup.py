"""``dealroom standup`` written as the deals are read: each deal's part is made once its
page is read and kept in a spool file (on disk beyond a few megabytes), and the parts are
written most urgent first once every deal is known, so the memory a standup of 100,000
deals needs is one page and a sort key per deal."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from dealroom.export.digest import DealDigest, deal_digest_markdown, digest_head, most_urgent_first

#: The parts kept in memory up to this size, then on disk.
SPOOL = 8 * 1024 * 1024


def digest_pieces(
    digests: Iterable[DealDigest], *, since: datetime, today: date, names: dict[str, str]
) -> Iterator[str]:
    """Every deal's digest, most urgent first (then by code), under the digest's head:
    the pieces joined are the whole text."""
    keys: list[tuple[tuple[int, str], int, int]] = []
    with tempfile.SpooledTemporaryFile(max_size=SPOOL) as spool:
        for d in digests:
            lines = deal_digest_markdown(d, today, names)
            data = ("\n" + "\n".join(lines)).encode("utf-8") if lines else b""
            keys.append((most_urgent_first(d), spool.tell(), len(data)))
            spool.write(data)
        keys.sort()
        yield "\n".join(digest_head(len(keys), since=since, today=today))
        for _key, at, size in keys:
            spool.seek(at)
            yield spool.read(size).decode("utf-8")
