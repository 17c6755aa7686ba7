"""The team's own language: every string a user reads is looked up here, in the gettext
catalog of the language chosen (``--lang``, else ``DEALROOM_LANG``, else the locale:
``LC_ALL``, ``LC_MESSAGES``, ``LANG``). English is the source language and the default.

- :func:`_` (and :func:`ngettext` for counts) translates a message where it is shown;
  :func:`N_` only marks one (a constant defined before the language is known), to be
  translated with :func:`_` where it is shown.
- :func:`use` sets the language for the process (the command line and the app, at start);
  :func:`speaking` sets it for one block (``dealroom export --lang zh_CN``: a report in
  another language than the screen), for this thread or task only.
- The catalogs are ``dealroom/locale/LANG/LC_MESSAGES/dealroom.mo``, compiled by Babel from
  the ``.po`` beside them (see docs/TRANSLATING.md); ``en_XA`` is a pseudo-language made
  here, not shipped: every message ``⟦wrapped⟧``, so a screen that shows text outside the
  brackets shows text that did not come through the catalog.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

DOMAIN = "dealroom"
LOCALE_DIR = Path(__file__).parent / "locale"
#: The language the messages are written in.
SOURCE = "en"
#: The pseudo-language that wraps every message (for the tests that find strings left out).
PSEUDO = "en_XA"
#: The variables that choose the language, in the order they are read.
VARIABLES = ("DEALROOM_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


class Pseudo(gettext.NullTranslations):
    """Every message ``⟦wrapped⟧``: what the pseudo-language shows."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧" if message else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)


def normalise(tag: str) -> str:
    """``zh_CN.UTF-8`` → ``zh_CN``, ``zh-cn`` → ``zh_CN``, ``C``/``POSIX`` → ``en``."""
    code = tag.split(".", 1)[0].split("@", 1)[0].replace("-", "_").strip()
    if code in ("", "C", "POSIX"):
        return SOURCE
    lang, _, region = code.partition("_")
    return f"{lang.lower()}_{region.upper()}" if region else lang.lower()


def choose(given: str | None, environ: Mapping[str, str]) -> str:
    """The language asked for: ``given`` (``--lang``), else the first variable of
    :data:`VARIABLES` that is set (``LANGUAGE``'s lists are not read: one language)."""
    if given:
        return normalise(given)
    for name in VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return normalise(value)
    return SOURCE


def available() -> list[str]:
    """The languages a catalog is shipped for, and English."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return [SOURCE, *found]


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (``zh_CN``, or ``zh``'s for ``zh_TW`` if that is all there
    is); English, the source, for a language without one."""
    if lang == PSEUDO:
        return Pseudo()
    if lang == SOURCE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


_process: list[str] = [SOURCE]
_block: ContextVar[str | None] = ContextVar("dealroom_language", default=None)


def use(lang: str) -> None:
    """Speak ``lang`` from now on, in this process."""
    _process[0] = lang


def current() -> str:
    """The language spoken here and now."""
    return _block.get() or _process[0]


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Speak ``lang`` inside the block (None: as around it), in this thread or task."""
    token = _block.set(lang or current())
    try:
        yield
    finally:
        _block.reset(token)


def _(message: str) -> str:
    """``message`` in the language spoken."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` (``1 deal``, ``2 deals``) in the language spoken."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the language spoken, where the same English word means something
    else elsewhere (``pgettext("deal status", "Open")``: the context is the catalog's
    ``msgctxt``, never shown)."""
    return translations(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (a constant, shown
    later through :func:`_`)."""
    return message


# --- numbers and dates the language's way -----------------------------------------------

_BRACKETS = str.maketrans("", "", "⟦⟧")


def short_amount(amount: int) -> str:
    """An amount for a narrow column, in the units the language counts in: ``1.2M``,
    ``350k`` in English, ``1,200万``, ``1.5亿`` in Chinese (the catalog's own table of
    units); one decimal under a hundred units, rounded half up."""
    units = pgettext(
        "short amounts: size=suffix pairs, largest first", "1000000000=B 1000000=M 1000=k"
    )
    for pair in units.translate(_BRACKETS).split():
        size, _sep, suffix = pair.partition("=")
        if abs(amount) >= int(size):
            scaled = Decimal(amount) / int(size)
            step = Decimal("0.1") if abs(scaled) < 100 else Decimal(1)
            return f"{scaled.quantize(step, ROUND_HALF_UP):,}{suffix}"
    return str(amount)


def weekday_day(day: date) -> str:
    """A day with its weekday: ``Fri 2026-12-04``; ``12月4日 周五`` in Chinese (the
    catalog's Babel date pattern, in the language's words)."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    pattern = pgettext("date pattern (Babel/CLDR): a day and its weekday", "EEE yyyy-MM-dd")
    try:
        locale = Locale.parse(current())
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse(SOURCE)
    return format_date(day, pattern, locale=locale)
