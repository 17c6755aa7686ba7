"""The power map and competitors of a deal. Same rules as every other write: one short
transaction, a version check, an event in the same transaction."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from dealroom.domain.competitors import Competitor, check_competitor, check_new_competitor_name
from dealroom.domain.powermap import (
    Contact,
    check_contact,
    describe_support_change,
    format_support,
)
from dealroom.domain.rules import check_text
from dealroom.store import method_rows as mr
from dealroom.store.base import ident, quote_title, unknown_fields
from dealroom.store.queries import Queries
from dealroom.store.tables import CompetitorRecord, ContactRecord
from dealroom.store.views import CompetitorView, ContactView

CONTACT_FIELDS = (
    "name",
    "title",
    "role",
    "influence",
    "key_decider",
    "support",
    "owner",
    "leaning_to",
    "last_contact",
    "note",
)
COMPETITOR_FIELDS = ("name", "relationship", "strengths", "weaknesses", "allies", "differentiator")
NOTE_MAX = 2_000


class PowerMapCommands(Queries):
    """Writes of the customer's people on a deal, and of its competitors."""

    # --- the power map ---------------------------------------------------------------------

    def add_contact(self, code: str, contact: Contact, *, note: str = "") -> ContactView:
        c = check_contact(contact)
        note = check_text(note, field="note", required=False, limit=NOTE_MAX)
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            now = self.now()
            row = ContactRecord(
                deal_id=ident(deal),
                name=c.name,
                title=c.title,
                decision_role=c.role.value,
                influence=c.influence,
                key_decider=c.key_decider,
                support=c.support,
                owner_id=self._owner_id(s, c.owner),
                leaning_to=c.leaning_to,
                last_contact=c.last_contact,
                note=note,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                deal_id=ident(deal),
                entity="contact",
                entity_id=row.id,
                action="create",
                version=row.version,
                changes={"name": (None, c.name), "support": (None, c.support)},
                summary=f"added {c.role.label} {quote_title(c.who)} to the power map "
                f"(support {format_support(c.support)})",
            )
            return mr.contact_rows(s, mr._CO.id == row.id)[0]

    def update_contact(
        self, contact_id: int, *, version: int | None = None, **changes: Any
    ) -> ContactView:
        unknown_fields(changes, CONTACT_FIELDS, "contact")
        with self._write() as s:
            row = self._load(s, ContactRecord, contact_id, "contact")

            def current() -> ContactView:
                return mr.contact_rows(s, mr._CO.id == contact_id)[0]

            self._check_version(s, "contact", row, version, current)
            before = current()
            merged = replace(
                before.as_contact(),
                **{k: v for k, v in changes.items() if k != "note"},
            )
            c = check_contact(merged)
            values: dict[str, object] = {
                "name": c.name,
                "title": c.title,
                "decision_role": c.role.value,
                "influence": c.influence,
                "key_decider": c.key_decider,
                "support": c.support,
                "owner_id": self._owner_id(s, c.owner),
                "leaning_to": c.leaning_to,
                "last_contact": c.last_contact,
            }
            if "note" in changes:
                values["note"] = check_text(
                    changes["note"], field="note", required=False, limit=NOTE_MAX
                )
            diff = self._apply(row, values)
            if not diff:
                return before
            row.updated_at = self.now()
            s.flush()
            if "owner_id" in diff:
                diff["owner"] = (before.owner, c.owner)
                del diff["owner_id"]
            if "decision_role" in diff:
                diff["role"] = diff.pop("decision_role")
            if set(diff) == {"support"}:
                action = "support"
                summary = describe_support_change(c.who, before.support, c.support)
            else:
                action = "update"
                summary = f"edited {quote_title(c.who)} on the power map ({', '.join(diff)})"
                if "support" in diff:
                    summary += "; " + describe_support_change(c.who, before.support, c.support)
            self._log(
                s,
                deal_id=row.deal_id,
                entity="contact",
                entity_id=row.id,
                action=action,
                version=row.version,
                changes=diff,
                summary=summary,
            )
            return current()

    def delete_contact(self, contact_id: int, *, version: int | None = None) -> None:
        with self._write() as s:
            row = self._load(s, ContactRecord, contact_id, "contact")
            self._check_version(
                s,
                "contact",
                row,
                version,
                lambda: mr.contact_rows(s, mr._CO.id == contact_id)[0],
            )
            who = Contact(row.name, row.title).who
            s.delete(row)
            s.flush()
            self._log(
                s,
                deal_id=row.deal_id,
                entity="contact",
                entity_id=contact_id,
                action="delete",
                changes={"name": (row.name, None)},
                summary=f"removed {quote_title(who)} from the power map",
            )

    # --- competitors -------------------------------------------------------------------------

    def add_competitor(self, code: str, competitor: Competitor) -> CompetitorView:
        c = check_competitor(competitor)
        with self._write() as s:
            deal = self._deal_by_code(s, code)
            names = s.execute(select(mr._CP.name).where(mr._CP.deal_id == deal.id)).scalars()
            check_new_competitor_name(c.name, list(names))
            now = self.now()
            row = CompetitorRecord(
                deal_id=ident(deal),
                name=c.name,
                relationship=c.relationship,
                strengths=c.strengths,
                weaknesses=c.weaknesses,
                allies=c.allies,
                differentiator=c.differentiator,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            self._log(
                s,
                deal_id=ident(deal),
                entity="competitor",
                entity_id=row.id,
                action="create",
                version=row.version,
                changes={"name": (None, c.name)},
                summary=f"noted competitor {quote_title(c.name)}",
            )
            return mr.competitor_rows(s, mr._CP.id == row.id)[0]

    def update_competitor(
        self, competitor_id: int, *, version: int | None = None, **changes: Any
    ) -> CompetitorView:
        unknown_fields(changes, COMPETITOR_FIELDS, "competitor")
        with self._write() as s:
            row = self._load(s, CompetitorRecord, competitor_id, "competitor")

            def current() -> CompetitorView:
                return mr.competitor_rows(s, mr._CP.id == competitor_id)[0]

            self._check_version(s, "competitor", row, version, current)
            c = check_competitor(replace(current().as_competitor(), **changes))
            if "name" in changes and c.name.casefold() != row.name.casefold():
                others = s.execute(
                    select(mr._CP.name).where(
                        mr._CP.deal_id == row.deal_id, mr._CP.id != competitor_id
                    )
                ).scalars()
                check_new_competitor_name(c.name, list(others))
            diff = self._apply(row, {f: getattr(c, f) for f in COMPETITOR_FIELDS})
            if diff:
                row.updated_at = self.now()
                s.flush()
                self._log(
                    s,
                    deal_id=row.deal_id,
                    entity="competitor",
                    entity_id=row.id,
                    action="update",
                    version=row.version,
                    changes=diff,
                    summary=f"edited competitor {quote_title(c.name)} ({', '.join(diff)})",
                )
            return current()

    def delete_competitor(self, competitor_id: int, *, version: int | None = None) -> None:
        with self._write() as s:
            row = self._load(s, CompetitorRecord, competitor_id, "competitor")
            self._check_version(
                s,
                "competitor",
                row,
                version,
                lambda: mr.competitor_rows(s, mr._CP.id == competitor_id)[0],
            )
            name = row.name
            s.delete(row)
            s.flush()
            self._log(
                s,
                deal_id=row.deal_id,
                entity="competitor",
                entity_id=competitor_id,
                action="delete",
                changes={"name": (name, None)},
                summary=f"removed competitor {quote_title(name)}",
            )
