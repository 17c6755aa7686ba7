"""Values as the team's exported sheets write them, read for ``dealroom import``.

A team moving its pipeline into the deal room brings what its CRM or its spreadsheet
exported: amounts with currency symbols, thousands separators of every country and
Chinese units (``120万``), dates as Excel, Salesforce, HubSpot, Odoo and Chinese sheets
write them, probabilities as ``75%`` or ``0.75``, and stage names from those tools. Each
parser here reads one cell's text and either returns the value or raises
:class:`~dealroom.domain.rules.RuleError` with a one-line message that quotes the cell
(cut to 60 characters, so a runaway cell does not flood the preview).

Their stage names become Lead-to-Cash stages (see DOMAIN.md) and a deal status:

| their stage (Salesforce · HubSpot · Odoo · Chinese sheet)        | LTC stage       | status  |
|------------------------------------------------------------------|-----------------|---------|
| Prospecting · Appointment Scheduled · New · 线索                 | Lead            | open    |
| Qualification, Needs Analysis · Qualified To Buy · Qualified ·   | Opportunity     | open    |
| 机会点, 机会                                                     |                 |         |
| Value Proposition, Id. Decision Makers, Perception Analysis ·    | Pre-bid shaping | open    |
| Presentation Scheduled · 标前引导                                 |                 |         |
| Proposal/Price Quote, Negotiation/Review · Decision Maker        | Bid             | open    |
| Bought-In · Proposition · 投标                                    |                 |         |
| Contract Sent · 合同, 合同签订, 合同谈判                           | Contract        | open    |
| 交付                                                             | Delivery        | won     |
| 开票回款, 回款                                                   | Invoice & cash  | won     |
| 关闭                                                             | Closed          | won     |
| Closed Won · Won · 赢单, 已签约                                   | Contract        | won     |
| Closed Lost · Lost · 丢单, 输单                                   | Opportunity     | lost    |
| Dropped, Abandoned, 放弃                                         | Opportunity     | dropped |

Why: Lead collects and verifies leads (a first meeting is still that); Opportunity
validates budget and start time (qualifying, analysing needs); Pre-bid shaping builds the
value proposition and the relationships with the decision makers; Bid develops, submits
and negotiates the offer; Contract is the contract being signed. A deal is won when the
contract is signed, so a won deal sits at Contract, and a deal past Contract (delivering,
invoicing, closed) has a signed contract and is won. A sheet that says only "lost" or
"dropped" does not say where: such a deal is put at Opportunity, where a deal in a
pipeline at least was. HubSpot's internal ids (``appointmentscheduled``, ``closedwon``)
read as their labels; dealroom's own values and labels (``pre_bid``, ``Invoice & cash``)
read as themselves. A mapping file's ``[stages]`` wins over all of these.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from dealroom.domain.dates import MONTHS, month_day_parts
from dealroom.domain.model import STAGES, DealStatus, Level, Stage, Tier
from dealroom.domain.money import check_currency
from dealroom.domain.rules import (
    AMOUNT_SCALES,
    RuleError,
    check_probability,
    parse_stage,
    scaled_number,
)

#: How much of a cell a message quotes.
SHOWN_MAX = 60
#: The longest cell read as a number or a date; longer is not one.
_VALUE_MAX = 80


def norm(header: str) -> str:
    """A header or a label as it is compared: without a UTF-8 byte order mark and the
    quotes around it, inner white space collapsed, case folded."""
    text = " ".join(header.replace("\ufeff", "").split())
    while len(text) >= 2 and text[0] + text[-1] in ('""', "''", "“”", "‘’"):
        text = " ".join(text[1:-1].split())
    return text.casefold()


def shown(text: str) -> str:
    """A cell quoted in a message: ``'31/02/2027'``; cut to :data:`SHOWN_MAX` characters."""
    return repr(text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…")


def _table(text: str) -> dict[str, str]:
    """Lines of ``VALUE word word …`` as {word: VALUE}: the names sheets give a value."""
    rows = (line.split() for line in text.strip().splitlines())
    return {word: row[0] for row in rows for word in row[1:]}


def _folded(text: str) -> str:
    """Full-width digits and signs (``１２０万``, ``￥``) as their plain forms, trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


# --- currencies -------------------------------------------------------------------------

