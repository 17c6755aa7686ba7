"""A writer process for tests/test_stress.py: mixed writes through the public store API.

(The tests fork writers from a server that has imported this module; by hand:
``python tests/_stress_workers.py URL WORKER COUNT ACK``.)

Each writer owns one deal (``W<n>``), so its stage moves need no gates of others, and
writes a cycle of: add a task, add a risk, send a handoff, mark one of its tasks done,
move its deal's stage (Lead ↔ Opportunity: forward from Lead, back from Opportunity, so
a writer started after one was killed between the two goes on from where the deal is).
After each write returns (committed), it appends one line to its acknowledgement file:
``kind id version latency_ms``. A writer killed mid-burst leaves in that file exactly
what it was told was saved.
"""

from __future__ import annotations

import os
import sys
import time
import traceback

from dealroom.store.inputs import TaskUpdate

KINDS = ("task", "risk", "handoff", "done", "stage")


def write_burst(url: str, worker: int, count: int, ack_path: str) -> None:
    from dealroom.domain import Role, Stage, TaskStatus
    from dealroom.store import open_store

    store = open_store(url, actor=f"writer{worker}")
    code = f"W{worker}"
    stage = store.reads.deal(code).stage
    tasks: list[tuple[int, int]] = []  # (id, version) of this writer's open tasks
    with open(ack_path, "a", encoding="utf-8", buffering=1) as ack:
        for i in range(count):
            kind = KINDS[i % len(KINDS)]
            t0 = time.perf_counter()
            try:
                if kind == "task":
                    t = store.items.add_task(code, Role.SR, f"task {worker}-{i}")
                    tasks.append((t.id, t.version))
                    row_id, version = t.id, t.version
                elif kind == "risk":
                    r = store.items.add_risk(
                        code, Role.FR, f"risk {worker}-{i}", likelihood=2, impact=3
                    )
                    row_id, version = r.id, r.version
                elif kind == "handoff":
                    h = store.items.add_handoff(code, Role.SR, Role.FR, f"handoff {worker}-{i}")
                    row_id, version = h.id, h.version
                elif kind == "done":
                    task_id, task_version = tasks.pop(0)
                    t = store.items.update_task(
                        task_id, TaskUpdate(status=TaskStatus.DONE), version=task_version
                    )
                    row_id, version = t.id, t.version
                else:
                    d = store.deals.move_stage(
                        code, "next" if stage is Stage.LEAD else "prev", reason="stress"
                    )
                    row_id, version, stage = d.id, d.version, d.stage
            except Exception:
                ack.write("error " + traceback.format_exc().replace("\n", " | ") + "\n")
                continue
            ms = (time.perf_counter() - t0) * 1000
            ack.write(f"{kind} {row_id} {version} {ms:.3f}\n")
    store.close()


if __name__ == "__main__":  # python tests/_stress_workers.py URL WORKER COUNT ACK
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    write_burst(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
