"""The default templates ship in the wheel as speckit/_templates (pyproject force-include), and the
template lookup finds them there when the repository's templates/ folder is not beside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import ROOT

from speckit.scaffold import templates


def test_editable_install_reads_the_repository_templates() -> None:
    assert templates.builtin_dir() == ROOT / "templates"


def test_wheel_carries_templates_and_finds_them(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in templates.NAMES:
            assert f"speckit/_templates/{name}" in names
        archive.extractall(tmp_path / "site")
    probe = ("import speckit.scaffold.templates as t; d = t.builtin_dir(); print(d);"
             "print(t.render(t.find('spec.md', d), {'feature': 'X', 'branch': '001-x', 'date': 'D', 'description': 'y',"
             " 'stories': [], 'requirements': [], 'criteria': [], 'entities': [], 'edge_cases': [], 'assumptions': []})"
             ".splitlines()[0])")
    found = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                           env={"PYTHONPATH": str(tmp_path / "site"), "PATH": ""})
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0] == str(tmp_path / "site" / "speckit" / "_templates")
    assert lines[1] == "# Feature Specification: X"
