"""The standup in the app shows its first deal once the first few are read, and reads the
rest a page at a time: at the end it walks the same deals, in the same order, as a
standup read whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilots import TODAY, make_app, open_standup, store_on
from textual.widgets import Static

from dealroom.demo import seed_demo
from dealroom.export.digest import walk
from dealroom.screens import standup
from dealroom.store import open_store, rooms


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/demo.db"
    st = open_store(url, actor="ana", create=True)
    try:
        seed_demo(st.engine, deals=30, seed=3, today=TODAY, actor="ana", items=12)
    finally:
        st.close()
    return url


async def test_the_standup_walks_every_deal_read_a_page_at_a_time(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(standup, "FIRST_STEPS", 3)
    monkeypatch.setattr(rooms, "PAGE", 4)
    st = store_on(demo_db)
    since = st.standups.default_since()
    whole = st.reads.deal_rooms()
    cashes = st.cash.of_deals([r.deal for r in whole], today=TODAY)
    expected = walk(whole, st.reads.events(since=since), TODAY, cashes)
    assert len(expected) > 3 * 4  # the first three, then more than three pages
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        assert [d.code for d in screen.digests] == [d.code for d in expected]
        assert screen.digests == expected
        title = str(screen.query_one("#title", Static).render())
        assert f"deal 1 of {len(expected)}" in title and "reading the rest" not in title
        assert expected[0].code in str(screen.query_one("#step", Static).render())