#: Symbols and words sheets write for a currency (case-folded, without spaces). ``¥`` is
#: the yuan here: these are Chinese teams' sheets (write ``JP¥`` or ``JPY`` for yen).
CURRENCY_WORDS: Mapping[str, str] = _table(
    """
    CNY ¥ cn¥ rmb 元 人民币 人民币元
    USD $ us$ 美元
    EUR € 欧元
    GBP £ 英镑
    HKD hk$ 港币 港元
    JPY jp¥ 円 日元
    AUD a$ au$
    CAD c$ ca$
    KRW ₩
    INR ₹
    SGD s$
    TWD nt$
    BRL r$
    """
)
#: A symbol more than one currency writes: read as the row's currency column when that is
#: one of these.
SHARED_SYMBOLS: Mapping[str, frozenset[str]] = {
    "$": frozenset({"USD", "AUD", "CAD", "HKD", "SGD", "NZD", "TWD", "MXN", "BRL"}),
    "¥": frozenset({"CNY", "JPY"}),
}


def _currency_token(token: str) -> str | None:
    """The currency a symbol, a word or an ISO code names; None when it names none."""
    key = "".join(token.split()).casefold()
    if key in CURRENCY_WORDS:
        return CURRENCY_WORDS[key]
    if len(key) == 3 and key.isascii() and key.isalpha():
        try:
            return check_currency(key)
        except RuleError:
            return None
    return None


def parse_sheet_currency(text: str, *, field: str = "currency") -> str:
    """A currency column's cell: an ISO 4217 code (``cny`` → ``CNY``), or what Chinese
    sheets write (``RMB``, ``人民币``, ``元`` → CNY, ``美元`` → USD, ``欧元`` → EUR) or a
    symbol (``$``, ``€``)."""
    raw = _folded(text)
    found = _currency_token(raw) if len(raw) <= _VALUE_MAX else None
    if found is None and len(raw) > _VALUE_MAX:
        raise RuleError(f"{field} {shown(raw)} is not an ISO 4217 currency code", field=field)
    return found if found is not None else check_currency(raw, field=field)


# --- amounts ----------------------------------------------------------------------------

#: The multipliers amounts are written with: ``300k``, ``1.2M``, ``2bn``, ``120万``, ``1.5亿``.
AMOUNT_MULTIPLIERS: Mapping[str, int] = {
    **AMOUNT_SCALES,
    **{"mn": 10**6, "mm": 10**6, "bn": 10**9, "千": 10**3, "万": 10**4, "十万": 10**5},
    **{"百万": 10**6, "千万": 10**7, "亿": 10**8},
}
_NUMBER = re.compile(r"\d(?:[\d.,' \u00a0\u202f\u2009]*\d)?")
_SPACES = re.compile(r"[' \u00a0\u202f\u2009]")
_THOUSANDS = {
    ",": re.compile(r"\d{1,3}(?:,\d{3})*|\d{1,2}(?:,\d{2})*,\d{3}"),  # also 12,00,000 (India)
    ".": re.compile(r"\d{1,3}(?:\.\d{3})*"),
}
_MINUS = "-−–"


def _plain_number(core: str) -> str | None:
    """``1.200.000,00`` → ``1200000.00``: the decimal point a dot, no grouping. Both
    separators present: the last is the decimal one. One separator once: three digits
    after it (and at most three, not a lone 0, before) group thousands, anything else is
    decimals; but where spaces group the thousands it is the decimal one. One separator
    many times: thousands."""
    spaced = bool(_SPACES.search(core))
    digits = _SPACES.sub("", core)
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        point = "," if digits.rfind(",") > digits.rfind(".") else "."
        whole, sep, fraction = digits.rpartition(point)
        group = "." if point == "," else ","
        if not _THOUSANDS[group].fullmatch(whole):
            return None
        return whole.replace(group, "") + "." + fraction
    if not commas and not dots:
        return digits
    sep = "," if commas else "."
    head, _, tail = digits.partition(sep)
    if digits.count(sep) == 1:
        thousands = len(tail) == 3 and len(head) <= 3 and head != "0" and not spaced
        return head + tail if thousands else head + "." + tail
    return digits.replace(sep, "") if _THOUSANDS[sep].fullmatch(digits) else None


