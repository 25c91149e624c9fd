"""The generated pages (docs/rules.md, the code list of docs/import.md) come from the catalogue; this
fails when a page drifts from the code.

Regenerate with: .venv/bin/python -m speckit.check.docs (or SPECKIT_REGEN=1 and this test).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from speckit.check.docs import IMPORT_END, IMPORT_START, main, pages
from speckit.model.rules import IMPORT_RULES, RULES


def test_generated_pages_match_the_catalogue() -> None:
    if os.environ.get("SPECKIT_REGEN"):
        main()
    for path, expected in pages().items():
        assert path.read_text(encoding="utf-8") == expected, f"{path.name} drifted: run python -m speckit.check.docs"
    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"### {rule}\n" in rules
    imports = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    block = imports[imports.index(IMPORT_START):imports.index(IMPORT_END)]
    for rule in IMPORT_RULES:
        assert f"| `{rule}` |" in block and f"**`{rule}`**" in block


def test_regenerating_writes_only_what_drifted(tmp_path: Path) -> None:
    """`python -m speckit.check.docs` is the one command: a clean tree stays as it is."""
    done = subprocess.run([sys.executable, "-m", "speckit.check.docs"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_graph_page_names_every_edge_kind() -> None:
    text = (ROOT / "docs" / "graph.md").read_text(encoding="utf-8")
    for kind in ("explicit", "phase", "story"):
        assert f"`{kind}`" in text
