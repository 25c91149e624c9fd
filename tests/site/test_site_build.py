"""The site without a browser: escaping, documents, the build hook, the CLI's refusals, serve, and
the project's own docs (mkdocs build --strict)."""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import io
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from features import HOSTILE, write_generated
from hypothesis import given
from hypothesis import strategies as st
from support import ROOT, SPECS

from speckit.errors import InputError
from speckit.report import mermaid
from speckit.site import project
from speckit.site.documents import render
from speckit.site.markup import MARKER, Page, check_links, source, toc
from speckit.site.text import esc, href

SPECKIT = [sys.executable, "-m", "speckit"]


# -- escaping ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE)
def test_mermaid_labels_hold_no_syntax(text: str) -> None:
    out = mermaid.label(text, limit=500)
    bare = re.sub(r"#\d+;", "", out)
    assert not set('"#;<>&`%{}[]|\\:') & set(bare), out
    assert "style" not in out and "classDef" not in out
    decoded = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), out)
    assert decoded == " ".join(mermaid.plain(text).split())


def test_labels_are_plain_text() -> None:
    assert mermaid.plain("Create `src/models/user.py` with **bold** and [a link](http://x)") == \
        "Create src/models/user.py with bold and a link"
    assert mermaid.plain("window.__pwned = 2 ** 3") == "window.__pwned = 2 ** 3"  # no pair: kept
    assert "`" not in mermaid.label("`x`")


@given(st.text(max_size=80))
def test_escaping_shows_the_same_characters(text: str) -> None:
    shown = esc(text)
    expected = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())
    assert "<" not in shown and ">" not in shown  # no element made from the text
    assert html.unescape(shown) == expected


def test_pages_carry_headings_toc_and_an_escaped_title() -> None:
    page = Page("features/a/stories.md")
    page.h(1, "<script>x</script> & co")
    page.h(2, "US1: Sign in (P1)")
    page.h(2, "US1: Sign in (P1)")
    page.h(3, "Why")
    page.p(page.link("features/a/documents/spec.md", "spec", "L3"))
    text = source(page, hide=("toc",), searched=False)
    front, body = text.split(MARKER)
    assert 'title: "&lt;script&gt;x&lt;/script&gt; &amp; co"' in front  # mkdocs prints titles unescaped
    assert "hide:\n  - toc" in front and "exclude: true" in front and "<script>" not in text
    assert '<a href="../documents/spec/#L3">spec</a>' in body
    tokens = toc(body)
    assert [t["id"] for t in tokens] == ["scriptxscript-co"]
    assert [(c["id"], len(c["children"])) for c in tokens[0]["children"]] == [  # type: ignore[union-attr]
        ("us1-sign-in-p1", 0), ("us1-sign-in-p1_1", 1)]


def test_generated_links_are_checked_against_the_site() -> None:
    page = Page("features/a/index.md")
    page.p(page.link("features/a/graph.md", "graph") + page.link("index.md", "all") + page.link("features/b/x.md", "x"))
    page.p(esc('a requirement: the link must use href="/login"'))  # text, not a link
    page.add('<div class="speckit-doc"><a href="../spec.md">the author\'s own link</a></div>')
    pages = {page.name: source(page)}
    assert check_links(pages, {"index.md", "features/a/index.md", "features/a/graph.md"}) == [
        "features/a/index.md: the link to ../b/x/ names no page of the site"]


def test_relative_links_between_directory_urls() -> None:
    assert href("index.md", "features/a/index.md") == "features/a/"
    assert href("features/a/graph.md", "features/a/documents/tasks.md", "L3") == "../documents/tasks/#L3"
    assert href("features/a/index.md", "index.md") == "../../"


def test_documents_keep_authors_mermaid_and_show_html_as_text() -> None:
    text = ("# Title\n\n<!-- hidden note -->\n\nText with <b>tags</b>.\n\n<script>alert(1)</script>\n\n"
            "```mermaid\nflowchart LR\n  A --> B\n```\n\n- [x] done item\n")
    rendered = render(text)
    assert '<pre class="mermaid" id="L9"><code>flowchart LR\n  A --&gt; B\n</code></pre>' in rendered.html
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<b>" not in rendered.html and "hidden note" not in rendered.html
    assert "`" not in rendered.html
    assert "[x] done item" in rendered.html
    assert rendered.anchor(12) == "L9" and rendered.anchor(1) == "L1" and rendered.anchor(4) == "L1"