def _tail(after: str) -> tuple[str, str] | None:
    """What follows the digits, as a multiplier and a currency token, either of them
    empty (``万元``, ``k USD``, ``CNY``); None when it is anything else."""
    key = "".join(after.split()).casefold()
    if not key or _currency_token(key) is not None:
        return "", key
    for mult in sorted(AMOUNT_MULTIPLIERS, key=len, reverse=True):
        if key.startswith(mult):
            rest = key[len(mult) :]
            return (mult, rest) if not rest or _currency_token(rest) else None
    return None


def parse_sheet_amount(
    text: str, *, field: str = "amount", currency: str | None = None
) -> tuple[Decimal, str | None]:
    """An amount as exports write it, and the currency its symbol or code implies (None
    if none): ``1,200,000``, ``1.200.000,00``, ``1 200 000,50``, ``¥1,200,000``,
    ``RMB 1,200,000``, ``$1,200.50``, ``€1.200,00``, ``1,200,000 CNY``, ``120万元``,
    ``1.5亿``, ``1.2M``, ``300k``. A negative amount (``-5``, ``(1,200)``) is refused.

    ``currency`` is what the row's currency column says, if it says: a symbol several
    currencies share (``$``, ``¥``) is then read as that one when it may be (``$`` in a
    CAD row is CAD). An ISO code next to a symbol wins over the symbol."""
    raw = _folded(text)
    if not raw:
        raise RuleError(f"{field} is empty", field=field)
    bad = RuleError(f"{shown(text)} is not an amount", field=field)
    if len(raw) > _VALUE_MAX:
        raise bad
    negative = raw.startswith("(") and raw.endswith(")")
    if negative:
        raw = raw[1:-1].strip()
    number = _NUMBER.search(raw)
    if number is None:
        raise bad
    before = raw[: number.start()].strip()
    negative = negative or any(c in _MINUS for c in before)
    before = "".join(before.strip(_MINUS + "+ ").split()).casefold()
    tail = _tail(raw[number.end() :])
    plain = _plain_number(number.group())
    if (before and _currency_token(before) is None) or tail is None or plain is None:
        raise bad
    mult, after = tail
    value = scaled_number(plain + mult, AMOUNT_MULTIPLIERS)
    if value is None:
        raise bad
    if negative and value:
        raise RuleError(f"{field} must not be negative (got {shown(text)})", field=field)
    tokens = [t for t in (before, after) if t]
    found = [_token_currency(t, currency) for t in tokens]
    if len(set(found)) > 1:
        codes = [c for t, c in zip(tokens, found, strict=True) if _is_code(t)]
        if len(codes) != 1:
            raise RuleError(
                f"{shown(text)} names two currencies, {found[0]} and {found[1]}", field=field
            )
        found = codes  # an ISO code wins over a symbol: $1,200 CAD
    return value, (found[0] if found else None)


def _is_code(token: str) -> bool:
    return len(token) == 3 and token.isascii() and token.isalpha()


def _token_currency(token: str, column: str | None) -> str | None:
    """The currency a token names; a symbol several share (``$``) is the row's currency
    column's when that is one of them."""
    if column in SHARED_SYMBOLS.get(token, ()):
        return column
    return _currency_token(token)


# --- dates ------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
#: The Excel serial numbers read as dates: 1950-01-01 to 2100-12-31.
SERIALS = range((date(1950, 1, 1) - _EXCEL_EPOCH).days, (date(2101, 1, 1) - _EXCEL_EPOCH).days)
_TIME = r"(?:(?:t|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}:?\d{2}|am|pm)?)?"
_YEAR_FIRST = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}")
_YEAR_LAST = re.compile(rf"(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}")
_CHINESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
_COMPACT_DATE = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})")


