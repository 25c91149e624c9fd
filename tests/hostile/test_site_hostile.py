"""The docs site stays offline and publishes every document (issue 16, item 10 and the site's
share of item 1): a Mermaid block in a document cannot fetch, link or inject HTML (checked in
headless Chromium, every request recorded), two checklists whose names slug alike each get their
own page, and a control character or newline in a folder name cannot break the generated
mkdocs.yml."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML: what mkdocs reads mkdocs.yml with
from hostile_cli import SPEC, TASKS, feature, git_repo
from support import ROOT, speckit

sys.path.insert(0, str(ROOT / "tests" / "site"))
from browser_harness import Browser, serve

HOSTILE_PLAN = """# Implementation Plan: Hostile diagrams

## Summary

```mermaid
flowchart LR
  A["<img src=https://example.invalid/label.png onerror=window.__pwned=1> label"] --> B["<a href=https://example.invalid/a>link</a>"]
  B --> C["ok<br>two lines"]
  click A "https://example.invalid/click" "a tooltip"
  click B call window.alert()
  style C fill:url(https://example.invalid/style.png),stroke:#f66
  classDef bad fill:image-set("//example.invalid/set.png" 1x)
```

```mermaid
%%{init: {"securityLevel": "loose", "flowchart": {"htmlLabels": true}, "themeCSS": "@import url(https://example.invalid/theme.css);"}}%%
flowchart TD
  X["<iframe src=https://example.invalid/frame></iframe>"] --> Y
  click Y href "https://example.invalid/href"
```

```mermaid
sequenceDiagram
  Alice->>Bob: <img src=//example.invalid/seq.png>
  link Alice: Dashboard @ https://example.invalid/dash
```
"""


class Loader(yaml.SafeLoader):
    """mkdocs.yml names a Python function (!!python/name:...): read it as a plain string here."""


Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: f"python/{suffix}")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = git_repo(tmp_path_factory.mktemp("hostile-site") / "repo")
    folder = feature(root)
    (folder / "plan.md").write_text(HOSTILE_PLAN, encoding="utf-8")
    checklists = folder / "checklists"
    checklists.mkdir()
    (checklists / "sec review.md").write_text("# Security Checklist\n\n- [ ] CHK001 Secrets rotated (space)\n",
                                               encoding="utf-8")
    (checklists / "sec-review.md").write_text("# Security Checklist\n\n- [ ] CHK001 Keys pinned (hyphen)\n",
                                              encoding="utf-8")
    feature(root, "002-nel\x85line\u2028sep", TASKS, SPEC)
    feature(root, "003-new\nline: {x: 1}", TASKS, SPEC)
    feature(root, "004-tab\tand\x1bescape", TASKS, SPEC)
    run = speckit("docs", "build", "--strict", cwd=root, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "built 4 features" in run.stdout
    return root


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = Browser()
    yield chromium
    chromium.close()


@pytest.mark.timeout(600)
def test_hostile_mermaid_fetches_nothing_and_runs_nothing(hostile_site: Path, browser: Browser) -> None:
    site = hostile_site / ".speckit" / "site" / "site"
    page = "features/001-demo/documents/plan/"
    html = (site / page / "index.html").read_text(encoding="utf-8")
    assert html.count('<pre class="mermaid"') == 3
    with serve(site) as base:
        visit = browser.visit(base + page, html)
        level, elements = _inspect(browser, base + page)
    assert visit.requests, "the page was not loaded"
    assert visit.outside == [], visit.outside  # not one request left 127.0.0.1 (all are recorded)
    assert not any("example.invalid" in url for url in visit.requests), visit.requests
    assert visit.pwned is None and visit.console_errors == []
    assert [d["svg"] for d in visit.rendered] == [True, True, True], visit.rendered  # they still draw
    assert "label" in visit.rendered[0]["text"] and "two lines" in visit.rendered[0]["text"]
    assert elements == 0  # the <img>, <a> and <iframe> of the labels are text, not elements
    assert level == "strict"


def _inspect(browser: Browser, url: str) -> tuple[str, int]:
    """Mermaid's effective securityLevel on the page (after mkdocs-material initialised it), and how
    many img, a, iframe or image elements its diagrams hold."""
    from browser_harness import OPEN_SHADOW

    context = browser._browser.new_context()
    context.add_init_script(OPEN_SHADOW)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:")
                  else route.abort())
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function("() => [...document.querySelectorAll('div.mermaid')].filter(d => d.shadowRoot && "
                               "d.shadowRoot.querySelector('svg')).length === 3", timeout=15_000)
        level = str(page.evaluate("() => mermaid.mermaidAPI.getConfig().securityLevel"))
        elements = int(page.evaluate("() => [...document.querySelectorAll('div.mermaid')].reduce((n, d) => n + "
                                     "d.shadowRoot.querySelectorAll('img, a, iframe, image, script').length, 0)"))
        return level, elements
    finally:
        context.close()


@pytest.mark.timeout(120)
def test_source_of_an_authors_diagram_is_made_safe_in_the_html(hostile_site: Path) -> None:
    html = (hostile_site / ".speckit" / "site" / "site" / "features" / "001-demo" / "documents" / "plan"
            / "index.html").read_text(encoding="utf-8")
    assert "://example.invalid" not in html and "//example.invalid" not in html
    assert "click A" not in html and "securityLevel" not in html and "@import" not in html
    assert "ok&lt;br&gt;two lines" in html  # <br> in a label is kept


@pytest.mark.timeout(120)
def test_checklists_that_slug_alike_each_get_a_page(hostile_site: Path) -> None:
    site = hostile_site / ".speckit" / "site" / "site" / "features" / "001-demo" / "documents"
    pages = sorted(p.name for p in site.iterdir() if p.name.startswith("checklist-"))
    assert pages == ["checklist-sec-review", "checklist-sec-review-2"]
    texts = {(site / name / "index.html").read_text(encoding="utf-8") for name in pages}
    assert any("(space)" in t for t in texts) and any("(hyphen)" in t for t in texts)
    index = json.loads((site.parent.parent.parent / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = json.dumps(index)
    assert "(space)" in found and "(hyphen)" in found


@pytest.mark.timeout(120)
def test_control_characters_in_folder_names_keep_mkdocs_yml_valid(hostile_site: Path) -> None:
    text = (hostile_site / ".speckit" / "site" / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=Loader)
    # The navigation holds the index only (#13: a page's size no longer grows with the features), so
    # the names never reach mkdocs.yml; each feature's own bar links its pages.
    assert [next(iter(entry)) for entry in config["nav"]] == ["Features"]
    for name in ("002-nel\x85line\u2028sep", "003-new\nline: {x: 1}", "004-tab\tand\x1bescape"):
        assert name not in text
    assert set(config) >= {"site_name", "nav", "theme", "extra_javascript"}
    assert "x" not in config  # a name cannot add a key
    assert config["extra_javascript"][:2] == ["assets/mermaid.min.js", "assets/mermaid-config.js"]
