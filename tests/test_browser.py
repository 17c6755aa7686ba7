"""The deal room in a real browser: Debian's Chromium, headless, driven by Playwright (no
browser download: ``executable_path``). ``dealroom serve`` on demo data; the page opened
with the token shows the pipeline; keys open a deal and add a task, which the database
then holds; without the token the page is refused; closing the tab ends its app.

xterm.js draws the terminal on a canvas, so the test reads the screen where the page
gets it: the app's output on the page's websocket (escape sequences taken out).

``DEALROOM_SCREENSHOT=docs/browser.png`` also saves the deal room as the browser shows
it (the README's picture)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import gone, serving

from dealroom.store import open_store

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover
    pytest.skip("playwright is not installed (pip install '.[test]')", allow_module_level=True)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.access(CHROMIUM, os.X_OK),
        reason="chromium is not installed (Debian: apt-get install chromium)",
    ),
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc for the apps"),
]

#: Escape sequences (CSI, OSC, and the two-character ones): what is left is the text.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


class Screen:
    """What ``page`` received on its websocket, as text."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.received: list[bytes] = []
        page.on("websocket", lambda socket: socket.on("framereceived", self.frame))

    def frame(self, payload: str | bytes) -> None:
        self.received.append(payload if isinstance(payload, bytes) else payload.encode())

    def text(self) -> str:
        return ESCAPES.sub(b"", b"".join(self.received)).decode("utf-8", "replace")

    def wait_for(self, *texts: str, after: int = 0, timeout: float = 20) -> int:
        """Wait until every one of ``texts`` is on the screen, drawn after position
        ``after`` of :meth:`text`; returns the position reached."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.text()
            if all(text in shown[after:] for text in texts):
                return len(shown)
            assert time.monotonic() < deadline, f"not on the page: {texts}\n{shown[-3000:]}"
            self.page.wait_for_timeout(50)  # Playwright delivers the frames meanwhile


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    path = tmp_path / "demo.db"
    demo = ["demo", "--deals", "40", "--seed", "7"]
    made = subprocess.run(
        [sys.executable, "-m", "dealroom", "--db", str(path), *demo], capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    return str(path)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def a_deal_at_bid(db: str) -> str:
    """An open deal at Bid, whose code is no other deal's prefix (the filter finds one)."""
    listed = subprocess.run(
        [sys.executable, "-m", "dealroom", "--db", db, "list", "--stage", "bid", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    codes = [deal["code"] for deal in json.loads(listed.stdout)]
    with open_store(db, actor="test") as st:
        every = [code for code, *_ in st.reads.deal_codes()]
    return next(c for c in codes if not any(o != c and o.startswith(c) for o in every))


def test_the_deal_room_in_chromium(demo_db: str, tmp_path: Path, browser: Browser) -> None:
    code = a_deal_at_bid(demo_db)
    with serving(demo_db, tmp_path) as served:
        refused = browser.new_page()
        response = refused.goto(served.base)
        assert response is not None and response.status == 403
        assert "token" in refused.inner_text("body")
        refused.close()
        assert served.apps() == []

        page = browser.new_page(viewport={"width": 1400, "height": 860})
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        screen = Screen(page)
        response = page.goto(served.url)
        assert response is not None and response.status == 200
        at = screen.wait_for("Pipeline", code)
        page.wait_for_selector("body.-first-byte")
        # nothing from outside: every request to serve, and its font the one in use
        origin = served.base.removesuffix("/")
        assert asked and all(url.startswith((f"{origin}/", "ws" + origin[4:])) for url in asked)
        fonts = "[...document.fonts].filter(f => f.family.includes('Roboto Mono'))"
        assert "loaded" in page.evaluate(f"{fonts}.map(f => f.status)")
        page.focus(".xterm-helper-textarea")

        page.keyboard.press("/")  # the filter, open before the code is typed into it
        at = screen.wait_for("filter: code, name, account or person", after=at)
        page.keyboard.type(code)
        page.keyboard.press("Enter")  # the filter's one deal, focused: its key shown
        at = screen.wait_for("⏎ Open", after=at)
        page.keyboard.press("Enter")  # and opened
        at = screen.wait_for("AR ·", "SR ·", "FR ·", after=at)
        page.keyboard.press("t")
        at = screen.wait_for(f"task on {code}", after=at)
        page.keyboard.type("Call the customer from the browser")
        page.keyboard.press("Control+s")
        screen.wait_for("Task added", after=at)
        with open_store(demo_db, actor="test") as st:
            titles = [task.title for task in st.reads.deal_room(code).tasks]
        assert "Call the customer from the browser" in titles
        shoot(page)

        (app,) = served.apps()
        page.close()
        assert gone([app]), "the app outlived its tab"


def shoot(page: Page) -> None:
    """The README's picture, when ``DEALROOM_SCREENSHOT`` names the file."""
    target = os.environ.get("DEALROOM_SCREENSHOT")
    if target:
        page.wait_for_timeout(6000)  # the toast gone
        page.screenshot(path=target)