# -- the Mermaid asset and the build hook ----------------------------------------------------------

def _hook() -> object:
    spec = importlib.util.spec_from_file_location("speckit_hatch_build", ROOT / "hatch_build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hook_extracts_a_verified_tarball_and_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hook = _hook()
    version = hook.MERMAID_VERSION  # type: ignore[attr-defined]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cached = cache / "speckit-build" / f"mermaid-{version}.tgz"
    assert cached.is_file(), "pip install -e . fetches and caches the tarball; run it first"
    monkeypatch.setenv("SPECKIT_MERMAID_TARBALL", str(cached))
    asset = hook.ensure_mermaid(tmp_path / "vendor", lambda message: None)  # type: ignore[attr-defined]
    assert asset.stat().st_size > 1_000_000 and b"mermaid" in asset.read_bytes()[:5000]
    # A rebuild reads nothing: the recorded digest still matches.
    monkeypatch.setenv("SPECKIT_MERMAID_TARBALL", str(tmp_path / "absent.tgz"))
    assert hook.ensure_mermaid(tmp_path / "vendor", lambda message: None) == asset  # type: ignore[attr-defined]


def test_hook_refuses_a_tarball_that_fails_the_integrity_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hook = _hook()
    fake = tmp_path / "mermaid.tgz"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"window.mermaid = 'not the real one';"
        info = tarfile.TarInfo("package/dist/mermaid.min.js")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    fake.write_bytes(buffer.getvalue())
    monkeypatch.setenv("SPECKIT_MERMAID_TARBALL", str(fake))
    with pytest.raises(RuntimeError, match="integrity check failed"):
        hook.ensure_mermaid(tmp_path / "vendor", lambda message: None)  # type: ignore[attr-defined]
    assert not (tmp_path / "vendor" / "mermaid.min.js").exists()
    digest = base64.b64encode(hashlib.sha512(fake.read_bytes()).digest()).decode()
    assert digest not in hook.MERMAID_INTEGRITY  # type: ignore[attr-defined]


def test_the_wheel_carries_mermaid(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path)], check=True, timeout=120)
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "speckit/_vendor/mermaid/mermaid.min.js" in names
    assert "speckit/_vendor/panzoom/panzoom.min.js" in names and "speckit/site/hook.py" in names
    assert "speckit/site/static/speckit.js" in names


def test_a_missing_asset_is_a_clear_error_naming_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project.resources, "files", lambda package: tmp_path)
    with pytest.raises(InputError, match=r"mermaid\.min\.js is missing.*pip install"):
        project.mermaid_asset()


# -- the command -----------------------------------------------------------------------------------

