"""The generated pages (docs/rules.md, the code list of docs/import.md) come from the catalogue; this
fails when a page drifts from the code.

Regenerate with: .venv/bin/python -m speckit.check.docs (or SPECKIT_REGEN=1 and this test).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
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


def test_regenerating_writes_only_what_drifted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m speckit.check.docs` is the one command: on a copy of the docs (never this checkout's),
    a page that drifted is rewritten and reported, and a clean tree stays as it is."""
    from speckit.check import docs

    copy = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", copy)
    monkeypatch.setattr(docs, "DOCS", copy)
    (copy / "rules.md").write_text("# stale\n", encoding="utf-8")
    before = (copy / "import.md").read_bytes()
    assert docs.main() == 0
    assert "rules.md" in capsys.readouterr().out
    assert (copy / "rules.md").read_text(encoding="utf-8") == docs.rules_markdown()
    assert (copy / "import.md").read_bytes() == before
    assert docs.main() == 0 and capsys.readouterr().out == ""


def test_graph_page_names_every_edge_kind() -> None:
    text = (ROOT / "docs" / "graph.md").read_text(encoding="utf-8")
    for kind in ("explicit", "phase", "story"):
        assert f"`{kind}`" in text