def parse_sheet_date(text: str, *, day_first: bool | None = None, field: str = "date") -> date:
    """A date as sheets write it: ISO ``2026-12-01`` (a time after it is ignored),
    ``2026/12/1``, ``2026.12.1``, ``20261201``, ``2026年12月1日``, ``1-Dec-2026``,
    ``Dec 1, 2026``, ``12/01/2026`` (month first, unless ``day_first`` or the first
    number is above 12), ``01.12.2026`` (dots: day first, the German way, unless
    ``day_first`` is False), two-digit years as 20xx (70-99: 19xx), and Excel's serial
    numbers (``46357`` is 2026-12-01) for the years 1950 to 2100. Anything else, or a day
    that does not exist (``31/02/2027``), is "'…' is not a date"."""
    raw = " ".join(_folded(text).casefold().split())
    bad = RuleError(f"{shown(text)} is not a date", field=field)
    if not raw or len(raw) > _VALUE_MAX:
        raise bad
    ymd: tuple[int, int, int] | None = None
    if m := _YEAR_FIRST.fullmatch(raw):
        ymd = int(m.group(1)), int(m.group(3)), int(m.group(4))
    elif m := _CHINESE_DATE.fullmatch(raw) or _COMPACT_DATE.fullmatch(raw):
        ymd = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _YEAR_LAST.fullmatch(raw):
        year = int(m.group(4))
        if len(m.group(4)) == 2:
            year += 2000 if year < 70 else 1900
        first, second = int(m.group(1)), int(m.group(3))
        dots = m.group(2) == "."
        first_is_day = day_first if day_first is not None else dots
        if first > 12 or (second <= 12 and first_is_day):
            ymd = year, second, first
        else:
            ymd = year, first, second
    elif m := _SERIAL.fullmatch(raw):
        if int(m.group(1)) not in SERIALS:
            raise bad
        return _EXCEL_EPOCH + timedelta(days=int(m.group(1)))
    elif parts := month_day_parts(" ".join(raw.replace("-", " ").split())):
        mon, day, year_text = parts
        if mon not in MONTHS or year_text is None:
            raise bad
        ymd = int(year_text), MONTHS.index(mon) + 1, int(day)
    if ymd is None:
        raise bad
    try:
        return date(*ymd)
    except ValueError:
        raise bad from None


# --- probabilities, tiers, levels, statuses ---------------------------------------------

_PROBABILITY = re.compile(r"(\d{1,3})(?:[.,](\d+))?")


def parse_sheet_probability(text: str) -> int:
    """A win probability in percent: ``75``, ``75%``, ``0.75`` (a fraction with a point
    is a share of 1: 75%), rounded half to even; 0 to 100."""
    raw = "".join(_folded(text).split())
    percent = raw.endswith("%")
    m = _PROBABILITY.fullmatch(raw.removesuffix("%"))
    if m is None:
        raise RuleError(
            f"{shown(text)} is not a probability: write 75, 75% or 0.75", field="probability"
        )
    value = Decimal(f"{m.group(1)}.{m.group(2) or 0}")
    if m.group(2) is not None and not percent and value <= 1:
        value *= 100
    result = int(value.to_integral_value(ROUND_HALF_EVEN))
    check_probability(result)
    return result


_TIER = re.compile(r"(?:tier|class)?\s*([sabc])\s*(?:级|类|级客户|类客户|-?class|tier)?")
_LEVEL = re.compile(r"(?:level|lvl\.?)?\s*(iii|ii|i|[123]|[一二三])\s*(?:级|类|level)?")
_LEVELS = {"i": Level.I, "1": Level.I, "一": Level.I, "ii": Level.II, "2": Level.II}
_LEVELS |= {"二": Level.II, "iii": Level.III, "3": Level.III, "三": Level.III}


def parse_sheet_tier(text: str, *, field: str = "tier") -> Tier:
    """A customer's tier: ``S``, ``A``, ``B``, ``C``, also ``S级``, ``A类``, ``Tier B``."""
    m = _TIER.fullmatch(_folded(text).casefold())
    if m is None:
        raise RuleError(f"{shown(text)} is not a customer tier: S, A, B or C", field=field)
    return Tier(m.group(1).upper())


def parse_sheet_level(text: str, *, field: str = "level") -> Level:
    """A project level: ``I``, ``II``, ``III``, also ``1``-``3``, ``一级``, ``Level II``,
    ``Ⅱ``."""
    m = _LEVEL.fullmatch(_folded(text).casefold())
    if m is None:
        raise RuleError(f"{shown(text)} is not a project level: I, II or III", field=field)
    return _LEVELS[m.group(1)]


#: What a status column says, compacted (see :func:`_compact`).
_STATUS_WORDS: Mapping[str, str] = _table(
    """
    open    open active inprogress ongoing 进行中 跟进中 跟踪中
    won     won win closedwon 赢单 已签约 签约 中标 成交 已成交
    lost    lost loss closedlost 丢单 输单 失败 未中标
    dropped dropped abandoned cancelled canceled 放弃 已放弃 取消
    """
)


