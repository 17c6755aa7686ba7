"""A logged change as people read it: what kind of thing changed, and each field's old and
new value, with long text shown as a word diff."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from dealroom.domain.model import Stage
from dealroom.domain.rules import field_label
from dealroom.i18n import N_, _

#: The kinds of change a history can be narrowed to, in the order a filter cycles them.
KINDS: tuple[str, ...] = (
    "task",
    "risk",
    "handoff",
    "gate",
    "stage",
    "deal",
    "member",
    "checklist",
    "power map",
    "competitor",
    "assessment",
    "review",
)

#: Each kind as it reads, in the language spoken through :func:`kind_label`.
KIND_LABELS: dict[str, str] = {
    "task": N_("task"),
    "risk": N_("risk"),
    "handoff": N_("handoff"),
    "gate": N_("gate"),
    "stage": N_("stage"),
    "deal": N_("deal"),
    "member": N_("member"),
    "checklist": N_("checklist"),
    "power map": N_("power map"),
    "competitor": N_("competitor"),
    "assessment": N_("assessment"),
    "review": N_("review"),
}


def kind_label(kind: str) -> str:
    """A kind of change (``task``, ``power map``) in the language spoken."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


#: Text longer than this (or on more than one line) is shown as a diff, not old → new.
LONG = 60

_KIND_OF_ENTITY = {"contact": "power map"}
_STAGE_LABELS = {stage.value: stage.label for stage in Stage}

Piece = tuple[Literal[" ", "-", "+"], str]


def kind_of(entity: str, action: str) -> str:
    """The kind of a logged change: its entity's, except that a deal's stage moves are
    their own kind ("what moved the deal back?")."""
    if entity == "deal" and action == "stage":
        return "stage"
    return _KIND_OF_ENTITY.get(entity, entity)


def value_text(value: object) -> str:
    """A logged value as it reads: nothing as "—", a yes/no as yes/no (in the language
    spoken), lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or "—"
    return str(value)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one change: its name, and the values before and after."""

    field: str
    old: object
    new: object

    @property
    def label(self) -> str:
        """The field's name in the language spoken (``field`` is its name in the log)."""
        return field_label(self.field)

    @property
    def long(self) -> bool:
        """Whether either side is text too long to read as "old → new"."""
        return any(
            isinstance(v, str) and (len(v) > LONG or "\n" in v) for v in (self.old, self.new)
        )

    def short(self) -> str:
        """``field: old → new`` (a new value alone when there was none before)."""
        old, new = self._shown(self.old), self._shown(self.new)
        if self.old is None:
            return f"{self.field}: {new}"
        return f"{self.field}: {old} → {new}"

    def _shown(self, value: object) -> str:
        """A stage by its name ("Pre-bid shaping", not "pre_bid"); any other value as is."""
        if self.field == "stage" and isinstance(value, str) and value in _STAGE_LABELS:
            return _(_STAGE_LABELS[value])
        return value_text(value)

    def plain(self) -> str:
        """The change as one plain line: ``field: old → new``, or for long text
        ``field: `` and its word diff."""
        if self.long:
            return f"{self.field}: {plain_diff(self.diff())}"
        return self.short()

    def diff(self) -> list[Piece]:
        """The change of a long text, word by word: kept (" "), removed ("-"), added ("+")."""
        return word_diff(
            "" if self.old is None else str(self.old), "" if self.new is None else str(self.new)
        )


def field_changes(changes: Mapping[str, Sequence[object]]) -> list[FieldChange]:
    """A logged ``changes`` mapping (field → [old, new]) as field changes, in its order."""
    out = []
    for name, pair in changes.items():
        old, new = [*pair, None, None][:2]
        out.append(FieldChange(name.replace("_", " "), old, new))
    return out


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[Piece]:
    """The words of ``old`` and ``new`` as kept, removed and added runs, in reading order."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[Piece] = []

    def put(kind: Literal[" ", "-", "+"], words: Sequence[str]) -> None:
        if not words:
            return
        text = "".join(words)
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            put(" ", a[i1:i2])
        else:
            put("-", a[i1:i2])
            put("+", b[j1:j2])
    return out


def plain_diff(pieces: Sequence[Piece]) -> str:
    """A word diff in plain text, as ``git diff --word-diff=plain`` writes it:
    ``[-removed-]{+added+}``."""
    marks = {" ": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}
    return "".join(marks[kind][0] + text + marks[kind][1] for kind, text in pieces)
