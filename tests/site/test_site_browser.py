"""The built site in headless Chromium, served on 127.0.0.1 with every other request aborted.

One site is built for the module: this repository's specs/ features (by path, as a user would),
a hostile feature (Mermaid-breaking and HTML-breaking text everywhere) and a large one (160 tasks,
so its task graph collapses to phases with a page per phase). A screenshot of a feature page is
saved under tests/artifacts/ (gitignored; CI keeps it as an artifact).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_harness import ARTIFACTS, Browser, serve
from support import ROOT, SPECS
from features import write_generated, write_hostile

SPECKIT = [sys.executable, "-m", "speckit"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    extra = tmp_path_factory.mktemp("features")
    write_hostile(extra / "001-hostile")
    write_generated(extra / "002-big", 2, phases=5, per_phase=32)
    project = tmp_path_factory.mktemp("project")
    result = subprocess.run(
        [*SPECKIT, "docs", "build", "--strict", "--project", str(project),
         str(SPECS / "aws-sandbox"), str(SPECS / "001-team-reminders"), str(extra / "001-hostile"), str(extra / "002-big")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "built 4 features" in result.stdout
    return project / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = Browser()
    yield chromium
    chromium.close()


def _visit_all(browser: Browser, site: Path, pages: list[str], screenshot: dict[str, Path] | None = None) -> list[str]:
    problems: list[str] = []
    with serve(site) as base:
        for page in pages:
            html = (site / page / "index.html").read_text(encoding="utf-8")
            visit = browser.visit(base + page, html, screenshot=(screenshot or {}).get(page))
            problems += visit.problems()
    return problems


def test_repository_features_render_their_diagrams_offline(site: Path, browser: Browser) -> None:
    pages = [f"features/{name}/{kind}/" for name in ("aws-sandbox", "001-team-reminders") for kind in ("graph", "gantt")]
    # plan.md of 001-team-reminders holds a mermaid block its authors wrote: passed through, rendered.
    pages += ["features/001-team-reminders/documents/plan/", "features/aws-sandbox/", ""]
    shots = {"features/aws-sandbox/": ARTIFACTS / "site-aws-sandbox-overview.png",
             "features/aws-sandbox/graph/": ARTIFACTS / "site-aws-sandbox-graph.png"}
    assert _visit_all(browser, site, pages, shots) == []
    for shot in shots.values():
        assert shot.stat().st_size > 10_000


def test_hostile_text_gives_valid_diagrams_and_never_runs(site: Path, browser: Browser) -> None:
    pages = sorted(str(p.parent.relative_to(site)) + "/" for p in (site / "features" / "001-hostile").rglob("index.html"))
    assert len(pages) >= 9  # overview, stories, traceability, graph, gantt, checklist, 3 documents
    assert _visit_all(browser, site, pages) == []
    graph = (site / "features" / "001-hostile" / "graph" / "index.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in graph


def test_large_graph_collapses_to_phases_with_a_page_each(site: Path, browser: Browser) -> None:
    big = site / "features" / "002-big"
    phase_pages = sorted(p.name for p in big.iterdir() if p.name.startswith("graph-phase-"))
    assert phase_pages == [f"graph-phase-{n}" for n in range(1, 6)]
    pages = ["features/002-big/graph/", "features/002-big/graph-phase-3/", "features/002-big/gantt/"]
    assert _visit_all(browser, site, pages) == []


def test_index_sorts_by_a_column(site: Path, browser: Browser) -> None:
    order: dict[str, list[str]] = {}

    def sort(page: object) -> None:
        first = [c.strip() for c in page.locator("table.speckit-features tbody tr td:first-child").all_inner_texts()]  # type: ignore[attr-defined]
        page.locator("table.speckit-features th:nth-child(7) button").click()  # type: ignore[attr-defined]
        page.locator("table.speckit-features th:nth-child(7) button").click()  # type: ignore[attr-defined]
        order["before"] = first
        order["after"] = [c.strip() for c in page.locator("table.speckit-features tbody tr td:nth-child(7)").evaluate_all(  # type: ignore[attr-defined]
            "cells => cells.map(c => c.getAttribute('data-sort'))")]

    with serve(site) as base:
        visit = browser.visit(base, (site / "index.html").read_text(encoding="utf-8"), action=sort)
    assert visit.problems() == []
    assert len(order["before"]) == 4  # one row per feature built
    counts = [int(c) for c in order["after"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
