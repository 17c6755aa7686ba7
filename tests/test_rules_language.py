"""The rules speak the team's language: a refusal (a rule, a permission, a conflict, a
database that cannot be written) reads in Chinese under ``zh_CN``, whole sentences with
the codes (AR, ATB) and the user's data as they are; the stored values (an enum's value,
the event log's English) do not change; and in English every message is what it was."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest

from dealroom import i18n
from dealroom.domain import permissions, rules
from dealroom.domain.checklist import Answer, parse_answer
from dealroom.domain.model import DealStatus, Gate, Level, RiskStatus, Role, Stage, Tier
from dealroom.domain.powermap import Contact as MapContact
from dealroom.domain.powermap import DecisionRole, describe_support_change, power_map_gaps
from dealroom.domain.rules import RuleError
from dealroom.store.errors import ConflictError

SEATS = permissions.seats_of(
    "ACME-5G", Level.II, [(Role.AR, "ana", "Ana Lima"), (Role.SR, "wei", "Wei Zhang")]
)


def said(make: Callable[[], object]) -> str:
    """What ``make`` raises (a refusal), returns (a rule's refusal) or builds (an error), as
    the user reads it."""
    try:
        made = make()
    except (RuleError, ConflictError) as exc:
        return str(exc)
    return str(made)


CASES: list[tuple[str, Callable[[], object], str, str]] = [
    (
        "a lost deal's stage",
        lambda: rules.check_stage_move(DealStatus.LOST, Stage.BID, Stage.CONTRACT, []),
        "the deal is lost: reopen it before moving its stage",
        "项目状态为“丢单”：请先重新打开再移动阶段",
    ),
    (
        "a gate not approved",
        lambda: rules.check_stage_move(DealStatus.OPEN, Stage.PRE_BID, Stage.BID, []),
        "cannot enter Bid: gate ATB (Approve To Bid) is not approved yet",
        "无法进入投标：决策点 ATB（投标决策）尚未批准",
    ),
    (
        "an empty field, named in the user's language",
        lambda: rules.check_text("  ", field="title"),
        "title must not be empty",
        "标题不能为空",
    ),
    (
        "who moves a deal",
        lambda: permissions.move(SEATS, "wei", "moved between stages"),
        "ACME-5G is moved between stages by its AR lead, Ana Lima or its sponsor (none yet)",
        "ACME-5G 的阶段由其 AR（Ana Lima）或其赞助人（尚未指定）移动",
    ),
    (
        "who decides a gate",
        lambda: permissions.gate(SEATS, "wei", Gate.ATB),
        "ATB on ACME-5G (a level-II deal) is decided by its sponsor (none yet)",
        "ACME-5G（II 级项目）的 ATB 由其赞助人（尚未指定）决定",
    ),
    (
        "an administrator's work",
        lambda: permissions.administered("people are added", ["root"]),
        "people are added by an administrator (root)",
        "成员由管理员添加（root）",
    ),
    (
        "a handoff that cannot be accepted",
        lambda: rules.check_handoff_roles(Role.AR, Role.AR),
        "a handoff goes to another role",
        "交接必须交给另一个角色",
    ),
    (
        "someone else's change",
        lambda: ConflictError("task", 12, 3, 4, ["title"], ["wei"], None),
        "task #12 was changed (title) by wei after you opened it: reload to see it, then try again",
        "任务 #12 在你打开后被 wei 修改（标题）：请刷新查看后重试",
    ),
]


@pytest.mark.parametrize(("what", "make", "english", "chinese"), CASES, ids=[c[0] for c in CASES])
def test_a_refusal_reads_in_chinese_and_in_english_as_it_was(
    what: str, make: Callable[[], object], english: str, chinese: str
) -> None:
    with i18n.speaking("en"):
        assert said(make) == english
    with i18n.speaking("zh_CN"):
        assert said(make) == chinese


def test_every_refusal_comes_through_the_catalog() -> None:
    """Under the pseudo-language, no word of a refusal is outside the catalog's brackets."""
    with i18n.speaking(i18n.PSEUDO):
        for what, make, _english, _chinese in CASES:
            text = said(make)
            while re.search(r"⟦[^⟦⟧]*⟧", text):
                text = re.sub(r"⟦[^⟦⟧]*⟧", "", text)
            assert text.strip() == "", (what, said(make))


def test_the_labels_of_the_domain_read_in_chinese_and_the_values_stay() -> None:
    with i18n.speaking("zh_CN"):
        assert RiskStatus.OPEN.label == "未关闭"
        assert DealStatus.OPEN.label == "进行中"
        assert Tier.A.long_name == "产出"
        assert i18n._(DecisionRole.COACH.label) == "教练"
        assert i18n._(Gate.ATCC.meaning) == "合同关闭决策"
        assert parse_answer("是") is Answer.YES  # the answer's word in the language spoken
        assert rules.parse_stage("投标") is Stage.BID
    assert RiskStatus.OPEN.value == "open" and DecisionRole.COACH.value == "coach"
    with i18n.speaking("en"):
        assert RiskStatus.OPEN.label == "open"
        assert Tier.A.long_name == "produces"


def test_the_log_keeps_english_while_a_screen_reads_chinese() -> None:
    """A support change is worded in English for the event log (history is not rewritten),
    and in the language spoken for a screen or a report."""
    with i18n.speaking("zh_CN"):
        assert describe_support_change("Wang Li", 1, -1) == "support of Wang Li fell from +1 to −1"
        gaps = power_map_gaps([MapContact("Wang Li", key_decider=True)], date(2026, 12, 1))
        assert gaps[0].message == "关键决策者 Wang Li 的支持度为 0 中立"
