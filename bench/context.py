"""What every benchmark gets: the scale, the databases, and how to start a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.data import Databases
from bench.scale import Scale
from bench.term import clean_env

#: The repository: children run here, so ``python -m dealroom`` is this checkout's code.
ROOT = Path(__file__).absolute().parent.parent
#: Who the app and the commands act as.
ACTOR = "bench"


@dataclass
class Context:
    scale: Scale
    dbs: Databases
    #: A private folder for copies of databases that a benchmark writes to.
    tmp: Path
    log: Callable[[str], None]

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A clean environment: this checkout first on the path, no user keymap, a cache
        folder of the run's own (where the pipeline last read is kept: ``store.snapshot``)."""
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = {
            "PYTHONPATH": path,
            "DEALROOM_KEYMAP": str(self.tmp / "no-keymap.toml"),
            "XDG_CACHE_HOME": str(self.tmp / "cache"),
        }
        env.update(extra or {})
        return clean_env(env)

    def nothing_kept(self) -> dict[str, str]:
        """What :meth:`env` adds for a start with nothing kept from an earlier one (the
        first start, or one after a change): a new, empty cache folder."""
        fresh = tempfile.mkdtemp(prefix="cache-", dir=self.tmp)
        return {"XDG_CACHE_HOME": fresh}

    def python(self, *args: str) -> list[str]:
        return [sys.executable, *args]

    def app_argv(self, db: Path, *command: str) -> list[str]:
        """dealroom as a user starts it: the app, or with ``command`` a sub-command."""
        return self.python("-m", "dealroom", "--db", str(db), "--as", ACTOR, *command)

    def child_json(
        self,
        module: str,
        *args: str,
        extra_env: Mapping[str, str] | None = None,
        timeout: float = 600,
    ) -> Any:
        """Run ``python -m module args`` and return the JSON it prints last."""
        done = subprocess.run(
            self.python("-m", module, *args),
            cwd=ROOT,
            env=self.env(extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-5:]
            raise RuntimeError(f"{module} failed ({done.returncode}): {' / '.join(tail)}")
        return json.loads(done.stdout.strip().splitlines()[-1])
