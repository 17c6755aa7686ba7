"""The environment is read once, into Settings, and handed down: to the commands, to the
app and through it to its screens."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from dealroom.commands.common import CommandError, Context
from dealroom.config import keymap_path
from dealroom.identity import acting_user
from dealroom.screens.exporting import export_dir
from dealroom.settings import Settings


def test_an_empty_environment_gives_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings() == Settings(
        db=None, user=None, keymap=None, export_dir=None, speaker_seconds=120, no_color=False
    )


def test_each_variable_lands_in_its_setting() -> None:
    settings = Settings.from_env(
        {
            "DEALROOM_DB": "team.db",
            "DEALROOM_USER": "wei",
            "DEALROOM_KEYMAP": "~/keys.toml",
            "DEALROOM_EXPORT_DIR": "~/out",
            "DEALROOM_SPEAKER_MINUTES": "1.5",
            "NO_COLOR": "1",
        }
    )
    assert settings == Settings(
        db="team.db",
        user="wei",
        keymap=Path("~/keys.toml").expanduser(),
        export_dir=Path("~/out").expanduser(),
        speaker_seconds=90,
        no_color=True,
    )


@pytest.mark.parametrize(
    ("minutes", "seconds"), [("2", 120), ("0.05", 10), ("two", 120), ("nan", 120), ("inf", 120)]
)
def test_speaker_minutes_fall_back_as_before(minutes: str, seconds: int) -> None:
    assert Settings.from_env({"DEALROOM_SPEAKER_MINUTES": minutes}).speaker_seconds == seconds


def test_empty_values_count_as_unset() -> None:
    settings = Settings.from_env(
        {"DEALROOM_DB": "", "DEALROOM_KEYMAP": "", "DEALROOM_EXPORT_DIR": "", "NO_COLOR": ""}
    )
    assert settings == Settings(user=None)


def test_the_command_line_resolves_the_database_and_who_acts() -> None:
    args = argparse.Namespace(db=None, actor=None, demo=False)
    ctx = Context.from_args(args, Settings(db="team.db", user=" wei "))
    assert (ctx.db, ctx.actor, ctx.settings.db) == ("team.db", "wei", "team.db")
    args = argparse.Namespace(db="mine.db", actor="ana", demo=False)
    ctx = Context.from_args(args, Settings(db="team.db", user="wei"))
    assert (ctx.db, ctx.actor) == ("mine.db", "ana")


def test_demo_and_an_explicit_db_still_refuse_but_the_environments_db_gives_way() -> None:
    with pytest.raises(CommandError, match="--demo uses its own database"):
        Context.from_args(argparse.Namespace(db="x.db", actor=None, demo=True), Settings())
    ctx = Context.from_args(
        argparse.Namespace(db=None, actor="ana", demo=True), Settings(db="team.db")
    )
    assert ctx.db is not None and ctx.db.endswith("demo.db")


def test_who_acts_and_where_files_go_take_the_setting_first(tmp_path: Path) -> None:
    assert acting_user(None, "li") == "li"
    assert acting_user("ana", "li") == "ana"
    assert keymap_path(tmp_path / "k.toml") == tmp_path / "k.toml"
    assert export_dir(tmp_path / "out") == tmp_path / "out"
