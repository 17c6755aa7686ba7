"""The floor for ``dealroom export``: the same rows read with ``sqlite3`` and printed.

``python bench/floor.py DB CODE`` reads one deal, ``python bench/floor.py DB --all`` every
active deal: the deal with its account, members, timeline, gate decisions, tasks, risks,
handoffs, checklist answers, power map, competitors, assessment scores, reviews held and
the support changes in the event log, plus the people and the checklist template, one query
per table, each row printed as it comes. Nothing but
the standard library, so it shows what the work costs without any framework.
"""

from __future__ import annotations

import sqlite3
import sys

ACTIVE = "('open', 'won')"

CHILDREN = {
    "deal_member": "SELECT m.*, p.handle, p.name FROM deal_member m "
    "JOIN person p ON p.id = m.person_id WHERE m.deal_id IN ({ids})",
    "stage_plan": "SELECT * FROM stage_plan WHERE deal_id IN ({ids})",
    "gate_decision": "SELECT * FROM gate_decision WHERE deal_id IN ({ids}) ORDER BY decided_at, id",
    "task": "SELECT t.*, p.handle, p.name FROM task t LEFT JOIN person p ON p.id = t.owner_id "
    "WHERE t.deal_id IN ({ids}) ORDER BY t.due IS NULL, t.due, t.id",
    "risk": "SELECT r.*, p.handle, p.name FROM risk r LEFT JOIN person p ON p.id = r.owner_id "
    "WHERE r.deal_id IN ({ids})",
    "handoff": "SELECT * FROM handoff WHERE deal_id IN ({ids})",
    "checklist_answer": "SELECT * FROM checklist_answer WHERE deal_id IN ({ids})",
    "contact": "SELECT c.*, p.handle, p.name FROM contact c "
    "LEFT JOIN person p ON p.id = c.owner_id WHERE c.deal_id IN ({ids})",
    "competitor": "SELECT * FROM competitor WHERE deal_id IN ({ids})",
    "assessment_score": "SELECT * FROM assessment_score WHERE deal_id IN ({ids}) ORDER BY id",
    "deal_review": "SELECT * FROM deal_review WHERE deal_id IN ({ids})",
    "support": "SELECT deal_id, entity_id, at, changes FROM event WHERE entity = 'contact' "
    "AND changes LIKE '%\"support\"%' AND deal_id IN ({ids}) ORDER BY id",
}


def main(argv: list[str]) -> int:
    db, which = argv
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    args: tuple[str, ...] = () if which == "--all" else (which,)
    where = f"d.status IN {ACTIVE}" if which == "--all" else "d.code = ?"
    ids = f"SELECT d.id FROM deal d WHERE {where}"
    out = sys.stdout
    deals = conn.execute(
        f"SELECT d.*, a.name, a.tier FROM deal d JOIN account a ON a.id = d.account_id "
        f"WHERE {where} ORDER BY d.code",
        args,
    )
    for row in deals:
        print(*row, sep=" | ", file=out)
    for sql in CHILDREN.values():
        for row in conn.execute(sql.format(ids=ids), args):
            print(*row, sep=" | ", file=out)
    for row in conn.execute("SELECT handle, name FROM person ORDER BY name"):
        print(*row, sep=" | ", file=out)
    for row in conn.execute("SELECT * FROM checklist_item ORDER BY stage, position"):
        print(*row, sep=" | ", file=out)
    conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
