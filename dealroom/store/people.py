"""The team and the customers: people (the team's members) and accounts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain import Tier, rules
from dealroom.domain.rules import RuleError
from dealroom.i18n import _
from dealroom.store.database import Database
from dealroom.store.errors import NotFoundError
from dealroom.store.permit import administrators, require_admin
from dealroom.store.rows import ACCOUNTS, PEOPLE, by_id
from dealroom.store.tables import Account, Administrator, Person
from dealroom.store.tx import Diff, Kind, Logged, Tx, ident, locked_by_key
from dealroom.store.views import AccountView, PersonView


def _account_by_name(s: Session, name: str) -> Account:
    return locked_by_key(s, Account, col(Account.name), name, "account")


PERSON = Kind("person", Person, by_id(PEOPLE, col(Person.id), "person"))
ACCOUNT = Kind(
    "account", Account, by_id(ACCOUNTS, col(Account.id), "account"), by_key=_account_by_name
)


class People:
    """Writes of people and accounts."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add_person(self, handle: str, name: str, email: str = "") -> PersonView:
        handle = rules.check_handle(handle)
        name = rules.check_text(name, field="name", limit=200)
        email = rules.check_text(email, field="e-mail", required=False, limit=200)

        def build(tx: Tx) -> tuple[Person, Logged]:
            require_admin(tx, "people are added")
            taken = select(col(Person.id)).where(col(Person.handle) == handle)
            if tx.session.execute(taken).first():
                raise RuleError(
                    _("person {handle} already exists").format(handle=repr(handle)), field="handle"
                )
            row = Person(handle=handle, name=name, email=email)
            return row, Logged("create", f"added person {name}", {"name": (None, name)})

        return self.database.create(PERSON, build)

    # --- administrators ------------------------------------------------------------

    def administrators(self) -> list[str]:
        """The logins that manage the team and may act for another member."""
        with self.database.read() as s:
            return administrators(s)

    def add_administrator(self, login: str) -> None:
        login = rules.check_handle(login)
        with self.database.write() as tx:
            require_admin(tx, "administrators are named")
            if tx.session.get(Administrator, login) is not None:
                raise RuleError(
                    _("{login} is already an administrator").format(login=login), field="login"
                )
            tx.session.add(
                Administrator(login=login, added_at=tx.now, added_by=self.database.login)
            )
            changes: Diff = {"administrator": (None, login)}
            tx.event(
                "administrator", None, Logged("create", f"made {login} an administrator", changes)
            )

    def remove_administrator(self, login: str) -> None:
        with self.database.write() as tx:
            require_admin(tx, "administrators are named")
            row = tx.session.get(Administrator, login.strip())
            if row is None:
                raise NotFoundError(
                    _("{login} is not an administrator").format(login=login.strip())
                )
            if tx.session.execute(select(func.count()).select_from(Administrator)).scalar() == 1:
                raise RuleError(
                    _("{login} is the last administrator: name another one first").format(
                        login=row.login
                    )
                )
            tx.session.delete(row)
            changes: Diff = {"administrator": (row.login, None)}
            summary = f"{row.login} is no longer an administrator"
            tx.event("administrator", None, Logged("delete", summary, changes))

    def add_account(self, name: str, tier: Tier = Tier.C) -> AccountView:
        return self.database.create(ACCOUNT, lambda tx: new_account(tx, name, tier))

    def set_account_tier(self, name: str, tier: Tier, *, version: int | None = None) -> AccountView:
        return self.edit_account(name, tier=tier, version=version)

    def edit_account(
        self,
        name: str,
        *,
        new_name: str | None = None,
        tier: Tier | None = None,
        version: int | None = None,
    ) -> AccountView:
        """Rename the account ``name`` or change its tier (what is not given is kept). Its
        deals follow it: they refer to the account, not to its name."""
        values: dict[str, object] = {}
        if new_name is not None:
            values["name"] = rules.check_text(new_name, field="name", limit=200)
        if tier is not None:
            values["tier"] = tier

        def change(tx: Tx, row: Account) -> Logged | None:
            require_admin(tx, "accounts are changed")
            if values.get("name", row.name) != row.name:
                taken = select(col(Account.id)).where(col(Account.name) == values["name"])
                if tx.session.execute(taken).first():
                    raise RuleError(
                        _("account {name} already exists").format(name=repr(values["name"])),
                        field="name",
                    )
            before = row.name
            diff = tx.apply(row, values)
            if not diff:
                return None
            if set(diff) == {"tier"}:
                return Logged("update", f"set tier of {row.name} to {row.tier.value}", diff)
            return Logged("update", f"edited account {before} ({', '.join(diff)})", diff)

        return self.database.update(ACCOUNT, name, version, change)


def new_account(tx: Tx, name: str, tier: Tier) -> tuple[Account, Logged]:
    name = rules.check_text(name, field="account", limit=200)
    require_admin(tx, "a new account ({name}) is added", name=name)
    taken = select(col(Account.id)).where(col(Account.name) == name)
    if tx.session.execute(taken).first():
        raise RuleError(_("account {name} already exists").format(name=repr(name)), field="account")
    summary = f"added account {name} (tier {tier.value})"
    return Account(name=name, tier=tier), Logged("create", summary, {"tier": (None, tier.value)})


def account_id(tx: Tx, name: str, tier: Tier | None) -> int:
    """The account of that name, created (tier ``tier`` or C) if there is none."""
    found = tx.session.execute(
        select(col(Account.id)).where(col(Account.name) == name.strip())
    ).scalar()
    if found is not None:
        return int(found)
    return ident(tx.insert(ACCOUNT, *new_account(tx, name, tier or Tier.C)))
