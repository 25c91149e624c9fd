"""docs/rules.md is generated from RULES; this fails when the page drifts from the code.

Regenerate with: SPECKIT_REGEN=1 .venv/bin/python -m pytest tests/check/test_docs.py
"""

from __future__ import annotations

import os

from conftest import ROOT

from speckit.check import RULES
from speckit.check.docs import rules_markdown

PAGE = ROOT / "docs" / "rules.md"


def test_rules_page_matches_rules() -> None:
    expected = rules_markdown()
    if os.environ.get("SPECKIT_REGEN"):
        PAGE.write_text(expected, encoding="utf-8")
    assert PAGE.read_text(encoding="utf-8") == expected, "docs/rules.md drifted: regenerate it (see this file)"
    for rule in RULES:
        assert f"### {rule}\n" in expected


def test_graph_page_names_every_edge_kind() -> None:
    text = (ROOT / "docs" / "graph.md").read_text(encoding="utf-8")
    for kind in ("explicit", "phase", "story"):
        assert f"`{kind}`" in text