def test_build_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    args = [*SPECKIT, "docs", "build", str(SPECS / "aws-sandbox"), "--project", str(tmp_path / "p"), "--out", str(out)]
    refused = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert (out / "notes.txt").exists()
    forced = subprocess.run([*args, "--force"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert forced.returncode == 0, forced.stderr
    assert (out / "index.html").is_file() and not (out / "notes.txt").exists()
    again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr  # its own earlier output is replaced without --force
    built = (out / "features" / "aws-sandbox" / "graph" / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in built and "unpkg.com" not in built and "assets/mermaid.min.js" in built


def test_unreadable_feature_is_reported_and_the_rest_built(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    write_generated(specs / "001-good", 1)
    bad = specs / "002-bad"
    bad.mkdir(parents=True)
    (bad / "spec.md").write_bytes(b"# Feature Specification: bad \xff\xfe bytes\n")
    result = subprocess.run([*SPECKIT, "docs", "build", str(specs), "--project", str(tmp_path / "p")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "002-bad/spec.md: not valid UTF-8" in result.stderr and "built 1 features" in result.stdout
    index = (tmp_path / "p" / "site" / "index.html").read_text(encoding="utf-8")
    assert "001-good" in index and "not valid UTF-8" in index


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, until: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > until:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("watching", [[], ["--poll"]], ids=["notified", "polling"])
def test_serve_serves_and_regenerates_when_a_document_changes(tmp_path: Path, watching: list[str]) -> None:
    feature = write_generated(tmp_path / "specs" / "001-live", 1)
    (tmp_path / ".git").mkdir()  # the repository root, so the config search stops here
    port = _free_port()
    server = subprocess.Popen([*SPECKIT, "docs", "serve", "--addr", f"127.0.0.1:{port}",
                               "--project", str(tmp_path / "p"), *watching],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/features/001-live/"
        assert "Generated feature 1" in _get(url, time.monotonic() + 30)
        spec = feature / "spec.md"
        renamed = spec.read_text(encoding="utf-8").replace("Generated feature 1", "Renamed live feature")
        spec.write_text(renamed, encoding="utf-8")
        deadline = time.monotonic() + 30
        while "Renamed live feature" not in _get(url, deadline):
            assert time.monotonic() < deadline, "the page was not regenerated after the spec changed"
            time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Traceback" not in output, output


def test_serve_on_a_taken_or_impossible_address_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write_generated(tmp_path / "specs" / "001-live", 1)
    (tmp_path / ".git").mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = f"127.0.0.1:{taken.getsockname()[1]}"
        for addr, says in ((busy, "cannot serve there"), ("127.0.0.1:99999", "port up to 65535"),
                           ("256.1.1.1:8000", "mkdocs serve failed")):
            result = subprocess.run([*SPECKIT, "docs", "serve", "--addr", addr, "--project", str(tmp_path / "p")],
                                    cwd=tmp_path, capture_output=True, text=True, timeout=60)
            assert result.returncode == 2, (addr, result.stderr)
            assert says in result.stderr and "Traceback" not in result.stderr and "internal error" not in result.stderr


# -- the project's own docs ----------------------------------------------------------------------

def test_project_docs_build_strict(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                             "-d", str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "site" / "index.html").is_file()


@pytest.mark.parametrize("text", [
    "---\ntitle: x\n---\n# T\r\n\r\n| a | b |\n|---|---|\n| `c` | ~~d~~ |\n\n- [x] T001 **bold** <b>x</b>\n",
    "# T\n\n```mermaid\nflowchart LR\n  A --> B\n```\n\n<!-- note -->\n\x00 text\n" + "> " * 30 + "deep\n",
    "# T\n\n" + "".join("  " * i + "- item\n" for i in range(40)),
    "# T\n\nSee [the guide][g] and [g].\n\n[g]: https://example.com/guide \"Guide\"\n",
])
def test_the_parsers_tokens_render_as_a_fresh_parse_does(text: str) -> None:
    from speckit.parse import blocks

    with blocks.keeping_tokens() as kept:
        blocks.parse(text)
    assert list(kept) == [text]
    shared = render(text, kept.pop(text))
    assert shared == render(text)
    if "[g]:" in text:
        assert 'href="https://example.com/guide"' in shared.html  # the references were kept


def test_search_entries_made_with_the_pages_are_those_the_search_plugin_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """speckit makes each page's search entries with the page (in its workers, by Material's own
    code); the index it writes is the one a plain `mkdocs build` of the project writes, where the
    plugin parses every page itself."""
    from material.plugins.search.plugin import SearchIndex

    from speckit.config import load
    from speckit.discover import features
    from speckit.site import build_site

    parsed: list[str] = []
    original = SearchIndex.add_entry_from_context

    def counting(self: SearchIndex, page: object) -> None:
        meta = getattr(page, "meta", {}) or {}
        if hasattr(page, "file") and not (meta.get("search") or {}).get("exclude"):
            parsed.append(page.file.src_uri)  # type: ignore[attr-defined]
        original(self, page)

    monkeypatch.setattr(SearchIndex, "add_entry_from_context", counting)
    monkeypatch.setenv("SPECKIT_CACHE", "0")
    monkeypatch.chdir(ROOT)
    config = load(ROOT)
    build_site(features(("specs",), config), config, tmp_path / "p", tmp_path / "site", workers=1)
    assert parsed == []  # every page, the index too, came with its entries
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "p" / "mkdocs.yml"),
                            "-d", str(tmp_path / "plain")], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert plain.returncode == 0, plain.stderr
    ours, theirs = ((folder / "search" / "search_index.json").read_text(encoding="utf-8")
                    for folder in (tmp_path / "site", tmp_path / "plain"))
    assert ours == theirs and ours.count('"location"') > 50


def test_inline_shows_code_spans_as_code_and_nothing_else_as_markup() -> None:
    from speckit.site.markup import inline

    assert inline("Implement `src/a.py` <b>now</b> **x**") == \
        "Implement <code>src/a.py</code> &lt;b&gt;now&lt;/b&gt; **x**"
    assert inline("a ` lone backtick") == "a ` lone backtick"
    assert inline("`<script>`") == "<code>&lt;script&gt;</code>"
