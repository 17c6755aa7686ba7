"""9 terminal traffic: bytes the app writes to a 120×40, 256-colour pty to paint a deal
room (each of several opens), and per cursor keystroke in it (during the first open). Each
key is sent once the screen is quiet, and its bytes are counted until it is quiet again."""

from __future__ import annotations

from bench.context import Context
from bench.report import Row, at_most
from bench.startup import ROOM, SIZE, open_app


def run(ctx: Context) -> list[Row]:
    db = ctx.dbs.demo(ctx.scale.deals, ctx.scale.items)
    opened: list[float] = []
    keys: dict[str, list[float]] = {"j": [], "k": []}
    term = open_app(ctx, db, SIZE)
    try:
        term.wait_quiet(0.5)
        for n in range(ctx.scale.runs):
            start = term.size
            term.send("\r")
            term.wait_for(ROOM, start=start, timeout=60)
            term.wait_quiet(0.4)
            opened.append((term.size - start) / 1024)
            for _ in range(ctx.scale.keystrokes // 2 if n == 0 else 0):
                for key in ("j", "k"):  # down then up: the cursor never meets an end
                    keys[key].append(float(term.press(key, timeout=1.0)[1]))
            term.press("\x1b", quiet=0.3)
    finally:
        term.finish()
    where = f"{SIZE[0]}×{SIZE[1]}, xterm-256color"
    return [
        Row(
            "9",
            f"Terminal bytes: deal room first paint ({where})",
            "KB",
            opened,
            at_most(40, "≤ 40 KB"),
        ),
        Row(
            "9",
            f"Terminal bytes: cursor down (`j`) in the deal room ({where})",
            "B",
            keys["j"],
            at_most(1024, "≤ 1 KB"),
        ),
        Row(
            "9",
            f"Terminal bytes: cursor up (`k`) in the deal room ({where})",
            "B",
            keys["k"],
            at_most(1024, "≤ 1 KB"),
        ),
    ]
