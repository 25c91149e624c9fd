"""Markdown text -> a small block tree with 1-based line spans.

markdown-it-py does the Markdown; this module only folds its flat token stream into blocks and
sections. Inline parsing is switched off: extractors read the raw inline source (``**T001**``,
``[P]``) and the inline pass would cost more than the rest of speckit together.

markdown-it-py stops descending at ``maxNesting`` and silently drops what lies deeper (and, for a
block quote, what follows inside it). Rather than raise the limit (its block parser recurses, so
2,000 nested quotes would overflow Python's stack), :func:`flatten_deep_lines` strips container
prefixes past a depth budget before parsing, so deep content is still read (as if written at the
budget's depth), and reports where it did so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_DEPTH = 48
"""Nesting budget (lists + quotes). Real documents stay under 6; markdown-it allows MAX_DEPTH * 2 + 8
token levels (each list item costs two), which stays far from Python's recursion limit."""

CHECKBOX = re.compile(r"^\[([ xX~!])\][ \t]+|^\[([ xX~!])\]$")  # "[!]": a task marked blocked
HEADING_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?\s+(?=\S)")
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)

_md: MarkdownIt | None = None
_KEPT: ContextVar[dict[str, tuple[list[Any], dict[str, Any]]] | None] = ContextVar("speckit_kept_tokens",
                                                                                   default=None)


@contextmanager
def keeping_tokens() -> Iterator[dict[str, tuple[list[Any], dict[str, Any]]]]:
    """Inside the block, the block tokens of each text parsed are kept (text -> tokens and the
    parse's env), so that the site's page renderer runs only markdown-it's inline stage on them
    instead of parsing again."""
    kept: dict[str, tuple[list[Any], dict[str, Any]]] = {}
    token = _KEPT.set(kept)
    try:
        yield kept
    finally:
        _KEPT.reset(token)


def markdown() -> MarkdownIt:
    global _md
    if _md is None:
        from mdit_py_plugins.front_matter import front_matter_plugin

        md = MarkdownIt("commonmark", {"maxNesting": MAX_DEPTH * 2 + 8}).enable("table")
        md.use(front_matter_plugin)
        md.disable(["inline", "text_join"])
        _md = md
    return _md


@dataclass(slots=True)
class Block:
    line: int
    end_line: int


@dataclass(slots=True)
class Para(Block):
    text: str


@dataclass(slots=True)
class Code(Block):
    info: str
    text: str

    @property
    def language(self) -> str:
        return self.info.split(maxsplit=1)[0].lower() if self.info.strip() else ""


@dataclass(slots=True)
class Html(Block):
    text: str


@dataclass(slots=True)
class Rule(Block):
    pass


@dataclass(slots=True)
class TableBlock(Block):
    headers: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass(slots=True)
class Item(Block):
    """A list item. ``text`` is the raw source of its first paragraph, checkbox removed."""

    text: str | None
    checkbox: str | None
    number: int | None
    blocks: list[Block] = field(default_factory=list)
    text_line: int = 0
    """Line where ``text`` starts: later than ``line`` when the first line holds only a checkbox."""


@dataclass(slots=True)
class ListBlock(Block):
    ordered: bool
    items: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class Quote(Block):
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class FrontMatter(Block):
    text: str


@dataclass(slots=True)
class Section:
    level: int
    title: str
    number: str | None
    line: int
    end_line: int
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return slugify(self.title if self.number is None else f"{self.number} {self.title}")

    def walk(self) -> list[Section]:
        """This section and all below it, in document order (iterative: no recursion limit)."""
        out: list[Section] = []
        stack = [self]
        while stack:
            section = stack.pop()
            out.append(section)
            stack.extend(reversed(section.children))
        return out


@dataclass(slots=True)
class Parsed:
    root: Section
    lines: list[str]
    code_lines: set[int]
    """1-based lines inside fenced or indented code: never tasks, never markers."""
    comment_lines: set[int]
    """1-based lines inside HTML comments (``<!-- ... -->``): examples, never tasks."""
    flattened: list[tuple[int, int]]
    """(first, last) line ranges whose nesting went past MAX_DEPTH and was flattened."""
    front_matter: str | None = None

    def sections(self) -> list[Section]:
        return self.root.walk()


def slugify(text: str) -> str:
    """Heading anchor as MkDocs writes it: lower case, punctuation dropped, each run of spaces and
    hyphens one hyphen ("E3 — Full Check" -> "e3-full-check", not "e3--full-check")."""
    text = re.sub(r"[^\w\- ]", "", text.lower(), flags=re.UNICODE)
    return re.sub(r"[\s-]+", "-", text.strip()).strip("-")


