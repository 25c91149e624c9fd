"""What makes the site quick, each proved equal to the slow way it replaces: search sections made
without HTMLParser, pages rendered in forked processes, the memo of 'docs serve' between reloads,
and how 'docs serve' watches."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from features import write_generated, write_hostile
from support import ROOT

from speckit.site import markup, rendering, search

# -- search sections -----------------------------------------------------------------------------


def _material(html: str) -> list[tuple[object, ...]]:
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return _dump(parser.data)


def _dump(sections: list[object]) -> list[tuple[object, ...]]:
    return [(s.el.tag, s.el.attrs, s.id, s.depth, list(s.title), list(s.text))  # type: ignore[attr-defined]
            for s in sections]


def _bodies(project: Path) -> list[str]:
    return [text.split(markup.MARKER, 1)[1].lstrip("\n") for path in sorted((project / "docs").rglob("*.md"))
            if markup.MARKER in (text := path.read_text(encoding="utf-8"))]


def test_search_sections_are_material_parsers_on_every_generated_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from speckit.config import load
    from speckit.discover import features
    from speckit.site import generate

    (tmp_path / ".git").mkdir()
    write_generated(tmp_path / "specs" / "001-f", 1, phases=3, per_phase=4)
    write_hostile(tmp_path / "specs" / "002-hostile")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPECKIT_CACHE", "0")
    config = load(tmp_path)
    generate(features(("specs",), config), config, tmp_path / "p", workers=1)
    monkeypatch.chdir(ROOT)
    bundled = load(ROOT)
    generate(features(("specs",), bundled), bundled, tmp_path / "bundled", workers=1)
    bodies = _bodies(tmp_path / "p") + _bodies(tmp_path / "bundled")
    assert len(bodies) > 20
    for body in bodies:
        assert not search._ELSEWHERE.search(body)  # each one read by the fast path, not handed back
        assert _dump(search._Sections().read(body)) == _material(body)


@pytest.mark.parametrize("html", [
    "<h1 id='a'>A</h1><p>x <code>y</code></p><h2 id=\"b\">B<a class=\"headerlink\" href=\"#b\">&para;</a></h2>"
    "<ul><li>one</li><li> </li></ul><pre><code>  keep\n  spaces </code></pre><br/><hr /><p>&amp;&lt;&#39;</p>",
    "<div><h3 id=\"n\">nested</h3><p>in</p></div><p>after</p>",
    "text before any tag <p>then</p>",
    "<p>a comment <!-- here --> and a <script>var x = '<p>';</script></p>",
    "<h2 id=\"x\" data-search-exclude>gone</h2><p>kept?</p>",
    "<p>1 < 2 and a <b title=\"a>b\">quote</b></p>",
])
def test_search_sections_match_material_and_unusual_html_goes_to_its_parser(html: str) -> None:
    assert _dump(search.sections(html)) == _material(html)


def test_search_sections_refuse_what_they_do_not_read() -> None:
    for unusual in ("<p>1 < 2</p>", '<p title="a>b">x</p>', "<p x=unquoted>y</p>"):
        with pytest.raises(search._Unusual):
            search._Sections().read(unusual)


# -- pages rendered in forked processes -----------------------------------------------------------


def _site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int) -> tuple[object, Path]:
    from speckit.config import load

    (tmp_path / ".git").mkdir(exist_ok=True)
    for n in range(1, count + 1):
        write_generated(tmp_path / "specs" / f"{n:03d}-f", n, phases=3, per_phase=4)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPECKIT_CACHE", "0")
    return load(tmp_path), tmp_path


def _tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_pages_rendered_in_forked_processes_are_those_one_process_renders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from speckit.discover import features
    from speckit.site import build_site

    config, root = _site(tmp_path, monkeypatch, 22)
    monkeypatch.setattr(rendering, "PARALLEL_FROM", 50)
    build_site(features(("specs",), config), config, root / "p1", root / "one", workers=1)
    forks: list[int] = []
    real = rendering._fork
    monkeypatch.setattr(rendering, "_fork", lambda *a: forks.append(1) or real(*a))
    assert threading.active_count() == 1, "a test left a thread running: the pages would not be forked"
    build_site(features(("specs",), config), config, root / "p2", root / "forked", workers=3)
    assert len(forks) == 2  # two forked processes beside this one
    one, forked = _tree(root / "one"), _tree(root / "forked")
    assert one == forked and len(one) > 200  # the search index too, byte for byte


def test_a_forked_renderer_that_dies_has_its_pages_rendered_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from speckit.discover import features
    from speckit.site import build_site

    config, root = _site(tmp_path, monkeypatch, 22)
    monkeypatch.setattr(rendering, "PARALLEL_FROM", 50)
    build_site(features(("specs",), config), config, root / "p1", root / "one", workers=1)
    parent = os.getpid()
    real = rendering._render

    def dying(*args: object) -> object:
        if os.getpid() != parent:
            os._exit(3)  # a forked renderer killed halfway (out of memory, say)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(rendering, "_render", dying)
    assert threading.active_count() == 1
    build_site(features(("specs",), config), config, root / "p2", root / "again", workers=2)
    assert _tree(root / "one") == _tree(root / "again")


# -- the memo of docs serve ------------------------------------------------------------------------


def _age(folder: Path, seconds: float = 60) -> None:
    """Move every file's modification time into the past: its stamp is then trusted."""
    past = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (past, past))


