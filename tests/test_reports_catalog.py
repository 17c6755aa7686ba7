"""No string left behind in the reports: ``export --all``, one deal's export, the standup
digest, the review agenda and receivables, written in the pseudo-language, show no word
outside ``⟦…⟧`` but the team's own data and codes (the Markdown's own syntax aside)."""

from __future__ import annotations

import re

import pytest
from snapshot_app import ROOM
from test_app_catalog_walk import CODES, team_words
from test_app_language import outside

from dealroom.cli import main

#: Markdown's and the log's own tokens, which are not words of a message.
SYNTAX = re.compile(r"https?://\S+|`[^`]*`|\b[0-9a-f]{12,}\b")


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--all"],
        ["export", ROOM],
        ["standup"],
        ["review", ROOM],
        ["receivables"],
    ],
    ids=["export --all", "export", "standup", "review", "receivables"],
)
def test_every_report_comes_through_the_catalog(
    snapshot_methods_db: str, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code = main(["--db", snapshot_methods_db, "--as", "ana", "--lang", "en_XA", *command])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "⟦" in out
    left = outside(SYNTAX.sub(" ", out), team_words(snapshot_methods_db) | CODES)
    assert left == [], f"{command}: not through the catalog: {sorted(set(left))}\n{out}"
