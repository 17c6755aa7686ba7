"""The team's own language: how it is chosen, and that the catalogs are whole: every
message the code marks is in the Simplified Chinese catalog, translated, with the same
placeholders, and the compiled catalog shipped in the package is its source compiled."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sheets import SALESFORCE_HEADERS, SALESFORCE_ROWS, csv_bytes, sheet_file

from dealroom import i18n
from dealroom.cli import main

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "dealroom" / "locale" / "zh_CN" / "LC_MESSAGES" / "dealroom.po"
PLACEHOLDER = re.compile(r"\{(\w*)[^}]*\}")


@pytest.mark.parametrize(
    ("given", "environ", "chosen"),
    [
        ("zh_CN", {"DEALROOM_LANG": "en"}, "zh_CN"),
        (None, {"DEALROOM_LANG": "zh-cn", "LANG": "en_US.UTF-8"}, "zh_CN"),
        (None, {"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "en_US", "LANG": "en_US"}, "zh_CN"),
        (None, {"LC_MESSAGES": "zh_CN.GB18030", "LANG": "en_US.UTF-8"}, "zh_CN"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_the_language_is_the_option_else_the_variable_else_the_locale(
    given: str | None, environ: dict[str, str], chosen: str
) -> None:
    assert i18n.choose(given, environ) == chosen


Key = tuple[str | None, str]  # (msgctxt, msgid)


def marked() -> dict[Key, tuple[str, ...]]:
    """Every message the code marks (``_``, ``ngettext``, ``N_``), as Babel extracts it."""
    keywords = dict(DEFAULT_KEYWORDS) | {"N_": None}
    found: dict[Key, tuple[str, ...]] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "dealroom"), method_map=[("**.py", "python")], keywords=keywords
    ):
        ids = (message,) if isinstance(message, str) else tuple(message)
        found[context, ids[0]] = ids
    return found


def catalog() -> dict[Key, tuple[tuple[str, ...], tuple[str, ...], bool]]:
    with PO.open("rb") as f:
        po = read_po(f, locale="zh_CN")
    out = {}
    for m in po:
        if not m.id:
            continue
        ids = (m.id,) if isinstance(m.id, str) else tuple(m.id)
        strings = (m.string,) if isinstance(m.string, str) else tuple(m.string or ())
        out[m.context, ids[0]] = (ids, strings, m.fuzzy)
    return out


def test_the_chinese_catalog_translates_every_message_the_code_marks() -> None:
    code, po = marked(), catalog()
    assert code, "no marked message found: the extraction is looking in the wrong place"
    missing = sorted(set(code) - set(po))
    assert not missing, f"not in {PO.name} (run the round in docs/TRANSLATING.md): {missing}"
    untranslated = sorted(k for k, (_ids, s, fuzzy) in po.items() if fuzzy or not all(s))
    assert not untranslated, f"untranslated or fuzzy: {untranslated}"
    stale = sorted(set(po) - set(code))
    assert not stale, f"in the catalog but no longer in the code: {stale}"
    plural = sorted(k for k in code if len(code[k]) != len(po[k][0]))
    assert not plural, f"singular/plural differ from the code's: {plural}"


def test_each_translation_keeps_the_placeholders_of_its_message() -> None:
    wrong = []
    for ids, strings, _fuzzy in catalog().values():
        wanted = {p for i in ids for p in PLACEHOLDER.findall(i)}
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != wanted:
                wrong.append((ids[0], s))
    assert not wrong


def test_the_catalog_passes_babels_own_checks() -> None:
    """What ``pybabel compile`` checks (a message Babel reads as %-format, ``30% on``, must
    keep its ``% o`` in the translation, or the documented round stops)."""
    with PO.open("rb") as f:
        po = read_po(f, locale="zh_CN")
    errors = [(m.id, str(e)) for m, errs in po.check() for e in errs]
    assert not errors


def test_the_shipped_catalog_is_its_source_compiled() -> None:
    with PO.open("rb") as f:
        po = read_po(f, locale="zh_CN")
    compiled = io.BytesIO()
    write_mo(compiled, po)
    shipped = PO.with_suffix(".mo").read_bytes()
    assert shipped == compiled.getvalue(), "run: pybabel compile -D dealroom -d dealroom/locale"


def test_the_pseudo_language_wraps_every_message_and_english_is_unchanged() -> None:
    with i18n.speaking(i18n.PSEUDO):
        assert i18n._("The rows with problems were left out.") == (
            "⟦The rows with problems were left out.⟧"
        )
    assert (
        i18n._("The rows with problems were left out.") == "The rows with problems were left out."
    )
    with i18n.speaking("zh_CN"):
        assert i18n._("The rows with problems were left out.") == "有问题的行未导入。"
        assert i18n.ngettext("{n} deal", "{n} deals", 3).format(n=3) == "3 个项目"


def test_the_import_speaks_chinese_with_the_same_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [list(r) for r in SALESFORCE_ROWS]
    rows[2][5] = "31/02/2027"
    path = sheet_file(tmp_path, "o.csv", csv_bytes(SALESFORCE_HEADERS, rows))
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--lang", "zh_CN", "--db", db, "import", "deals", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "将新建" in out and "有问题" in err
    assert main(["--db", db, "import", "deals", str(path)]) == 1  # DEALROOM_LANG=en here
    assert "Would create" in capsys.readouterr().out


def test_the_locale_chooses_chinese_for_a_new_process(tmp_path: Path) -> None:
    """As installed (run from elsewhere than the checkout): the catalog is shipped."""
    path = sheet_file(tmp_path, "o.csv", csv_bytes(SALESFORCE_HEADERS, SALESFORCE_ROWS))
    env = {"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    argv = ["--db", str(tmp_path / "x.db"), "import", "deals", str(path), "--create-people"]
    done = subprocess.run(
        [sys.executable, "-m", "dealroom", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "将新建 3 个项目" in done.stdout


def test_the_template_translators_start_from_is_current() -> None:
    with (PO.parent.parent.parent / "dealroom.pot").open("rb") as f:
        template = {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id
        }
    assert template == set(marked()), "run pybabel extract (docs/TRANSLATING.md)"
