"""The event log as a hash chain: each event's hash covers its content and the hash of the
event before it, so an event changed, removed or moved after it was written breaks the
chain where it happened, and a head (``#4182 3f9a1c2b7d4e``) pasted into a chat or wiki
witnesses everything up to it.

No I/O here: the store hands the rows in; :func:`walk` says where the chain breaks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from dealroom.i18n import _

#: The "previous hash" of the first event.
GENESIS = "0" * 64
#: How much of a hash a head shows (48 bits: enough to witness, short enough to paste).
SHOWN = 12


def stamp(at: datetime) -> str:
    """A time as the chain hashes it: UTC, to the microsecond (a naive time is UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    utc = at.astimezone(UTC)
    if utc.year < 1000:  # (where strftime's %Y may not pad the year to four digits)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # the same text as strftime("%Y-%m-%dT%H:%M:%S.%fZ"), in a fraction of the time
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True, slots=True)
class Link:
    """One event as the chain sees it: what it says, and the hashes stored with it."""

    id: int
    at: datetime
    actor: str
    deal_id: int | None
    entity: str
    entity_id: int | None
    entity_version: int | None
    action: str
    changes: str
    """The changes exactly as stored (JSON text)."""
    summary: str
    prev_hash: str = ""
    hash: str = ""
    by: str = ""
    """The administrator who acted for ``actor`` (hashed only when there is one)."""

    def content_hash(self, prev: str) -> str:
        """The hash this event has when it follows an event of hash ``prev``."""
        return link_hash(
            prev, self.id, stamp(self.at), self.actor, self.deal_id, self.entity,
            self.entity_id, self.entity_version, self.action, self.changes, self.summary,
            self.by,
        )  # fmt: skip


#: The chain's JSON: compact, the text as written (one encoder, made once).
_PAYLOAD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def link_hash(
    prev: str,
    event_id: int,
    stamped: str,
    actor: str,
    deal_id: int | None,
    entity: str,
    entity_id: int | None,
    entity_version: int | None,
    action: str,
    changes: str,
    summary: str,
    by: str = "",
) -> str:
    """:meth:`Link.content_hash` of an event whose time is already ``stamped`` (for a
    writer that has the stamp at hand, such as the demo writing its log in time order)."""
    payload: list[object] = [
        prev, event_id, stamped, actor, deal_id, entity, entity_id, entity_version, action,
        changes, summary,
    ]  # fmt: skip
    if by:
        payload.append(by)
    return hashlib.sha256(_PAYLOAD.encode(payload).encode("utf-8")).hexdigest()


def head_text(event_id: int, digest: str) -> str:
    """``#4182 3f9a1c2b7d4e``: an event and the start of its hash."""
    return f"#{event_id} {digest[:SHOWN]}"


def witnessed(markdown: str, head: tuple[int, str] | None) -> str:
    """A report with the log's head as its last line, so wherever it is pasted it witnesses
    the log up to that event (``dealroom verify --head`` checks it later)."""
    return "".join(witnessed_pieces([markdown], lambda: head))


def witnessed_pieces(
    pieces: Iterable[str], head: Callable[[], tuple[int, str] | None]
) -> Iterator[str]:
    """:func:`witnessed` of the pieces joined, piece by piece, for a report written as it
    is read: the same text, with ``head`` asked for once the last piece is out. Newlines
    at the end are held back, since the witness line replaces them."""
    held = ""
    for piece in pieces:
        text = held + piece
        kept = text.rstrip("\n")
        held = text[len(kept) :]
        if kept:
            yield kept
    last = head()
    if last is None:
        yield held
        return
    event_id, digest = last
    line = _("log head {head} · check with dealroom verify --head {id}:{hash}").format(
        head=head_text(event_id, digest), id=event_id, hash=digest[:SHOWN]
    )
    yield "\n\n" + line + "\n"


def parse_head(text: str) -> tuple[int, str]:
    """``4182:3f9a1c2b7d4e`` (or ``#4182 3f9a…``) as (event id, hash prefix)."""
    raw = text.strip().lstrip("#").replace(" ", ":").rstrip("…")
    number, _sep, digest = raw.partition(":")
    digest = digest.strip().lower()
    if not number.isdigit() or len(digest) < 8 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(
            _("{text} is not a log head: give it as 4182:3f9a1c2b7d4e").format(text=repr(text))
        )
    return int(number), digest


Problem = Literal["changed", "out of place"]


@dataclass(frozen=True, slots=True)
class Break:
    """Where the chain breaks: the first event whose hash does not hold."""

    event_id: int
    problem: Problem
    after: int | None
    """The event before it in the log as it is now (None: it is the first)."""

    def __str__(self) -> str:
        if self.problem == "changed":
            return _("event #{id} was changed after it was written").format(id=self.event_id)
        if self.after is None:
            return _(
                "event #{id} does not follow the start of the log: an event between them was "
                "removed, or the events were reordered or one was inserted"
            ).format(id=self.event_id)
        return _(
            "event #{id} does not follow #{after}: an event between them was "
            "removed, or the events were reordered or one was inserted"
        ).format(id=self.event_id, after=self.after)


@dataclass(frozen=True, slots=True)
class Walk:
    """What a walk of the chain found: how many events held, the last one that did, and
    the first break (None: the whole log holds)."""

    count: int
    last_id: int | None
    last_hash: str
    broken: Break | None


def walk(links: Iterable[Link]) -> Walk:
    """Walk the log in id order; stop at the first event that does not hold."""
    prev, last_id, count = GENESIS, None, 0
    for link in links:
        if link.prev_hash != prev:
            return Walk(count, last_id, prev, Break(link.id, "out of place", last_id))
        if link.content_hash(link.prev_hash) != link.hash:
            return Walk(count, last_id, prev, Break(link.id, "changed", last_id))
        prev, last_id, count = link.hash, link.id, count + 1
    return Walk(count, last_id, prev, None)