def parse_sheet_status(text: str, *, field: str = "status") -> DealStatus:
    """A deal's status as sheets write it: open, won, lost, dropped, and their CRM and
    Chinese words (``Closed Won``, ``进行中``, ``赢单``, ``丢单``, ``放弃``)."""
    found = _STATUS_WORDS.get(_compact(text))
    if found is None:
        raise RuleError(
            f"{shown(text)} is not a deal status: open, won, lost or dropped", field=field
        )
    return DealStatus(found)


# --- stages -----------------------------------------------------------------------------

#: The ends a stage name may stand for, besides the stages themselves.
ENDINGS: Mapping[str, DealStatus] = {
    "won": DealStatus.WON,
    "lost": DealStatus.LOST,
    "dropped": DealStatus.DROPPED,
}
#: What a mapping file's ``[stages]`` may map a label to.
STAGE_TARGETS: tuple[str, ...] = (*(s.value for s in STAGES), *ENDINGS)
#: Where a won deal sits: a deal is won when its contract is signed.
WON_AT = Stage.CONTRACT
#: Where a deal the sheet says only "lost" or "dropped" of is put.
ENDED_AT = Stage.OPPORTUNITY

#: Salesforce's, HubSpot's (labels and internal ids), Odoo's and Chinese sheets' stage
#: names, compacted (see :func:`_compact`), by the target of :data:`STAGE_TARGETS` they
#: mean (the table in this module's docstring).
BUILT_IN_STAGES: Mapping[str, str] = _table(
    """
    lead        prospecting appointmentscheduled new 线索
    opportunity qualification needsanalysis qualifiedtobuy qualified 机会点 机会
    pre_bid     valueproposition iddecisionmakers perceptionanalysis presentationscheduled 标前引导
    bid         proposalpricequote negotiationreview decisionmakerboughtin proposition 投标
    contract    contractsent 合同 合同签订 合同谈判
    delivery    交付
    invoice     开票回款 回款
    closed      关闭
    won         closedwon won 赢单 已签约
    lost        closedlost lost 丢单 输单
    dropped     dropped abandoned 放弃
    """
)


def _compact(text: str) -> str:
    """A label as compared loosely: case-folded, without spaces or punctuation, so
    ``Closed Won``, ``closedwon`` and ``Proposal/Price Quote`` meet their keys."""
    return "".join(c for c in norm(_folded(text)) if c.isalnum())


def check_stage_target(value: str, *, field: str = "stage") -> str:
    """What a mapping file maps a stage label to, as one of :data:`STAGE_TARGETS`:
    ``won``, ``lost``, ``dropped``, or a stage by its value, label or short name."""
    key = value.strip().casefold()
    if key in ENDINGS:
        return key
    try:
        return parse_stage(value).value
    except RuleError:
        choices = ", ".join(STAGE_TARGETS)
        raise RuleError(
            f"{shown(value)} is not a stage: choose one of {choices}", field=field
        ) from None


def stage_target(value: str) -> tuple[Stage, DealStatus]:
    """A target of :data:`STAGE_TARGETS` as a stage and a status: ``won`` is Contract
    and won, ``lost``/``dropped`` are Opportunity and lost/dropped; a stage past Contract
    has a signed contract, so its deal is won; the others are open."""
    target = check_stage_target(value)
    if target in ENDINGS:
        status = ENDINGS[target]
        return (WON_AT if status is DealStatus.WON else ENDED_AT), status
    stage = Stage(target)
    return stage, DealStatus.WON if stage.order > WON_AT.order else DealStatus.OPEN


def parse_sheet_stage(
    text: str, stages: Mapping[str, str] | None = None
) -> tuple[Stage, DealStatus]:
    """Their stage name → an LTC stage and a status (see the table in this module's
    docstring). ``stages`` (a mapping file's ``[stages]``, keys normalised with
    :func:`norm`, values of :data:`STAGE_TARGETS`) wins over the built-in names."""
    given = {_compact(k): v for k, v in (stages or {}).items()}
    target = (stages or {}).get(norm(text)) or given.get(_compact(text))
    target = target or BUILT_IN_STAGES.get(_compact(text))
    if target is not None:
        return stage_target(target)
    with contextlib.suppress(RuleError):
        return stage_target(parse_stage(_folded(text)).value)
    raise RuleError(
        f"{shown(text)} is not a stage this import knows: map it in the mapping file's [stages]",
        field="stage",
    )
