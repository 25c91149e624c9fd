"""Serving a built site on 127.0.0.1 and reading it in headless Chromium (Debian's /usr/bin/chromium,
driven by playwright-python; never 'playwright install').

mkdocs-material renders each Mermaid diagram into a *closed* shadow root; the init script below
makes every shadow root open so the test can see the SVG (and any "Syntax error in text" bomb).
Every request is recorded, and anything not addressed to the loopback server is aborted, so a
test fails on an attempted CDN or font fetch instead of quietly depending on the network.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

OPEN_SHADOW = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, Object.assign({}, init, { mode: "open" }));
  };
})();
"""

# Diagrams on the page: Material replaces each <pre class="mermaid"> by a <div class="mermaid">
# whose shadow root holds the SVG; a failed render leaves the <pre> behind.
DIAGRAMS = """
() => {
  const out = [];
  for (const div of document.querySelectorAll("div.mermaid")) {
    const root = div.shadowRoot;
    const svg = root ? root.querySelector("svg") : null;
    const kind = svg ? (svg.getAttribute("aria-roledescription") || "") : "";
    out.push({ svg: !!svg, text: root ? root.textContent : "", kind: kind });
  }
  const pwned = window.__pwned === undefined ? null : String(window.__pwned);
  return { rendered: out, body: document.body.innerText, pwned: pwned };
}
"""


# The smallest text of the task labels on the page, in CSS pixels as drawn (after Mermaid's and the
# pan/zoom's scaling): the height of each line box of each label's text, from Range.getClientRects.
LABEL_TEXT = """
() => {
  const heights = [];
  for (const div of document.querySelectorAll("div.mermaid")) {
    const root = div.shadowRoot;
    if (!root) continue;
    const labels = root.querySelectorAll(
      ".node .nodeLabel, .node text, text.taskText, text.taskTextOutsideRight, text.taskTextOutsideLeft");
    for (const label of labels) {
      const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) if (rect.height > 0) heights.push(rect.height);
      }
    }
  }
  return { count: heights.length, smallest: heights.length ? Math.min(...heights) : 0 };
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The folder on http://127.0.0.1:<free port>/ from a thread, for the duration of the block."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Visit:
    url: str
    expected: int
    """diagrams in the page's HTML"""
    rendered: list[dict[str, Any]] = field(default_factory=list)
    body: str = ""
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    pwned: str | None = None
    """set when a script from document text ran (the hostile feature's scripts set window.__pwned)"""

    @property
    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))]

    def problems(self) -> list[str]:
        out = []
        if len(self.rendered) != self.expected or not all(d["svg"] for d in self.rendered):
            drawn = sum(d["svg"] for d in self.rendered)
            out.append(f"{self.url}: {drawn} of {self.expected} diagrams rendered to SVG")
        for text in [self.body] + [d["text"] for d in self.rendered]:
            if "Syntax error" in text:
                out.append(f"{self.url}: 'Syntax error in text' shown")
        out += [f"{self.url}: console error: {e}" for e in self.console_errors]
        out += [f"{self.url}: request left 127.0.0.1: {u}" for u in self.outside]
        if self.pwned is not None:
            out.append(f"{self.url}: a script from document text ran (window.__pwned = {self.pwned})")
        return out


class Browser:
    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()

    def visit(self, url: str, html: str, screenshot: Path | None = None, timeout_ms: int = 15_000,
              action: Any = None, width: int = 1280) -> Visit:
        """Open ``url``; wait until every diagram in ``html`` (the page's source) has rendered or failed."""
        expected = len(re.findall(r'<pre class="mermaid"', html))
        visit = Visit(url, expected)
        context = self._browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
        context.add_init_script(OPEN_SHADOW)

        def route(route: Any) -> None:
            if route.request.url.startswith("http://127.0.0.1:"):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda request: visit.requests.append(request.url))
        page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
        try:
            page.goto(url, wait_until="load")
            if expected:
                try:
                    page.wait_for_function(
                        "n => document.querySelectorAll('div.mermaid').length >= n && "
                        "[...document.querySelectorAll('div.mermaid')]"
                        ".every(d => d.shadowRoot && d.shadowRoot.querySelector('svg'))",
                        arg=expected, timeout=timeout_ms)
                except Exception:  # noqa: BLE001 - the report below says what did not render
                    pass
                try:  # speckit.js frames each drawn diagram for pan and zoom
                    page.wait_for_function("n => document.querySelectorAll('.speckit-diagram').length >= n",
                                           arg=expected, timeout=5_000)
                except Exception:  # noqa: BLE001 - a diagram left unframed shows in the tests' checks
                    pass
            state = page.evaluate(DIAGRAMS)
            visit.rendered, visit.body, visit.pwned = state["rendered"], state["body"], state["pwned"]
            if action is not None:
                action(page)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            context.close()
        return visit
