"""The built site in headless Chromium, served on 127.0.0.1 with every other request aborted.

One site is built for the module: this repository's specs/ features (by path, as a user would),
a hostile feature (Mermaid-breaking and HTML-breaking text everywhere), a large one (160 tasks,
so its task graph collapses to phases with a page per phase) and graphs of 5, 20 (one phase with no
dependencies), 52, 100 and 120 tasks, whose task labels must stay readable at a 1400 px window.
Screenshots are saved under tests/artifacts/ (gitignored; CI keeps them as artifacts).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_harness import ARTIFACTS, LABEL_TEXT, Browser, serve
from features import write_generated, write_hostile
from support import ROOT, SPECS

SPECKIT = [sys.executable, "-m", "speckit"]
SIZES = {"t005": (1, 5, True), "t020": (1, 20, False), "t052": (4, 13, True), "t100": (5, 20, True),
         "t120": (5, 24, True)}
"""feature -> (phases, tasks per phase, whether each task depends on the one before)"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    extra = tmp_path_factory.mktemp("features")
    write_hostile(extra / "001-hostile")
    write_generated(extra / "002-big", 2, phases=5, per_phase=32)
    for name, (phases, per_phase, chained) in SIZES.items():
        write_generated(extra / name, 3, phases=phases, per_phase=per_phase, chained=chained)
    project = tmp_path_factory.mktemp("project")
    result = subprocess.run(
        [*SPECKIT, "docs", "build", "--strict", "--project", str(project),
         str(SPECS / "aws-sandbox"), str(SPECS / "001-team-reminders"), str(extra / "001-hostile"),
         str(extra / "002-big"),
         *(str(extra / name) for name in SIZES)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"built {4 + len(SIZES)} features" in result.stdout
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
    pages = [f"features/{name}/{kind}/" for name in ("aws-sandbox", "001-team-reminders")
             for kind in ("graph", "gantt")]
    # plan.md of 001-team-reminders holds a mermaid block its authors wrote: passed through, rendered.
    pages += ["features/001-team-reminders/documents/plan/", "features/aws-sandbox/", ""]
    shots = {"features/aws-sandbox/": ARTIFACTS / "site-aws-sandbox-overview.png",
             "features/aws-sandbox/graph/": ARTIFACTS / "site-aws-sandbox-graph.png"}
    assert _visit_all(browser, site, pages, shots) == []
    for shot in shots.values():
        assert shot.stat().st_size > 10_000


def test_hostile_text_gives_valid_diagrams_and_never_runs(site: Path, browser: Browser) -> None:
    pages = sorted(str(p.parent.relative_to(site)) + "/"
                   for p in (site / "features" / "001-hostile").rglob("index.html"))
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
        rows = "table.speckit-features tbody tr:not(.speckit-group-row)"
        # Several statuses: the rows start grouped by status, a header row per group.
        order["groups"] = page.locator("tr.speckit-group-row").all_inner_texts()  # type: ignore[attr-defined]
        page.locator(".speckit-group").uncheck()  # type: ignore[attr-defined]
        first = [c.strip() for c in page.locator(f"{rows} td:first-child").all_inner_texts()]  # type: ignore[attr-defined]
        page.locator("table.speckit-features th:nth-child(7)").click(position={"x": 2, "y": 2})  # type: ignore[attr-defined]
        page.locator("table.speckit-features th:nth-child(7) button").click()  # type: ignore[attr-defined]
        order["before"] = first
        order["after"] = [c.strip() for c in page.locator(f"{rows} td:nth-child(7)").evaluate_all(  # type: ignore[attr-defined]
            "cells => cells.map(c => c.getAttribute('data-sort'))")]
        page.locator(".speckit-filter").fill("t05")  # type: ignore[attr-defined]
        order["filtered"] = page.locator(f"{rows}:visible td:first-child").all_inner_texts()  # type: ignore[attr-defined]
        page.locator(".speckit-filter").fill("")  # type: ignore[attr-defined]
        page.locator(".speckit-status").select_option("Draft")  # type: ignore[attr-defined]
        order["draft"] = page.locator(f"{rows}:visible td:nth-child(3)").all_inner_texts()  # type: ignore[attr-defined]

    with serve(site) as base:
        visit = browser.visit(base, (site / "index.html").read_text(encoding="utf-8"), action=sort)
    assert visit.problems() == []
    assert len(order["before"]) == 4 + len(SIZES)  # one row per feature built
    counts = [int(c) for c in order["after"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]  # a click anywhere in the cell sorts
    assert len(order["groups"]) >= 2 and any(g.startswith("Draft ·") for g in order["groups"]), order["groups"]
    assert [t.strip() for t in order["filtered"]] == ["t052"]
    assert order["draft"] and {t.strip() for t in order["draft"]} == {"Draft"}


# Graph pages of 5, 20, 52 and 120 tasks (120 is above the collapse threshold: its graph shows the
# phases, and a phase page its tasks) and Gantt charts of 52 and 100 tasks.
READABLE = ["features/t005/graph/", "features/t020/graph/", "features/t052/graph/", "features/t120/graph/",
            "features/t120/graph-phase-2/", "features/t052/gantt/", "features/t100/gantt/"]


def test_task_labels_are_readable_at_every_size(site: Path, browser: Browser) -> None:
    smallest: dict[str, float] = {}
    problems: list[str] = []
    with serve(site) as base:
        for page in READABLE:
            def measure(tab: object, page: str = page) -> None:
                found = tab.evaluate(LABEL_TEXT)  # type: ignore[attr-defined]
                assert found["count"] > 0, page
                smallest[page] = found["smallest"]

            html = (site / page / "index.html").read_text(encoding="utf-8")
            shot = ARTIFACTS / f"site-{page.strip('/').replace('/', '-')}.png"
            visit = browser.visit(base + page, html, screenshot=shot, action=measure, width=1400)
            problems += visit.problems()
    assert problems == []
    print(f"smallest task-label text, px at a 1400 px window: {smallest}")  # shown with pytest -s
    assert all(size >= 11 for size in smallest.values()), smallest
    graph = (site / "features" / "t020" / "graph" / "index.html").read_text(encoding="utf-8")
    assert "~~~" in graph.replace("&lt;", "<").replace("~~~", "~~~")  # the unlinked phase is wrapped into rows
    assert "`" not in graph.split('class="mermaid"', 1)[1].split("</pre>", 1)[0]  # labels are plain text


def test_diagrams_pan_zoom_and_go_full_screen(site: Path, browser: Browser) -> None:
    seen: dict[str, str] = {}

    def use(tab: object) -> None:
        frame = tab.locator(".speckit-diagram").first  # type: ignore[attr-defined]
        host = frame.locator("div.mermaid")

        def transform() -> str:
            return str(host.evaluate("d => d.style.transform"))

        seen["start"] = transform()
        frame.locator("button[data-do=in]").click()
        tab.wait_for_timeout(300)  # type: ignore[attr-defined]
        seen["zoomed"] = transform()
        box = frame.locator(".speckit-diagram-view").bounding_box()
        tab.mouse.move(box["x"] + 200, box["y"] + 100)  # type: ignore[attr-defined]
        tab.mouse.down()  # type: ignore[attr-defined]
        tab.mouse.move(box["x"] + 80, box["y"] + 40, steps=5)  # type: ignore[attr-defined]
        tab.mouse.up()  # type: ignore[attr-defined]
        tab.wait_for_timeout(300)  # type: ignore[attr-defined]
        seen["panned"] = transform()
        frame.locator("button[data-do=full]").click()
        tab.wait_for_timeout(300)  # type: ignore[attr-defined]
        seen["full"] = str(tab.evaluate("() => document.fullscreenElement ? document.fullscreenElement.className : ''"))  # type: ignore[attr-defined]

    page = "features/t052/graph/"
    with serve(site) as base:
        visit = browser.visit(base + page, (site / page / "index.html").read_text(encoding="utf-8"), action=use,
                              width=1400)
    assert visit.problems() == []

    def scale(transform: str) -> float:
        return float(transform.split("scale(")[1].split(")")[0])

    assert scale(seen["zoomed"]) > scale(seen["start"]), seen
    assert seen["panned"] != seen["zoomed"], seen
    assert seen["full"] == "speckit-diagram", seen
