"""Standups as records, the digest they walk, and `dealroom standup`."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, Clock, other_store
from markdown_it import MarkdownIt
from pilots import won_at
from seeding import open_seeder

from dealroom.cli import main
from dealroom.domain import Gate, GateDecision, Role, Stage, TaskStatus
from dealroom.export.digest import deal_digest_markdown, digest, minutes_markdown, walk
from dealroom.store import Store
from dealroom.store.inputs import ContactUpdate


def test_standup_record_with_notes_and_actions(team: Store, clock: Clock) -> None:
    first_since = team.standups.default_since()
    assert first_since == clock() - timedelta(hours=24)  # no standup yet: the last day
    su = team.standups.start_standup()
    team.standups.cover(su.id, "acme-5g")
    note = team.standups.add_note(su.id, "CTO is travelling until Friday", "ACME-5G")
    task = team.standups.add_action(
        su.id, "ACME-5G", Role.SR, "Send BoQ v2", owner="wei", due=TODAY + timedelta(days=2)
    )
    clock.advance(minutes=12)
    ended = team.standups.end_standup(su.id)
    assert ended.deals == ["ACME-5G"]
    assert ended.actions == [task.id]
    assert [(n.text, n.author, n.deal_code) for n in ended.notes] == [
        ("CTO is travelling until Friday", "ana", "ACME-5G")
    ]
    assert note.id == ended.notes[0].id
    assert ended.ended_at is not None and ended.ended_at > ended.started_at
    assert team.reads.task(task.id).owner == "wei"
    # the next standup looks at what came after this one ended
    assert team.standups.default_since() == ended.ended_at
    kinds = [(e.entity, e.action) for e in team.reads.events(after_id=0)][-4:]
    assert kinds == [
        ("standup", "start"),
        ("note", "create"),
        ("task", "create"),
        ("standup", "end"),
    ]


def test_a_refused_action_changes_nothing(team: Store) -> None:
    su = team.standups.start_standup()
    before = team.reads.last_event_id()
    with pytest.raises(Exception, match="no person 'ghost'"):
        team.standups.add_action(su.id, "ACME-5G", Role.SR, "x", owner="ghost")
    assert team.standups.standup(su.id).actions == []
    assert team.reads.last_event_id() == before
    assert team.reads.deal_room("ACME-5G").tasks == []


def test_digest_sorts_events_by_role_and_finds_what_matters(team: Store, clock: Clock) -> None:
    clock.advance(hours=1)
    since = clock()
    overdue = team.items.add_task(
        "ACME-5G", Role.AR, "Map the decision chain", owner="ana", due=TODAY - timedelta(days=1)
    )
    team.items.add_task("ACME-5G", Role.AR, "Later", due=TODAY + timedelta(days=9))
    blocked = team.items.add_task("ACME-5G", Role.SR, "Price it", status=TaskStatus.BLOCKED)
    h = team.items.add_handoff("ACME-5G", Role.SR, Role.FR, "BoQ v2")
    team.items.add_risk("ACME-5G", Role.FR, "Customs", likelihood=5, impact=4)
    team.deals.record_gate("ACME-5G", Gate.ATI, GateDecision.APPROVED)
    room = team.reads.deal_room("ACME-5G")
    d = digest(room, team.reads.events(code="ACME-5G", since=since), TODAY)
    ar, sr, fr = d.roles
    assert [t.id for t in ar.due] == [overdue.id]
    assert [t.id for t in sr.blocked] == [blocked.id]
    assert [x.id for x in fr.waiting] == [h.id] and [x.id for x in sr.waiting] == [h.id]
    assert [r.title for r in fr.top_risks] == ["Customs"]
    assert [e.action for e in d.deal_changes] == ["decide"]
    assert {e.summary for e in sr.changes} >= {"added SR task 'Price it'"}
    assert not d.quiet and d.urgency > 0


def test_the_standup_hears_a_support_change(team: Store, clock: Clock) -> None:
    from dealroom.domain.powermap import Contact, DecisionRole

    cto = team.powermap.add_contact(
        "ACME-5G", Contact("Wang Li", "CTO", DecisionRole.DECISION_MAKER, 5, support=1)
    )
    clock.advance(hours=1)
    since = clock()
    team.powermap.update_contact(cto.id, ContactUpdate(support=-1))
    d = digest(
        team.reads.deal_room("ACME-5G"), team.reads.events(code="ACME-5G", since=since), TODAY
    )
    assert [e.summary for e in d.deal_changes] == ["support of Wang Li (CTO) fell from +1 to −1"]
    assert "support of Wang Li (CTO) fell from +1 to −1" in "\n".join(
        deal_digest_markdown(d, TODAY, {})
    )


def test_a_waiting_handoff_says_how_long_it_has_waited(team: Store, clock: Clock) -> None:
    from dealroom.screens.standup_text import role_text

    team.items.add_handoff("ACME-5G", Role.SR, Role.FR, "BoQ v2")
    later = TODAY + timedelta(days=3)
    d = digest(team.reads.deal_room("ACME-5G"), [], later)
    fr = d.roles[2]
    assert "waiting: SR → FR BoQ v2 (3d)" in role_text(fr, later, {}).plain
    assert "- waiting: SR → FR BoQ v2 (3d)" in "\n".join(deal_digest_markdown(d, later, {}))


def test_walk_puts_the_most_urgent_deal_first(team: Store) -> None:
    team.deals.create_deal("CALM-1", "Quiet deal", "Calm Co")
    team.items.add_task("ACME-5G", Role.AR, "Late", due=TODAY - timedelta(days=3))
    order = [d.code for d in walk(team.reads.deal_rooms(), [], TODAY)]
    assert order == ["ACME-5G", "CALM-1"]


def test_minutes_parse_and_list_actions_and_notes(team: Store) -> None:
    su = team.standups.start_standup()
    team.standups.add_note(su.id, "Watch the *budget* | [link](x)")
    task = team.standups.add_action(su.id, "ACME-5G", Role.FR, "Book the customs broker")
    ended = team.standups.end_standup(su.id)
    digests = walk(team.reads.deal_rooms(), team.reads.events(since=ended.since), TODAY)
    text = minutes_markdown(
        ended, digests, [team.reads.task(task.id)], today=TODAY, names={"ana": "Ana Lima"}
    )
    assert "- actions created: 1" in text
    assert "- [ ] ACME\\-5G FR: Book the customs broker" in text.replace("ACME-5G", "ACME\\-5G")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    literal = " ".join(c.content for t in tokens for c in (t.children or []) if c.type == "text")
    assert "Watch the *budget* | [link](x)" in literal


def test_standup_command_prints_the_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "t.db"
    with open_seeder(str(db), actor="ana", today=TODAY) as st:
        st.people.add_person("ana", "Ana Lima")
        st.deals.create_deal("ACME-5G", "5G", "ACME", leads={Role.AR: "ana"})
        st.items.add_task("ACME-5G", Role.AR, "Late one", owner="ana", due=date(2026, 11, 20))
    monkeypatch.setenv("DEALROOM_DB", str(db))
    monkeypatch.setenv("DEALROOM_USER", "ana")
    assert main(["standup", "--today", "2026-11-23", "--since", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Standup digest — 2026-11-23\n")
    assert "- overdue: Late one (Ana Lima, 2026-11-20)" in out
    assert "- changed: Ana Lima: added AR task 'Late one'" in out
    assert main(["standup", "--mine", "--today", "2026-11-23"]) == 0
    assert "ACME" in capsys.readouterr().out


def test_won_deals_in_delivery_and_invoice_are_walked_until_closed(team: Store) -> None:
    """Lead-to-Cash ends when the customer has paid: the FR's delivery and the AR's cash
    collection belong in the standup; a closed, lost or dropped deal does not."""
    from dealroom.domain import DealStatus

    for code, stage in (
        ("DEL-1", Stage.DELIVERY),
        ("INV-1", Stage.INVOICE),
        ("CLO-1", Stage.CLOSED),
    ):
        team.deals.create_deal(code, code, "Acme", leads={Role.AR: "ana"})
        won_at(team, code, stage)
    team.items.add_task("DEL-1", Role.FR, "Install", due=TODAY - timedelta(days=3))
    team.deals.create_deal("LOST-1", "Lost", "Acme", leads={Role.AR: "ana"})
    team.deals.set_status("LOST-1", DealStatus.LOST, "price")
    walked = [d.code for d in walk(team.reads.deal_rooms(), [], TODAY)]
    assert "DEL-1" in walked and "INV-1" in walked
    assert "CLO-1" not in walked and "LOST-1" not in walked
    [delivery] = [d for d in walk(team.reads.deal_rooms(), [], TODAY) if d.code == "DEL-1"]
    [fr] = [r for r in delivery.roles if r.role is Role.FR]
    assert [t.title for t in fr.due] == ["Install"]


def test_only_a_finished_standup_moves_the_window(team: Store, clock: Clock) -> None:
    started = team.standups.start_standup()
    clock.advance(hours=1)
    # started, never finished: still the last day, not since that start
    assert team.standups.default_since() == clock() - timedelta(hours=24)
    ended = team.standups.end_standup(started.id)
    assert team.standups.default_since() == ended.ended_at


def test_two_people_starting_the_standup_share_one(team: Store, clock: Clock) -> None:
    """Before, each opening made a standup of its own; now whoever starts while today's
    standup is running joins it, chaired by whoever started it."""
    first = team.standups.start_standup(scope="role:FR")
    clock.advance(minutes=2)
    with other_store(team, clock, actor="wei") as wei:
        joined = wei.standups.start_standup()
        assert (joined.id, joined.run_by, joined.scope) == (first.id, "ana", "role:FR")
        wei.standups.add_note(joined.id, "wei was here", "ACME-5G")
    assert [n.author for n in team.standups.standup(first.id).notes] == ["wei"]
    assert [e.action for e in team.reads.events() if e.entity == "standup"] == ["start"]
    team.standups.end_standup(first.id)
    clock.advance(minutes=1)
    assert team.standups.start_standup().id != first.id  # that one is over: a new one


def test_yesterdays_unfinished_standup_is_not_joined(team: Store, clock: Clock) -> None:
    old = team.standups.start_standup()
    with other_store(team, clock, actor="wei", today=TODAY + timedelta(days=1)) as wei:
        clock.advance(hours=24)
        assert wei.standups.start_standup().id != old.id


def test_the_minutes_are_kept_with_the_record_and_never_rewritten(
    team: Store, clock: Clock
) -> None:
    su = team.standups.start_standup()
    team.standups.add_note(su.id, "price review on Friday", "ACME-5G")
    ended = team.standups.end_standup(su.id, lambda r: f"# minutes of #{r.id}, {len(r.notes)}")
    assert ended.minutes.startswith(f"# minutes of #{su.id}, 1\n\nlog head #")  # witnessed
    again = team.standups.end_standup(su.id, lambda r: "rewritten")
    assert again.minutes == ended.minutes
    assert [s.id for s in team.standups.past()] == [su.id]


def test_a_scope_is_checked_and_reads_plainly() -> None:
    from dealroom.domain import rules

    assert rules.check_scope(" role:fr ") == "role:FR"
    assert rules.scope_label("person:li", {"li": "李娜"}) == "the deals 李娜 leads"
    for bad in ("role:CEO", "mine:", "everyone", "person:a b"):
        with pytest.raises(rules.RuleError):
            rules.check_scope(bad)


def test_scoped_walks_cut_by_membership_lead_and_role(team: Store) -> None:
    from dealroom.export.digest import scoped

    team.deals.create_deal("BETA-1", "Other", "Beta", leads={Role.AR: "wei"})
    digests = walk(team.reads.deal_rooms(), [], TODAY)
    codes = lambda scope: sorted(d.code for d in scoped(digests, scope))  # noqa: E731
    assert codes("team") == ["ACME-5G", "BETA-1"]
    assert codes("mine:boss") == ["ACME-5G"]  # the sponsor is on it
    assert codes("person:boss") == []  # ...but leads nothing
    assert codes("person:wei") == ["ACME-5G", "BETA-1"]
    fr_only = scoped(digests, "role:FR")
    assert {tuple(r.role for r in d.roles) for d in fr_only} == {(Role.FR,)}


def test_standup_command_lists_and_shows_past_standups(
    team: Store, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    su = team.standups.start_standup()
    task = team.standups.add_action(su.id, "ACME-5G", Role.FR, "Book the site visit")
    team.standups.add_note(su.id, "customer moved the *kick-off*", "ACME-5G")
    url = team.url
    assert main(["--db", url, "standup", "--show", str(su.id)]) == 0
    unfinished = capsys.readouterr().out
    assert "Not finished: this is its record." in unfinished
    assert "ACME-5G FR: Book the site visit" in unfinished
    assert r"customer moved the \*kick-off\*" in unfinished
    team.standups.end_standup(su.id, lambda r: "# the minutes as kept\n")
    assert main(["--db", url, "standup", "--list"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"#{su.id}  ") and "1 deal  1 note  1 action  finished" in line
    assert main(["--db", url, "standup", "--show", str(su.id)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("# the minutes as kept\n\nlog head #")
    assert main(["--db", url, "standup", "--show", "999"]) != 0
    assert "no standup #999" in capsys.readouterr().err
    assert task.id in team.standups.standup(su.id).actions


def test_standup_command_by_role_shows_only_that_side(
    team: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    team.items.add_task("ACME-5G", Role.SR, "Solution deck", due=TODAY - timedelta(days=1))
    team.items.add_task("ACME-5G", Role.FR, "Site survey", due=TODAY - timedelta(days=1))
    argv = ["--db", team.url, "standup", "--today", TODAY.isoformat()]
    assert main([*argv, "--role", "fr"]) == 0
    fr = capsys.readouterr().out
    assert "Site survey" in fr and "Solution deck" not in fr
    assert main(argv) == 0
    team_wide = capsys.readouterr().out
    assert "Site survey" in team_wide and "Solution deck" in team_wide
    assert main([*argv, "--role", "CEO"]) != 0
    assert "unknown standup scope 'role:CEO'" in capsys.readouterr().err
