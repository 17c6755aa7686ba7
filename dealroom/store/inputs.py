"""What an update may change, one frozen dataclass per kind of row.

A field left at :data:`UNSET` is not changed; ``None`` where a field allows it clears the
value (no owner, no due date). Misspelt fields and wrong types are caught by mypy at the
caller, and :func:`given` hands the store only the fields that were set.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from enum import Enum
from typing import Final, Literal

from dealroom.domain import Level, RiskStatus, Role, Stage, TaskStatus
from dealroom.domain.powermap import DecisionRole


class Unset(Enum):
    """The type of :data:`UNSET`: "leave this field as it is"."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET


def given(update: object) -> dict[str, object]:
    """The fields of an update that were set, by name."""
    out: dict[str, object] = {}
    for f in fields(update):  # type: ignore[arg-type]
        value = getattr(update, f.name)
        if value is not UNSET:
            out[f.name] = value
    return out


@dataclass(frozen=True, slots=True)
class TaskUpdate:
    title: str | Unset = UNSET
    owner: str | Unset | None = UNSET
    due: date | Unset | None = UNSET
    status: TaskStatus | Unset = UNSET
    stage: Stage | Unset | None = UNSET
    note: str | Unset = UNSET
    role: Role | Unset = UNSET


@dataclass(frozen=True, slots=True)
class RiskUpdate:
    title: str | Unset = UNSET
    likelihood: int | Unset = UNSET
    impact: int | Unset = UNSET
    mitigation: str | Unset = UNSET
    owner: str | Unset | None = UNSET
    status: RiskStatus | Unset = UNSET
    role: Role | Unset = UNSET


@dataclass(frozen=True, slots=True)
class HandoffUpdate:
    title: str | Unset = UNSET
    note: str | Unset = UNSET
    due: date | Unset | None = UNSET
    from_role: Role | Unset = UNSET
    to_role: Role | Unset = UNSET


@dataclass(frozen=True, slots=True)
class DealUpdate:
    """``probability=None`` clears a probability set by hand (the stage's applies)."""

    name: str | Unset = UNSET
    account: str | Unset = UNSET
    amount: int | Unset = UNSET
    currency: str | Unset = UNSET
    close_date: date | Unset | None = UNSET
    level: Level | Unset = UNSET
    probability: int | Unset | None = UNSET


@dataclass(frozen=True, slots=True)
class ContactUpdate:
    name: str | Unset = UNSET
    title: str | Unset = UNSET
    role: DecisionRole | Unset = UNSET
    influence: int | Unset = UNSET
    key_decider: bool | Unset = UNSET
    support: int | Unset = UNSET
    owner: str | Unset | None = UNSET
    leaning_to: str | Unset | None = UNSET
    last_contact: date | Unset | None = UNSET
    note: str | Unset = UNSET


@dataclass(frozen=True, slots=True)
class CompetitorUpdate:
    name: str | Unset = UNSET
    relationship: str | Unset = UNSET
    strengths: str | Unset = UNSET
    weaknesses: str | Unset = UNSET
    allies: str | Unset = UNSET
    differentiator: str | Unset = UNSET


@dataclass(frozen=True, slots=True)
class ChecklistItemUpdate:
    text: str | Unset = UNSET
    key_item: bool | Unset = UNSET
