"""Import health: every module imports on its own, and the commit hook's path stays slim.

- Each module of speckit is imported first thing in a fresh interpreter (sphinx-needs'
  ``test_circular_imports.py`` is the model): an import circle shows as an ImportError for the
  module that enters it first, which a whole-suite run hides because some other module got there
  before.
- ``speckit check`` of one feature, through the CLI's real entry point (``speckit.cli:main``, what the
  ``speckit`` script calls), must leave the heavy libraries out of ``sys.modules``: the commit hook
  runs it on every commit (docs/performance.md). Once with the cache on, once off.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import ROOT, SPECS

PACKAGE = ROOT / "speckit"
HEAVY = ("pydantic", "pydantic_core", "jinja2", "rich", "networkx", "ruamel", "mkdocs")


def modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "_vendor" in parts or "templates" in parts or parts[-1] == "__main__":  # __main__ runs the CLI
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_module_list_is_real() -> None:
    found = modules()
    assert {"speckit", "speckit.cli", "speckit.store", "speckit.probes", "speckit.check.cached"} <= set(found)
    assert len(found) > 60


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def fresh(name: str) -> tuple[str, int, str]:
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, env=env,
                              timeout=120, check=False)
        return name, done.returncode, done.stderr.strip().splitlines()[-1:]  # type: ignore[return-value]

    # One interpreter per module (that is the point); two at a time, for the two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        failed = [(name, err) for name, code, err in pool.map(fresh, modules()) if code != 0]
    assert failed == []


PROBE = r"""
import json, sys
from speckit.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
finally:
    print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.mark.parametrize("cache", ["on", "off"])
def test_check_of_a_feature_imports_no_heavy_library(tmp_path: Path, cache: str) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SPECS / "001-team-reminders", repo / "specs" / "001-team-reminders")
    (repo / ".git").mkdir()  # the repository root: the cache goes to repo/.speckit/cache
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPECKIT_", "PYDANTIC_"))}
    env.update({"PYTHONPATH": str(ROOT), **({"SPECKIT_CACHE": "0"} if cache == "off" else {})})
    done = subprocess.run([sys.executable, "-c", PROBE, "check", "specs/001-team-reminders"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, 1), done.stderr  # 1: findings, a normal outcome of a check
    assert "001-team-reminders" in done.stdout or "feature" in done.stdout
    assert "speckit.check" in report["modules"] and "markdown_it" in report["modules"]  # it did check
    heavy = [m for m in report["modules"] if m.split(".")[0] in HEAVY]
    assert heavy == []
    assert (cache == "on") == (repo / ".speckit" / "cache").is_dir()
