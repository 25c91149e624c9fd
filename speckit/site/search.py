"""The search-index entries of a generated page, as Material's search plugin makes them, in a
fifth of the time.

Material's plugin divides a page's HTML into sections with ``html.parser.HTMLParser`` and keeps a
few tags of each section's text; on a 200-feature site that took a fifth of the time to compute
the features' pages. The pages speckit writes are a narrow kind of HTML: every ``<`` opens or
closes a tag (document text is always escaped), attribute values are quoted, and there are no
comments, scripts, styles or elements excluded from search. On that kind of HTML,
:func:`sections` follows the plugin's own parser (``material.plugins.search.plugin.Parser``) event
for event, with a regular expression in place of HTMLParser and without the plugin's checks for
what cannot occur; anything else (an unexpected ``<``, a comment, a ``<script>``,
``data-search-exclude``) goes to the plugin's parser itself. The entries are then made by the
plugin's own ``SearchIndex.create_entry_for_section``, so titles, anchors and Chinese segmentation
are the plugin's. Tests compare the result with the plugin's on every page of the bundled examples
and of a generated corpus.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

_TAG = re.compile(r"<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)([^<>]*)>")
_ATTR = re.compile(r"""\s+([^\s/>="']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?""")
_ELSEWHERE = re.compile(r"<[!?]|<(?:script|style|object)\b|data-search-exclude|linenodiv", re.IGNORECASE)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


class _Unusual(Exception):
    """The HTML is not of the kind :func:`sections` reads: the plugin's own parser reads it."""


def sections(html: str) -> list[Any]:
    """The sections of ``html``, as ``material.plugins.search.plugin.Parser`` makes them."""
    from material.plugins.search.plugin import Parser  # type: ignore[import-untyped]

    if not _ELSEWHERE.search(html):
        try:
            return _Sections().read(html)
        except _Unusual:
            pass
    parser = Parser()
    parser.feed(html)
    parser.close()
    return list(parser.data)


class _Sections:
    """Material's ``Parser``, event for event, on the HTML speckit writes (see the module's
    docstring): its skip list never holds an open element here, so its checks of it are left out,
    and what it finds by scanning the open elements is counted as they open and close."""

    def __init__(self) -> None:
        from material.plugins.search.plugin import Element, Section  # type: ignore[import-untyped]

        self._element, self._section = Element, Section
        self.context: list[tuple[str, bool]] = []
        """the open elements: (tag, whether it is a heading's permalink)"""
        self.open: dict[str, int] = {}
        """tag -> how many elements of it are open"""
        self.links = 0
        """open permalinks (``<a class="headerlink">``), whose text is not in a title"""
        self.section: Any = None
        self.data: list[Any] = []

    def read(self, html: str) -> list[Any]:
        at = 0
        for match in _TAG.finditer(html):
            if match.start() > at:
                raw = html[at:match.start()]
                if "<" in raw:
                    raise _Unusual  # a "<" that opens no tag: HTMLParser's rules for it are not followed here
                self._data(unescape(raw) if "&" in raw else raw)
            at = match.end()
            slash, tag, rest = match.groups()
            tag = tag.lower()
            if slash:
                if rest and not rest.isspace():
                    raise _Unusual
                self._end(tag)
                continue
            attrs: dict[str, str | None] = {}
            closed = False
            if rest:
                rest = rest.rstrip()
                if rest.endswith("/"):
                    closed, rest = True, rest[:-1].rstrip()
                end = 0
                for found in _ATTR.finditer(rest):
                    if found.start() != end:
                        raise _Unusual
                    end = found.end()
                    value = found.group(2) if found.group(2) is not None else found.group(3)
                    attrs[found.group(1).lower()] = None if value is None else unescape(value)
                if end != len(rest):
                    raise _Unusual
            self._start(tag, attrs)
            if closed:
                self._end(tag)
        if at < len(html):
            raw = html[at:]
            if "<" in raw:
                raise _Unusual
            self._data(unescape(raw))
        return self.data

    def _in_title(self) -> bool:
        return self.open.get(self.section.el.tag, 0) > 0

    def _start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        link = tag == "a" and attrs.get("class") == "headerlink"
        self.context.append((tag, link))
        self.open[tag] = self.open.get(tag, 0) + 1
        self.links += link
        if tag in _HEADINGS:
            depth = len(self.context)
            if "id" in attrs:
                if tag != "h1" and not self.data:
                    self.section = self._section(self._element("hx"), depth)
                    self.data.append(self.section)
                self.section = self._section(self._element(tag, attrs), depth)
                if self.data:
                    self.section.id = attrs["id"]
                self.data.append(self.section)
        if not self.section:
            self.section = self._section(self._element("hx"))
            self.data.append(self.section)
        if tag in _KEEP:
            (self.section.title if self._in_title() else self.section.text).append(f"<{tag}>")

    def _end(self, tag: str) -> None:
        if not self.context or self.context[-1][0] != tag:
            return
        if self.section.depth > len(self.context):
            for section in reversed(self.data):
                if section.depth <= len(self.context):
                    self.section.depth = float("inf")
                    self.section = section
                    break
        _, link = self.context.pop()
        self.open[tag] -= 1
        self.links -= link
        if tag in _KEEP:
            data = self.section.title if self._in_title() else self.section.text
            index = data.index(f"<{tag}>")
            for i in range(index + 1, len(data)):
                if not data[i].isspace():
                    index = len(data)
                    break
            if len(data) > index:
                while len(data) > index:
                    data.pop()
            else:
                data.append(f"</{tag}>")

    def _data(self, data: str) -> None:
        pre = self.open.get("pre", 0) > 0
        if not pre:
            data = data.replace("\n", " ") if not data.isspace() else " "
        if not self.section:
            self.section = self._section(self._element("hx"))
            self.data.append(self.section)
        if self._in_title():
            if not self.links:
                self.section.title.append(escape(data, quote=False))
        elif data.isspace():
            if not self.section.text or not self.section.text[-1].isspace():
                self.section.text.append(data)
            elif pre:
                self.section.text.append(data)
        else:
            self.section.text.append(escape(data, quote=False))
