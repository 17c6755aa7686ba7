"""Money the team can read: ISO 4217 currencies, the database's base (reporting) currency,
exchange rates with the day each holds from, and conversion that stays exact.

Decisions:

- A deal's amount is whole units of its own currency; cash (milestones, invoices,
  payments) is held in the currency's minor units (cents, fen; none for JPY). Integers
  throughout, and :class:`~decimal.Decimal` for rates: never a float.
- A rate says what one unit of a currency is worth in the base currency, from a day on.
  The rate in force on a day is the latest one set from that day or before; the base
  currency is worth 1. A rate set for another base (the base was changed since) is not
  used.
- Converting rounds half to even, to a whole base unit for a deal amount and to a base
  minor unit for cash, once per row; totals are the sums of the rows shown.
- A weighted amount in the base currency is the converted amount weighted (rounded down
  as :func:`dealroom.domain.rules.weighted` does), so a deal's weighted figure is the same
  in the funnel, the forecast and the sorts.
- An amount whose currency has no rate in force is never converted nor summed with the
  rest: it is counted apart, by currency, as "no rate".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache

from dealroom.domain.rules import RuleError, field_label, scaled_number, weighted
from dealroom.i18n import _

#: Codes ISO 4217 reserves for tests and "no currency": no deal is sold in them.
_NOT_MONEY = frozenset({"XTS", "XXX"})
#: The most decimals a rate may have; more is taken for a typing mistake.
RATE_PLACES = 10


@cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies()) - _NOT_MONEY


def check_currency(code: str, *, field: str = "currency") -> str:
    """An ISO 4217 code, upper-cased: ``usd`` → ``USD``; ``XYZ`` is refused."""
    value = code.strip().upper()
    if value not in _currencies():
        raise RuleError(
            _("{field} {code} is not an ISO 4217 currency code (such as CNY, USD, EUR)").format(
                field=field_label(field), code=repr(code.strip())
            ),
            field=field,
        )
    return value


@cache
def minor_places(currency: str) -> int:
    """How many decimals the currency's minor unit has: 2 for CNY, 0 for JPY, 3 for KWD."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency))


def parse_rate(text: str) -> Decimal:
    """A rate as typed: ``7.10``, ``0.1408``; positive, at most :data:`RATE_PLACES`
    decimals."""
    raw = text.strip().replace(",", "").replace("_", "")
    try:
        rate = Decimal(raw)
    except InvalidOperation:
        raise RuleError(
            _("rate {text} is not a number").format(text=repr(text.strip())), field="rate"
        ) from None
    if not rate.is_finite() or rate <= 0:
        raise RuleError(
            _("rate {text} must be a number above 0").format(text=repr(text.strip())), field="rate"
        )
    exponent = rate.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATE_PLACES:
        raise RuleError(
            _("rate {text} has more than {places} decimals").format(
                text=repr(text.strip()), places=RATE_PLACES
            ),
            field="rate",
        )
    if rate >= 10**9:
        raise RuleError(
            _("rate {text} is implausibly large").format(text=repr(text.strip())), field="rate"
        )
    return rate.normalize()


def rate_text(rate: Decimal) -> str:
    """``Decimal("7.10")`` → ``7.1``; ``Decimal("1E+2")`` → ``100``."""
    return format(rate.normalize(), "f")


@dataclass(frozen=True, slots=True)
class Rate:
    """One unit of ``currency`` is worth ``rate`` units of ``base`` from ``valid_from``."""

    currency: str
    rate: Decimal
    valid_from: date
    base: str


