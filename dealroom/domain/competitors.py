"""Competitors on a deal: who they are, how they stand with the customer, and our answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from dealroom.domain.rules import RuleError, check_text
from dealroom.i18n import _

COMPETITOR_NAME_MAX = 80
COMPETITOR_TEXT_MAX = 2_000


@dataclass(frozen=True, slots=True)
class Competitor:
    name: str
    relationship: str = ""
    """Their relationship with the customer: who they know, past work together."""
    strengths: str = ""
    weaknesses: str = ""
    allies: str = ""
    """People or partners on their side: integrators, consultants, insiders."""
    differentiator: str = ""
    """Our answer to them: what sets us apart for this customer."""


def check_competitor(competitor: Competitor) -> Competitor:
    """The competitor with its text tidied: a name (≤ 80) and optional notes (≤ 2,000 each)."""
    name = " ".join(competitor.name.split())
    fields = {
        f: check_text(getattr(competitor, f), field=f, required=False, limit=COMPETITOR_TEXT_MAX)
        for f in ("relationship", "strengths", "weaknesses", "allies", "differentiator")
    }
    return replace(
        competitor,
        name=check_text(name, field="competitor", limit=COMPETITOR_NAME_MAX),
        **fields,
    )


def check_new_competitor_name(name: str, existing: Iterable[str]) -> str:
    """A name not already on the deal (ignoring case and blanks)."""
    clean = check_text(" ".join(name.split()), field="competitor", limit=COMPETITOR_NAME_MAX)
    if clean.casefold() in {" ".join(e.split()).casefold() for e in existing}:
        raise RuleError(
            _("{name} is already a competitor on this deal").format(name=clean), field="competitor"
        )
    return clean