def test_the_memo_reads_no_unchanged_feature_and_sees_every_edit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import speckit.site
    from speckit.discover import features
    from speckit.site import Memo, generate

    config, root = _site(tmp_path, monkeypatch, 3)
    _age(root / "specs")
    memo = Memo()
    first = generate(features(("specs",), config), config, root / "p", workers=1, memo=memo)
    assert first.computed == 3 and len(memo.features) == 3
    lookups: list[str] = []
    real = speckit.site._lookup
    monkeypatch.setattr(speckit.site, "_lookup",
                        lambda target, *a: lookups.append(target.folder.name) or real(target, *a))
    again = generate(features(("specs",), config), config, root / "p", workers=1, memo=memo)
    assert lookups == [] and again.written == 0 and again.search == first.search
    # An edit with an old timestamp and the same size is still an edit: the inode or the size changes
    # with any rewrite, and the time with any save; here the time.
    tasks = root / "specs" / "002-f" / "tasks.md"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("- [ ] T001", "- [x] T001"), encoding="utf-8")
    _age(root / "specs" / "002-f", 30)
    edited = generate(features(("specs",), config), config, root / "p", workers=1, memo=memo)
    assert lookups == ["002-f"] and edited.computed == 1
    assert ">[x] T001 " in (root / "p" / "docs" / "features" / "002-f" / "documents" / "tasks.md").read_text("utf-8")
    # A file saved a moment ago may be saved again within the same timestamp: it is read, not trusted.
    tasks.write_text(tasks.read_text(encoding="utf-8"), encoding="utf-8")
    generate(features(("specs",), config), config, root / "p", workers=1, memo=memo)
    generate(features(("specs",), config), config, root / "p", workers=1, memo=memo)
    assert lookups == ["002-f", "002-f", "002-f"]
    # A document added to a feature is found (its folder changed), and gets its page.
    (root / "specs" / "003-f" / "checklists").mkdir()
    (root / "specs" / "003-f" / "checklists" / "ux.md").write_text("# UX checklist\n\n- [ ] CHK001 Fast\n",
                                                                    encoding="utf-8")
    _age(root / "specs")
    added = generate(features(("specs",), config), config, root / "p", workers=1, memo=memo)
    assert "features/003-f/documents/checklist-ux.md" in added.names
    # A page changed on disk behind the memo's back is written again.
    page = root / "p" / "docs" / "features" / "001-f" / "stories.md"
    page.write_text("changed", encoding="utf-8")
    generate(features(("specs",), config), config, root / "p", workers=1, memo=memo)
    assert page.read_text(encoding="utf-8") != "changed"


