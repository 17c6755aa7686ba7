"""The benchmark harness works: ``python -m bench --quick`` writes a table that parses, with
a number in every row. The figures themselves are not checked: they are benchmarks, not
timed tests (``python -m bench`` measures at full scale into docs/BENCHMARKS.md)."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from bench.report import ParsedRow

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
#: The quick suite should stay quick enough to run with every test run; a slower run is
#: said (a warning), not failed: how long it takes depends on the machine's load.
BUDGET_SECONDS = 30.0
GROUPS = {str(n) for n in range(1, 11)}


def parse_table(markdown: str) -> list[ParsedRow]:
    sys.path.insert(0, str(ROOT))  # bench/ runs from the checkout; it is not installed
    try:
        from bench.report import parse
    finally:
        sys.path.remove(str(ROOT))
    return list(parse(markdown))


def test_quick_benchmarks_write_a_table_with_a_number_in_every_row(tmp_path: Path) -> None:
    output = tmp_path / "BENCHMARKS.md"
    # its own database cache: not bench/.cache, which a run of the benchmarks (or another
    # test run) in this checkout may be filling at the same time
    cache = tmp_path / "cache"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output), "--cache", str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-4000:]

    rows = parse_table(output.read_text(encoding="utf-8"))
    assert {row.cells["#"] for row in rows} == GROUPS
    unmeasured = []
    for row in rows:
        cells = row.cells
        if row.number is None:
            # Allowed only with its reason in the table (a feature not built yet), never
            # because the benchmark itself broke; and said out loud here, not skipped.
            assert cells["Result"].startswith("not available: "), cells
            assert "benchmark failed" not in cells["Result"], cells
            unmeasured.append(f"{cells['Measure']}: {cells['Result']}")
        else:
            assert cells["Result"].split()[0] in ("met", "**missed**", "—"), cells
    for line in unmeasured:
        warnings.warn(f"benchmark not measured: {line}", stacklevel=1)
    if took > BUDGET_SECONDS:
        warnings.warn(f"the quick benchmarks took {took:.1f}s", stacklevel=1)
