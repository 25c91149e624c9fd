"""Escaping document text into the generated pages, and links between those pages.

Text read from documents is data: in a generated page it must read as the same characters, never
as HTML. ``esc()`` makes element text of it (one line, ``<script>`` becomes ``&lt;script&gt;``),
``attr()`` an attribute value.
"""

from __future__ import annotations

import functools
import html
import re

_SPACE = re.compile(r"\s+")
# Control characters never pass (Python-Markdown used \x02 and \x03 as placeholder marks, and
# mkdocs' title and search handling would keep them).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def esc(text: str) -> str:
    """``text`` as HTML element text that shows exactly these characters, on one line."""
    return html.escape(_SPACE.sub(" ", _CONTROL.sub(" ", text)).strip(), quote=False)


def attr(text: str) -> str:
    """``text`` for an HTML attribute value or element body."""
    return html.escape(text, quote=True)


def page_url(page: str) -> str:
    """The URL path of a page file under mkdocs' ``use_directory_urls`` (``a/b.md`` -> ``a/b/``)."""
    stem = page[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return stem + "/"


def href(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative URL from one page to another (``a/b.md`` is served at ``a/b/``)."""
    return _relative(from_page, to_page) + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=65536)  # pure, and called ~250 times per feature
def _relative(from_page: str, to_page: str) -> str:
    # posixpath.relpath, without its two getcwd() calls (it made links a tenth of a page's time):
    # page URLs are relative, normalized paths.
    source = [part for part in page_url(from_page).split("/") if part]
    target = [part for part in page_url(to_page).split("/") if part]
    common = 0
    while common < min(len(source), len(target)) and source[common] == target[common]:
        common += 1
    parts = [".."] * (len(source) - common) + target[common:]
    return "/".join(parts) + "/" if parts else "./"


def slug(name: str) -> str:
    """A file-name-safe form of a feature's path under the specs root."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned or "feature"
