"""The original documents as site pages, rendered by markdown-it-py with line anchors.

Why not hand the documents to mkdocs' own Markdown? Two reasons. Raw HTML in a document would reach
the site as HTML (a ``<script>`` in a task would run); here it is shown as text, and HTML comments
(Spec Kit's ``<!-- ACTION REQUIRED -->`` notes) are left out as the author's hidden notes. And each
block gets an ``id="L<line>"`` from markdown-it's source map, so diagnostics can link to the line.
Checkboxes stay as written (``[x]``): the tasklists plugin emits them as inline HTML, which this
renderer shows as text.

Mermaid blocks that authors wrote are passed through as ``<pre class="mermaid">``, the element that
mkdocs-material renders (the same markup pymdownx.superfences' mermaid fence produces).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from speckit.parse.blocks import MAX_DEPTH

# Block tokens that start a readable unit; the first one on a line gets that line's anchor.
_ANCHORED = {
    "heading_open", "paragraph_open", "list_item_open", "bullet_list_open", "ordered_list_open",
    "blockquote_open", "table_open", "tr_open", "fence", "code_block", "hr",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    lines: Sequence[int]
    """the lines that have an anchor, ascending"""

    def anchor(self, line: int) -> str:
        """The anchor of the block that holds ``line`` (the nearest anchored line at or before it)."""
        index = bisect.bisect_right(self.lines, line) - 1
        return f"L{self.lines[max(index, 0)]}" if self.lines else ""


_parser: Any = None


def parser() -> Any:
    """The markdown-it parser of the document pages, made once per process."""
    global _parser
    if _parser is None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.front_matter import front_matter_plugin

        made = (
            # The parser's nesting budget: deep content is shown, as the parser reads it.
            MarkdownIt("commonmark", {"html": True, "linkify": False, "maxNesting": MAX_DEPTH * 2 + 8})
            .enable(["table", "strikethrough"])
            .use(front_matter_plugin)
        )
        made.add_render_rule("fence", _fence)
        made.add_render_rule("html_block", _html_block)
        made.add_render_rule("html_inline", _html_inline)
        made.add_render_rule("front_matter", _front_matter)
        _parser = made
    return _parser


def render(text: str, blocks: tuple[list[Any], dict[str, Any]] | None = None) -> Rendered:
    """``text`` as HTML with line anchors. ``blocks``: the block tokens speckit's parser made of
    this very text, with its env (``speckit.parse.blocks.keeping_tokens``); only the inline stage
    then runs on them, each once (it fills the tokens in)."""
    markdown = parser()
    if blocks is None:
        tokens = markdown.parse(text)
    else:
        from markdown_it.rules_core import StateCore

        state = StateCore(text, markdown, blocks[1], blocks[0])
        for rule in markdown.core.ruler.getRules(""):
            if rule.__name__ not in ("normalize", "block"):  # done by the parser, with the same rules
                rule(state)
        tokens = state.tokens
    seen: set[int] = set()
    for token in tokens:
        if token.type in _ANCHORED and token.map and token.nesting >= 0:
            line = token.map[0] + 1
            if line not in seen:
                seen.add(line)
                token.attrSet("id", f"L{line}")
    body = markdown.renderer.render(tokens, markdown.options, {})
    # The site's hook hands the page to mkdocs as HTML; without the hook, Python-Markdown would read
    # it as one raw HTML block, after pymdownx.superfences scanned the source for ``` fences: so no
    # backtick may remain in the text either way.
    return Rendered(body.replace("`", "&#96;"), sorted(seen))


def _id(token: Any) -> str:
    value = token.attrGet("id")
    return f' id="{value}"' if value else ""


def _fence(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    content = html.escape(token.content)
    if language == "mermaid":
        safe = html.escape(offline_mermaid(token.content))
        return f'<pre class="mermaid"{_id(token)}><code>{safe}</code></pre>\n'
    css = f' class="language-{html.escape(language)}"' if language else ""
    return f"<pre{_id(token)}><code{css}>{content}</code></pre>\n"


# What a diagram an author wrote may not do on a site that promises no request leaves the host.
# Mermaid runs with securityLevel "strict" (assets/mermaid-config.js), but strict still lets
# DOMPurify keep an <img src=https://...> in a label, keeps `click A "https://..."` links, and lets a
# %%{init}%% directive or front matter set themeCSS (CSS can @import a URL). So the source is made
# safe first: tags other than <br> (and class annotations such as <<interface>>) become the entity
# #lt;, which Mermaid shows as "<"; interaction lines (click, link, links, call, href) and config
# (directives, front matter) are dropped as %% comments; ":" before "//", the second "/" of "//" and
# every "\\" become entities, so a URL can only ever be text (where Mermaid decodes entities) or a
# relative, same-host address; CSS functions (url(), image-set()) in style lines become "none"; and
# image shapes (A@{ img: ... }) lose their key, so the diagram fails to draw instead of fetching.
# Every pattern here runs in linear time (a function name is matched only from its first letter).
_MERMAID_TAG = re.compile(r"<br\s*/?>|<<[A-Za-z][\w ]*>>|<(?=[A-Za-z/!?])", re.IGNORECASE)
_MERMAID_ACTION = re.compile(r"^(\s*)(?:click|links?|call|href)\b", re.IGNORECASE)
_MERMAID_STYLE = re.compile(r"^\s*(?:style|classDef|linkStyle)\b", re.IGNORECASE)
_CSS_FUNCTION = re.compile(r"(?<![\w-])[\w-]+\s*\([^)]*\)?")
_MERMAID_IMAGE = re.compile(r"\b(img|image)(\s*:)", re.IGNORECASE)


def _drop_directives(source: str) -> str:
    """``%%{ ... }%%`` directives (they may span lines) replaced by a comment, in one pass."""
    out, start = [], 0
    while (begin := source.find("%%{", start)) != -1:
        end = source.find("}%%", begin + 3)
        if end == -1:
            break
        out += [source[start:begin], "%% (a directive, dropped by speckit)"]
        start = end + 3
    out.append(source[start:])
    return "".join(out)


def offline_mermaid(source: str) -> str:
    """An author's Mermaid source that cannot fetch, link or inject HTML (see above)."""
    lines = _drop_directives(source).split("\n")
    if lines and lines[0].strip() == "---":  # front matter: a title is kept, config is not
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            titles = [line.strip() for line in lines[1:end] if line.startswith("title:")]
            lines = (["---", titles[0], "---"] if titles else []) + lines[end + 1:]
    out = []
    for line in lines:
        if _MERMAID_ACTION.match(line):
            out.append(_MERMAID_ACTION.match(line).group(1) + "%% (an interaction, dropped by speckit)")  # type: ignore[union-attr]
            continue
        if _MERMAID_STYLE.match(line):
            # CSS fetches through url(), image-set() and friends; entities do not parse here.
            out.append(_CSS_FUNCTION.sub("none", line).replace("//", "/ /").replace("\\", " "))
            continue
        line = _MERMAID_TAG.sub(lambda m: m.group(0) if m.group(0) != "<" else "#lt;", line)
        line = _MERMAID_IMAGE.sub(lambda m: f"no-{m.group(1)}{m.group(2)}", line)
        # "https:/host" and "\\\\host" are absolute too in a browser: no "//" or "\\" survives either.
        out.append(line.replace("://", "#58;//").replace("//", "/#47;").replace("\\", "#92;"))
    return "\n".join(out)


def _html_block(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if token.content.lstrip().startswith("<!--"):
        return ""
    return f'<pre class="speckit-html"{_id(token)}><code>{html.escape(token.content)}</code></pre>\n'


def _html_inline(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    content = tokens[idx].content
    return "" if content.startswith("<!--") else html.escape(content)


def _front_matter(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    return f'<pre class="speckit-front-matter"><code>{html.escape(tokens[idx].content)}</code></pre>\n'