def normalize(text: str) -> str:
    """Line ends to LF (CRLF and lone CR both occur in pasted files); NUL to U+FFFD like markdown-it."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return text


_FENCE = re.compile(r"^([ \t>]*)(`{3,}|~{3,})")
_PREFIX = re.compile(r"[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])?")
_LAST_MARKER = re.compile(r"(?:^|[ \t>])([-*+]|\d{1,9}[.)])[ \t]+$")


def flatten_deep_lines(lines: list[str]) -> list[tuple[int, int]]:
    """Cut container prefixes deeper than MAX_DEPTH, in place; return the line ranges affected.

    Depth is estimated from the line's prefix: each ``>`` and each list marker counts one, and so
    does each two columns of indentation. Only pathological input gets near the budget.
    """
    ranges: list[tuple[int, int]] = []
    budget_cols = MAX_DEPTH * 2
    fence: str | None = None  # inside a shallow fence, lines are literal text: deep indentation is art
    for index, line in enumerate(lines):
        opener = _FENCE.match(line)
        if opener and (fence is None or opener.group(2).startswith(fence)):
            fence = None if fence is not None else opener.group(2)[:3]
            if fence is not None and len(opener.group(1)) > budget_cols:
                fence = None  # a fence deep in containers is itself flattened below
            else:
                continue
        if fence is not None:
            continue
        if len(line) < budget_cols and line.count(">") < MAX_DEPTH:
            continue
        depth = 0
        pos = 0
        cut = None
        while pos < len(line) and depth <= MAX_DEPTH:
            match = _PREFIX.match(line, pos)
            if match is None or match.end() == pos:
                break
            chunk = match.group(0)
            indent = len(chunk) - len(chunk.lstrip(" \t"))
            depth += indent // 2 + (1 if chunk.strip() else 0)
            pos = match.end()
            if depth > MAX_DEPTH and cut is None:
                cut = pos
        if cut is None:
            continue
        rest = line[cut:]
        while True:
            match = _PREFIX.match(rest)
            if match is None or match.end() == 0:
                break
            rest = rest[match.end() :]
        # Keep the innermost list marker: a deep "- [ ] T003" must still read as a task item.
        marker = _LAST_MARKER.search(line, 0, len(line) - len(rest))
        lines[index] = marker.group(1) + " " + rest if marker else rest
        if ranges and ranges[-1][1] == index:
            ranges[-1] = (ranges[-1][0], index + 1)
        else:
            ranges.append((index + 1, index + 1))
    return ranges


def parse(text: str) -> Parsed:
    """Parse Markdown text into sections and blocks. Never raises on content."""
    lines = normalize(text).split("\n")
    flattened = flatten_deep_lines(lines)
    env: dict[str, Any] = {}
    tokens = markdown().parse("\n".join(lines), env)
    kept = _KEPT.get()
    if kept is not None and not flattened:  # the tokens are those of ``text`` as written
        kept[text] = (tokens, env)  # env: the link reference definitions ([g]: https://...)
    root = Section(level=0, title="", number=None, line=1, end_line=len(lines))
    code_lines: set[int] = set()
    front: str | None = None
    blocks = _fold(tokens, code_lines)
    stack = [root]
    for block in blocks:
        if isinstance(block, _Heading):
            while stack[-1].level >= block.level:
                stack[-1].end_line = _last_content_line(lines, block.line - 1, stack[-1].line)
                stack.pop()
            number = None
            title = block.text
            match = HEADING_NUMBER.match(title)
            if match and block.level > 1:
                number, title = match.group(1), title[match.end() :]
            section = Section(block.level, title.strip(), number, block.line, len(lines))
            stack[-1].children.append(section)
            stack.append(section)
        elif isinstance(block, FrontMatter):
            front = block.text
        else:
            stack[-1].blocks.append(block)
    for section in stack:
        section.end_line = _last_content_line(lines, section.end_line, section.line)
    return Parsed(root, lines, code_lines, _comment_lines(lines, code_lines), flattened, front)


def _comment_lines(lines: list[str], code_lines: set[int]) -> set[int]:
    out: set[int] = set()
    open_at: int | None = None
    for number, line in enumerate(lines, start=1):
        if number in code_lines:
            continue
        pos = 0
        while True:
            if open_at is None:
                start = line.find("<!--", pos)
                if start < 0:
                    break
                open_at = number
                if not line[:start].strip():
                    out.add(number)
                pos = start + 4
            end = line.find("-->", pos)
            if end < 0:
                if open_at != number:
                    out.add(number)
                break
            if open_at != number:
                out.add(number)
            open_at = None
            pos = end + 3
    return out


def _last_content_line(lines: list[str], end: int, start: int) -> int:
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


@dataclass(slots=True)
class _Heading(Block):
    level: int
    text: str


def _span(token: Token) -> tuple[int, int]:
    if token.map:
        return token.map[0] + 1, max(token.map[1], token.map[0] + 1)
    return 1, 1


def _fold(tokens: list[Token], code_lines: set[int]) -> list[Block]:
    """Fold the flat token stream into nested blocks with an explicit stack (no recursion)."""
    top: list[Block] = []
    # Each frame: (container block or None for the top level, the list its children go to).
    containers: list[tuple[Block | None, list[Block]]] = [(None, top)]
    pending_heading: _Heading | None = None
    table: TableBlock | None = None
    row: list[str] | None = None
    row_line = 0
    in_head = False
    for token in tokens:
        kind = token.type
        target = containers[-1][1]
        if kind == "inline":
            content = token.content
            if pending_heading is not None:
                pending_heading.text = _clean_heading(content)
            elif row is not None:
                row.append(content.strip())
            else:
                owner = containers[-1][0]
                if isinstance(owner, Item) and owner.text is None and not owner.blocks:
                    _set_item_text(owner, content, _span(token)[0])
                else:
                    line, end = _span(token)
                    target.append(Para(line, end, content))
        elif kind == "heading_open":
            line, end = _span(token)
            pending_heading = _Heading(line, end, int(token.tag[1]), "")
        elif kind == "heading_close":
            if pending_heading is not None:
                target.append(pending_heading)
            pending_heading = None
        elif kind in ("bullet_list_open", "ordered_list_open"):
            line, end = _span(token)
            block = ListBlock(line, end, kind == "ordered_list_open")
            target.append(block)
            containers.append((block, []))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            containers.pop()
        elif kind == "list_item_open":
            line, end = _span(token)
            number = int(token.info) if token.info.isdigit() else None
            item = Item(line, end, None, None, number)
            owner = containers[-1][0]
            if isinstance(owner, ListBlock):
                owner.items.append(item)
            containers.append((item, item.blocks))
        elif kind == "list_item_close":
            item_frame = containers.pop()[0]
            if isinstance(item_frame, Item) and item_frame.text is None:
                item_frame.text = ""
        elif kind == "blockquote_open":
            line, end = _span(token)
            quote = Quote(line, end)
            target.append(quote)
            containers.append((quote, quote.blocks))
        elif kind == "blockquote_close":
            containers.pop()
        elif kind in ("fence", "code_block"):
            line, end = _span(token)
            code_lines.update(range(line, end + 1))
            target.append(Code(line, end, token.info.strip() if kind == "fence" else "", token.content))
        elif kind == "html_block":
            line, end = _span(token)
            target.append(Html(line, end, token.content))
        elif kind == "hr":
            line, end = _span(token)
            target.append(Rule(line, end))
        elif kind == "table_open":
            line, end = _span(token)
            table = TableBlock(line, end, [], [])
            target.append(table)
        elif kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row = []
            row_line = _span(token)[0]
        elif kind == "tr_close":
            if table is not None and row is not None:
                if in_head:
                    table.headers = row
                elif any(row):  # a row of empty cells holds nothing (a rendered copy's stray "|")
                    table.rows.append((row_line, row))
            row = None
        elif kind == "table_close":
            table = None
        elif kind == "front_matter":
            line, end = _span(token)
            target.append(FrontMatter(line, end, token.content))
    return top


def _set_item_text(item: Item, content: str, line: int) -> None:
    match = CHECKBOX.match(content)
    if match:
        item.checkbox = match.group(1) or match.group(2)
        content = content[match.end() :]
        # "- [ ]" alone on its line, the text continuing below: the text starts on a later line.
        rest = content.lstrip(" \t\n")
        line += content[: len(content) - len(rest)].count("\n")
        content = rest
    item.text = content
    item.text_line = line


def _clean_heading(text: str) -> str:
    """Heading text without emphasis markers, trailing ``#`` or an anchor-link remnant."""
    text = text.strip().rstrip("#").strip()
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    return text.strip()


