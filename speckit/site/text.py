"""Escaping document text into the generated Markdown pages, and links between those pages.

Text read from documents is data: in a generated page it must read as the same characters, never
as Markdown syntax or HTML. ``md()`` escapes HTML first (``<script>`` becomes ``&lt;script&gt;``)
and then every character Python-Markdown gives a meaning to.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re

# Python-Markdown's escapable characters, plus "|" (the tables extension); "~" is not one here.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_SPACE = re.compile(r"\s+")
# Python-Markdown uses \x02 and \x03 as its own placeholder marks: control characters never pass.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def md(text: str) -> str:
    """``text`` as inline Markdown that renders as exactly these characters, on one line."""
    return _MARKDOWN.sub(r"\\\1", html.escape(_SPACE.sub(" ", _CONTROL.sub(" ", text)).strip(), quote=False))


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
    """A relative link from one page to another, for raw HTML (mkdocs does not rewrite those)."""
    source = page_url(from_page) or "."
    target = page_url(to_page) or "."
    relative = posixpath.relpath(target, source.rstrip("/") or ".")
    relative = "./" if relative == "." else relative + "/"
    return relative + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=65536)  # pure, and called ~300 times per feature (a third of it in relpath)
def md_link(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative ``.md`` link for Markdown (mkdocs checks these and rewrites them)."""
    relative = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return relative + (f"#{anchor}" if anchor else "")


def slug(name: str) -> str:
    """A file-name-safe form of a feature's path under the specs root."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned or "feature"
