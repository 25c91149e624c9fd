"""The mkdocs hook of every generated site (``hooks:`` in the generated mkdocs.yml names this file).

mkdocs loads a hook by its file path, as a module of its own, so the state that must outlive one
build (what ``speckit docs serve`` regenerates from) lives in ``speckit.site.serving``. The hook:

- before a build under ``speckit docs serve``, regenerates the pages from the specs; only the
  features whose documents changed are computed again, and only the pages whose text changed are
  written, so mkdocs' dirty rebuild renders just those (see ``speckit.site.serving``);
- hands mkdocs the HTML of each page speckit wrote (``speckit.site.markup``) as the page's content
  and table of contents, so Python-Markdown does not convert it again;
- hands Material's search plugin the entries speckit made of each page it wrote;
- gives mkdocs' jinja environment a bytecode cache that outlives one build (``serving.templates``);
- advances the page bar of the build's progress display (``speckit.site.progress``);
- strips the indentation Material's templates leave in every page (a third of a page's bytes)
  outside ``<pre>``, ``<textarea>`` and ``<script>``;
- in a dirty build, keeps the search entries of the pages that were not rebuilt: Material's search
  plugin indexes only the pages it sees, and its own dirty merge assumes one page changed;
- in a reload of ``speckit docs serve`` with an unchanged set of pages, leaves the unchanged pages
  out of mkdocs' build (``serving.rebuilding``).

A plain ``mkdocs build -f .speckit/site/mkdocs.yml`` runs the same hook and builds the same site.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.toc import get_toc

from speckit.site import markup, progress, rendering, serving

_pages: list[str] = []
"""URLs of the documentation pages of the running build"""
_built: set[str] = set()
"""URLs of the pages rendered by the running build (all of them unless the build is dirty)"""

_sources: list[str] = []
"""src_uris of the documentation pages of the running build, in mkdocs' order"""

_html: dict[str, str] = {}
"""src_uri -> the HTML of a page speckit wrote, between its Markdown and its content events"""

_KEEP = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>|<script\b.*?</script>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


class _DirtyNotice(logging.Filter):
    """speckit builds dirty only when the navigation and the set of pages are unchanged (see
    ``speckit.site.build_site``), so mkdocs' warning that links may be stale does not apply; left
    in, it would fail every ``--strict`` rebuild."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


_FILTER = _DirtyNotice()
logging.getLogger("mkdocs.commands.build").addFilter(_FILTER)


def on_pre_build(config: Any, **kwargs: Any) -> None:
    _pages.clear()
    _built.clear()
    serving.before_build()


def on_env(env: Any, **kwargs: Any) -> Any:
    env.bytecode_cache = serving.templates  # compiled once per process, not once per build
    return env


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    pages = list(files.documentation_pages())
    _pages.extend(f.url for f in pages)
    _sources[:] = [f.src_uri for f in pages]
    if serving.rebuilding(config.site_dir, _sources):
        # A reload of 'docs serve' with the same pages as the last build: mkdocs would make every
        # page's object and test it for changes, twice, and write the sitemap of them all again
        # (0.25 s of a 0.8 s reload of 2,025 pages) to render the few speckit rewrote. The others
        # (outside the nav) are left out of this build; their HTML and the sitemap stay as built.
        for file in pages:
            if file.inclusion.is_not_in_nav() and not file.is_modified():
                files.remove(file)
        config.theme.static_templates.discard("sitemap.xml")
    bar = progress.current()
    if bar.shown:  # (counting the pages to write takes two stats a page: 0.05 s of a reload of 200 features)
        dirty = os.path.isdir(config.site_dir) and bool(os.listdir(config.site_dir))  # a clean build emptied it
        bar.start("writing pages", sum(1 for f in pages if f.is_modified()) if dirty else len(pages))
    return files


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    if markdown.startswith(markup.MARKER):
        _html[page.file.src_uri] = markdown[len(markup.MARKER):].lstrip("\n")
        return ""  # nothing for Python-Markdown to convert: the page is already HTML
    return markdown


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    body = _html.pop(page.file.src_uri, None)
    if body is None:
        return html
    page.toc = get_toc(markup.toc(body))  # type: ignore[arg-type]
    return body


@event_priority(50)  # before Material's search plugin indexes the page (priority 0)
def on_page_context(context: Any, page: Any, config: Any, **kwargs: Any) -> Any:
    """Hand the search plugin the entries speckit made of this page with its HTML (in its worker
    processes, by the plugin's own code), and mark the page indexed so the plugin does not parse it
    again. The same entries either way; a plain ``mkdocs build`` has none, and the plugin does it."""
    entries = serving.search_entries.get(page.file.src_uri)
    search = next((p for p in config.plugins.values() if hasattr(p, "search_index")), None)
    meta = page.meta.get("search") if isinstance(page.meta.get("search"), dict) else {}
    if entries is None or search is None or meta.get("exclude"):
        return context
    search.search_index.entries.extend(dict(entry) for entry in entries)
    page.meta["search"] = {**meta, "exclude": True}
    return context


def on_post_page(output: str, page: Any, config: Any, **kwargs: Any) -> str:
    _built.add(page.url)
    progress.current().advance("writing pages")
    return trim(output)


def trim(html: str) -> str:
    """``html`` without line indentation and blank lines, outside elements where spaces are text."""
    parts = _KEEP.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = _INDENT.sub("\n", parts[i])
    return "".join(parts)


@event_priority(50)  # before the search plugin writes its index (priority 0)
def on_post_build(config: Any, **kwargs: Any) -> None:
    _built.update(rendering.flush(config))  # the pages speckit's build deferred, rendered in forked processes
    progress.current().finish("writing pages")
    skipped = set(_pages) - _built
    search = next((p for p in config.plugins.values() if hasattr(p, "search_index")), None)
    if search is None or not skipped:
        return
    search.search_index_prev = None  # Material's own merge would keep one page's entries twice
    if all(src in serving.search_entries for src in _sources):
        # speckit made every page and its entries (none for the pages search leaves out): the
        # index is theirs in the pages' order, as a whole build writes it, without reading the
        # last one back (5.7 MB of JSON on 200 features, in every reload of 'docs serve').
        index = search.search_index
        index.entries = [e for src in _sources for e in serving.search_entries[src]]
        shown = {key: index.config[key] for key in ("lang", "separator", "pipeline", "fields")}
        text = serving.search_index_json(shown, _sources)
        index.generate_search_index = lambda prev: text  # the same JSON, from each page's, made once per page
        return
    path = os.path.join(config.site_dir, "search", "search_index.json")
    try:
        with open(path, encoding="utf-8") as handle:
            previous = json.load(handle).get("docs", [])
    except (OSError, ValueError, AttributeError):
        previous = []
    kept = [e for e in previous if isinstance(e, dict) and str(e.get("location", "")).split("#")[0] in skipped]
    search.search_index.entries = kept + search.search_index.entries
