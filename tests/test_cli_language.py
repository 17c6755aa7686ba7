"""The command line in Chinese (``--lang zh_CN``): its help, argparse's own words, its
errors and its tables read in Chinese, and every exit status stays what it is in English.

Many refusals are worded by the domain and the store; here the Chinese is checked in what
the command line itself says (the ``dealroom：错误：`` line, the help, the tables), and the
exit status and ``--json`` kind of every error.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from dealroom.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from dealroom.domain import Role
from dealroom.store import Store

Run = Callable[..., tuple[int, str, str]]
ERROR = "dealroom：错误："


@pytest.fixture
def run(
    team: Store, db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """``run(*argv)`` -> (exit status, stdout, stderr) of ``dealroom --db URL *argv`` as
    ``wei`` (the SR of ``ACME-5G``)."""
    monkeypatch.setenv("DEALROOM_USER", "wei")

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    assert stop.value.code == EXIT_OK
    out: str = capsys.readouterr().out
    return out


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    assert stop.value.code == EXIT_USAGE
    err: str = capsys.readouterr().err
    return err


def test_the_help_reads_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    out = help_of(capsys, "--lang", "zh_CN", "--help")
    assert out.startswith("用法：dealroom")
    assert "位置参数:" in out and "选项:" in out and "显示本帮助并退出" in out
    assert "为铁三角销售团队打造的项目作战室" in out
    assert "商机列表：每个项目一行，带健康提示" in out  # a command's line
    assert "退出状态：" in out and "3  冲突" in out
    assert "usage:" not in out and "options:" not in out


def test_a_command_s_help_reads_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    out = help_of(capsys, "--lang", "zh_CN", "deal", "add", "--help")
    assert out.startswith("用法：dealroom deal add")
    assert "项目编号，如 ACME-5G" in out and "客户；不存在时新建" in out
    out = help_of(capsys, "--lang", "zh_CN", "task", "add", "--help")
    assert "改为输出一个 JSON 对象" in out and "--role ROLE" in out  # the options stay
    out = help_of(capsys, "--lang", "zh_CN", "plan", "add", "--help")
    assert '"签约付 30%"' in out  # argparse's own %-formatting of the help
    # the global --lang says; a report's own --lang after the command only writes
    out = help_of(capsys, "--lang", "zh_CN", "export", "--lang", "en", "--help")
    assert out.startswith("用法：dealroom export")


def test_argparse_s_own_errors_read_in_chinese_with_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = usage_error(capsys, "--lang", "zh_CN", "deal", "add")
    assert "用法：dealroom deal add" in err
    assert "dealroom deal add：错误：缺少必需的参数：code, --name, --account" in err
    err = usage_error(capsys, "--lang", "zh_CN", "gate", "X", "ATB", "maybe")
    assert "参数 decision：无效的选择：'maybe'" in err
    err = usage_error(capsys, "--lang", "zh_CN", "log", "--limit", "0")
    assert "参数 --limit：0 小于 1" in err
    err = usage_error(capsys, "--lang", "zh_CN", "list", "--bogus")
    assert "无法识别的参数：--bogus" in err


def test_errors_keep_their_exit_status_in_chinese(run: Run, team: Store) -> None:
    # an unknown deal code (the store's words): refused, exit 1, kind not_found
    code, out, err = run("--lang", "zh_CN", "show", "NOPE")
    assert code == EXIT_REFUSED and err.startswith(ERROR)
    new_task = ("task", "add", "NOPE", "--role", "SR", "--title", "x", "--json")
    code, out, err = run("--lang", "zh_CN", *new_task)
    assert code == EXIT_REFUSED and json.loads(out)["kind"] == "not_found"
    # a date that is not one (the domain's words): refused, exit 1
    bad_due = ("task", "add", "ACME-5G", "--role", "SR", "--title", "x", "--due", "31/02")
    code, _out, err = run("--lang", "zh_CN", *bad_due)
    assert code == EXIT_REFUSED and err.startswith(ERROR) and "31/02" in err
    # a permission refusal: only an administrator adds people
    code, _out, err = run("--lang", "zh_CN", "person", "add", "zoe", "Zoe")
    assert code == EXIT_REFUSED and err.startswith(ERROR)
    assert team.reads.people() and "zoe" not in {p.handle for p in team.reads.people()}


def test_the_command_line_s_own_refusals_read_in_chinese(run: Run, team: Store) -> None:
    team.deals.create_deal("BETA-1", "Beta", "Beta Ltd", leads={Role.AR: "ana", Role.SR: "wei"})
    task = team.items.add_task("BETA-1", Role.SR, "Price it")
    code, out, err = run("--lang", "zh_CN", "task", "done", "ACME-5G", str(task.id), "--json")
    assert code == EXIT_REFUSED
    said = f"任务 #{task.id} 不属于 ACME-5G：`dealroom show ACME-5G` 会列出它的各项及编号"
    assert err == f"{ERROR}{said}\n"
    assert json.loads(out) == {"ok": False, "error": said, "kind": "not_found"}
    # arguments that do not go together: a usage error, exit 2, as argparse's own
    code, _out, err = run("--lang", "zh_CN", "handoff", "send", "ACME-5G")
    assert code == EXIT_USAGE
    assert err == f"{ERROR}新交接需要 --from、--to 和 --title（或给出 HANDOFF_ID）\n"
    code, _out, err = run("--lang", "zh_CN", "--demo", "list")
    assert code == EXIT_USAGE and "--demo 使用自己的数据库" in err


def test_what_a_command_did_and_the_pipeline_read_in_chinese(run: Run) -> None:
    code, out, err = run(
        "--lang", "zh_CN", "task", "add", "ACME-5G", "--role", "SR", "--title", "BoQ v2"
    )
    assert code == EXIT_OK, err
    assert out.startswith("已为 ACME-5G 添加SR 任务 #") and "“BoQ v2”" in out
    code, out, err = run("--lang", "zh_CN", "list")
    assert code == EXIT_OK, err
    head = out.splitlines()[0].split()
    assert head[:2] == ["编号", "名称"] and "阶段" in head and "提示" in head
    assert "5G core refresh" in out  # user data as it is
    assert out.rstrip().splitlines()[-1].startswith("1 个项目 · ")


def test_english_is_the_default_and_unchanged(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    out = help_of(capsys, "--help")
    assert out.startswith("usage: dealroom") and "positional arguments" in out
    assert "the pipeline: one row per deal, with health flags" in out
    err = usage_error(capsys, "deal", "add")
    assert "dealroom deal add: error: the following arguments are required" in err
    code, _out, err = run("handoff", "send", "ACME-5G")
    assert code == EXIT_USAGE
    assert err == (
        "dealroom: error: a new handoff needs --from, --to and --title (or give HANDOFF_ID)\n"
    )
