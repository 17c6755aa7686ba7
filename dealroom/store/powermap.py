"""The power map and competitors of a deal. Every write goes through the database's one
write path."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlmodel import col

from dealroom.domain.competitors import Competitor, check_competitor, check_new_competitor_name
from dealroom.domain.powermap import (
    Contact,
    check_contact,
    describe_support_change,
    format_support,
)
from dealroom.domain.rules import check_text
from dealroom.store.database import Database
from dealroom.store.inputs import CompetitorUpdate, ContactUpdate, given
from dealroom.store.method_rows import COMPETITORS, CONTACTS
from dealroom.store.method_views import CompetitorView, ContactView
from dealroom.store.rows import by_id
from dealroom.store.tables import CompetitorRecord, ContactRecord
from dealroom.store.tx import Kind, Logged, Tx, ident, quote_title

CONTACT = Kind("contact", ContactRecord, by_id(CONTACTS, col(ContactRecord.id), "contact"))
COMPETITOR = Kind(
    "competitor", CompetitorRecord, by_id(COMPETITORS, col(CompetitorRecord.id), "competitor")
)
COMPETITOR_FIELDS = ("name", "relationship", "strengths", "weaknesses", "allies", "differentiator")
NOTE_MAX = 2_000


def _contact_values(tx: Tx, c: Contact) -> dict[str, object]:
    return {
        "name": c.name,
        "title": c.title,
        "decision_role": c.role,
        "influence": c.influence,
        "key_decider": c.key_decider,
        "support": c.support,
        "owner_id": tx.owner_id(c.owner),
        "leaning_to": c.leaning_to,
        "last_contact": c.last_contact,
    }


class PowerMap:
    """Writes of the customer's people on a deal, and of its competitors."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- the power map ---------------------------------------------------------------------

    def add_contact(self, code: str, contact: Contact, *, note: str = "") -> ContactView:
        c = check_contact(contact)
        note = check_text(note, field="note", required=False, limit=NOTE_MAX)

        def build(tx: Tx) -> tuple[ContactRecord, Logged]:
            row = ContactRecord(
                deal_id=ident(tx.deal(code)),
                name=c.name,
                note=note,
                created_at=tx.now,
                updated_at=tx.now,
            )
            tx.apply(row, _contact_values(tx, c))
            summary = (
                f"added {c.role.label} {quote_title(c.who)} to the power map "
                f"(support {format_support(c.support)})"
            )
            changes = {"name": (None, c.name), "support": (None, c.support)}
            return row, Logged("create", summary, changes)

        return self.database.create(CONTACT, build)

    def update_contact(
        self, contact_id: int, update: ContactUpdate, *, version: int | None = None
    ) -> ContactView:
        changes = given(update)

        def change(tx: Tx, row: ContactRecord) -> Logged | None:
            before = CONTACT.view(tx.session, contact_id)
            fields = {k: v for k, v in changes.items() if k != "note"}
            c = check_contact(replace(before.as_contact(), **fields))  # type: ignore[arg-type]
            values = _contact_values(tx, c)
            if "note" in changes:
                values["note"] = check_text(
                    str(changes["note"]), field="note", required=False, limit=NOTE_MAX
                )
            diff = tx.apply(row, values)
            if not diff:
                return None
            if "owner_id" in diff:
                diff["owner"] = (before.owner, c.owner)
                del diff["owner_id"]
            if "decision_role" in diff:
                diff["role"] = diff.pop("decision_role")
            moved = describe_support_change(c.who, before.support, c.support)
            if set(diff) == {"support"}:
                return Logged("support", moved, diff)
            summary = f"edited {quote_title(c.who)} on the power map ({', '.join(diff)})"
            if "support" in diff:
                summary += "; " + moved
            return Logged("update", summary, diff)

        return self.database.update(CONTACT, contact_id, version, change)

    def delete_contact(self, contact_id: int, *, version: int | None = None) -> None:
        def word(row: ContactRecord) -> Logged:
            who = Contact(row.name, row.title).who
            summary = f"removed {quote_title(who)} from the power map"
            return Logged("delete", summary, {"name": (row.name, None)})

        self.database.delete(CONTACT, contact_id, version, word)

    # --- competitors -------------------------------------------------------------------------

    def add_competitor(self, code: str, competitor: Competitor) -> CompetitorView:
        c = check_competitor(competitor)

        def build(tx: Tx) -> tuple[CompetitorRecord, Logged]:
            deal = tx.deal(code)
            names = tx.session.execute(
                select(col(CompetitorRecord.name)).where(col(CompetitorRecord.deal_id) == deal.id)
            ).scalars()
            check_new_competitor_name(c.name, list(names))
            row = CompetitorRecord(
                deal_id=ident(deal),
                created_at=tx.now,
                updated_at=tx.now,
                **{f: getattr(c, f) for f in COMPETITOR_FIELDS},
            )
            summary = f"noted competitor {quote_title(c.name)}"
            return row, Logged("create", summary, {"name": (None, c.name)})

        return self.database.create(COMPETITOR, build)

    def update_competitor(
        self, competitor_id: int, update: CompetitorUpdate, *, version: int | None = None
    ) -> CompetitorView:
        def change(tx: Tx, row: CompetitorRecord) -> Logged | None:
            before = COMPETITOR.view(tx.session, competitor_id).as_competitor()
            c = check_competitor(replace(before, **given(update)))  # type: ignore[arg-type]
            if c.name.casefold() != row.name.casefold():
                others = tx.session.execute(
                    select(col(CompetitorRecord.name)).where(
                        col(CompetitorRecord.deal_id) == row.deal_id,
                        col(CompetitorRecord.id) != competitor_id,
                    )
                ).scalars()
                check_new_competitor_name(c.name, list(others))
            diff = tx.apply(row, {f: getattr(c, f) for f in COMPETITOR_FIELDS})
            if not diff:
                return None
            summary = f"edited competitor {quote_title(c.name)} ({', '.join(diff)})"
            return Logged("update", summary, diff)

        return self.database.update(COMPETITOR, competitor_id, version, change)

    def delete_competitor(self, competitor_id: int, *, version: int | None = None) -> None:
        def word(row: CompetitorRecord) -> Logged:
            summary = f"removed competitor {quote_title(row.name)}"
            return Logged("delete", summary, {"name": (row.name, None)})

        self.database.delete(COMPETITOR, competitor_id, version, word)
