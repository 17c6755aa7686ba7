"""Hostile text for the output-policy tests: Hypothesis strategies that produce any
Unicode (lone surrogates included, as undecodable bytes become), bytes, and the escape
sequences that do harm; a database with such text in every field; and the check that
nothing of it can act on a terminal.

The examples are fixed by seed (``derandomize``) and bounded so that CI runs the same
ones every time; ``DEALROOM_HYPOTHESIS_EXAMPLES`` asks for more (README, Development).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pilots import ACTOR, TODAY, fixed_now
from seeding import open_seeder

from dealroom.domain import Gate, GateDecision, Role, Stage
from dealroom.domain.competitors import Competitor
from dealroom.domain.powermap import Contact

#: What may never reach a terminal from user text: C0 controls but tab and newline, DEL,
#: C1 controls, the bidirectional embeddings, overrides and isolates, lone surrogates.
TERMINAL_ACTIVE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

#: Sequences that would act on a terminal: the clipboard (OSC 52), the window title
#: (OSC 0/2), clearing the screen, a C1 CSI, a bidi override hiding an extension.
HARMFUL = [
    "\x1b]52;c;aGFja2VkCg==\x1b\\",
    "\x1b]0;pwned\x07",
    "\x1b[2J\x1b[H",
    "\x9b31m",
    "invoice\u202efdp.exe",
    "\x00\x07\x08\r\x7f",
]


def examples(default: int) -> settings:
    """Fixed examples (the same every run), ``default`` of them unless
    ``DEALROOM_HYPOTHESIS_EXAMPLES`` says more."""
    wanted = int(os.environ.get("DEALROOM_HYPOTHESIS_EXAMPLES", default))
    return settings(
        max_examples=wanted,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


#: Any character at all, surrogates included.
any_char = st.characters(codec=None, exclude_categories=())
#: Text weighted towards what attacks a terminal, mixed with any Unicode and with bytes
#: decoded as Python decodes an undecodable argument (lone surrogates).
hostile_text = st.one_of(
    st.text(any_char, max_size=40),
    st.lists(st.one_of(st.sampled_from(HARMFUL), st.text(any_char, max_size=6)), max_size=5).map(
        "".join
    ),
    st.binary(max_size=30).map(lambda b: b.decode("utf-8", "surrogateescape")),
)


def inert(text: str, where: str) -> None:
    """Nothing in ``text`` can act on a terminal."""
    bad = TERMINAL_ACTIVE.search(text)
    assert bad is None, (
        f"{where}: raw {bad.group()!r} in …{text[max(0, bad.start() - 30) :][:80]!r}"
    )


def stored(text: str, fallback: str, limit: int = 120) -> str:
    """What of ``text`` a field stores: cut to ``limit``, without NUL and surrogates (the
    store refuses those, the same on every back-end), never empty."""
    clean = re.sub(r"[\x00\ud800-\udfff]", "", text)[:limit].strip()
    return clean or fallback


@dataclass(frozen=True)
class Seeded:
    code: str
    handle: str
    text: str


def seed_hostile(url: str, text: str, n: int) -> Seeded:
    """Deal ``HOST-n`` with ``text`` in every field a member types: the deal's name and
    account, a person's name (the AR and FR lead, a task owner), tasks, risks, handoffs
    with a rejection reason, a gate note, the power map, a competitor. Then, as data an
    older version could have written, the person's handle and an event's actor are
    ``text`` too (the store today refuses such a handle)."""
    value = stored(text, "x")
    handle = f"p{n}"
    code = f"HOST-{n}"
    with open_seeder(url, actor=ACTOR, now=fixed_now, today=TODAY) as s:
        if not any(p.handle == ACTOR for p in s.reads.people()):
            s.people.add_person(ACTOR, "Ana Lima")
        s.people.add_person(handle, value)
        s.deals.create_deal(
            code,
            value,
            f"{value} {n}",
            amount=100_000,
            stage=Stage.OPPORTUNITY,
            leads={Role.AR: handle, Role.SR: ACTOR, Role.FR: handle},
        )
        s.deals.set_member(code, Role.SPONSOR, ACTOR)  # who approves its gate below
        s.items.add_task(
            code, Role.AR, value, owner=handle, due=TODAY - timedelta(days=1), note=value
        )
        s.items.add_risk(code, Role.AR, value, likelihood=5, impact=4, mitigation=value)
        s.items.add_handoff(code, Role.AR, Role.SR, value, note=value)
        rejected = s.items.add_handoff(code, Role.FR, Role.SR, value, note=value)
        s.items.reject_handoff(rejected.id, value)
        s.deals.record_gate(code, Gate.ATI, GateDecision.APPROVED, value)
        s.powermap.add_competitor(code, Competitor(value[:80], strengths=value))
        s.powermap.add_contact(
            code,
            Contact(value[:120], title=value[:120], key_decider=True, owner=handle),
            note=value,
        )
    path = url.removeprefix("sqlite:///")
    raw = re.sub(r"[\x00\ud800-\udfff]", "", text)  # what a file can hold as text
    raw_handle = f"{n}{raw}"[:64]  # unique in the file
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE person SET handle = ? WHERE handle = ?", (raw_handle, handle))
        conn.execute(
            "INSERT INTO event (at, actor, deal_id, entity, entity_id, entity_version, action,"
            " changes, summary) SELECT at, ?, deal_id, entity, entity_id, entity_version,"
            " action, changes, ? FROM event ORDER BY id DESC LIMIT 1",
            (raw_handle, f"noted {raw}"),
        )
    return Seeded(code, raw_handle, value)
