"""The HTML of the generated pages, built from data: every piece of document text goes through
``esc()`` or ``inline()`` (element text; the latter shows code spans as code) or ``attr()``
(attribute values), so data never becomes markup.

Why HTML and not Markdown for mkdocs to render? Time. Python-Markdown spent 19 of the 36 seconds
of a 200-feature build on pages that speckit had just written from data (their Markdown was only
ever a way to ask for tables and links), and mkdocs then rewrote each of 80,000 links. The pages
are now written as the HTML they stand for; each generated ``.md`` file holds its front matter, the
``MARKER`` line and that HTML, and the site's hook (``speckit.site.hook``) hands the HTML to mkdocs
as the page's content, with its table of contents, instead of converting it again. Links between
pages are relative URLs (``href``); ``check_links`` verifies that each names a page of the site,
the check mkdocs made of ``.md`` links.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Iterable, Sequence

from speckit.site.project import yaml_string
from speckit.site.text import attr, esc, href, page_url

MARKER = "<!-- speckit: html -->"
"""The first line of a generated page's body: the rest is the page's HTML (see the hook)."""

DOCUMENT = '<div class="speckit-doc">'
"""Where a document page's own text begins."""
_TAG = re.compile(r"<[^>]*>")
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="headerlink"')
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r'<a href="([^"#:]*)(#[^"]*)?"')  # text never holds "<": only speckit's links match


class Page:
    """One page's HTML body, written in order, and its headings (for the table of contents)."""

    def __init__(self, name: str) -> None:
        self.name = name
        """the page's file under docs/, e.g. ``features/001-x/graph.md``"""
        self.parts: list[str] = []
        self.title = ""
        """the text of the first level-1 heading: the page's title"""
        self._ids: set[str] = set()

    def h(self, level: int, text: str, after: str = "") -> None:
        """A heading of plain ``text`` (escaped here), HTML ``after`` it; with an id and a permalink
        as Python-Markdown's toc extension writes them."""
        base = _slugify(" ".join(f"{text} {_TAG.sub('', after)}".split())) or "section"
        ident, n = base, 1
        while ident in self._ids:
            ident, n = f"{base}_{n}", n + 1
        self._ids.add(ident)
        if level == 1 and not self.title:
            self.title = text
        self.parts.append(f'<h{level} id="{ident}">{esc(text)}{after}'
                          f'<a class="headerlink" href="#{ident}" title="Permanent link">&para;</a></h{level}>')

    def p(self, html: str) -> None:
        self.parts.append(f"<p>{html}</p>")

    def add(self, html: str) -> None:
        self.parts.append(html)

    def link(self, to_page: str, html: str, anchor: str = "") -> str:
        return f'<a href="{attr(href(self.name, to_page, anchor))}">{html}</a>'

    def table(self, head: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        cells = "".join(f"<th>{h}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        self.parts.append(f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>")

    def ul(self, items: Iterable[str]) -> None:
        self.parts.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")

    def ol(self, items: Iterable[str]) -> None:
        self.parts.append("<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>")

    def admonition(self, kind: str, title: str, html: str) -> None:
        self.parts.append(f'<div class="admonition {kind}"><p class="admonition-title">{esc(title)}</p>{html}</div>')

    def html(self) -> str:
        return "\n".join(self.parts) + "\n"


def _slugify(text: str) -> str:
    """The anchor Python-Markdown's toc extension gives a heading of ``text`` (imported here: the
    site extra brings Markdown, and ``speckit docs`` without it must still say so in one line)."""
    from markdown.extensions.toc import slugify  # type: ignore[import-untyped]

    return str(slugify(text, "-"))


def source(page: Page, top: str = "", hide: tuple[str, ...] = (), searched: bool = True, titled: bool = True) -> str:
    """The generated ``.md`` file of ``page``: front matter (its title, unless ``titled`` is off
    and the navigation names the page; the sidebars it hides; whether search indexes it),
    ``MARKER``, then ``top`` and the page's HTML."""
    front = ["---", f"title: {yaml_string(front_title(page))}"] if titled else ["---"]
    if hide:
        front += ["hide:", *(f"  - {name}" for name in hide)]
    if not searched:
        front += ["search:", "  exclude: true"]
    return "\n".join([*front, "---", MARKER, top + page.html()])


def search_entries(page: Page, top: str = "") -> list[dict[str, object]]:
    """The search-index entries Material's search plugin makes of ``page`` as ``source`` writes it,
    made with the plugin's own code (its sections by ``speckit.site.search``), so that they can be
    made in speckit's worker processes rather than one page at a time in mkdocs' (see the hook's
    ``on_page_context``)."""
    from types import SimpleNamespace

    from material.plugins.search.plugin import SearchIndex  # type: ignore[import-untyped]
    from mkdocs.structure.toc import get_toc

    from speckit.site.search import sections

    body = top + page.html()
    title = front_title(page)
    shown = SimpleNamespace(content=body, toc=get_toc(toc(body)), url=page_url(page.name),  # type: ignore[arg-type]
                            meta={"title": title}, title=title)
    index = SearchIndex()
    for section in sections(body):  # what the plugin's add_entry_from_context does, with faster sections
        if not section.is_excluded():
            index.create_entry_for_section(section, shown.toc, shown.url, shown)
    return list(index.entries)


def front_title(page: Page) -> str:
    """The title as mkdocs reads it from the front matter: mkdocs and Material put a page's title
    into the HTML as it is (a title Python-Markdown took from a heading was escaped already), so
    it is escaped text."""
    return esc(page.title or page.name)


def inline(text: str) -> str:
    """Document text as HTML that shows its code spans as code (```src/a.py``` in a task title)
    and everything else as the same characters; nothing else in it becomes markup."""
    parts = _CODE_SPAN.split(esc(text))  # escaping keeps backticks, and makes it one line
    return "".join(f"<code>{part}</code>" if n % 2 else part for n, part in enumerate(parts))


def mermaid(source: str) -> str:
    """A diagram as the element Material renders (what pymdownx.superfences' mermaid fence writes)."""
    return f'<pre class="mermaid"><code>{html.escape(source, quote=False)}</code></pre>'


def toc(html: str) -> list[dict[str, object]]:
    """The table of contents of a page written here, as mkdocs' toc tokens (nested by level)."""
    root: list[dict[str, object]] = []
    stack: list[tuple[int, list[dict[str, object]]]] = [(0, root)]
    for level, ident, name in _HEADING.findall(html):
        token: dict[str, object] = {"level": int(level), "id": ident, "name": name, "children": []}
        while stack[-1][0] >= int(level):
            stack.pop()
        stack[-1][1].append(token)
        stack.append((int(level), token["children"]))  # type: ignore[arg-type]
    return root


def check_links(pages: dict[str, str], known: set[str]) -> list[str]:
    """The links of ``pages`` (page -> its generated source) that name no page of ``known`` (the
    site's pages, under docs/): one line each. mkdocs made this check of .md links. The links an
    author wrote in a document (shown as written, in ``DOCUMENT``) are theirs, not checked."""
    urls = {page_url(name) for name in known}
    broken = []
    for name, text in pages.items():
        here = page_url(name)
        for target, _ in _LINK.findall(text.split(MARKER, 1)[-1].split(DOCUMENT, 1)[0]):
            if _resolve(here, target) not in urls:
                broken.append(f"{name}: the link to {target or './'} names no page of the site")
    return broken


@functools.lru_cache(maxsize=65536)
def _resolve(here: str, target: str) -> str:
    joined = posixpath.normpath(posixpath.join(here or ".", target))
    return "" if joined == "." else joined.rstrip("/") + "/"
