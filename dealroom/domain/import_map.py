"""What a team's sheet holds and how it reads: the import's fields and its mapping file.

Where the headers or the stage names in a team's sheet are its own, a mapping file says
what they mean; its format is in :mod:`dealroom.domain.import_rows` (which re-exports
everything here). :func:`load_map` reads one, :func:`map_toml` writes one (for
``dealroom import --save-map``: the team edits it rather than writing it from nothing).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Literal, TypeVar, get_args

from dealroom.domain.import_values import check_stage_target, norm, parse_sheet_currency
from dealroom.domain.model import Role
from dealroom.domain.rules import RuleError

Entity = Literal["deals", "people", "accounts"]
ENTITIES: tuple[Entity, ...] = get_args(Entity)

DEAL_FIELDS = (
    "source_id",
    "code",
    "name",
    "account",
    "tier",
    "stage",
    "status",
    "amount",
    "currency",
    "probability",
    "close_date",
    "level",
    "AR",
    "SR",
    "FR",
    "sponsor",
)
PERSON_FIELDS = ("handle", "name", "email")
ACCOUNT_FIELDS = ("name", "tier")
FIELDS: Mapping[Entity, tuple[str, ...]] = {
    "deals": DEAL_FIELDS,
    "people": PERSON_FIELDS,
    "accounts": ACCOUNT_FIELDS,
}
#: The fields a row cannot do without; "handle or email": one of the two.
REQUIRED: Mapping[Entity, tuple[str, ...]] = {
    "deals": ("name", "account"),
    "people": ("name", "handle or email"),
    "accounts": ("name",),
}
#: The deal fields that name a person leading the deal, and the role each fills.
LEAD_ROLES: Mapping[str, Role] = {
    "AR": Role.AR,
    "SR": Role.SR,
    "FR": Role.FR,
    "sponsor": Role.SPONSOR,
}

V = TypeVar("V")


# --- the shapes of sheet the import knows ---------------------------------------------


def _aliases(text: str) -> dict[str, str]:
    """``field: alias | alias`` lines as {norm(alias): field}."""
    out: dict[str, str] = {}
    for line in text.strip().splitlines():
        name, _, aliases = line.partition(":")
        out |= {norm(a): name.strip() for a in aliases.split("|")}
    return out


#: Each shape of sheet the import knows, by entity: its headers → fields.
SHAPES: Mapping[Entity, Mapping[str, Mapping[str, str]]] = {
    "deals": {
        "Salesforce": _aliases("""
            source_id: Opportunity ID | Opportunity ID (18)
            name: Opportunity Name
            account: Account Name
            amount: Amount
            currency: Amount Currency | Opportunity Currency | Currency
            close_date: Close Date
            stage: Stage
            probability: Probability (%)
            AR: Opportunity Owner | Owner Name
        """),
        "HubSpot": _aliases("""
            source_id: Record ID | Deal ID
            name: Deal Name
            account: Associated Company | Company name | Associated Company (Primary)
            amount: Amount
            currency: Currency | Deal currency code
            close_date: Close Date
            stage: Deal Stage
            AR: Deal owner
            probability: Deal probability
        """),
        "Odoo": _aliases("""
            source_id: ID | External ID
            name: Opportunity
            account: Customer | Partner
            amount: Expected Revenue
            currency: Currency
            close_date: Expected Closing
            stage: Stage
            AR: Salesperson
            probability: Probability
        """),
        "Chinese sheet": _aliases("""
            source_id: 项目编号 | 编号 | 商机编号
            name: 项目名称 | 商机名称 | 项目
            account: 客户名称 | 客户
            tier: 客户级别 | 客户等级
            amount: 金额 | 合同金额 | 预计金额 | 项目金额
            currency: 币种 | 货币
            close_date: 预计签约日期 | 签约日期 | 预计成交日期
            stage: 阶段 | 项目阶段
            status: 状态
            probability: 赢率 | 成功率 | 概率
            level: 项目级别 | 级别
            AR: 客户经理
            SR: 方案经理
            FR: 交付经理
            sponsor: 赞助人 | 项目赞助人 | 发起人
        """),
        "dealroom": {norm(f): f for f in DEAL_FIELDS if f != "source_id"},
        "spreadsheet": _aliases("""
            source_id: id | deal id | record id
            name: deal | deal name | project | project name | opportunity name
            account: customer | client | company | account name
            amount: value | deal value | deal amount
            close_date: close | expected close date | closing date | expected close
            probability: win probability | probability (%)
            AR: owner | account manager | account lead
            SR: solution manager | solution lead
            FR: delivery manager | fulfillment lead | fulfilment lead
        """),
    },
    "people": {
        "Chinese sheet": _aliases("handle: 用户名 | 账号\nname: 姓名\nemail: 邮箱 | 电子邮件"),
        "dealroom": {f: f for f in PERSON_FIELDS},
        "spreadsheet": _aliases(
            "handle: handle | login | username\nname: name | full name\nemail: email | e-mail"
        ),
    },
    "accounts": {
        "Chinese sheet": _aliases("name: 客户名称\ntier: 客户级别"),
        "dealroom": {f: f for f in ACCOUNT_FIELDS},
        "spreadsheet": _aliases("name: name | account name\ntier: tier"),
    },
}


# --- the mapping file -------------------------------------------------------------------


def check_entity(value: str) -> Entity:
    """What an import reads: deals, people or accounts."""
    for entity in ENTITIES:
        if value == entity:
            return entity
    raise RuleError(f"entity {value!r} is not deals, people or accounts", field="entity")


def column_field(entity: Entity, header: str, value: str) -> str:
    """The field a mapping file's column fills, spelt as :data:`FIELDS` spells it
    (``ar`` → ``AR``)."""
    fields = {f.casefold(): f for f in FIELDS[entity]}
    found = fields.get(value.strip().casefold())
    if found is None:
        raise RuleError(
            f"column {header!r} maps to {value!r}, which is not a field of {entity}: "
            f"choose one of {', '.join(FIELDS[entity])}",
            field="columns",
        )
    return found


@dataclass(frozen=True, slots=True)
class ImportMap:
    """What a team's mapping file says about its sheet. Stage labels are kept
    normalised (:func:`~dealroom.domain.import_values.norm`), fields as :data:`FIELDS`
    spells them, the currency as its ISO code; anything else is refused."""

    columns: Mapping[str, str] = field(default_factory=dict)
    """A header as in the file (matched by ``norm``) → the field of the entity it fills."""
    stages: Mapping[str, str] = field(default_factory=dict)
    """Their stage label (normalised) → a Stage value (``lead``, …) or won/lost/dropped."""
    currency: str | None = None
    """The currency of amounts when no column and no symbol gives one."""
    day_first: bool | None = None
    entity: Entity = "deals"

    def __post_init__(self) -> None:
        entity = check_entity(self.entity)
        columns = {h: column_field(entity, h, f) for h, f in self.columns.items()}
        stages = {norm(k): check_stage_target(v) for k, v in self.stages.items()}
        currency = None if self.currency is None else parse_sheet_currency(self.currency)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "stages", stages)
        object.__setattr__(self, "currency", currency)


#: What a mapping file's top level holds, and the kind of each.
_SETTINGS: Mapping[str, tuple[type, str]] = {
    "entity": (str, "a string: deals, people or accounts"),
    "currency": (str, "a string such as CNY"),
    "day_first": (bool, "true or false"),
    "columns": (dict, "a table: [columns]"),
    "stages": (dict, "a table: [stages]"),
}


def load_map(text: str, *, name: str = "mapping file") -> ImportMap:
    """Read a mapping file's text; a mistake in it is a :class:`RuleError` naming the file
    and the line it is on (``mapping file, line 7: column 'Kunde' maps to …``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{name} is not valid TOML: {exc}") from None
    for key, value in data.items():
        if key not in _SETTINGS:
            takes = "entity, currency, day_first, [columns] and [stages]"
            raise _map_error(text, name, key, f"unknown setting {key!r}: it takes {takes}")
        kind, says = _SETTINGS[key]
        if not isinstance(value, kind):
            raise _map_error(text, name, key, f"{key} must be {says}")
    for table in ("columns", "stages"):
        for key, value in data.get(table, {}).items():
            if not isinstance(value, str):
                raise _map_error(text, name, key, f"[{table}] {key!r} must be a string")
    entity = _at(text, name, "entity", partial(check_entity, data.get("entity", "deals")))
    currency = data.get("currency")
    if currency is not None:
        currency = _at(text, name, "currency", partial(parse_sheet_currency, currency))
    columns = {
        h: _at(text, name, h, partial(column_field, entity, h, v))
        for h, v in data.get("columns", {}).items()
    }
    stages = {
        k: _at(text, name, k, partial(check_stage_target, v))
        for k, v in data.get("stages", {}).items()
    }
    return ImportMap(columns, stages, currency, data.get("day_first"), entity)


def _at(text: str, name: str, key: str, check: Callable[[], V]) -> V:
    """``check()``, its refusal told at the line that sets ``key``."""
    try:
        return check()
    except RuleError as exc:
        raise _map_error(text, name, key, str(exc)) from None


def _map_error(text: str, name: str, key: str, message: str) -> RuleError:
    """``mapping file, line 7: …``: at the first line that sets ``key``, if one does."""
    quoted = "|".join(re.escape(q) for q in (key, json.dumps(key, ensure_ascii=False)))
    setting = re.compile(rf"\s*(?:{quoted}|'{re.escape(key)}')\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if setting.match(line) or line.strip() == f"[{key}]":
            return RuleError(f"{name}, line {number}: {message}")
    return RuleError(f"{name}: {message}")


def _toml(text: str) -> str:
    """A TOML basic string: JSON's string, with DEL escaped too (TOML refuses it raw)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def map_toml(m: ImportMap) -> str:
    """A mapping file that :func:`load_map` reads back as ``m``, commented for the team."""
    lines = [
        "# dealroom import: how this team's sheet reads",
        f"entity = {_toml(m.entity)}  # what the file holds: deals, people or accounts",
    ]
    if m.currency is None:
        lines.append('# currency = "CNY"  # the currency of amounts no column or symbol names')
    else:
        lines.append(f"currency = {_toml(m.currency)}  # of amounts no column or symbol names")
    if m.day_first is None:
        lines.append("# day_first = true  # 01/02/2026 is 1 February (unset: dots day first)")
    else:
        meaning = "1 February" if m.day_first else "January 2"
        lines.append(f"day_first = {str(m.day_first).lower()}  # 01/02/2026 is {meaning}")
    lines += ["", "[columns]", '# "the header in the file" = "the field it fills"']
    lines += [f"{_toml(header)} = {_toml(name)}" for header, name in m.columns.items()]
    lines += ["", "[stages]", '# "their stage" = ' + _STAGE_CHOICES]
    lines += [f"{_toml(label)} = {_toml(target)}" for label, target in m.stages.items()]
    return "\n".join(lines) + "\n"


_STAGE_CHOICES = (
    "lead, opportunity, pre_bid, bid, contract, delivery, invoice, closed, won, lost or dropped"
)
