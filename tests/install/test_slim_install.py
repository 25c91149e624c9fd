"""The slim install (#14): the core is what pip and the commit hook install; the docs site's packages
are the ``site`` extra, and ``speckit docs`` without them says in one line how to get them.

The first test hides mkdocs from a real interpreter (a meta-path finder that refuses it, as an
environment without the extra would) and runs the real CLI (about 1 s). The third builds the real
hook environment with the real ``pre-commit run`` from a copy of this working tree (about 30 s
with a warm pip cache) and looks inside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from support import PRE_COMMIT, ROOT, git, hook_repo

WITHOUT_SITE = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('mkdocs', 'material'):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Refuse())
from speckit.cli import main
sys.argv = ['speckit', *sys.argv[1:]]
main()
"""
MESSAGE = "speckit docs needs the site extra (mkdocs and material not installed): pip install 'speckit-compiler[site]'"


def _speckit_without_site(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECKIT_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_SITE, *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docs_without_the_site_extra_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (["docs", "build"], ["docs", "serve"]):
        result = _speckit_without_site(*args, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [f"speckit: error: {MESSAGE}"]
    # The rest of speckit does not need the extra.
    (tmp_path / "specs" / "001-x").mkdir(parents=True)
    (tmp_path / "specs" / "001-x" / "spec.md").write_text("# Feature Specification: x\n", encoding="utf-8")
    checked = _speckit_without_site("check", "specs", cwd=tmp_path)
    assert checked.returncode in (0, 1) and "speckit: error" not in checked.stderr, checked.stderr


def test_the_core_holds_no_site_package_and_test_pulls_the_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"]).lower()
    assert "mkdocs" not in core
    extras = project["optional-dependencies"]
    assert any(d.startswith("mkdocs-material") for d in extras["site"])
    assert "speckit-compiler[site]" in extras["test"]


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed (pip install -e '.[test]')")
def test_the_hook_environment_has_no_site_packages(tmp_path: Path) -> None:
    hooks = hook_repo(tmp_path / "hooks")
    project = tmp_path / "project"
    (project / "specs" / "001-x").mkdir(parents=True)
    (project / "specs" / "001-x" / "spec.md").write_text("# Feature Specification: x\n", encoding="utf-8")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks, capture_output=True, text=True,
                         check=True).stdout.strip()
    # A config, not try-repo: try-repo builds the environment in a temporary store it then deletes.
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {sha}\n    hooks:\n      - id: speckit-check\n", encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    ran = subprocess.run([str(PRE_COMMIT), "run", "--all-files"], check=False,
                         cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert "speckit check" in ran.stdout, ran.stdout + ran.stderr
    pythons = sorted(home.glob("repo*/py_env-*/bin/python"))
    assert len(pythons) == 1, pythons
    bin_dir = pythons[0].parent
    listed = subprocess.run(
        [str(pythons[0]), "-m", "pip", "list", "--format", "freeze"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.lower()
    assert "speckit-compiler" in listed and "markdown-it-py" in listed
    assert "mkdocs" not in listed, listed
    docs = subprocess.run([str(bin_dir / "speckit"), "docs", "build"], check=False, cwd=project, capture_output=True,
                          text=True, timeout=60, env={**env, "PATH": f"{bin_dir}:{env.get('PATH', '')}"})
    assert docs.returncode == 2 and docs.stderr.strip() == f"speckit: error: {MESSAGE}", docs.stderr
