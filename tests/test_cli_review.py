"""`dealroom review`: the agenda drawn from the data, the deals that need a review, and
recording one held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import TODAY, Clock

from dealroom.cli import EXIT_REFUSED, EXIT_USAGE, main
from dealroom.domain import Role, TaskStatus
from dealroom.domain.competitors import Competitor
from dealroom.domain.powermap import Contact, DecisionRole
from dealroom.store import Store
from dealroom.store.database import Database


def run(url: str, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--db", url, "--as", "ana", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def blocked(team: Store, clock: Clock) -> Store:
    """ACME-5G with a task blocked ten days ago, a key decider and a competitor."""
    task = team.items.add_task("ACME-5G", Role.SR, "Reference visit | [b]Shanghai[/b]", owner="wei")
    team.items.set_task_status(task.id, TaskStatus.BLOCKED)
    team.powermap.add_contact(
        "ACME-5G", Contact("Wang Li", "CTO", DecisionRole.DECISION_MAKER, 5, key_decider=True)
    )
    team.powermap.add_competitor("ACME-5G", Competitor("Rival Co", weaknesses="no local team"))
    clock.advance(days=10)
    return team


def test_the_agenda_is_markdown_drawn_from_the_deal(
    blocked: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Database, "today", lambda self: TODAY + timedelta(days=10))
    code, out, err = run(blocked.url, capsys, "review", "acme-5g")
    assert code == 0, err
    assert out.startswith("# Deal review — ACME-5G 5G core refresh")
    assert "has been blocked for 10 days" in out
    assert "Wang Li (CTO)" in out and "Rival Co" in out
    assert "Reference visit \\| \\[b\\]Shanghai\\[/b\\]" in out  # user text stays literal


def test_due_lists_the_reasons_and_held_clears_them(
    blocked: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Database, "today", lambda self: TODAY + timedelta(days=10))
    code, out, _ = run(blocked.url, capsys, "review", "--due")
    assert code == 0 and out.startswith("ACME-5G: Competitor move:") and "Obstacle: " in out
    code, out, _ = run(blocked.url, capsys, "review", "ACME-5G", "--held", "--note", "new plan")
    assert (code, out) == (0, "recorded the review of ACME-5G held on 2026-12-03\n")
    assert run(blocked.url, capsys, "review", "--due")[1] == "no deal needs a review\n"
    assert blocked.reads.events(code="ACME-5G")[-1].summary == "held a deal review on 2026-12-03"


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["review"], EXIT_USAGE),
        (["review", "ACME-5G", "--due"], EXIT_USAGE),
        (["review", "ACME-5G", "--note", "x"], EXIT_USAGE),
        (["review", "NOPE"], EXIT_REFUSED),
        (["review", "ACME-5G", "--held", "--on", "+3d"], EXIT_REFUSED),
    ],
)
def test_wrong_use_is_refused_and_records_nothing(
    team: Store, capsys: pytest.CaptureFixture[str], argv: list[str], status: int
) -> None:
    """Options that do not go together are usage errors (2); a deal that is not there or
    a day in the future is refused (1)."""
    code, _, err = run(team.url, capsys, *argv)
    assert code == status and err.startswith("dealroom: error:")
    assert team.methods.deal_methods("ACME-5G").reviews == []