# -- how docs serve watches -----------------------------------------------------------------------


def test_serve_watches_the_documents_not_the_generated_project(tmp_path: Path) -> None:
    import jinja2.loaders
    from mkdocs.commands import serve as mkdocs_serve
    from mkdocs.livereload import LiveReloadServer

    from speckit.site.watching import serving_quickly

    project, specs = tmp_path / "p", tmp_path / "specs"
    for folder in (project / "docs", specs):
        folder.mkdir(parents=True)
    lister = jinja2.loaders.FileSystemLoader.list_templates
    for poll in (False, True):
        with serving_quickly(project, poll):
            server = mkdocs_serve.LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
            server.watch(str(project / "docs"))
            server.watch(str(project / "mkdocs.yml"))
            server.watch(str(specs))
            assert list(server._watched_paths) == [str(specs)]
            assert [path for _, path, _ in server.observer.scheduled.values()] == [str(specs)]
            assert server.observer.poll == poll and server.observer.observer is None  # started by serve()
            assert server.build_delay == 0.05
            import material

            theme = jinja2.loaders.FileSystemLoader(str(Path(material.__file__).parent / "templates"))
            names = theme.list_templates()
            assert "main.html" in names and not any(n.startswith(".") or "/." in n for n in names)
            server.server_close()
        assert mkdocs_serve.LiveReloadServer is LiveReloadServer  # mkdocs as it was
        assert jinja2.loaders.FileSystemLoader.list_templates is lister
    assert threading.active_count() == 1  # nothing runs until serve() starts it


def test_serves_watcher_keeps_each_watch_apart() -> None:
    from speckit.site.watching import _Watcher

    watcher = _Watcher(poll=True)
    first, second = watcher.schedule(object(), "/a"), watcher.schedule(object(), "/b")
    watcher.unschedule(first)
    third = watcher.schedule(object(), "/c")
    assert len({first, second, third}) == 3
    assert sorted(path for _, path, _ in watcher.scheduled.values()) == ["/b", "/c"]


def test_a_serve_reload_builds_only_what_changed_and_the_site_stays_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reload under 'docs serve' leaves the unchanged pages out of mkdocs' build; the site it
    leaves, sitemap and search index included, is byte for byte a whole build's."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from speckit.discover import features
    from speckit.site import Memo, generate, serving

    config, root = _site(tmp_path, monkeypatch, 3)
    project = root / "p"
    memo = Memo()
    generate(features(("specs",), config), config, project, workers=1, memo=memo)

    def served(site: Path, dirty: bool) -> None:
        loaded = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        loaded.site_url = "http://127.0.0.1:8000/"
        build(loaded, serve_url="http://127.0.0.1:8000/", dirty=dirty)  # as mkdocs serve's builder does

    decided: list[bool] = []
    real = serving.rebuilding
    monkeypatch.setattr(serving, "rebuilding", lambda *a: decided.append(real(*a)) or decided[-1])
    serving.start(serving.Serving(root, None, ("specs",), project, "Specifications", 60, project, None), memo)
    try:
        served(root / "site", dirty=True)  # the first build: the folder is empty, so every page
        before = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*.html")}
        tasks = root / "specs" / "002-f" / "tasks.md"
        tasks.write_text(tasks.read_text(encoding="utf-8").replace("- [ ] T001", "- [x] T001"), encoding="utf-8")
        served(root / "site", dirty=True)
        changed = sorted(str(p.relative_to(root / "site")) for p, t in before.items() if p.stat().st_mtime_ns != t)
        assert changed and all(n.startswith("features/002-f/") or n in ("index.html", "404.html") for n in changed)
        served(root / "whole", dirty=False)
        assert decided == [False, True, False]  # only the reload left pages out
    finally:
        serving.start(None)
    assert _tree(root / "site") == _tree(root / "whole")