@dataclass(frozen=True, slots=True)
class Rates:
    """The base currency and every rate set, for converting on any day."""

    base: str = "CNY"
    rates: tuple[Rate, ...] = ()
    _table: Mapping[str, tuple[tuple[date, Decimal], ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        table: dict[str, list[tuple[date, Decimal]]] = {}
        for r in self.rates:
            if r.base == self.base:
                table.setdefault(r.currency, []).append((r.valid_from, r.rate))
        frozen = {c: tuple(sorted(rows)) for c, rows in table.items()}
        object.__setattr__(self, "_table", frozen)

    def rate(self, currency: str, on: date) -> Decimal | None:
        """What one unit of ``currency`` is worth in the base on ``on`` (None: no rate)."""
        if currency == self.base:
            return Decimal(1)
        found = None
        for valid_from, rate in self._table.get(currency, ()):
            if valid_from > on:
                break
            found = rate
        return found

    def in_force(self, on: date) -> dict[str, tuple[date, Decimal]]:
        """Each currency's rate in force on ``on``, with the day it holds from."""
        out = {}
        for currency, rows in sorted(self._table.items()):
            held = [(d, r) for d, r in rows if d <= on]
            if held:
                out[currency] = held[-1]
        return out

    def convert(self, amount: int, currency: str, on: date) -> int | None:
        """Whole units of ``currency`` in whole base units (None: no rate on ``on``)."""
        rate = self.rate(currency, on)
        if rate is None:
            return None
        return int((Decimal(amount) * rate).to_integral_value(ROUND_HALF_EVEN))

    def convert_minor(self, minor: int, currency: str, on: date) -> int | None:
        """Minor units of ``currency`` in minor units of the base (None: no rate)."""
        rate = self.rate(currency, on)
        if rate is None:
            return None
        shift = Decimal(10) ** (minor_places(self.base) - minor_places(currency))
        return int((Decimal(minor) * rate * shift).to_integral_value(ROUND_HALF_EVEN))

    def weighted(self, amount: int, currency: str, probability: int, on: date) -> int | None:
        """The amount in the base currency, weighted by ``probability`` percent."""
        converted = self.convert(amount, currency, on)
        return None if converted is None else weighted(converted, probability)


@dataclass(frozen=True, slots=True)
class Total:
    """A sum in the base currency, and what could not be converted, by its currency."""

    base: str
    amount: int = 0
    count: int = 0
    unrated: Mapping[str, int] = field(default_factory=dict)
    """Currency → the sum of the amounts with no rate, in that currency."""
    unrated_count: int = 0

    def plus(self, converted: int | None, amount: int, currency: str) -> Total:
        """Add one row: ``converted`` is ``amount`` in the base (None: it has no rate)."""
        if converted is not None:
            return Total(
                self.base,
                self.amount + converted,
                self.count + 1,
                self.unrated,
                self.unrated_count,
            )
        apart = dict(self.unrated)
        apart[currency] = apart.get(currency, 0) + amount
        return Total(self.base, self.amount, self.count, apart, self.unrated_count + 1)


def total(rows: Iterable[tuple[int, str]], rates: Rates, on: date) -> Total:
    """The sum of (amount, currency) rows in the base currency on ``on``."""
    out = Total(rates.base)
    for amount, currency in rows:
        out = out.plus(rates.convert(amount, currency, on), amount, currency)
    return out


def minor_to_text(minor: int, currency: str) -> str:
    """``123456`` CNY → ``1,234.56``; JPY has no decimals."""
    places = minor_places(currency)
    if places == 0:
        return f"{minor:,}"
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10**places)
    return f"{sign}{whole:,}.{part:0{places}d}"


def parse_minor(text: str, currency: str, *, field: str = "amount") -> int:
    """An amount of cash as typed (``1,234.56``, ``1.2m``, ``300k``, ``120万``) in minor
    units of ``currency``; more decimals than the currency has are refused, not rounded."""
    raw = text.strip().lower().replace(",", "").replace("_", "").replace(" ", "")
    shown = repr(text.strip())
    value = scaled_number(raw.removesuffix("元"))
    if value is None:
        raise RuleError(
            _("{field} {text} is not a number").format(field=field_label(field), text=shown),
            field=field,
        )
    minor = value * Decimal(10) ** minor_places(currency)
    if minor != minor.to_integral_value():
        raise RuleError(
            _("{field} {text} has more decimals than {currency} has ({places})").format(
                field=field_label(field),
                text=shown,
                currency=currency,
                places=minor_places(currency),
            ),
            field=field,
        )
    if minor < 0:
        raise RuleError(
            _("{field} must not be negative").format(field=field_label(field)), field=field
        )
    if minor > 10**17:
        raise RuleError(
            _("{field} is implausibly large").format(field=field_label(field)), field=field
        )
    return int(minor)
