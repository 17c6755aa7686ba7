"""The database's base (reporting) currency and its exchange rates. Administrators set
them; each change is an event like any other."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from dealroom.domain.money import Rate, Rates, check_currency, rate_text
from dealroom.domain.rules import RuleError
from dealroom.i18n import _
from dealroom.store.database import Database
from dealroom.store.permit import require_admin
from dealroom.store.tables import ExchangeRate, Setting
from dealroom.store.tx import Diff, Logged

#: The base currency of a database that has not chosen one: the deals' default currency.
DEFAULT_BASE = "CNY"
BASE_KEY = "base_currency"
#: What a member who may not set them is told: who may.
CHANGED = "the base currency and the exchange rates are set"


def base_currency(session: Session) -> str:
    found = session.get(Setting, BASE_KEY)
    return found.value if found is not None else DEFAULT_BASE


def rates(session: Session) -> Rates:
    """The base currency and every rate set (for any base: only the base's are used)."""
    rows = session.execute(
        select(ExchangeRate).order_by(
            col(ExchangeRate.currency), col(ExchangeRate.valid_from), col(ExchangeRate.id)
        )
    ).scalars()
    found = tuple(Rate(r.currency, Decimal(r.rate), r.valid_from, r.base) for r in rows)
    return Rates(base_currency(session), found)


class Money:
    """Reads and writes of the base currency and the rates."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def rates(self) -> Rates:
        with self.database.read() as s:
            return rates(s)

    def set_base(self, currency: str) -> bool:
        """Make ``currency`` the base; False when it already is. Rates set against the
        old base stay in the log and the table but no longer convert."""
        currency = check_currency(currency)
        with self.database.write() as tx:
            require_admin(tx, CHANGED)
            row = tx.session.get(Setting, BASE_KEY)
            before = row.value if row is not None else DEFAULT_BASE
            if before == currency:
                return False
            if row is None:
                tx.session.add(Setting(key=BASE_KEY, value=currency))
            else:
                row.value = currency
            changes: Diff = {"base currency": (before, currency)}
            summary = f"made {currency} the base currency (was {before})"
            tx.event("setting", None, Logged("update", summary, changes))
            return True

    def set_rate(self, currency: str, rate: Decimal, valid_from: date) -> Rate:
        """One ``currency`` is worth ``rate`` of the base from ``valid_from`` on (a rate
        set again for the same day replaces it, and the log keeps both)."""
        currency = check_currency(currency)
        if rate <= 0:
            raise RuleError(_("a rate must be above 0"), field="rate")
        with self.database.write() as tx:
            require_admin(tx, CHANGED)
            base = base_currency(tx.session)
            if currency == base:
                raise RuleError(
                    _("{currency} is the base currency: it is worth 1").format(currency=currency),
                    field="currency",
                )
            row = tx.session.execute(
                select(ExchangeRate)
                .where(
                    col(ExchangeRate.currency) == currency,
                    col(ExchangeRate.base) == base,
                    col(ExchangeRate.valid_from) == valid_from,
                )
                .with_for_update()
            ).scalar_one_or_none()
            text = rate_text(rate)
            what = f"1 {currency} = {text} {base} from {valid_from.isoformat()}"
            if row is None:
                tx.session.add(
                    ExchangeRate(currency=currency, base=base, rate=text, valid_from=valid_from)
                )
                changes: Diff = {f"{currency} rate": (None, text)}
                tx.event("rate", None, Logged("create", f"set {what}", changes))
            elif Decimal(row.rate) != rate:
                changes = {f"{currency} rate": (row.rate, text)}
                row.rate = text
                tx.event("rate", None, Logged("update", f"set {what}", changes))
            return Rate(currency, Decimal(text), valid_from, base)