def strip_comments(text: str) -> str:
    """Remove inline HTML comments: text inside them is never content."""
    if "<!--" not in text:
        return text
    return HTML_COMMENT.sub("", text)


def walk(blocks: list[Block], enter: Callable[[Item | Quote], bool] | None = None) -> Iterator[tuple[Block, int]]:
    """Every block under ``blocks`` in document order, with how many list items hold it (0: not in
    a list item), descending into lists, their items and quotes; into an item or a quote only when
    ``enter`` (if given) says so. Iterative: a deep tree cannot hit the recursion limit.

    The one walk of the block tree: the extractors ask it for items, paragraphs and tables."""
    stack: list[tuple[Block, int]] = [(block, 0) for block in reversed(blocks)]
    pop, push = stack.pop, stack.extend
    while stack:
        block, depth = pop()
        yield block, depth
        if isinstance(block, ListBlock):
            push((item, depth) for item in reversed(block.items))
        elif isinstance(block, Item):
            if enter is None or enter(block):
                push((child, depth + 1) for child in reversed(block.blocks))
        elif isinstance(block, Quote):
            if enter is None or enter(block):
                push((child, depth) for child in reversed(block.blocks))


def blocks_text(blocks: list[Block]) -> list[tuple[int, str]]:
    """Every paragraph and list-item text under these blocks, with its line, in order."""
    return [(block.line, block.text) if isinstance(block, Para) else (block.line, block.text or "")
            for block, _ in walk(blocks) if isinstance(block, (Para, Item))]
